//! End to end: `onestop staff dossier` against a running `onestop up` takes a dossier of
//! the demo centre from the counter to the citizen — create with every component,
//! receive, print the receipt (form 01), forward, assign, review, sign, mark ready,
//! return — and exports the day's figures as CSV.

mod common;

use chrono::{Days, FixedOffset, Utc};
use common::*;

/// Runs `onestop staff …` expecting a failure; returns stderr.
fn staff_fails(suite: &Suite, args: &[&str]) -> String {
    let out = onestop(suite.dir.path())
        .arg("staff")
        .args(args)
        .env("ONESTOP_PORTS__CATALOGUE", suite.catalogue.to_string())
        .env("ONESTOP_PORTS__DOSSIER", suite.dossier.to_string())
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "onestop staff {args:?} should fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// The first word of a change's summary: the code once received, the `hs_…` id before.
fn first_word(summary: &str) -> String {
    summary.split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn a_dossier_goes_from_the_counter_to_the_citizen() {
    let suite = start().await;
    suite.wait_for_dossier_centre().await;
    let lan = |args: &[&str]| {
        let mut all = vec!["--as", "lan", "dossier"];
        all.extend_from_slice(args);
        suite.staff(&all)
    };

    // bad input names the field
    let err = staff_fails(
        &suite,
        &[
            "--as",
            "lan",
            "dossier",
            "create",
            "1.001193",
            "--name",
            "Lò Văn Páo",
            "--citizen-id",
            "12345",
            "--address",
            "Bản Sại",
        ],
    );
    assert!(err.contains("applicant.citizen_id"), "{err}");

    let created = lan(&[
        "create",
        "1.001193",
        "--name",
        "Lò Văn Páo",
        "--citizen-id",
        "014090001234",
        "--phone",
        "0912345678",
        "--address",
        "Bản Sại, xã Mường Sại",
        "--all-components",
    ]);
    assert!(created.contains("trạng thái 1 "), "{created}");
    assert!(
        !created.contains("thiếu"),
        "every component given: {created}"
    );
    let id = first_word(&created);
    assert!(id.starts_with("hs_"), "{created}");

    let received = lan(&["receive", &id]);
    assert!(
        received.contains("trạng thái 2 Đã tiếp nhận / received"),
        "{received}"
    );
    let code = first_word(&received);
    assert!(code.starts_with("000.34.25.H57-"), "{received}");
    // the citizen's key, printed once beside the code: "CODE  mã bảo mật / key K…  …"
    let key = received
        .split("mã bảo mật / key ")
        .nth(1)
        .expect("the key beside the code")
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(key.len(), 10, "{received}");
    // "… · hẹn trả HH:MM dd/mm/yyyy"
    let due = received
        .split("hẹn trả ")
        .nth(1)
        .expect("an appointment")
        .split(" · ")
        .next()
        .unwrap()
        .trim()
        .to_string();
    let (due_time, due_date) = due.split_once(' ').expect("HH:MM dd/mm/yyyy");

    let out_dir = tempfile::tempdir().unwrap();
    let form_path = out_dir.path().join("mau-01.html");
    let printed = lan(&["form", &code, "1", "--out", form_path.to_str().unwrap()]);
    assert_eq!(printed.trim(), form_path.to_str().unwrap());
    let html = std::fs::read_to_string(&form_path).unwrap();
    assert!(html.contains(&code), "form 01 shows the code");
    assert!(!html.contains(&key), "a reprint without --key shows no key");
    let keyed_path = out_dir.path().join("mau-01-key.html");
    lan(&[
        "form",
        &code,
        "receipt",
        "--key",
        &key,
        "--out",
        keyed_path.to_str().unwrap(),
    ]);
    let keyed = std::fs::read_to_string(&keyed_path).unwrap();
    assert!(
        keyed.contains(&key) && keyed.contains(&format!("/d/{code}?k={key}")),
        "form 01 prints the key beside the code and in its QR link"
    );
    assert!(
        html.contains(due_date) && html.contains(due_time),
        "form 01 shows the appointment {due}"
    );

    let forwarded = lan(&["forward", &code, "--department", "Tư pháp – Hộ tịch"]);
    assert!(forwarded.contains("trạng thái 4 "), "{forwarded}");

    // a receptionist may not assign; the refusal says who may
    let err = staff_fails(
        &suite,
        &["--as", "lan", "dossier", "assign", &code, "--to", "hoa"],
    );
    assert!(err.contains("leader"), "{err}");
    let assigned = suite.staff(&[
        "--as", "minh", "--role", "leader", "dossier", "assign", &code, "--to", "hoa",
    ]);
    assert!(assigned.contains("giao / assigned hoa"), "{assigned}");
    let reviewed = suite.staff(&[
        "--as",
        "hoa",
        "--role",
        "specialist",
        "dossier",
        "review",
        &code,
        "approve",
        "--note",
        "đủ điều kiện",
    ]);
    assert!(reviewed.contains("trạng thái 4 "), "{reviewed}");
    suite.staff(&["--as", "minh", "--role", "leader", "dossier", "sign", &code]);
    let ready = lan(&["ready", &code]);
    assert!(ready.contains("trạng thái 9 "), "{ready}");
    let returned = lan(&["return", &code]);
    assert!(returned.contains("trạng thái 10 "), "{returned}");

    let shown = lan(&["show", &code]);
    assert!(
        shown.contains("10 Đã trả kết quả / result returned"),
        "{shown}"
    );
    assert!(
        shown.contains("Lò Văn Páo") && shown.contains(&id),
        "{shown}"
    );
    let history = lan(&["history", &code]);
    for step in [
        "receive",
        "forward",
        "assign",
        "review_approve",
        "sign",
        "return_result",
    ] {
        assert!(history.contains(step), "history has {step}: {history}");
    }
    let listed = lan(&["list", "--status", "10"]);
    assert!(listed.contains(&code), "{listed}");

    // the day's figures, around today in Vietnam's time
    let today = Utc::now()
        .with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap())
        .date_naive();
    let from = (today - Days::new(1)).format("%Y-%m-%d").to_string();
    let to = (today + Days::new(1)).format("%Y-%m-%d").to_string();
    let csv_path = out_dir.path().join("stats.csv");
    let table = lan(&[
        "stats",
        "--from",
        &from,
        "--to",
        &to,
        "--group-by",
        "procedure",
        "--csv",
        csv_path.to_str().unwrap(),
    ]);
    assert!(table.contains("1.001193"), "{table}");
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let received_col = rows[0].iter().position(|h| *h == "received").unwrap();
    let row = |key: &str| {
        rows.iter()
            .find(|r| r[0] == key)
            .unwrap_or_else(|| panic!("a `{key}` row in {csv}"))
    };
    assert_eq!(row("1.001193")[received_col], "1", "{csv}");
    assert_eq!(row("total")[received_col], "1", "{csv}");
}

/// `HH:MM dd/mm/yyyy` of the summary line's "hẹn trả …".
fn appointment(summary: &str) -> chrono::NaiveDateTime {
    let text = summary
        .split("hẹn trả ")
        .nth(1)
        .unwrap_or_else(|| panic!("an appointment in {summary}"))
        .split(" · ")
        .next()
        .unwrap()
        .trim();
    chrono::NaiveDateTime::parse_from_str(text, "%H:%M %d/%m/%Y")
        .unwrap_or_else(|e| panic!("`{text}`: {e}"))
}

#[tokio::test]
async fn a_receipt_printed_after_the_admin_adds_a_holiday_skips_it() {
    let suite = start().await;
    suite.wait_for_dossier_centre().await;
    let lan = |args: &[&str]| {
        let mut all = vec!["--as", "lan", "dossier"];
        all.extend_from_slice(args);
        suite.staff(&all)
    };
    let take = |name: &str| {
        let created = lan(&[
            "create",
            "1.000593",
            "--name",
            name,
            "--citizen-id",
            "014090001234",
            "--address",
            "Bản Sại, xã Mường Sại",
            "--all-components",
        ]);
        lan(&["receive", &first_word(&created)])
    };
    // a 5-working-day procedure received now
    let before = appointment(&take("Lò Văn Páo"));
    // the commune declares that appointment day a local holiday
    let day = before.date().format("%Y-%m-%d").to_string();
    suite.staff(&[
        "--as",
        "admin",
        "--role",
        "admin",
        "dossier",
        "holiday-set",
        "--date",
        &day,
        "--kind",
        "holiday",
        "--name-vi",
        "Lễ hội Xên bản",
        "--name-en",
        "Village festival",
    ]);
    let holidays = lan(&["holidays"]);
    assert!(holidays.contains("Lễ hội Xên bản"), "{holidays}");
    // the next receipt's appointment steps over it, and form 01 prints that date
    let received = take("Quàng Thị Mai");
    let after = appointment(&received);
    assert!(after > before, "{after} after {before}");
    assert_ne!(after.date(), before.date(), "not on the holiday");
    let code = first_word(&received);
    let out_dir = tempfile::tempdir().unwrap();
    let path = out_dir.path().join("receipt.html");
    lan(&["form", &code, "receipt", "--out", path.to_str().unwrap()]);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(
        html.contains(&after.format("%d/%m/%Y").to_string()),
        "receipt shows {after}"
    );
    assert!(
        !html.contains(&before.format("%d/%m/%Y").to_string()),
        "not {before}"
    );
}
