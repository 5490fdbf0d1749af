//! `RenderForm`: the facts a form shows, gathered from the dossier, its history and
//! clock, in the centre's local time; the layout is [`crate::forms`].

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_kit::sql::Store;
use onestop_proto::dossier::v1 as pb;

use super::convert::{citizen_url, vi_datetime};
use crate::domain::deadline::explain;
use crate::forms::{FormComponent, FormKind, FormView, render as layout};
use crate::store::entity::Status;
use crate::store::rows::{DossierRow, HistoryRow};
use crate::store::{read, tx};

/// Form `form` (1–5), or `INVALID_ARGUMENT` naming `form`.
pub fn kind_of(form: i32) -> Result<FormKind, ServiceError> {
    u8::try_from(form)
        .ok()
        .and_then(FormKind::from_number)
        .ok_or_else(|| ServiceError::invalid("form", "mẫu 1–5 — form 1 to 5"))
}

/// Renders form `kind` of `row`, or says why this form does not apply yet. On form 01,
/// `citizen_key` (already checked against the dossier) is printed beside the code and
/// carried in the QR link. The QR code and the layout are drawn on the blocking pool.
pub async fn render(
    store: &Store,
    row: &DossierRow,
    kind: FormKind,
    base_url: &str,
    now: DateTime<Utc>,
    citizen_key: Option<&str>,
) -> Result<pb::RenderedForm, ServiceError> {
    let not_yet = |vi: &str, en: &str| {
        Err(ServiceError::FailedPrecondition(format!(
            "chưa có {} cho hồ sơ này: {vi} — no {} for this dossier yet: {en}",
            kind.title_vi(),
            kind.title_en()
        )))
    };
    match kind {
        FormKind::Receipt if row.code.is_none() => {
            return not_yet("chưa tiếp nhận", "not received");
        }
        FormKind::SupplementRequest if row.missing().is_empty() => {
            return not_yet(
                "không có yêu cầu bổ sung đang mở",
                "no open supplement request",
            );
        }
        FormKind::Refusal if row.status != Status::NotAccepted => {
            return not_yet("không bị từ chối", "not refused");
        }
        FormKind::Apology if row.extended == 0 => return not_yet("chưa gia hạn", "not extended"),
        FormKind::Handover if row.returned_at.is_none() && row.result_ready_at.is_none() => {
            return not_yet("chưa có kết quả", "no result yet");
        }
        _ => {}
    }
    let center = tx::center(&store.db, &row.center_id).await?;
    let tz = center.tz();
    let history = tx::history(&store.db, &row.id).await?;
    let last =
        |name: &str| -> Option<&HistoryRow> { history.iter().rev().find(|h| h.transition == name) };
    let ledger = tx::ledger(&history)?;
    let original_due = if ledger.is_empty() {
        None
    } else {
        let cal = tx::calendar(&store.db, &center).await?;
        Some(
            explain(&cal, &ledger)
                .map_err(ServiceError::Internal)?
                .original_due
                .timestamp_millis(),
        )
    };
    let (officer, leader, reason, note) = match kind {
        FormKind::Receipt => (
            last("receive").map(|h| h.actor.clone()),
            None,
            String::new(),
            last("receive").map(|h| h.note.clone()),
        ),
        FormKind::SupplementRequest => (
            last("request_supplement").map(|h| h.actor.clone()),
            None,
            String::new(),
            last("request_supplement")
                .map(|h| h.note.split(" | ").nth(1).unwrap_or("").to_string()),
        ),
        FormKind::Refusal => (
            last("refuse").map(|h| h.actor.clone()),
            None,
            row.end_reason.clone(),
            None,
        ),
        FormKind::Apology => {
            let e = last("extend");
            (
                last("receive").map(|h| h.actor.clone()),
                e.map(|h| h.actor.clone()),
                e.map(|h| h.note.clone()).unwrap_or_default(),
                None,
            )
        }
        FormKind::Handover => (
            last("return_result")
                .or(last("mark_result_ready"))
                .map(|h| h.actor.clone()),
            None,
            String::new(),
            None,
        ),
    };
    let received_by = last("return_result")
        .and_then(|h| h.note.split(" | ").next().map(str::to_string))
        .unwrap_or_default();
    let citizen_key = citizen_key
        .filter(|_| kind == FormKind::Receipt)
        .unwrap_or_default();
    let url = row
        .code
        .as_deref()
        .map(|c| citizen_url(base_url, c, citizen_key))
        .unwrap_or_default();
    let paid = read::payments(store, &row.id)
        .await?
        .iter()
        .map(|p| p.amount - p.overpaid)
        .sum();
    let view = FormView {
        center_name: center.name_vi.clone(),
        unit_code: center.unit_code.clone(),
        code: row.code.clone().unwrap_or_default(),
        dossier_id: row.id.clone(),
        procedure_code: row.procedure_code.clone(),
        procedure_name: row.procedure_name.clone(),
        applicant_name: row.applicant_name.clone(),
        citizen_id: row.citizen_id.clone(),
        phone: row.phone.clone(),
        address: row.address.clone(),
        representative: row
            .representative()
            .map(|r| format!("{} ({})", r.full_name, r.relation))
            .unwrap_or_default(),
        received_at: vi_datetime(row.received_at, tz),
        due_at: vi_datetime(row.due_at, tz),
        original_due_at: vi_datetime(original_due, tz),
        components: row
            .component_lines()
            .into_iter()
            .filter(|c| c.provided)
            .map(|c| FormComponent {
                name: c.name,
                originals: c.originals,
                copies: c.copies,
                provided: c.provided,
            })
            .collect(),
        missing_items: row.missing(),
        fees: row.fee_lines(),
        paid_vnd: paid,
        reason,
        note: note.unwrap_or_default(),
        officer: officer.unwrap_or_default(),
        leader: leader.unwrap_or_default(),
        returned_at: vi_datetime(row.returned_at, tz),
        received_by,
        printed_at: vi_datetime(Some(now.timestamp_millis()), tz),
        citizen_key: citizen_key.to_string(),
        public_url: url,
        qr_svg: String::new(),
    };
    let code = row.code.clone().unwrap_or_else(|| row.id.clone());
    let html = tokio::task::spawn_blocking(move || -> Result<String, ServiceError> {
        let mut view = view;
        if !view.public_url.is_empty() {
            view.qr_svg = onestop_kit::qr::inline_svg(&view.public_url, 150)
                .map_err(ServiceError::Internal)?;
        }
        Ok(layout(kind, &view))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("form rendering: {e}")))??;
    Ok(pb::RenderedForm {
        content_type: "text/html; charset=utf-8".into(),
        html,
        file_name: kind.file_name(&code),
        citizen_key: String::new(),
    })
}
