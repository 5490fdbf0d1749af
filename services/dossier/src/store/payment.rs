//! Fees: payment requests for the online platform, recorded payments, and the
//! platform's signed callback.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use onestop_kit::ServiceError;
use onestop_kit::sql::{Store, all, exec, one};
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// What the payment platform posts back when a citizen has paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    /// The reference of our payment request.
    pub reference: String,
    /// Amount paid, in VND.
    pub amount_vnd: i64,
    /// The platform's transaction id (becomes the receipt number).
    pub transaction_id: String,
    /// `paid`, or anything else for a failed payment.
    pub status: String,
}

/// HMAC-SHA256 of `body` with `secret`, lowercase hex.
pub fn sign(secret: &[u8], body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The callback in `body` if `signature` is its HMAC with `secret` (constant-time check).
pub fn verify(secret: &[u8], body: &str, signature: &str) -> Result<Callback, ServiceError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body.as_bytes());
    let given = hex::decode(signature.trim())
        .map_err(|_| ServiceError::invalid("signature", "không phải chuỗi hex — not hex"))?;
    mac.verify_slice(&given).map_err(|_| {
        ServiceError::Unauthenticated(
            "chữ ký thanh toán không đúng — the payment callback signature does not match".into(),
        )
    })?;
    serde_json::from_str(body).map_err(|e| {
        ServiceError::invalid("callback_body", format!("không đọc được — unreadable: {e}"))
    })
}

/// A stored payment request.
#[derive(Clone, Debug, FromQueryResult)]
pub struct RequestRow {
    /// Reference given to the platform.
    pub reference: String,
    /// Dossier it pays for.
    pub dossier_id: String,
    /// Amount asked.
    pub amount: i64,
    /// When the platform confirmed it.
    pub paid_at: Option<i64>,
}

/// The dossier's open payment request for `amount`: the one already open when it asks
/// for that amount (a repeated request gets the same reference), otherwise a new one
/// with `reference`, closing an open one that asked for another amount. At most one
/// request per dossier is open (a unique index), so two replicas racing get one.
pub async fn open_request(
    store: &Store,
    dossier_id: &str,
    amount: i64,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<RequestRow, ServiceError> {
    let _gate = store.gate().await;
    let txn = store.db.begin().await?;
    if let Some(open) = open_of(&txn, dossier_id).await? {
        if open.amount == amount {
            txn.commit().await?;
            return Ok(open);
        }
        exec(
            &txn,
            "UPDATE dossier_payment_requests SET closed_at = $2
             WHERE reference = $1 AND paid_at IS NULL AND closed_at IS NULL",
            vec![open.reference.clone().into(), now.timestamp_millis().into()],
        )
        .await?;
    }
    exec(
        &txn,
        "INSERT INTO dossier_payment_requests (reference, dossier_id, amount, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (dossier_id) WHERE paid_at IS NULL AND closed_at IS NULL DO NOTHING",
        vec![
            reference.into(),
            dossier_id.into(),
            amount.into(),
            now.timestamp_millis().into(),
        ],
    )
    .await?;
    let open = open_of(&txn, dossier_id)
        .await?
        .ok_or_else(|| ServiceError::Internal("payment request not stored".into()))?;
    txn.commit().await?;
    Ok(open)
}

/// The dossier's open payment request (not paid, not closed), if any.
async fn open_of(
    c: &impl ConnectionTrait,
    dossier_id: &str,
) -> Result<Option<RequestRow>, ServiceError> {
    one(
        c,
        "SELECT reference, dossier_id, amount, paid_at FROM dossier_payment_requests
         WHERE dossier_id = $1 AND paid_at IS NULL AND closed_at IS NULL",
        vec![dossier_id.into()],
    )
    .await
}

/// Open payment requests of a dossier (0 or 1), for checks.
pub async fn open_requests(
    store: &Store,
    dossier_id: &str,
) -> Result<Vec<RequestRow>, ServiceError> {
    all(
        &store.db,
        "SELECT reference, dossier_id, amount, paid_at FROM dossier_payment_requests
         WHERE dossier_id = $1 AND paid_at IS NULL AND closed_at IS NULL",
        vec![dossier_id.into()],
    )
    .await
}

/// Whether a payment with this receipt number (the platform's transaction id) is
/// already recorded for the dossier.
pub async fn recorded(
    c: &impl ConnectionTrait,
    dossier_id: &str,
    receipt_number: &str,
) -> Result<bool, ServiceError> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let count: Option<Count> = one(
        c,
        "SELECT COUNT(*) AS n FROM dossier_payments WHERE dossier_id = $1 AND receipt_number = $2",
        vec![dossier_id.into(), receipt_number.into()],
    )
    .await?;
    Ok(count.is_some_and(|c| c.n > 0))
}

/// The request with this reference.
pub async fn request(
    c: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<RequestRow>, ServiceError> {
    one(
        c,
        "SELECT reference, dossier_id, amount, paid_at FROM dossier_payment_requests
         WHERE reference = $1",
        vec![reference.into()],
    )
    .await
}

/// One payment to record.
#[derive(Clone, Debug)]
pub struct NewPayment<'a> {
    /// `cash` or `online`.
    pub method: &'a str,
    /// The whole amount received.
    pub amount: i64,
    /// Of which beyond what was owed (to refund).
    pub overpaid: i64,
    /// Counter receipt number or the platform's transaction id.
    pub receipt_number: &'a str,
    /// Who recorded it.
    pub by: &'a str,
}

/// Records a payment inside a dossier change; `false` if this receipt number was
/// already recorded for the dossier (a repeated callback).
pub async fn record(
    c: &impl ConnectionTrait,
    dossier_id: &str,
    p: &NewPayment<'_>,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let inserted = exec(
        c,
        "INSERT INTO dossier_payments (dossier_id, receipt_number, method, amount, paid_at,
            recorded_by, overpaid) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (dossier_id, receipt_number) DO NOTHING",
        vec![
            dossier_id.into(),
            p.receipt_number.into(),
            p.method.into(),
            p.amount.into(),
            now.timestamp_millis().into(),
            p.by.into(),
            p.overpaid.into(),
        ],
    )
    .await?;
    Ok(inserted > 0)
}

/// Marks a request paid.
pub async fn mark_paid(
    c: &impl ConnectionTrait,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    exec(
        c,
        "UPDATE dossier_payment_requests SET paid_at = $2 WHERE reference = $1 AND paid_at IS NULL",
        vec![reference.into(), now.timestamp_millis().into()],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_callback_verifies_and_a_tampered_one_does_not() {
        let body =
            r#"{"reference":"TT1","amount_vnd":50000,"transaction_id":"X9","status":"paid"}"#;
        let sig = sign(b"secret", body);
        assert_eq!(verify(b"secret", body, &sig).unwrap().amount_vnd, 50000);
        let tampered = body.replace("50000", "5000");
        assert!(matches!(
            verify(b"secret", &tampered, &sig),
            Err(ServiceError::Unauthenticated(_))
        ));
        assert!(matches!(
            verify(b"other", body, &sig),
            Err(ServiceError::Unauthenticated(_))
        ));
    }
}
