//! Wire ↔ domain conversions.

use onestop_proto::catalogue::v1 as pb;

use crate::domain::import::ImportReport;
use crate::domain::procedure::{Component, Fee, Level, OnlineLevel, RawField, RawProcedure};
use crate::store::queries::StoredProcedure;

/// A time on the wire (kit's one conversion; the catalogue keeps milliseconds).
pub fn timestamp(t: chrono::DateTime<chrono::Utc>) -> prost_types::Timestamp {
    onestop_kit::wire::ts(t.timestamp_millis())
}

pub fn level_to_pb(level: Level) -> pb::Level {
    match level {
        Level::Commune => pb::Level::Commune,
        Level::Province => pb::Level::Province,
    }
}

pub fn level_from_pb(level: pb::Level) -> Option<Level> {
    match level {
        pb::Level::Unspecified => None,
        pb::Level::Commune => Some(Level::Commune),
        pb::Level::Province => Some(Level::Province),
    }
}

fn online_to_pb(level: OnlineLevel) -> pb::OnlineLevel {
    match level {
        OnlineLevel::Unknown => pb::OnlineLevel::Unspecified,
        OnlineLevel::None => pb::OnlineLevel::None,
        OnlineLevel::Partial => pb::OnlineLevel::Partial,
        OnlineLevel::Full => pb::OnlineLevel::Full,
    }
}

fn online_name(level: pb::OnlineLevel) -> &'static str {
    match level {
        pb::OnlineLevel::Unspecified => "",
        pb::OnlineLevel::None => "none",
        pb::OnlineLevel::Partial => "partial",
        pb::OnlineLevel::Full => "full",
    }
}

/// The public page of a procedure: `{public_base_url}/p/{code}` (what its QR code opens).
pub fn public_url(public_base_url: &str, code: &str) -> String {
    format!("{public_base_url}/p/{code}")
}

/// A stored version on the wire; `public_base_url` makes its public link.
pub fn procedure_to_pb(p: StoredProcedure, public_base_url: &str) -> pb::Procedure {
    let c = p.content;
    pb::Procedure {
        public_url: public_url(public_base_url, &p.code),
        code: p.code,
        version: p.version,
        processing_days: c.processing_days(),
        name: c.name,
        field: Some(pb::Field {
            code: c.field.code,
            name: c.field.name,
            procedure_count: 0,
        }),
        level: level_to_pb(c.level).into(),
        agency: c.agency,
        fees: c
            .fees
            .into_iter()
            .map(|f| pb::Fee {
                name: f.name,
                amount_vnd: f.amount_vnd,
            })
            .collect(),
        fee_note: c.fee_note,
        components: c
            .components
            .into_iter()
            .map(|c| pb::Component {
                name: c.name,
                originals: c.originals,
                copies: c.copies,
                required: c.required,
                template: c.template,
            })
            .collect(),
        steps: c.steps,
        result: c.result,
        legal_basis: c.legal_basis,
        conditions: c.conditions,
        online_level: online_to_pb(c.online_level).into(),
        effective_from: Some(timestamp(p.effective_from)),
        effective_to: p.effective_to.map(timestamp),
        sample_code: c.sample_code,
        retired: p.retired,
    }
}

/// A procedure from the wire, unchecked.
pub fn procedure_from_pb(p: pb::Procedure) -> RawProcedure {
    let level = match level_from_pb(p.level()) {
        Some(level) => level.as_str().to_string(),
        None => String::new(),
    };
    let online_level = online_name(p.online_level()).to_string();
    let field = p.field.unwrap_or_default();
    RawProcedure {
        code: p.code,
        sample_code: p.sample_code,
        name: p.name,
        field: RawField {
            code: field.code,
            name: field.name,
        },
        level,
        agency: p.agency,
        processing_days: p.processing_days,
        fees: p
            .fees
            .into_iter()
            .map(|f| Fee {
                name: f.name,
                amount_vnd: f.amount_vnd,
            })
            .collect(),
        fee_note: p.fee_note,
        components: p
            .components
            .into_iter()
            .map(|c| Component {
                name: c.name,
                originals: c.originals,
                copies: c.copies,
                required: c.required,
                template: c.template,
            })
            .collect(),
        steps: p.steps,
        result: p.result,
        legal_basis: p.legal_basis,
        conditions: p.conditions,
        online_level,
    }
}

/// An import report on the wire.
pub fn report_to_pb(report: ImportReport) -> pb::ImportSummary {
    pb::ImportSummary {
        created: report.created as i32,
        new_versions: report.new_versions as i32,
        unchanged: report.unchanged as i32,
        rejected: report
            .rejected
            .into_iter()
            .map(|r| pb::ImportRejection {
                line: r.line as i32,
                code: r.code,
                field: r.field,
                reason: r.reason,
            })
            .collect(),
        applied: report.applied,
    }
}
