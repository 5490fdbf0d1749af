//! The display screen of the waiting hall (`/display/{center}`): counters, latest calls,
//! waiting counts and a clock, kept live by the board's Server-Sent Events. A call
//! flashes, chimes (Web Audio, no sound files) and is spoken in Vietnamese
//! (`speechSynthesis`, vi-VN). The page, its style and its script are in
//! `gateway/templates/queue/display.html`.

use onestop_proto::queue::v1 as pb;
use serde::Serialize;

use askama::Template;

use super::pages::{CenterName, seg};
use crate::pages::render;

#[derive(Serialize)]
struct LineJson<'a> {
    code: &'a str,
    prefix: &'a str,
    name_vi: &'a str,
    name_en: &'a str,
}

#[derive(Serialize)]
struct Config<'a> {
    events: String,
    now: i64,
    lines: Vec<LineJson<'a>>,
}

/// JSON safe inside a `<script>` element.
fn script_json(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".into())
        .replace("</", "<\\/")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[derive(Template)]
#[template(path = "queue/display.html")]
struct Display<'a> {
    center: &'a CenterName,
    /// [`Config`] as JSON that cannot close its `<script>`.
    config: String,
}

/// The display screen of a centre.
pub fn display(center_id: &str, center: &CenterName, lines: &[pb::ServiceLine]) -> String {
    let config = Config {
        events: format!("/display/{}/events", seg(center_id)),
        now: chrono::Utc::now().timestamp_millis(),
        lines: lines
            .iter()
            .map(|l| LineJson {
                code: &l.code,
                prefix: &l.prefix,
                name_vi: &l.name_vi,
                name_en: &l.name_en,
            })
            .collect(),
    };
    render(&Display {
        center,
        config: script_json(&config),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_cannot_close_the_script() {
        let line = pb::ServiceLine {
            code: "x".into(),
            name_vi: "</script><b>".into(),
            ..Default::default()
        };
        let html = display("c", &CenterName::default(), &[line]);
        assert!(!html.contains("</script><b>"));
        assert!(html.contains("/display/c/events"));
    }
}
