//! Reading the dossier commands' arguments: amounts, forms, local days and times.

use anyhow::Context;
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use clap::ValueEnum;
use onestop_proto::dossier::v1 as pb;

/// How a dossier arrived.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ChannelArg {
    /// At the counter.
    Counter,
    /// On the public-service portal.
    Online,
    /// Online, helped by staff.
    Assisted,
    /// By post.
    Postal,
}

/// The specialist's conclusion.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutcomeArg {
    /// Propose to grant the result.
    Approve,
    /// Propose a written refusal.
    Refuse,
    /// A supplement is needed first.
    #[value(alias = "supplement-needed")]
    Supplement,
}

/// Statistics grouping.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GroupByArg {
    /// By procedure code.
    Procedure,
    /// By field (lĩnh vực).
    Field,
    /// By channel.
    Channel,
    /// By handler.
    Handler,
}

pub(super) fn parse_vnd(text: &str) -> Result<i64, String> {
    let digits: String = text
        .trim()
        .trim_end_matches(['đ', 'd', 'D'])
        .trim_end_matches("VND")
        .trim_end_matches("vnd")
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | '_' | ' '))
        .collect();
    match digits.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{text}`: an amount in VND, e.g. 50000 or 50.000")),
    }
}

pub(super) fn parse_form(text: &str) -> Result<pb::Form, String> {
    Ok(match text.trim().to_lowercase().as_str() {
        "1" | "01" | "receipt" => pb::Form::Receipt,
        "2" | "02" | "supplement" => pb::Form::SupplementRequest,
        "3" | "03" | "refusal" => pb::Form::Refusal,
        "4" | "04" | "apology" => pb::Form::Apology,
        "5" | "05" | "handover" => pb::Form::Handover,
        _ => {
            return Err(format!(
                "`{text}`: use 1–5, receipt, supplement, refusal, apology or handover"
            ));
        }
    })
}

/// Vietnam's time (UTC+7, no daylight saving): the demo centre's zone, Asia/Ho_Chi_Minh.
pub(super) fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// A local day's midnight as a wire timestamp.
pub(super) fn day_start(day: NaiveDate) -> prost_types::Timestamp {
    let at = vn()
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("a fixed offset has no gaps");
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: 0,
    }
}

pub(super) fn parse_day(flag: &str, text: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("--{flag} `{text}`: use YYYY-MM-DD"))
}

/// "YYYY-MM-DD HH:MM" in Vietnam's time as a wire timestamp.
pub(super) fn parse_local(flag: &str, text: &str) -> anyhow::Result<prost_types::Timestamp> {
    let naive = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%H:%M %d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
        .with_context(|| format!("--{flag} `{text}`: use \"YYYY-MM-DD HH:MM\" (local time)"))?;
    let at = vn()
        .from_local_datetime(&naive)
        .single()
        .expect("a fixed offset has no gaps");
    Ok(prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::super::print::{local, vnd};
    use super::*;

    #[test]
    fn forms_amounts_and_times_parse() {
        assert_eq!(parse_form("1").unwrap(), pb::Form::Receipt);
        assert_eq!(parse_form("handover").unwrap(), pb::Form::Handover);
        assert!(parse_form("6").is_err());
        assert_eq!(parse_vnd("50.000").unwrap(), 50_000);
        assert_eq!(parse_vnd("8,000đ").unwrap(), 8_000);
        assert!(parse_vnd("-5").is_err());
        let t = parse_local("to", "2026-02-23 09:00").unwrap();
        assert_eq!(local(&Some(t)), "09:00 23/02/2026");
        assert_eq!(vnd(1_234_000), "1.234.000 đ");
        assert_eq!(vnd(500), "500 đ");
    }
}
