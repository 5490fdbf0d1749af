//! The pages a guard answers with instead of the route, in Vietnamese and English.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::pages::refusal;

/// A refusal page: a heading in both languages and a sentence in each.
fn page(status: StatusCode, title: (&str, &str), said: (&str, &str)) -> Response {
    (status, Html(refusal(title, said))).into_response()
}

/// 429 with `Retry-After: retry_after_secs`: the client made too many public actions.
pub(crate) fn too_many_requests(retry_after_secs: u64) -> Response {
    let secs = retry_after_secs.max(1);
    let mut response = page(
        StatusCode::TOO_MANY_REQUESTS,
        ("Quá nhiều yêu cầu", "Too many requests"),
        (
            &format!("Quá nhiều yêu cầu, vui lòng thử lại sau {secs} giây."),
            &format!("Too many requests, try again in {secs} seconds."),
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}

/// 403: a state-changing request sent from another site's page.
pub(crate) fn cross_site() -> Response {
    page(
        StatusCode::FORBIDDEN,
        ("Yêu cầu bị từ chối", "Request refused"),
        (
            "Biểu mẫu này được gửi từ một trang web khác nên không được chấp nhận. Vui lòng mở lại trang của Trung tâm và thao tác trực tiếp trên đó.",
            "This form was sent from another website (a cross-site request), so it was refused. Please open the centre's page again and use it directly.",
        ),
    )
}

/// The bilingual page for an empty-bodied error a layer answered with (body too large,
/// timed out), or `None` for any other status.
pub(crate) fn for_status(status: StatusCode) -> Option<Response> {
    let (title, said) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            ("Dữ liệu gửi lên quá lớn", "Request too large"),
            (
                "Nội dung gửi lên vượt quá giới hạn cho phép.",
                "The data sent is larger than this site accepts.",
            ),
        ),
        StatusCode::GATEWAY_TIMEOUT => (
            ("Hết thời gian chờ", "Timed out"),
            (
                "Hệ thống không trả lời kịp. Vui lòng thử lại sau.",
                "The system did not answer in time. Please try again later.",
            ),
        ),
        _ => return None,
    };
    Some(page(status, title, said))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_requests_says_when_in_both_languages() {
        let response = too_many_requests(42);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "42");
        assert_eq!(too_many_requests(0).headers()[header::RETRY_AFTER], "1");
    }
}
