//! Setting up a centre: the centre itself, its service lines and counters, and reading
//! them back (anonymous reads carry no ticket ids).

use onestop_kit::{Claims, Role, ServiceError};
use onestop_proto::queue::v1 as pb;
use tonic::{Request, Response, Status};

use super::bounds::Bounded;
use super::convert::{center_from_pb, center_to_pb, counter_to_pb, line_from_pb, line_to_pb};
use super::service::{QueueApi, STAFF, authorise, required};
use crate::domain::validate::check_id;
use crate::store::entity::CounterState;
use crate::store::floor;
use crate::store::rows::CounterRow;
use crate::store::{read, setup};

/// The `ListCenters` RPC.
pub(super) async fn list_centers(
    api: &QueueApi,
    _req: Request<pb::ListCentersRequest>,
) -> Result<Response<pb::ListCentersResponse>, Status> {
    let centers = setup::centers(&api.store).await?;
    Ok(Response::new(pb::ListCentersResponse {
        centers: centers.iter().map(center_to_pb).collect(),
    }))
}

/// The `UpsertCenter` RPC.
pub(super) async fn upsert_center(
    api: &QueueApi,
    req: Request<pb::UpsertCenterRequest>,
) -> Result<Response<pb::Center>, Status> {
    req.get_ref().check_bounds()?;
    let center = req
        .get_ref()
        .center
        .clone()
        .ok_or_else(|| ServiceError::invalid("center", "is required"))?;
    authorise(&req, &[Role::Admin], &center.center_id)?;
    let center = center_from_pb(center)?;
    setup::upsert_center(&api.store, &center).await?;
    Ok(Response::new(center_to_pb(
        &setup::center(&api.store, &center.id).await?,
    )))
}

/// The `ListServiceLines` RPC.
pub(super) async fn list_service_lines(
    api: &QueueApi,
    req: Request<pb::ListServiceLinesRequest>,
) -> Result<Response<pb::ListServiceLinesResponse>, Status> {
    req.get_ref().check_bounds()?;
    let center_id = req.into_inner().center_id;
    required("center_id", &center_id)?;
    setup::center(&api.store, &center_id).await?;
    let waiting = floor::counts_now(&api.store.db, &center_id).await?;
    let lines = setup::lines(&api.store, &center_id).await?;
    Ok(Response::new(pb::ListServiceLinesResponse {
        lines: lines
            .iter()
            .map(|l| line_to_pb(l, waiting.get(&l.code).copied().unwrap_or(0)))
            .collect(),
    }))
}

/// The `UpsertServiceLine` RPC.
pub(super) async fn upsert_service_line(
    api: &QueueApi,
    req: Request<pb::UpsertServiceLineRequest>,
) -> Result<Response<pb::ServiceLine>, Status> {
    req.get_ref().check_bounds()?;
    let line = req
        .get_ref()
        .line
        .clone()
        .ok_or_else(|| ServiceError::invalid("line", "is required"))?;
    authorise(&req, &[Role::Admin], &line.center_id)?;
    let line = line_from_pb(line)?;
    setup::center(&api.store, &line.center_id).await?;
    setup::upsert_line(&api.store, &line).await?;
    Ok(Response::new(line_to_pb(&line, 0)))
}

/// The `ListCounters` RPC.
pub(super) async fn list_counters(
    api: &QueueApi,
    req: Request<pb::ListCountersRequest>,
) -> Result<Response<pb::ListCountersResponse>, Status> {
    req.get_ref().check_bounds()?;
    let staff = req
        .extensions()
        .get::<Claims>()
        .is_some_and(|c| STAFF.contains(&c.role) && c.covers_center(&req.get_ref().center_id));
    let center_id = req.into_inner().center_id;
    required("center_id", &center_id)?;
    setup::center(&api.store, &center_id).await?;
    let counters = read::counters_holding(&api.store.db, &center_id).await?;
    Ok(Response::new(pb::ListCountersResponse {
        counters: counters
            .iter()
            .map(|(c, t)| {
                let mut counter = counter_to_pb(c, t.as_ref());
                if !staff {
                    // an anonymous screen needs the number called, not the ticket's id
                    counter.current_ticket_id.clear();
                }
                counter
            })
            .collect(),
    }))
}

/// The `UpsertCounter` RPC.
pub(super) async fn upsert_counter(
    api: &QueueApi,
    req: Request<pb::UpsertCounterRequest>,
) -> Result<Response<pb::Counter>, Status> {
    req.get_ref().check_bounds()?;
    let c = req
        .get_ref()
        .counter
        .clone()
        .ok_or_else(|| ServiceError::invalid("counter", "is required"))?;
    authorise(&req, &[Role::Admin], &c.center_id)?;
    let mut errors = Vec::new();
    if let Err(e) = check_id(&c.counter_id) {
        errors.push(onestop_kit::FieldViolation::new("counter.counter_id", e));
    }
    if !(1..=999).contains(&c.number) {
        errors.push(onestop_kit::FieldViolation::new(
            "counter.number",
            "must be 1–999",
        ));
    }
    if c.service_codes.is_empty() {
        errors.push(onestop_kit::FieldViolation::new(
            "counter.service_codes",
            "must list at least one service line",
        ));
    }
    let lines = setup::lines(&api.store, &c.center_id).await?;
    for (i, code) in c.service_codes.iter().enumerate() {
        if !lines.iter().any(|l| &l.code == code) {
            errors.push(onestop_kit::FieldViolation::new(
                format!("counter.service_codes[{i}]"),
                format!("centre has no service line `{code}`"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::InvalidArgument(errors).into());
    }
    setup::center(&api.store, &c.center_id).await?;
    let row = CounterRow {
        center_id: c.center_id.clone(),
        counter_id: c.counter_id.clone(),
        number: c.number,
        name: c.name.trim().to_string(),
        service_codes: onestop_kit::json_text::JsonText(c.service_codes.clone()),
        status: CounterState::Closed,
        staff: None,
        pause_reason: String::new(),
        normal_since_priority: 0,
    };
    setup::upsert_counter(&api.store, &row, &c.service_codes).await?;
    let stored = setup::counters(&api.store, &c.center_id)
        .await?
        .into_iter()
        .find(|k| k.counter_id == c.counter_id)
        .ok_or_else(|| ServiceError::Internal("counter vanished after upsert".into()))?;
    Ok(Response::new(counter_to_pb(&stored, None)))
}
