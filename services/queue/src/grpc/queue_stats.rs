//! Figures of a centre over a period, added up off the request workers.

use onestop_kit::ServiceError;
use onestop_proto::queue::v1 as pb;
use tonic::{Request, Response, Status};

use super::bounds::Bounded;
use super::convert;
use super::service::{MANAGERS, QueueApi, authorise};
use crate::store::rows::from_ms;
use crate::store::{read, setup, stats};

/// The `QueueStats` RPC.
pub(super) async fn queue_stats(
    api: &QueueApi,
    req: Request<pb::QueueStatsRequest>,
) -> Result<Response<pb::QueueStatsResponse>, Status> {
    req.get_ref().check_bounds()?;
    authorise(&req, MANAGERS, &req.get_ref().center_id)?;
    let r = req.into_inner();
    let (Some(from), Some(to)) = (r.from.as_ref(), r.to.as_ref()) else {
        return Err(ServiceError::invalid(
            if r.from.is_none() { "from" } else { "to" },
            "is required",
        )
        .into());
    };
    let (from, to) = (from_ms(convert::ms(from)), from_ms(convert::ms(to)));
    if to <= from {
        return Err(ServiceError::invalid("to", "must be after from").into());
    }
    setup::center(&api.store, &r.center_id).await?;
    let tickets = read::tickets_issued(&api.store, &r.center_id, from, to).await?;
    let log = read::counter_log(&api.store, &r.center_id, to).await?;
    let counters = setup::counters(&api.store, &r.center_id).await?;
    let until = to.min(api.clock.now().max(from));
    // a busy year is many rows: add them up off the request workers
    let t =
        tokio::task::spawn_blocking(move || stats::totals(&tickets, &log, &counters, from, until))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(Response::new(pb::QueueStatsResponse {
        issued: t.issued,
        served: t.served,
        no_show: t.no_show,
        cancelled: t.cancelled,
        expired: t.expired,
        wait_minutes_p50: t.wait_p50,
        wait_minutes_p90: t.wait_p90,
        lines: t
            .lines
            .iter()
            .map(|(code, l)| pb::LineStats {
                service_code: code.clone(),
                issued: l.issued,
                served: l.served,
                no_show: l.no_show,
                service_minutes_avg: l.service_minutes_avg,
            })
            .collect(),
        counters: t
            .counters
            .iter()
            .map(|(id, c)| pb::CounterStats {
                counter_id: id.clone(),
                counter_number: c.number,
                served: c.served,
                service_minutes_avg: c.service_minutes_avg,
                open_minutes: c.open_minutes,
                pause_minutes: c.pause_minutes,
                idle_minutes: c.idle_minutes,
            })
            .collect(),
    }))
}
