//! The centre's figures over a period, grouped as asked.

use onestop_kit::ServiceError;
use onestop_proto::dossier::v1 as pb;
use tonic::{Request, Response, Status};

use super::convert::from_ts;
use super::limits;
use super::service::{DossierApi, required, staff, stats_row};
use crate::store::stats;
use crate::store::tx;

/// The `DossierStats` RPC.
pub(super) async fn dossier_stats(
    api: &DossierApi,
    request: Request<pb::DossierStatsRequest>,
) -> Result<Response<pb::DossierStatsResponse>, Status> {
    limits::dossier_stats(request.get_ref())?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    let center_id = required("center_id", &r.center_id)?;
    tx::check_center(&claims, &center_id)?;
    let from = from_ts(
        r.from
            .as_ref()
            .ok_or_else(|| ServiceError::invalid("from", "bắt buộc — required"))?,
        "from",
    )?;
    let to = from_ts(
        r.to.as_ref()
            .ok_or_else(|| ServiceError::invalid("to", "bắt buộc — required"))?,
        "to",
    )?;
    if to <= from {
        return Err(ServiceError::invalid("to", "phải sau «from» — must be after `from`").into());
    }
    let group = stats::GroupBy::parse(r.group_by.trim())?;
    let counts = stats::stats(&api.store, &center_id, from, to, group, api.clock.now()).await?;
    // adding up the groups is CPU work: off the request workers
    let response = tokio::task::spawn_blocking(move || {
        let (groups, total) = counts.figures();
        pb::DossierStatsResponse {
            rows: if group == stats::GroupBy::Total {
                Vec::new()
            } else {
                groups.iter().map(|(k, f)| stats_row(k, f)).collect()
            },
            total: Some(stats_row("", &total)),
        }
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("statistics: {e}")))?;
    Ok(Response::new(response))
}
