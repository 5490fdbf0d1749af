//! The one error type every service returns, and its one mapping to `tonic::Status`.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// A field that failed validation, with why (becomes a google.rpc.BadRequest violation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Dotted path of the field, e.g. `procedure.fees[0].amount_vnd`.
    pub field: String,
    /// What is wrong, in words a user understands.
    pub description: String,
}

impl FieldViolation {
    /// A violation of `field`.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }
}

impl std::fmt::Display for FieldViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.description)
    }
}

/// What can go wrong in a service call.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The request is malformed; nothing changed.
    #[error("invalid argument: {}", join(.0))]
    InvalidArgument(Vec<FieldViolation>),
    /// The named thing does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The state does not allow this operation.
    #[error("failed precondition: {0}")]
    FailedPrecondition(String),
    /// A concurrent change won; retry.
    #[error("aborted: {0}")]
    Aborted(String),
    /// No valid credentials.
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    /// Credentials valid but not allowed.
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    /// A fault of ours (database, bug).
    #[error("internal error: {0}")]
    Internal(String),
}

fn join(violations: &[FieldViolation]) -> String {
    violations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl ServiceError {
    /// One invalid field.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self::InvalidArgument(vec![FieldViolation::new(field, description)])
    }
}

impl From<FieldViolation> for ServiceError {
    fn from(violation: FieldViolation) -> Self {
        Self::InvalidArgument(vec![violation])
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(err: sea_orm::DbErr) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) = err.sql_err() {
            return Self::Aborted(format!("a concurrent change won: {detail}"));
        }
        Self::Internal(err.to_string())
    }
}

impl From<sea_orm::TransactionError<ServiceError>> for ServiceError {
    fn from(err: sea_orm::TransactionError<ServiceError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

/// The one table between gRPC codes and HTTP statuses, used by the gateway's pages and
/// APIs; each code appears once, the first row of a status is its way back.
const HTTP_TABLE: &[(tonic::Code, u16)] = &[
    (tonic::Code::Ok, 200),
    (tonic::Code::InvalidArgument, 400),
    (tonic::Code::OutOfRange, 400),
    (tonic::Code::Unauthenticated, 401),
    (tonic::Code::PermissionDenied, 403),
    (tonic::Code::NotFound, 404),
    (tonic::Code::FailedPrecondition, 409),
    (tonic::Code::Aborted, 409),
    (tonic::Code::AlreadyExists, 409),
    (tonic::Code::ResourceExhausted, 429),
    (tonic::Code::Cancelled, 499),
    (tonic::Code::Internal, 500),
    (tonic::Code::Unknown, 500),
    (tonic::Code::DataLoss, 500),
    (tonic::Code::Unimplemented, 501),
    (tonic::Code::Unavailable, 503),
    // an upstream past its deadline is, to the browser, a service unavailable now
    (tonic::Code::DeadlineExceeded, 503),
];

/// The HTTP status for a gRPC code.
pub fn http_status(code: tonic::Code) -> u16 {
    HTTP_TABLE
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(500, |(_, status)| *status)
}

/// The gRPC code for an HTTP status (an unknown 4xx is `InvalidArgument`, 5xx `Unknown`).
pub fn grpc_code(status: u16) -> tonic::Code {
    HTTP_TABLE
        .iter()
        .find(|(_, s)| *s == status)
        .map(|(c, _)| *c)
        .unwrap_or(if (400..500).contains(&status) {
            tonic::Code::InvalidArgument
        } else {
            tonic::Code::Unknown
        })
}

impl From<ServiceError> for Status {
    fn from(err: ServiceError) -> Self {
        let message = err.to_string();
        match err {
            ServiceError::InvalidArgument(violations) => {
                let violations: Vec<_> = violations
                    .into_iter()
                    .map(|v| tonic_types::FieldViolation::new(v.field, v.description))
                    .collect();
                Status::with_error_details(
                    Code::InvalidArgument,
                    message,
                    ErrorDetails::with_bad_request(violations),
                )
            }
            ServiceError::NotFound(_) => Status::not_found(message),
            ServiceError::FailedPrecondition(_) => Status::failed_precondition(message),
            ServiceError::Aborted(_) => Status::aborted(message),
            ServiceError::Unauthenticated(_) => Status::unauthenticated(message),
            ServiceError::PermissionDenied(_) => Status::permission_denied(message),
            ServiceError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                Status::internal("internal error")
            }
        }
    }
}

/// The field violations carried by a status, as `(field, description)` pairs.
pub fn violations_of(status: &Status) -> Vec<(String, String)> {
    status
        .get_details_bad_request()
        .map(|b| {
            b.field_violations
                .into_iter()
                .map(|v| (v.field, v.description))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_has_one_status_and_back() {
        assert_eq!(http_status(tonic::Code::Unauthenticated), 401);
        assert_eq!(http_status(tonic::Code::PermissionDenied), 403);
        assert_eq!(http_status(tonic::Code::Aborted), 409);
        assert_eq!(http_status(tonic::Code::ResourceExhausted), 429);
        for (code, status) in HTTP_TABLE {
            assert_eq!(http_status(*code), *status);
            assert_eq!(http_status(grpc_code(*status)), *status, "{code:?}");
        }
        let codes: std::collections::HashSet<_> =
            HTTP_TABLE.iter().map(|(c, _)| *c as i32).collect();
        assert_eq!(codes.len(), HTTP_TABLE.len(), "a code listed twice");
        assert_eq!(grpc_code(418), tonic::Code::InvalidArgument);
        assert_eq!(grpc_code(502), tonic::Code::Unknown);
    }

    #[test]
    fn invalid_argument_carries_field_violations() {
        let status: Status = ServiceError::invalid("code", "must look like 1.001193").into();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(
            violations_of(&status),
            vec![("code".to_string(), "must look like 1.001193".to_string())]
        );
        assert!(status.message().contains("code"));
    }

    #[test]
    fn internal_errors_hide_details() {
        let status: Status = ServiceError::Internal("password=x".into()).into();
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("password"));
    }
}
