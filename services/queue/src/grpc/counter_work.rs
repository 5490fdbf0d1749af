//! A counter's day: open, pause, close, call the next citizen, recall, no-show, serve,
//! finish, transfer, park and resume.

use onestop_kit::ServiceError;
use onestop_proto::queue::v1 as pb;
use tonic::{Request, Response, Status};

use super::bounds::Bounded;
use super::convert::counter_to_pb;
use super::service::{QueueApi, STAFF, authorise, required};
use crate::store::floor::{self, TicketOp};

/// The `OpenCounter` RPC.
pub(super) async fn open_counter(
    api: &QueueApi,
    req: Request<pb::OpenCounterRequest>,
) -> Result<Response<pb::Counter>, Status> {
    req.get_ref().check_bounds()?;
    let staff = authorise(&req, STAFF, &req.get_ref().center_id)?
        .sub
        .clone();
    let r = req.into_inner();
    required("counter_id", &r.counter_id)?;
    let (counter, events) = floor::open_counter(
        &api.store,
        &r.center_id,
        &r.counter_id,
        &staff,
        api.clock.now(),
    )
    .await?;
    api.board.publish(events);
    Ok(Response::new(counter_to_pb(&counter, None)))
}

/// The `PauseCounter` RPC.
pub(super) async fn pause_counter(
    api: &QueueApi,
    req: Request<pb::PauseCounterRequest>,
) -> Result<Response<pb::Counter>, Status> {
    req.get_ref().check_bounds()?;
    let staff = authorise(&req, STAFF, &req.get_ref().center_id)?
        .sub
        .clone();
    let r = req.into_inner();
    required("counter_id", &r.counter_id)?;
    required("reason", &r.reason)?;
    let (counter, events) = floor::pause_counter(
        &api.store,
        &r.center_id,
        &r.counter_id,
        &staff,
        r.reason.trim(),
        api.clock.now(),
    )
    .await?;
    api.board.publish(events);
    Ok(Response::new(counter_to_pb(&counter, None)))
}

/// The `CloseCounter` RPC.
pub(super) async fn close_counter(
    api: &QueueApi,
    req: Request<pb::CloseCounterRequest>,
) -> Result<Response<pb::Counter>, Status> {
    req.get_ref().check_bounds()?;
    let staff = authorise(&req, STAFF, &req.get_ref().center_id)?
        .sub
        .clone();
    let r = req.into_inner();
    required("counter_id", &r.counter_id)?;
    let (counter, events) = floor::close_counter(
        &api.store,
        &r.center_id,
        &r.counter_id,
        &staff,
        api.clock.now(),
    )
    .await?;
    api.board.publish(events);
    Ok(Response::new(counter_to_pb(&counter, None)))
}

/// The `CallNext` RPC.
pub(super) async fn call_next(
    api: &QueueApi,
    req: Request<pb::CallNextRequest>,
) -> Result<Response<pb::CallNextResponse>, Status> {
    req.get_ref().check_bounds()?;
    let staff = authorise(&req, STAFF, &req.get_ref().center_id)?
        .sub
        .clone();
    let r = req.into_inner();
    required("counter_id", &r.counter_id)?;
    let (called, events) = floor::call_next(
        &api.store,
        &r.center_id,
        &r.counter_id,
        &staff,
        api.clock.now(),
    )
    .await?;
    api.board.publish(events);
    Ok(Response::new(match called {
        Some(c) => pb::CallNextResponse {
            ticket: Some(api.ticket_pb(&c.ticket, c.counter_number)),
            reason: c.reason,
        },
        None => pb::CallNextResponse {
            ticket: None,
            reason: "không còn ai chờ / nobody is waiting for this counter's lines".into(),
        },
    }))
}

/// The `Recall` RPC.
pub(super) async fn recall(
    api: &QueueApi,
    req: Request<pb::TicketActionRequest>,
) -> Result<Response<pb::Ticket>, Status> {
    req.get_ref().check_bounds()?;
    api.act(req, TicketOp::Recall).await
}

/// The `MarkNoShow` RPC.
pub(super) async fn mark_no_show(
    api: &QueueApi,
    req: Request<pb::TicketActionRequest>,
) -> Result<Response<pb::Ticket>, Status> {
    req.get_ref().check_bounds()?;
    api.act(req, TicketOp::NoShow).await
}

/// The `StartServing` RPC.
pub(super) async fn start_serving(
    api: &QueueApi,
    req: Request<pb::TicketActionRequest>,
) -> Result<Response<pb::Ticket>, Status> {
    req.get_ref().check_bounds()?;
    api.act(req, TicketOp::StartServing).await
}

/// The `FinishServing` RPC.
pub(super) async fn finish_serving(
    api: &QueueApi,
    req: Request<pb::FinishServingRequest>,
) -> Result<Response<pb::FinishServingResponse>, Status> {
    req.get_ref().check_bounds()?;
    let staff = authorise(&req, STAFF, &req.get_ref().center_id)?
        .sub
        .clone();
    let r = req.into_inner();
    required("counter_id", &r.counter_id)?;
    required("ticket_id", &r.ticket_id)?;
    for (i, code) in r.dossier_codes.iter().enumerate() {
        if code.trim().is_empty() || code.len() > 40 {
            return Err(ServiceError::invalid(
                format!("dossier_codes[{i}]"),
                "must be a dossier code of 1–40 characters",
            )
            .into());
        }
    }
    let op = TicketOp::Finish {
        outcome: r.outcome.trim().to_string(),
        dossier_codes: r
            .dossier_codes
            .iter()
            .map(|c| c.trim().to_string())
            .collect(),
        call_next: r.call_next,
    };
    let (acted, events) = floor::act(
        &api.store,
        &r.center_id,
        &r.counter_id,
        &staff,
        &r.ticket_id,
        op,
        api.clock.now(),
    )
    .await?;
    api.board.publish(events);
    Ok(Response::new(pb::FinishServingResponse {
        finished: Some(api.ticket_pb(&acted.ticket, acted.counter_number)),
        next: acted
            .next
            .map(|c| api.ticket_pb(&c.ticket, c.counter_number)),
    }))
}

/// The `Transfer` RPC.
pub(super) async fn transfer(
    api: &QueueApi,
    req: Request<pb::TransferRequest>,
) -> Result<Response<pb::Ticket>, Status> {
    req.get_ref().check_bounds()?;
    let staff = authorise(&req, STAFF, &req.get_ref().center_id)?
        .sub
        .clone();
    let r = req.into_inner();
    required("counter_id", &r.counter_id)?;
    required("ticket_id", &r.ticket_id)?;
    let some = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let op = TicketOp::Transfer {
        to_line: some(r.to_service_code),
        to_counter: some(r.to_counter_id),
        keep_arrival: r.keep_arrival,
    };
    let (acted, events) = floor::act(
        &api.store,
        &r.center_id,
        &r.counter_id,
        &staff,
        &r.ticket_id,
        op,
        api.clock.now(),
    )
    .await?;
    api.board.publish(events);
    Ok(Response::new(api.view(&acted.ticket.id).await?))
}

/// The `Park` RPC.
pub(super) async fn park(
    api: &QueueApi,
    req: Request<pb::TicketActionRequest>,
) -> Result<Response<pb::Ticket>, Status> {
    req.get_ref().check_bounds()?;
    api.act(req, TicketOp::Park).await
}

/// The `Resume` RPC.
pub(super) async fn resume(
    api: &QueueApi,
    req: Request<pb::TicketActionRequest>,
) -> Result<Response<pb::Ticket>, Status> {
    req.get_ref().check_bounds()?;
    api.act(req, TicketOp::Resume).await
}
