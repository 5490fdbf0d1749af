//! `onestop staff dossier stats`: the centre's figures as a table and as CSV.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use onestop_kit::Config;
use onestop_proto::dossier::v1 as pb;

use super::Client;
use super::parse::{GroupByArg, day_start, parse_day};
use crate::cli::client::fail;

/// Figures of the centre.
#[derive(Subcommand, Debug)]
pub enum StatsCommand {
    /// Figures over local days FROM..TO (both included), as a table and optionally CSV.
    Stats {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD (included).
        #[arg(long)]
        to: String,
        /// One row per procedure, field, channel or handler (default: the total only).
        #[arg(long, value_enum)]
        group_by: Option<GroupByArg>,
        /// Also write the rows as CSV: a header, one row per group, a total row.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
}

impl StatsCommand {
    /// Reads only: the token's subject does not matter.
    pub fn is_read(&self) -> bool {
        true
    }

    /// Runs the command against `client` for `center`.
    pub async fn run(
        self,
        _config: &Config,
        client: &mut Client,
        center: &str,
    ) -> anyhow::Result<()> {
        use StatsCommand as C;
        match self {
            C::Stats {
                from,
                to,
                group_by,
                csv,
            } => {
                let first = parse_day("from", &from)?;
                let last = parse_day("to", &to)?;
                anyhow::ensure!(last >= first, "--to must not be before --from");
                let group = match group_by {
                    None => "",
                    Some(GroupByArg::Procedure) => "procedure",
                    Some(GroupByArg::Field) => "field",
                    Some(GroupByArg::Channel) => "channel",
                    Some(GroupByArg::Handler) => "handler",
                };
                let r = client
                    .dossier_stats(pb::DossierStatsRequest {
                        center_id: center.to_string(),
                        from: Some(day_start(first)),
                        to: Some(day_start(last + chrono::Days::new(1))),
                        group_by: group.to_string(),
                    })
                    .await
                    .map_err(fail)?
                    .into_inner();
                let label = if group.is_empty() { "group" } else { group };
                println!(
                    "{center} {} – {}",
                    onestop_kit::format::date(&first),
                    onestop_kit::format::date(&last)
                );
                print_stats(label, &r);
                if let Some(path) = csv {
                    std::fs::write(&path, stats_csv(label, &r)?)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    println!("CSV: {}", path.display());
                }
            }
        }
        Ok(())
    }
}

/// The columns of the statistics table and CSV, after the group key.
const STATS_COLUMNS: [&str; 12] = [
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "on_time_percent",
    "in_progress",
    "overdue_now",
    "online_percent",
    "assisted_percent",
    "satisfaction_percent",
    "ratings",
    "supplements_requested",
];

fn stats_values(r: &pb::StatsRow) -> [String; 12] {
    [
        r.received.to_string(),
        r.resolved_early.to_string(),
        r.resolved_on_time.to_string(),
        r.resolved_late.to_string(),
        format!("{:.1}", r.on_time_percent),
        r.in_progress.to_string(),
        r.overdue_now.to_string(),
        format!("{:.1}", r.online_percent),
        format!("{:.1}", r.assisted_percent),
        format!("{:.1}", r.satisfaction_percent),
        r.ratings.to_string(),
        r.supplements_requested.to_string(),
    ]
}

/// The statistics as CSV (quoted where a field needs it, CRLF line ends): a header, one
/// row per group, then the total row (key `total`).
fn stats_csv(group: &str, r: &pb::DossierStatsResponse) -> anyhow::Result<String> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record(std::iter::once(group).chain(STATS_COLUMNS))?;
    for row in &r.rows {
        out.write_record(std::iter::once(row.key.clone()).chain(stats_values(row)))?;
    }
    let total = r.total.clone().unwrap_or_default();
    out.write_record(std::iter::once("total".to_string()).chain(stats_values(&total)))?;
    Ok(String::from_utf8(out.into_inner()?)?)
}

fn print_stats(group: &str, r: &pb::DossierStatsResponse) {
    let labels = [
        "nhận/recv",
        "sớm/early",
        "đúng/on t.",
        "trễ/late",
        "đúng hạn %",
        "đang xử lý",
        "quá hạn",
        "online %",
        "hỗ trợ %",
        "hài lòng %",
        "đánh giá",
        "bổ sung",
    ];
    let width = r
        .rows
        .iter()
        .map(|row| row.key.chars().count())
        .max()
        .unwrap_or(0)
        .max(group.chars().count())
        .max(14);
    print!("{:<width$}", group);
    for l in labels {
        print!(" {l:>10}");
    }
    println!();
    let print_row = |key: &str, row: &pb::StatsRow| {
        print!("{key:<width$}");
        for v in stats_values(row) {
            print!(" {v:>10}");
        }
        println!();
    };
    for row in &r.rows {
        print_row(&row.key, row);
    }
    print_row("tổng / total", &r.total.clone().unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_header_groups_and_total() {
        let row = |key: &str, received| pb::StatsRow {
            key: key.into(),
            received,
            ..Default::default()
        };
        let r = pb::DossierStatsResponse {
            rows: vec![row("1.001193", 2), row("a,b", 1)],
            total: Some(row("", 3)),
        };
        let text = stats_csv("procedure", &r).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("procedure,received,"));
        assert!(lines[1].starts_with("1.001193,2,"));
        assert!(lines[2].starts_with("\"a,b\",1,"));
        assert!(lines[3].starts_with("total,3,"));
        assert!(text.ends_with("\r\n"));
    }
}
