//! The client side of the services' bearer tokens: one interceptor for every generated
//! client, one way to sign a single request, and reading a token's centre without its key.

use base64::Engine;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;

/// Adds `authorization: Bearer <token>` to every request a client sends.
#[derive(Clone, Debug)]
pub struct Bearer(MetadataValue<Ascii>);

impl Bearer {
    /// The interceptor for `token`; `None` when the token is not plain ASCII.
    pub fn new(token: &str) -> Option<Self> {
        format!("Bearer {token}").parse().ok().map(Self)
    }
}

impl Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        request
            .metadata_mut()
            .insert("authorization", self.0.clone());
        Ok(request)
    }
}

/// One request carrying `token` (tokens are ASCII; a token that is not is sent without).
pub fn authorized<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    set_bearer(&mut request, token);
    request
}

/// Puts `token` on `request`; `false` (and the request unchanged) when it is not ASCII.
pub fn set_bearer<T>(request: &mut tonic::Request<T>, token: &str) -> bool {
    match Bearer::new(token) {
        Some(Bearer(value)) => {
            request.metadata_mut().insert("authorization", value);
            true
        }
        None => false,
    }
}

/// The `center` claim of a JWT, read without checking the signature (the server does):
/// for a client choosing which centre to act for.
pub fn unverified_center(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("center")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;
    use crate::auth::TokenKeys;

    #[test]
    fn a_signed_token_names_its_centre_and_rides_on_requests() {
        let keys = TokenKeys::from_secret(&[7u8; 32]);
        let token = keys.issue(
            "lan",
            Role::Receptionist,
            "muong-sai",
            chrono::Duration::hours(1),
        );
        assert_eq!(unverified_center(&token).as_deref(), Some("muong-sai"));
        assert_eq!(unverified_center("not.a-token"), None);
        let request = authorized(&token, ());
        let header = request.metadata().get("authorization").unwrap();
        assert_eq!(header.to_str().unwrap(), format!("Bearer {token}"));
        let mut bearer = Bearer::new(&token).unwrap();
        let intercepted = bearer.call(tonic::Request::new(())).unwrap();
        assert_eq!(intercepted.metadata().get("authorization"), Some(header));
        assert!(Bearer::new("two\nlines").is_none());
    }
}
