//! Statistics over a period, counted from the history (receipts, results judged,
//! supplements), the ratings, and for "now" figures the open dossiers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use onestop_kit::ServiceError;
use onestop_kit::sql::{Store, all};
use sea_orm::FromQueryResult;

use super::entity::sql_list;
use super::read::{OPEN, RUNNING};

/// How rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// One total row.
    Total,
    /// By procedure code.
    Procedure,
    /// By field (lĩnh vực) code.
    Field,
    /// By channel.
    Channel,
    /// By handler (assigned specialist; the receiving officer for receipts before assignment).
    Handler,
}

impl GroupBy {
    /// From the request's `group_by`; names the field on error.
    pub fn parse(text: &str) -> Result<Self, ServiceError> {
        Ok(match text {
            "" => Self::Total,
            "procedure" => Self::Procedure,
            "field" => Self::Field,
            "channel" => Self::Channel,
            "handler" => Self::Handler,
            other => {
                return Err(ServiceError::invalid(
                    "group_by",
                    format!(
                        "«{other}» không hợp lệ; dùng procedure, field, channel hoặc handler — use procedure, field, channel or handler"
                    ),
                ));
            }
        })
    }

    /// The grouping column of the history (the centre itself for one total row:
    /// PostgreSQL does not group by a constant).
    fn history_key(self) -> &'static str {
        match self {
            Self::Total => "center_id",
            Self::Procedure => "procedure_code",
            Self::Field => "field_code",
            Self::Channel => "channel",
            Self::Handler => "handler",
        }
    }

    fn dossier_key(self) -> &'static str {
        match self {
            Self::Total => "d.center_id",
            Self::Procedure => "d.procedure_code",
            Self::Field => "d.field_code",
            Self::Channel => "d.channel",
            Self::Handler => "d.assignee",
        }
    }
}

/// One group's figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// Received in the period.
    pub received: i64,
    /// Of those received, online.
    pub online: i64,
    /// Of those received, assisted.
    pub assisted: i64,
    /// Results ready in the period, early.
    pub early: i64,
    /// … on time.
    pub on_time: i64,
    /// … late.
    pub late: i64,
    /// Supplement requests in the period.
    pub supplements: i64,
    /// Open now (statuses 2, 4, 5, 6), among those received before the period's end.
    pub in_progress: i64,
    /// Of those, clock running and past due now.
    pub overdue_now: i64,
    /// Ratings in the period.
    pub ratings: i64,
    /// Of those, 4 or 5.
    pub satisfied: i64,
}

impl Figures {
    /// (early + on time) / resolved, in percent.
    pub fn on_time_percent(&self) -> f64 {
        percent(
            self.early + self.on_time,
            self.early + self.on_time + self.late,
        )
    }

    /// Online / received, in percent.
    pub fn online_percent(&self) -> f64 {
        percent(self.online, self.received)
    }

    /// Assisted / received, in percent.
    pub fn assisted_percent(&self) -> f64 {
        percent(self.assisted, self.received)
    }

    /// Satisfied / ratings, in percent.
    pub fn satisfaction_percent(&self) -> f64 {
        percent(self.satisfied, self.ratings)
    }

    fn add(&mut self, o: &Figures) {
        self.received += o.received;
        self.online += o.online;
        self.assisted += o.assisted;
        self.early += o.early;
        self.on_time += o.on_time;
        self.late += o.late;
        self.supplements += o.supplements;
        self.in_progress += o.in_progress;
        self.overdue_now += o.overdue_now;
        self.ratings += o.ratings;
        self.satisfied += o.satisfied;
    }
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

#[derive(FromQueryResult)]
struct HistoryCounts {
    key: String,
    received: i64,
    online: i64,
    assisted: i64,
    early: i64,
    on_time: i64,
    late: i64,
    supplements: i64,
}

#[derive(FromQueryResult)]
struct Pair {
    key: String,
    a: i64,
    b: i64,
}

/// The grouped counts as the database returns them; [`Counts::figures`] adds them up
/// (CPU work, to run off the request workers).
pub struct Counts {
    history: Vec<HistoryCounts>,
    progress: Vec<Pair>,
    ratings: Vec<Pair>,
}

/// The counts per group over `[from, to)`.
pub async fn stats(
    store: &Store,
    center_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    group: GroupBy,
    now: DateTime<Utc>,
) -> Result<Counts, ServiceError> {
    let (from, to) = (from.timestamp_millis(), to.timestamp_millis());
    let hk = group.history_key();
    let history: Vec<HistoryCounts> = all(
        &store.db,
        &format!(
            "SELECT {hk} AS key,
                SUM(CASE WHEN transition = 'receive' THEN 1 ELSE 0 END) AS received,
                SUM(CASE WHEN transition = 'receive' AND channel = 'online' THEN 1 ELSE 0 END) AS online,
                SUM(CASE WHEN transition = 'receive' AND channel = 'assisted' THEN 1 ELSE 0 END) AS assisted,
                SUM(CASE WHEN timeliness = 'early' THEN 1 ELSE 0 END) AS early,
                SUM(CASE WHEN timeliness = 'on_time' THEN 1 ELSE 0 END) AS on_time,
                SUM(CASE WHEN timeliness = 'late' THEN 1 ELSE 0 END) AS late,
                SUM(CASE WHEN transition = 'request_supplement' THEN 1 ELSE 0 END) AS supplements
             FROM dossier_history
             WHERE center_id = $1 AND at >= $2 AND at < $3
               AND transition IN ('receive', 'mark_result_ready', 'request_supplement')
             GROUP BY {hk}"
        ),
        vec![center_id.into(), from.into(), to.into()],
    )
    .await?;
    let dk = group.dossier_key();
    let (running, open) = (sql_list(&RUNNING), sql_list(&OPEN));
    let progress: Vec<Pair> = all(
        &store.db,
        &format!(
            "SELECT {dk} AS key, COUNT(*) AS a,
                SUM(CASE WHEN d.status IN {running} AND d.due_at < $3 THEN 1 ELSE 0 END) AS b
             FROM dossiers d
             WHERE d.center_id = $1 AND d.status IN {open} AND d.received_at < $2
             GROUP BY {dk}"
        ),
        vec![center_id.into(), to.into(), now.timestamp_millis().into()],
    )
    .await?;
    let ratings: Vec<Pair> = all(
        &store.db,
        &format!(
            "SELECT {dk} AS key, COUNT(*) AS a,
                SUM(CASE WHEN r.score >= 4 THEN 1 ELSE 0 END) AS b
             FROM dossier_ratings r JOIN dossiers d ON d.id = r.dossier_id
             WHERE r.center_id = $1 AND r.rated_at >= $2 AND r.rated_at < $3
             GROUP BY {dk}"
        ),
        vec![center_id.into(), from.into(), to.into()],
    )
    .await?;
    Ok(Counts {
        history,
        progress,
        ratings,
    })
}

impl Counts {
    /// Figures per group, and their total.
    pub fn figures(self) -> (BTreeMap<String, Figures>, Figures) {
        let Counts {
            history,
            progress,
            ratings,
        } = self;
        let mut groups: BTreeMap<String, Figures> = BTreeMap::new();
        for h in history {
            let f = groups.entry(h.key).or_default();
            f.received += h.received;
            f.online += h.online;
            f.assisted += h.assisted;
            f.early += h.early;
            f.on_time += h.on_time;
            f.late += h.late;
            f.supplements += h.supplements;
        }
        for p in progress {
            let f = groups.entry(p.key).or_default();
            f.in_progress += p.a;
            f.overdue_now += p.b;
        }
        for r in ratings {
            let f = groups.entry(r.key).or_default();
            f.ratings += r.a;
            f.satisfied += r.b;
        }
        let mut total = Figures::default();
        for f in groups.values() {
            total.add(f);
        }
        (groups, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_to_one_decimal_and_zero_when_empty() {
        let f = Figures {
            early: 1,
            on_time: 1,
            late: 1,
            ..Default::default()
        };
        assert_eq!(f.on_time_percent(), 66.7);
        assert_eq!(Figures::default().satisfaction_percent(), 0.0);
        assert!(GroupBy::parse("colour").is_err());
    }
}
