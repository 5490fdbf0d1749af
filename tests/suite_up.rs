//! End to end: `onestop up` on a fresh data folder seeds the demo centre, serves the
//! catalogue over gRPC and the public pages over HTTP, and `onestop token` signs
//! tokens the running server accepts.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use onestop_proto::catalogue::v1 as pb;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;

#[tokio::test]
async fn up_seeds_the_demo_centre_and_serves_pages() {
    let suite = start().await;
    let mut client =
        CatalogueServiceClient::connect(format!("http://127.0.0.1:{}", suite.catalogue))
            .await
            .unwrap();
    let fields = client
        .list_fields(pb::ListFieldsRequest {})
        .await
        .unwrap()
        .into_inner()
        .fields;
    let total: i32 = fields.iter().map(|f| f.procedure_count).sum();
    assert!(total >= 100, "demo centre has {total} procedures");
    assert!(
        fields.len() >= 10,
        "demo centre has {} fields",
        fields.len()
    );
    let hits = client
        .search_procedures(pb::SearchProceduresRequest {
            query: "dang ky khai sinh".into(),
            page_size: 5,
        })
        .await
        .unwrap()
        .into_inner()
        .procedures;
    assert_eq!(hits[0].name, "Thủ tục đăng ký khai sinh");

    let (status, page) = http_get(suite.gateway, "/p/1.001193").await;
    assert_eq!(status, 200);
    assert!(page.contains("Thủ tục đăng ký khai sinh") && page.contains("Thành phần hồ sơ"));
    assert!(page.contains("/p/1.001193/qr.svg"));
    let (status, svg) = http_get(suite.gateway, "/p/1.001193/qr.svg").await;
    assert_eq!(status, 200);
    assert!(svg.contains("image/svg+xml") && svg.contains("<svg"));
    let (status, search) = http_get(suite.gateway, "/?q=chung+thuc+ban+sao").await;
    assert_eq!(status, 200);
    assert!(
        search.contains("Chứng thực bản sao"),
        "search page lists the procedure"
    );
    let (status, missing) = http_get(suite.gateway, "/p/1.999999").await;
    assert_eq!(status, 404);
    assert!(missing.contains("Không tìm thấy"));
}

#[tokio::test]
async fn cli_tokens_are_accepted_and_checked() {
    let suite = start().await;
    let token_for = |role: &str, center: &str| {
        let out = onestop(suite.dir.path())
            .args(["token", "--role", role, "--center", center, "--ttl", "1h"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let token = |role: &str| token_for(role, "muong-sai");
    // a person's token lives at most 12 hours: the CLI refuses more
    let too_long = onestop(suite.dir.path())
        .args(["token", "--role", "admin", "--center", "*", "--ttl", "13h"])
        .output()
        .unwrap();
    assert!(!too_long.status.success());
    assert!(String::from_utf8_lossy(&too_long.stderr).contains("at most 12 hours"));
    let mut client =
        CatalogueServiceClient::connect(format!("http://127.0.0.1:{}", suite.catalogue))
            .await
            .unwrap();
    let retire = |token: String| {
        let mut request = tonic::Request::new(pb::RetireProcedureRequest {
            code: "1.000656".into(),
        });
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        request
    };
    let denied = client
        .retire_procedure(retire(token("kiosk")))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), tonic::Code::PermissionDenied);
    // the catalogue is every centre's: one commune's admin may not retire a procedure
    let commune_admin = client
        .retire_procedure(retire(token("admin")))
        .await
        .unwrap_err();
    assert_eq!(commune_admin.code(), tonic::Code::PermissionDenied);
    let retired = client
        .retire_procedure(retire(token_for("admin", "*")))
        .await
        .unwrap()
        .into_inner();
    assert!(retired.retired);

    let bad = onestop(suite.dir.path())
        .args(["token", "--role", "mayor", "--center", "x"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("role"));
}

#[test]
fn bad_configuration_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = onestop(dir.path())
        .arg("migrate")
        .env("ONESTOP_PUBLIC_BASE_URL", "ftp://nowhere")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("public_base_url"));
}

#[tokio::test]
async fn a_morning_at_four_counters_and_a_screen() {
    let suite = start().await;
    // the screen: the staff client's board, in the background, stops after 22 events
    let screen = onestop(suite.dir.path())
        .args(["staff", "board", "--count", "22"])
        .env("ONESTOP_PORTS__QUEUE", suite.queue.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let staff = [("q1", "lan"), ("q2", "minh"), ("q3", "hoa"), ("q4", "tuan")];
    for (counter, who) in staff {
        let out = suite.staff(&["--as", who, "open", counter]);
        assert!(out.contains("mở"), "{out}");
    }
    // the kiosk page issues through the gateway; the staff client too
    for line in ["ho-tich", "chung-thuc", "dat-dai", "cu-tru"] {
        let out = suite.staff(&["issue", line]);
        assert!(out.contains("đang chờ / waiting"), "{out}");
    }
    let elderly = suite.staff(&["issue", "ho-tich", "--priority", "elderly"]);
    assert!(elderly.starts_with("A002"), "{elderly}");

    let mut called = Vec::new();
    for (counter, who) in staff {
        let out = suite.staff(&["--as", who, "call-next", counter]);
        let number = out
            .split_whitespace()
            .nth(3)
            .unwrap_or_default()
            .to_string();
        called.push(number);
        suite.staff(&["--as", who, "start", counter]);
    }
    // q1 serves civil status first: the elderly citizen has priority over A001
    assert_eq!(
        called,
        ["A002", "B001", "C001", "D001"],
        "calls: {called:?}"
    );
    let finish = suite.staff(&[
        "--as",
        "lan",
        "finish",
        "q1",
        "--dossier",
        "000.00.00.H01-261126-0001",
        "--next",
    ]);
    assert!(finish.contains("gọi tiếp / now calling A001"), "{finish}");
    for (counter, who) in &staff[1..] {
        suite.staff(&["--as", who, "finish", counter]);
    }
    let status = suite.staff(&["status"]);
    assert!(
        status.contains("lan") && status.contains("A001"),
        "{status}"
    );

    let out = screen.wait_with_output().unwrap();
    let board = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{board}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for number in ["A002", "B001", "C001", "D001", "A001"] {
        assert!(
            board.contains(&format!("Mời công dân có số thứ tự {number} đến quầy số")),
            "the screen showed the call of {number}:\n{board}"
        );
    }
    let (status, kiosk) = http_get(suite.gateway, "/kiosk/muong-sai").await;
    assert_eq!(status, 200);
    assert!(kiosk.contains("Hộ tịch, gia đình, nuôi con nuôi"));
    let (status, display) = http_get(suite.gateway, "/display/muong-sai").await;
    assert_eq!(status, 200);
    assert!(display.contains("EventSource"));
}
