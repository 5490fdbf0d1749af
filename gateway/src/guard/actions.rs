//! Which requests are public actions that count against the rate limits, and the centre
//! each one is for:
//!
//! | request | centre |
//! |---|---|
//! | `POST /kiosk/{center}/tickets` (a ticket) | `{center}` |
//! | `POST /t/{id}/cancel` | — (the ticket id does not name it) |
//! | `GET /d?code=…` (the lookup box), `GET /d/{code}` | the code's receiving unit |
//! | `POST /d/{code}/pay`, `POST /d/{code}/rate` | the code's receiving unit |
//! | `POST /feedback/{center}` | `{center}` |
//!
//! A dossier code is `<receiving unit>-<YYMMDD>-<NNNN>`: its centre key is the unit, the
//! part before the first `-`, uppercased (as the dossier service writes it).

use axum::http::{Method, Uri};

/// Longest centre key kept; longer ones are cut (they name no real centre anyway).
const MAX_CENTER_KEY: usize = 64;

/// A public action: counts against its client's and, when known, its centre's budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Action {
    /// The centre key, if the path names one.
    pub center: Option<String>,
}

/// The public action `method` on `uri` is, or `None` if it is not rate-limited.
pub(crate) fn classify(method: &Method, uri: &Uri) -> Option<Action> {
    let path = uri.path().strip_prefix('/')?;
    let segments: Vec<&str> = path.split('/').collect();
    let read = *method == Method::GET || *method == Method::HEAD;
    let post = *method == Method::POST;
    let center = match segments.as_slice() {
        ["kiosk", center, "tickets"] if post => Some(center_key(&decode(center))),
        ["t", _, "cancel"] if post => None,
        ["d"] if read => {
            let code = query_value(uri.query().unwrap_or(""), "code")?;
            if code.trim().is_empty() {
                return None; // the empty box: a page, not a lookup
            }
            Some(unit_of(&code))
        }
        ["d", code] if read => Some(unit_of(&decode(code))),
        ["d", code, "pay" | "rate"] if post => Some(unit_of(&decode(code))),
        ["feedback", center] if post => Some(center_key(&decode(center))),
        _ => return None,
    };
    Some(Action {
        center: center.filter(|c| !c.is_empty()),
    })
}

/// The receiving unit of a dossier code, uppercased.
fn unit_of(code: &str) -> String {
    let code = code.trim();
    let unit = code.split_once('-').map_or(code, |(unit, _)| unit);
    center_key(&unit.to_uppercase())
}

/// `text` cut to [`MAX_CENTER_KEY`] bytes on a character boundary.
fn center_key(text: &str) -> String {
    let text = text.trim();
    let mut end = text.len().min(MAX_CENTER_KEY);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

/// The first value of `name` in a query string, decoded (`+` is a space).
fn query_value(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(&key.replace('+', " ")) == name).then(|| decode(&value.replace('+', " ")))
    })
}

/// Percent-decodes `text` (invalid escapes kept as written, invalid UTF-8 replaced), so
/// that `%48` and `H` are one centre.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn center(method: Method, uri: &str) -> Option<Option<String>> {
        classify(&method, &uri.parse().unwrap()).map(|a| a.center)
    }

    #[test]
    fn public_actions_and_their_centres() {
        let some = |s: &str| Some(Some(s.to_string()));
        assert_eq!(
            center(Method::POST, "/kiosk/muong-sai/tickets"),
            some("muong-sai")
        );
        assert_eq!(center(Method::POST, "/t/tk0001/cancel"), Some(None));
        assert_eq!(
            center(Method::GET, "/d/000.00.12.h56-260309-0042"),
            some("000.00.12.H56")
        );
        assert_eq!(
            center(Method::GET, "/d/000.00.12.%48%356-260309-0042?k=x"),
            some("000.00.12.H56")
        );
        assert_eq!(center(Method::GET, "/d?code=H56-260309-0042"), some("H56"));
        assert_eq!(center(Method::GET, "/d?x=1&code=+h56-1"), some("H56"));
        assert_eq!(center(Method::POST, "/d/H56-1-2/pay"), some("H56"));
        assert_eq!(center(Method::POST, "/d/H56-1-2/rate"), some("H56"));
        assert_eq!(
            center(Method::POST, "/feedback/muong-sai"),
            some("muong-sai")
        );
    }

    #[test]
    fn pages_and_reads_that_are_not_actions() {
        for (method, uri) in [
            (Method::GET, "/"),
            (Method::GET, "/d"),
            (Method::GET, "/d?code="),
            (Method::GET, "/kiosk/muong-sai"),
            (Method::GET, "/kiosk/muong-sai/tickets/tk1"),
            (Method::GET, "/t/tk0001"),
            (Method::GET, "/display/muong-sai/events"),
            (Method::GET, "/feedback/muong-sai"),
            (Method::POST, "/payments/callback"),
            (Method::POST, "/pay"),
        ] {
            assert_eq!(center(method.clone(), uri), None, "{method} {uri}");
        }
    }

    #[test]
    fn centre_keys_are_bounded() {
        let long = format!("/kiosk/{}/tickets", "ư".repeat(100));
        let key = center(Method::POST, &long).unwrap().unwrap();
        assert!(key.len() <= MAX_CENTER_KEY);
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("M%C6%B0%E1%BB%9Dng"), "Mường");
    }
}
