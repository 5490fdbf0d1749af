//! Fees: cash at the counter, the platform's signed callback, and payment requests.

use onestop_kit::auth::require_role;
use onestop_kit::{Claims, Role, ServiceError};
use onestop_proto::dossier::v1 as pb;
use tonic::{Request, Response, Status};

use super::convert;
use super::limits;
use super::service::{DossierApi, citizen_or_staff, random_id, required, staff};
use crate::domain::code::DossierCode;
use crate::domain::deadline::ClockEvent;
use crate::domain::status::Transition;
use crate::store::entity::Status as Stored;
use crate::store::tx::Step;
use crate::store::{payment, read};

/// The `RecordPayment` RPC.
pub(super) async fn record_payment(
    api: &DossierApi,
    request: Request<pb::RecordPaymentRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::record_payment(request.get_ref())?;
    let signed = !request.get_ref().signature.is_empty();
    let claims = if signed {
        Claims::new(
            "payment-platform",
            Role::Province,
            "*",
            0,
            chrono::Duration::zero(),
        )
    } else {
        require_role(&request, &[Role::Receptionist])?.clone()
    };
    let r = request.into_inner();
    let (key, method, amount, receipt, reference) = if signed {
        let cb = payment::verify(&api.payment.secret, &r.callback_body, &r.signature)?;
        if cb.status != "paid" {
            return Err(ServiceError::invalid(
                "callback_body",
                format!(
                    "trạng thái «{}» không phải đã thanh toán — status is not `paid`",
                    cb.status
                ),
            )
            .into());
        }
        let req = payment::request(&api.store.db, &cb.reference)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("payment request `{}`", cb.reference)))?;
        if cb.amount_vnd != req.amount {
            return Err(ServiceError::invalid(
                "callback_body",
                format!(
                    "số tiền {} khác yêu cầu {} — amount differs from the request",
                    cb.amount_vnd, req.amount
                ),
            )
            .into());
        }
        if cb.transaction_id.trim().is_empty() {
            return Err(ServiceError::invalid(
                "callback_body",
                "thiếu mã giao dịch — transaction_id is missing",
            )
            .into());
        }
        if payment::recorded(&api.store.db, &req.dossier_id, &cb.transaction_id).await? {
            // the platform repeating a callback: recorded already, nothing changes
            return api
                .reply(read::get(&api.store, &req.dossier_id).await?)
                .await;
        }
        (
            req.dossier_id,
            "online",
            cb.amount_vnd,
            cb.transaction_id,
            Some(cb.reference),
        )
    } else {
        if r.method.trim() != "cash" && !r.method.trim().is_empty() {
            return Err(ServiceError::invalid("method", "tại quầy chỉ ghi «cash»; thanh toán trực tuyến đến qua chữ ký — only `cash` at the counter; online payments arrive signed").into());
        }
        if r.amount_vnd <= 0 {
            return Err(ServiceError::invalid(
                "amount_vnd",
                "phải lớn hơn 0 — must be more than 0",
            )
            .into());
        }
        (
            required("id", &r.id)?,
            "cash",
            r.amount_vnd,
            required("receipt_number", &r.receipt_number)?,
            None,
        )
    };
    let by = claims.sub.clone();
    api.change(&claims, &key, r.expected_version, async |row, l| {
        let owed = (row.fee_total - row.paid).max(0);
        // money the platform took is never dropped: what was not owed is an
        // overpayment, kept for refund; at the counter staff just take less
        let (applied, overpaid) = if reference.is_some() {
            (amount.min(owed), amount - amount.min(owed))
        } else if owed == 0 {
            return Err(ServiceError::invalid(
                "amount_vnd",
                "hồ sơ không còn phí phải nộp — nothing is owed",
            ));
        } else if amount > owed {
            return Err(ServiceError::invalid(
                "amount_vnd",
                format!(
                    "nhiều hơn số còn phải nộp {} — more than owed",
                    onestop_kit::format::vnd(owed)
                ),
            ));
        } else {
            (amount, 0)
        };
        let new = payment::NewPayment {
            method,
            amount,
            overpaid,
            receipt_number: &receipt,
            by: &by,
        };
        if !payment::record(l.txn, &row.id, &new, l.now).await? {
            return Err(ServiceError::invalid(
                "receipt_number",
                format!("biên lai {receipt} đã được ghi — receipt already recorded"),
            ));
        }
        if let Some(reference) = &reference {
            payment::mark_paid(l.txn, reference, l.now).await?;
        }
        row.paid += applied;
        let mut steps = Vec::new();
        if applied > 0 {
            let note = format!(
                "{method} {} biên lai/receipt {receipt}",
                onestop_kit::format::vnd(applied)
            );
            let step = if row.status == Stored::AwaitingPayment && !row.owes_fees() {
                Step::new("record_payment", Transition::RecordPayment)
                    .clock(ClockEvent::Resumed { at: l.now })
            } else {
                Step::record("record_payment")
            };
            steps.push(step.note(note).event("payment_received"));
        }
        if overpaid > 0 {
            steps.push(Step::record("record_overpayment").note(format!(
                "nộp thừa {over}, giao dịch {receipt}: cần hoàn lại — paid {over} more than owed, transaction {receipt}: to refund",
                over = onestop_kit::format::vnd(overpaid)
            )));
        }
        Ok(steps)
    })
    .await
}

/// The `CreatePaymentRequest` RPC.
pub(super) async fn create_payment_request(
    api: &DossierApi,
    request: Request<pb::CreatePaymentRequestRequest>,
) -> Result<Response<pb::PaymentRequest>, Status> {
    limits::create_payment_request(request.get_ref())?;
    let key = required("id", &request.get_ref().id)?;
    // without a staff token only a dossier code is accepted, never an internal id
    let row = if staff(&request).is_ok() {
        read::get(&api.store, &key).await?
    } else {
        let code = DossierCode::parse(&key)
            .map_err(|e| ServiceError::invalid("id", e))?
            .to_string();
        read::by_code(&api.store, &code).await?
    };
    citizen_or_staff(&api.keys, &request, &row, &request.get_ref().key)?;
    if api.payment.provider_url.trim().is_empty() {
        return Err(ServiceError::FailedPrecondition(
            "chưa cấu hình cổng thanh toán trực tuyến; vui lòng nộp tại bộ phận một cửa — no payment platform configured; please pay at the counter"
                .into(),
        )
        .into());
    }
    let owed = row.fee_total - row.paid;
    // withdrawn, stopped or returned: nothing to pay for any more
    let ended = matches!(
        row.status,
        Stored::Withdrawn | Stored::Stopped | Stored::ResultReturned
    );
    if owed <= 0 || ended {
        return Err(ServiceError::FailedPrecondition(
            "hồ sơ không còn phí phải nộp — nothing is owed on this dossier".into(),
        )
        .into());
    }
    let open = payment::open_request(
        &api.store,
        &row.id,
        owed,
        &random_id("TT").to_uppercase(),
        api.clock.now(),
    )
    .await?;
    let back = row
        .code
        .as_deref()
        .map(|c| convert::public_url(&api.base_url, c))
        .unwrap_or_default();
    let url = format!(
        "{}?ref={}&amount={}&return={}",
        api.payment.provider_url,
        open.reference,
        open.amount,
        back.replace(':', "%3A").replace('/', "%2F")
    );
    let qr_url = url.clone();
    let qr_svg = tokio::task::spawn_blocking(move || onestop_kit::qr::inline_svg(&qr_url, 200))
        .await
        .map_err(|e| ServiceError::Internal(format!("QR code: {e}")))?
        .map_err(ServiceError::Internal)?;
    Ok(Response::new(pb::PaymentRequest {
        qr_svg,
        reference: open.reference,
        amount_vnd: open.amount,
        payment_url: url,
    }))
}
