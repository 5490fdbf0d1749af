//! How the dossier commands print dossiers, lists and feedback.

use chrono::{DateTime, Utc};
use onestop_proto::dossier::v1 as pb;

use super::parse::vn;

/// A wire timestamp as local "HH:MM dd/mm/yyyy"; empty when unset.
pub(super) fn local(t: &Option<prost_types::Timestamp>) -> String {
    t.as_ref()
        .and_then(|t| DateTime::<Utc>::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .map(|t| onestop_kit::format::clock_date(&t.with_timezone(&vn())))
        .unwrap_or_default()
}

pub(super) use onestop_kit::format::vnd;

pub(super) fn timeliness(t: i32) -> &'static str {
    match pb::Timeliness::try_from(t).unwrap_or_default() {
        pb::Timeliness::Early => "sớm hạn / early",
        pb::Timeliness::OnTime => "đúng hạn / on time",
        pb::Timeliness::Late => "trễ hạn / late",
        pb::Timeliness::Unspecified => "",
    }
}

pub(super) fn review(r: i32) -> &'static str {
    match pb::ReviewOutcome::try_from(r).unwrap_or_default() {
        pb::ReviewOutcome::Approve => "đề nghị giải quyết / approve",
        pb::ReviewOutcome::Refuse => "đề nghị từ chối / refuse",
        pb::ReviewOutcome::SupplementNeeded => "cần bổ sung / supplement needed",
        pb::ReviewOutcome::Unspecified => "chưa có / pending",
    }
}

pub(super) fn channel(c: i32) -> &'static str {
    match pb::Channel::try_from(c).unwrap_or_default() {
        pb::Channel::Counter => "tại quầy / counter",
        pb::Channel::Online => "trực tuyến / online",
        pb::Channel::Assisted => "hỗ trợ trực tuyến / assisted",
        pb::Channel::Postal => "bưu chính / postal",
        pb::Channel::Unspecified => "?",
    }
}

/// Code once received, the `hs_…` id before.
pub(super) fn key(d: &pb::Dossier) -> &str {
    if d.code.is_empty() { &d.id } else { &d.code }
}

/// Whether the dossier is still being worked on.
pub(super) fn open(status: i32) -> bool {
    matches!(status, 1 | 2 | 4 | 5 | 6 | 9)
}

/// The one-line summary printed after every change.
pub(super) fn summary(d: &pb::Dossier) -> String {
    let mut line = format!(
        "{}  trạng thái {} {} / {}",
        key(d),
        d.status,
        d.status_name_vi,
        d.status_name_en
    );
    let due = local(&d.due_at);
    if !due.is_empty() && d.status != 10 {
        line.push_str(&format!(" · hẹn trả {due}"));
    }
    if d.status == 1 {
        let missing = d
            .components
            .iter()
            .filter(|c| c.required && !c.provided)
            .count();
        if missing > 0 {
            line.push_str(&format!(
                " · thiếu {missing} thành phần bắt buộc / {missing} required components missing"
            ));
        }
    }
    if d.status == 4 && !d.assignee.is_empty() {
        line.push_str(&format!(" · giao / assigned {}", d.assignee));
    }
    if d.status == 4 && d.review != pb::ReviewOutcome::Unspecified as i32 {
        line.push_str(&format!(" · thẩm định / review: {}", review(d.review)));
    }
    if d.status == 4 && d.signed {
        line.push_str(" · đã ký / signed");
    }
    if !d.missing_items.is_empty() && open(d.status) {
        let n = d.missing_items.len();
        line.push_str(&format!(" · cần bổ sung {n} mục / {n} items to bring"));
    }
    if d.clock_paused && open(d.status) {
        line.push_str(" · tạm dừng tính hạn / clock paused");
    }
    if d.overdue {
        line.push_str(" · QUÁ HẠN / overdue");
    }
    let owed = d.fee_total_vnd - d.paid_vnd;
    if owed > 0 && open(d.status) {
        line.push_str(&format!(" · còn phải nộp / owes {}", vnd(owed)));
    }
    if d.status == 10 {
        line.push_str(&format!(" · trả lúc / returned {}", local(&d.returned_at)));
    }
    // judged when the result is ready; a withdrawn or stopped dossier has no result to judge
    let t = timeliness(d.timeliness);
    if !t.is_empty() && matches!(d.status, 9 | 10) {
        line.push_str(&format!(" · {t}"));
    }
    line
}

/// The summary with the citizen's key after the code, when the response carries it
/// (only the receipt's): `CODE  mã bảo mật / key K7MP3XQ9RT  trạng thái …`.
pub(super) fn with_key(summary: &str, d: &pb::Dossier) -> String {
    if d.citizen_key.is_empty() {
        return summary.to_string();
    }
    match summary.split_once("  ") {
        Some((code, rest)) => format!("{code}  mã bảo mật / key {}  {rest}", d.citizen_key),
        None => format!("{summary}  mã bảo mật / key {}", d.citizen_key),
    }
}

pub(super) fn print_dossier(d: &pb::Dossier) {
    let row = |vi: &str, en: &str, value: String| {
        if !value.trim().is_empty() {
            println!("  {:<32} {value}", format!("{vi} / {en}"));
        }
    };
    println!("{}  ({})", key(d), d.id);
    row(
        "trạng thái",
        "status",
        format!("{} {} / {}", d.status, d.status_name_vi, d.status_name_en),
    );
    row("giai đoạn", "stage", d.stage.to_string());
    row("mã hồ sơ", "code", d.code.clone());
    row(
        "thủ tục",
        "procedure",
        format!(
            "{} (v{}) {}  [{}]",
            d.procedure_code, d.procedure_version, d.procedure_name, d.field_code
        ),
    );
    if let Some(days) = d.processing_days {
        row(
            "thời hạn",
            "time limit",
            format!("{days} ngày làm việc / working days"),
        );
    }
    if let Some(a) = &d.applicant {
        row("người nộp", "applicant", a.full_name.clone());
        row("CCCD", "citizen ID", a.citizen_id.clone());
        row("điện thoại", "phone", a.phone.clone());
        row("email", "email", a.email.clone());
        row("địa chỉ", "address", a.address.clone());
    }
    if let Some(r) = d
        .representative
        .as_ref()
        .filter(|r| !r.full_name.is_empty())
    {
        row(
            "người đại diện",
            "representative",
            format!(
                "{} ({}) CCCD {} {}",
                r.full_name, r.relation, r.citizen_id, r.phone
            )
            .trim_end()
            .to_string(),
        );
    }
    row("kênh", "channel", channel(d.channel).to_string());
    row("tạo lúc", "created", local(&d.created_at));
    row("tiếp nhận", "received", local(&d.received_at));
    row("hẹn trả", "appointment", local(&d.due_at));
    if d.judged_due_at != d.due_at {
        row(
            "hạn tính đúng hạn",
            "judged against",
            local(&d.judged_due_at),
        );
    }
    if d.clock_paused && open(d.status) {
        row("đồng hồ", "clock", "tạm dừng / paused".into());
    }
    row(
        "quá hạn",
        "overdue",
        if d.overdue {
            "có / yes"
        } else {
            "không / no"
        }
        .into(),
    );
    if d.extended {
        row("gia hạn", "extended", "có / yes".into());
    }
    row("có kết quả", "result ready", local(&d.result_ready_at));
    row("đã trả", "returned", local(&d.returned_at));
    row("kết thúc", "ended", local(&d.ended_at));
    if matches!(d.status, 9 | 10) {
        row("đánh giá", "timeliness", timeliness(d.timeliness).into());
    }
    row("phòng chuyên môn", "department", d.department.clone());
    row("chuyên viên", "assignee", d.assignee.clone());
    if d.status >= 4 {
        row("thẩm định", "review", review(d.review).into());
        row(
            "ký duyệt",
            "signed",
            if d.signed {
                "đã ký / yes"
            } else {
                "chưa / no"
            }
            .into(),
        );
    }
    row(
        "phí, lệ phí",
        "fees",
        format!(
            "{} · đã nộp / paid {}",
            vnd(d.fee_total_vnd),
            vnd(d.paid_vnd)
        ),
    );
    for f in &d.fees {
        println!("    {} {}", f.name, vnd(f.amount_vnd));
    }
    for p in &d.payments {
        println!(
            "    nộp / paid {} {} biên lai / receipt {} {} ({})",
            vnd(p.amount_vnd),
            p.method,
            p.receipt_number,
            local(&p.paid_at),
            p.recorded_by
        );
    }
    let provided = d.components.iter().filter(|c| c.provided).count();
    row(
        "thành phần",
        "components",
        format!("{provided}/{} đã nộp / provided", d.components.len()),
    );
    for (i, c) in d.components.iter().enumerate() {
        println!(
            "  {:>3}. [{}] {}{}",
            i + 1,
            if c.provided { "x" } else { " " },
            if c.required {
                ""
            } else {
                "(không bắt buộc / optional) "
            },
            c.name
        );
    }
    if !d.missing_items.is_empty() {
        row(
            "cần bổ sung",
            "missing items",
            format!("{} mục / items", d.missing_items.len()),
        );
        for item in &d.missing_items {
            println!("    - {item}");
        }
    }
    row("lý do", "reason", d.end_reason.clone());
    row("phiên bản", "version", d.version.to_string());
    row("tra cứu", "public page", d.public_url.clone());
}

/// Characters of `text`, cut to `width` with an ellipsis.
pub(super) fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

pub(super) fn print_list_header() {
    let line = format!(
        "{:<27} {:>2} {:<24} {:>2} {:<9} {:<22} {:<16} {:<10}",
        "mã / code",
        "tt",
        "trạng thái / status",
        "gđ",
        "thủ tục",
        "người nộp / applicant",
        "hẹn trả / due",
        "giao / to"
    );
    println!("{}", line.trim_end());
}

pub(super) fn print_list_row(d: &pb::Dossier) {
    let line = format!(
        "{:<27} {:>2} {:<24} {:>2} {:<9} {:<22} {:<16} {:<10}{}",
        key(d),
        d.status,
        cut(&d.status_name_vi, 24),
        d.stage,
        d.procedure_code,
        cut(
            &d.applicant
                .as_ref()
                .map(|a| a.full_name.clone())
                .unwrap_or_default(),
            22
        ),
        local(&d.due_at),
        cut(&d.assignee, 10),
        if d.overdue {
            "  QUÁ HẠN / overdue"
        } else {
            ""
        }
    );
    println!("{}", line.trim_end());
}

pub(super) fn print_feedback(f: &pb::Feedback) {
    println!(
        "{}  {} [{}] {}  nhận / received {}  hạn trả lời / answer by {}{}",
        f.id,
        f.status,
        f.channel,
        f.contact,
        local(&f.received_at),
        local(&f.answer_due_at),
        if f.overdue {
            "  QUÁ HẠN / overdue"
        } else {
            ""
        }
    );
    if !f.dossier_code.is_empty() {
        println!("  hồ sơ / dossier {}", f.dossier_code);
    }
    println!("  {}", f.content);
    if !f.assignee.is_empty() {
        println!("  giao / assigned {}", f.assignee);
    }
    if !f.answer.is_empty() {
        println!(
            "  trả lời / answer ({}): {}",
            local(&f.answered_at),
            f.answer
        );
    }
}
