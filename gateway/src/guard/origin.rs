//! The cross-site request check (CSRF): a state-changing request whose `Origin` is not
//! the site it is sent to, or that the browser says comes from another site
//! (`Sec-Fetch-Site: cross-site`), is refused. Requests without either header (scripts,
//! curl, integrations) pass, and so does the payment platform's callback, which is
//! server-to-server and signed.
//!
//! The `Host` the gateway sees must be the one the browser used: a reverse proxy in front
//! must pass `Host` and `Origin` through unchanged.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;

use super::refusals;

/// The one state-changing path exempt from the check: signed, server-to-server.
const PAYMENT_CALLBACK: &str = "/payments/callback";

/// Whether `method` may change state (anything but GET, HEAD, OPTIONS and TRACE).
fn changes_state(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// The 403 page for `request` if it is a cross-site state-changing request, else `None`.
pub(crate) fn refuse(request: &Request) -> Option<Response> {
    if !changes_state(request.method()) || request.uri().path() == PAYMENT_CALLBACK {
        return None;
    }
    if is_cross_site(request.headers()) {
        tracing::debug!(
            method = %request.method(),
            path = request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            host = ?request.headers().get(header::HOST),
            "cross-site request refused"
        );
        return Some(refusals::cross_site());
    }
    None
}

/// Whether the headers show a request from another site's page.
pub(crate) fn is_cross_site(headers: &HeaderMap) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    if fetch_site.is_some_and(|v| v.eq_ignore_ascii_case("cross-site")) {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin.to_str().ok(), host) {
        (Some(origin), Some(host)) => !same_authority(origin, host),
        // an Origin that is not text ("null" is text), or no Host to compare with
        _ => true,
    }
}

/// Whether the `Origin` value (`scheme://host[:port]`) names the same host and port as
/// the `Host` header, default ports counted as written or not.
pub(crate) fn same_authority(origin: &str, host: &str) -> bool {
    let Some((scheme, authority)) = origin.trim().split_once("://") else {
        return false; // "null" and anything else that is not an origin
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => "80",
        "https" => "443",
        _ => return false,
    };
    let normalise = |authority: &str| -> String {
        let authority = authority.trim().trim_end_matches('/').to_ascii_lowercase();
        // a port is what follows the last ':' unless that is inside an IPv6 literal
        match authority.rsplit_once(':') {
            Some((name, port)) if !port.contains(']') => {
                if port == default_port {
                    name.to_string()
                } else {
                    authority.clone()
                }
            }
            _ => authority,
        }
    };
    let origin = normalise(authority);
    !origin.is_empty() && origin == normalise(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn same_origin_passes_and_others_do_not() {
        assert!(same_authority("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(same_authority(
            "https://ttpvhcc.example.vn",
            "TTPVHCC.example.vn"
        ));
        assert!(same_authority("https://a.vn", "a.vn:443"));
        assert!(same_authority("http://a.vn:80", "a.vn"));
        assert!(same_authority("http://[::1]:8080", "[::1]:8080"));
        assert!(!same_authority("http://evil.example", "127.0.0.1:8080"));
        assert!(!same_authority("http://127.0.0.1:8081", "127.0.0.1:8080"));
        assert!(!same_authority("https://a.vn", "a.vn:80"));
        assert!(!same_authority("null", "a.vn"));
        assert!(!same_authority("file://", ""));
    }

    #[test]
    fn browsers_headers_decide() {
        assert!(!is_cross_site(&headers(&[("host", "a.vn")])));
        assert!(!is_cross_site(&headers(&[
            ("host", "a.vn"),
            ("origin", "https://a.vn"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "a.vn"),
            ("origin", "https://evil.example"),
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "a.vn"),
            ("sec-fetch-site", "cross-site"),
        ])));
        assert!(is_cross_site(&headers(&[("origin", "https://a.vn")])));
        assert!(is_cross_site(&headers(&[
            ("host", "a.vn"),
            ("origin", "null")
        ])));
    }

    #[test]
    fn reads_and_the_payment_callback_are_not_checked() {
        let request = |method: Method, path: &str| {
            axum::http::Request::builder()
                .method(method)
                .uri(path)
                .header("host", "a.vn")
                .header("origin", "http://evil.example")
                .body(axum::body::Body::empty())
                .unwrap()
        };
        assert!(refuse(&request(Method::GET, "/kiosk/a")).is_none());
        assert!(refuse(&request(Method::POST, "/payments/callback")).is_none());
        let refused = refuse(&request(Method::POST, "/kiosk/a/tickets")).unwrap();
        assert_eq!(refused.status(), axum::http::StatusCode::FORBIDDEN);
        assert!(refuse(&request(Method::DELETE, "/t/1")).is_some());
    }
}
