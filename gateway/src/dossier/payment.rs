//! Online payments: the payment platform's signed callback, forwarded to RecordPayment
//! (which checks the signature itself), and a demo payment platform for `onestop up`
//! that signs its callbacks with the shared secret and records them the same way.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use hmac::{Hmac, Mac};
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tonic::transport::Channel;

use super::pages::{self, Said};
use super::{DossierState, http_status, log_failure, not_configured};

/// The header carrying the callback's HMAC-SHA256 signature (hex).
const SIGNATURE_HEADER: &str = "x-signature";

/// HMAC-SHA256 of `body` with `secret`, lowercase hex (what the dossier service verifies).
pub(crate) fn sign(secret: &[u8], body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// What the payment platform posts back (the dossier service's callback shape).
#[derive(Serialize)]
struct Callback<'a> {
    reference: &'a str,
    amount_vnd: i64,
    transaction_id: &'a str,
    status: &'a str,
}

/// Forwards a callback body and its signature to RecordPayment: the dossier as paid
/// now, or why not.
async fn settle(
    client: &DossierServiceClient<Channel>,
    body: String,
    signature: &str,
) -> Result<pb::Dossier, tonic::Status> {
    client
        .clone()
        .record_payment(pb::RecordPaymentRequest {
            callback_body: body,
            signature: signature.to_string(),
            ..Default::default()
        })
        .await
        .map(tonic::Response::into_inner)
}

/// The HTTP status of a refused callback: a signature that is not even hex is as
/// unauthenticated as a wrong one.
fn callback_status(status: &tonic::Status) -> StatusCode {
    let bad_signature = status.code() == tonic::Code::InvalidArgument
        && onestop_kit::error::violations_of(status)
            .iter()
            .any(|(field, _)| field == "signature");
    if bad_signature {
        StatusCode::UNAUTHORIZED
    } else {
        http_status(status)
    }
}

fn json_error(code: StatusCode, message: &str) -> Response {
    (
        code,
        Json(serde_json::json!({ "ok": false, "error": message })),
    )
        .into_response()
}

/// `POST /payments/callback`: the raw JSON body with `X-Signature: <hex HMAC-SHA256>`.
/// 200 `{"ok":true,"code":…,"paid_vnd":…}` (a repeated callback too); 401 for a bad
/// signature, 400 for an unreadable or mismatched callback, 404 for an unknown
/// reference. Only the code and the amount paid go back, never the dossier.
pub(super) async fn callback(
    State(state): State<DossierState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(client) = state.client else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the dossier service is not configured",
        );
    };
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if signature.is_empty() {
        return json_error(
            StatusCode::UNAUTHORIZED,
            "chưa có chữ ký X-Signature — the X-Signature header is missing",
        );
    }
    let Ok(body) = String::from_utf8(body.to_vec()) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "nội dung không phải UTF-8 — the body is not UTF-8",
        );
    };
    match settle(&client, body, signature).await {
        Ok(dossier) => Json(serde_json::json!({
            "ok": true,
            "code": dossier.code,
            "paid_vnd": dossier.paid_vnd,
        }))
        .into_response(),
        Err(s) => {
            let code = callback_status(&s);
            log_failure(&s, code);
            if code == StatusCode::UNAUTHORIZED {
                tracing::warn!(
                    message = s.message(),
                    "payment callback refused: bad signature"
                );
            }
            let message = if code.is_server_error() {
                "the dossier service is unavailable"
            } else {
                s.message()
            };
            json_error(code, message)
        }
    }
}

/// The demo platform's query and form: `ref`, `amount`, `return`.
#[derive(Deserialize, Debug, Default)]
pub(super) struct DemoFields {
    #[serde(default, rename = "ref")]
    reference: String,
    #[serde(default)]
    amount: String,
    #[serde(default, rename = "return")]
    return_to: String,
}

impl DemoFields {
    /// The reference and a positive amount, or what is wrong.
    fn checked(&self) -> Result<(&str, i64), Said> {
        let reference = self.reference.trim();
        if reference.is_empty() || reference.len() > 100 {
            return Err(Said::new(
                "Thiếu mã tham chiếu thanh toán.",
                "The payment reference is missing.",
            ));
        }
        match self.amount.trim().parse::<i64>() {
            Ok(amount) if amount > 0 => Ok((reference, amount)),
            _ => Err(Said::new(
                "Số tiền không hợp lệ.",
                "The amount is not a positive number of đồng.",
            )),
        }
    }
}

fn no_demo_platform() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(crate::pages::error(
            404,
            "Cổng này không có cổng thanh toán thử nghiệm. / There is no demo payment platform on this gateway.",
        )),
    )
        .into_response()
}

/// Where to send the citizen back to: the path (and query) of `return`, on this host.
/// The demo platform lives on the gateway, like the dossier page it returns to; keeping
/// only the path means it never redirects to another site.
fn return_path(return_to: &str) -> Option<String> {
    let text = return_to.trim();
    let path = match text.split_once("://") {
        Some((scheme, rest)) if scheme == "http" || scheme == "https" => &rest[rest.find('/')?..],
        Some(_) => return None,
        None => text,
    };
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control);
    safe.then(|| path.to_string())
}

/// `GET /pay?ref=&amount=&return=`: the demo platform's page, one "Pay" button.
pub(super) async fn demo_page(
    State(state): State<DossierState>,
    Query(fields): Query<DemoFields>,
) -> Response {
    if state.payment_secret.is_none() {
        return no_demo_platform();
    }
    match fields.checked() {
        Ok((reference, amount)) => Html(pages::demo_pay(
            reference,
            amount,
            &fields.return_to,
            return_path(&fields.return_to).as_deref(),
        ))
        .into_response(),
        Err(said) => (
            StatusCode::BAD_REQUEST,
            Html(crate::pages::error(
                400,
                &format!("{} / {}", said.vi, said.en),
            )),
        )
            .into_response(),
    }
}

/// A transaction id no one can guess: the HMAC of the reference, the time and a counter.
fn transaction_id(secret: &[u8], reference: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mac = sign(secret, &format!("txn|{reference}|{nanos}|{n}"));
    format!("DEMO{}", mac[..16].to_uppercase())
}

/// `POST /pay`: the citizen "pays"; the platform signs a `paid` callback, records it as
/// `/payments/callback` would, and sends the citizen back to `return`.
pub(super) async fn demo_pay(
    State(state): State<DossierState>,
    Form(fields): Form<DemoFields>,
) -> Response {
    let Some(secret) = state.payment_secret.clone() else {
        return no_demo_platform();
    };
    let Some(client) = state.client else {
        return not_configured();
    };
    let (reference, amount) = match fields.checked() {
        Ok(checked) => checked,
        Err(said) => {
            return (
                StatusCode::BAD_REQUEST,
                Html(crate::pages::error(
                    400,
                    &format!("{} / {}", said.vi, said.en),
                )),
            )
                .into_response();
        }
    };
    let transaction = transaction_id(&secret, reference);
    let body = serde_json::to_string(&Callback {
        reference,
        amount_vnd: amount,
        transaction_id: &transaction,
        status: "paid",
    })
    .expect("a callback serialises");
    let signature = sign(&secret, &body);
    match settle(&client, body, &signature).await {
        Ok(dossier) => match return_path(&fields.return_to) {
            Some(path) => Redirect::to(&path).into_response(),
            None => Html(pages::demo_paid(&dossier.code, amount)).into_response(),
        },
        Err(s) => {
            let code = callback_status(&s);
            log_failure(&s, code);
            let said = if code.is_server_error() {
                Said::new(
                    "Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau.",
                    "The dossier service is unavailable; please try again later.",
                )
            } else {
                Said::split(s.message())
            };
            (
                code,
                Html(pages::demo_pay_failed(
                    reference,
                    amount,
                    &said,
                    return_path(&fields.return_to).as_deref(),
                )),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231, test case 2
        assert_eq!(
            sign(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn return_keeps_only_a_local_path() {
        assert_eq!(
            return_path("http://127.0.0.1:8080/d/000.00.12.H56-260309-0001").as_deref(),
            Some("/d/000.00.12.H56-260309-0001")
        );
        assert_eq!(
            return_path("https://ttpvhcc.example/onestop/d/X?y=1").as_deref(),
            Some("/onestop/d/X?y=1")
        );
        assert_eq!(return_path("/d/X").as_deref(), Some("/d/X"));
        for bad in [
            "",
            "//evil.example/d/X",
            "javascript:alert(1)",
            "http://evil.example",
            "/\\evil.example",
            "ftp://x/y",
        ] {
            assert_eq!(return_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn transaction_ids_differ() {
        let a = transaction_id(b"k", "TT1");
        let b = transaction_id(b"k", "TT1");
        assert_ne!(a, b);
        assert_eq!(a.len(), 20);
    }
}
