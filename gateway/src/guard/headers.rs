//! Security headers on every response.
//!
//! The pages carry their scripts and styles inline (`<script>`, `<style>`, `onclick`), so
//! scripts and styles may be inline but come from nowhere else; everything else they load
//! is same-origin: QR images (or `data:` URIs), the display's event stream (EventSource).
//! Web Audio and speech synthesis need no source. Ticket and dossier links carry the
//! citizen's secret (`?k=`), so no page sends a `Referer`. No page may be framed except
//! the display screen, which a same-origin wall page may frame.

use axum::extract::Request;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderName, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::refusals;

/// What every page may load: itself, inline scripts and styles, `data:` images.
const BASE_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     media-src 'self' data: blob:; font-src 'self' data:; object-src 'none'; base-uri 'none'";

/// How a response to a path may be framed and where its forms may lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PagePolicy {
    /// The display screen: framed by its own origin only (else by nobody).
    pub framed_by_self: bool,
    /// The dossier pages and the demo payment platform: their forms redirect to the
    /// payment platform (or back from it), an origin the gateway is not told.
    pub forms_leave_site: bool,
}

impl PagePolicy {
    /// The policy for a request to `path`.
    pub(crate) fn for_path(path: &str) -> Self {
        let under = |prefix: &str| {
            path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        Self {
            framed_by_self: under("/display"),
            forms_leave_site: under("/d") || under("/pay"),
        }
    }

    /// The `Content-Security-Policy` value.
    pub(crate) fn content_security_policy(self) -> String {
        format!(
            "{BASE_POLICY}; form-action {}; frame-ancestors {}",
            if self.forms_leave_site {
                "'self' https: http:"
            } else {
                "'self'"
            },
            if self.framed_by_self {
                "'self'"
            } else {
                "'none'"
            },
        )
    }

    /// The `X-Frame-Options` value, for browsers without `frame-ancestors`.
    pub(crate) fn frame_options(self) -> &'static str {
        if self.framed_by_self {
            "SAMEORIGIN"
        } else {
            "DENY"
        }
    }
}

/// Sets a header unless the handler chose its own value.
fn set_default(headers: &mut HeaderMap, name: HeaderName, value: HeaderValue) {
    headers.entry(name).or_insert(value);
}

/// Middleware: the security headers on the response to `request`, and a bilingual page
/// in place of the empty body of a layer's 413 or 504.
pub(crate) async fn secure(request: Request, next: Next) -> Response {
    let policy = PagePolicy::for_path(request.uri().path());
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html && let Some(page) = refusals::for_status(response.status()) {
        response = page;
    }
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&policy.content_security_policy()) {
        set_default(headers, CONTENT_SECURITY_POLICY, csp);
    }
    set_default(
        headers,
        X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    set_default(
        headers,
        REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    set_default(
        headers,
        X_FRAME_OPTIONS,
        HeaderValue::from_static(policy.frame_options()),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_display_may_be_framed_and_only_by_its_origin() {
        let display = PagePolicy::for_path("/display/muong-sai");
        assert!(display.framed_by_self);
        assert!(
            display
                .content_security_policy()
                .ends_with("frame-ancestors 'self'")
        );
        assert_eq!(display.frame_options(), "SAMEORIGIN");
        for path in ["/", "/t/tk1", "/kiosk/a", "/displayx", "/d/X-1", "/p/1"] {
            let policy = PagePolicy::for_path(path);
            assert!(!policy.framed_by_self, "{path}");
            assert!(
                policy
                    .content_security_policy()
                    .ends_with("frame-ancestors 'none'"),
                "{path}"
            );
            assert_eq!(policy.frame_options(), "DENY");
        }
    }

    #[test]
    fn only_payment_pages_post_off_site() {
        assert!(PagePolicy::for_path("/d/H56-260309-0001").forms_leave_site);
        assert!(PagePolicy::for_path("/d").forms_leave_site);
        assert!(PagePolicy::for_path("/pay").forms_leave_site);
        assert!(!PagePolicy::for_path("/dx").forms_leave_site);
        assert!(!PagePolicy::for_path("/kiosk/a").forms_leave_site);
        assert!(
            PagePolicy::for_path("/kiosk/a")
                .content_security_policy()
                .contains("form-action 'self';")
        );
    }
}
