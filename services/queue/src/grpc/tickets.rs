//! Tickets: issuing at the kiosk (idempotent by request id), reading, cancelling with the
//! citizen's key, explaining a position.

use onestop_kit::{Claims, ServiceError};
use onestop_proto::queue::v1 as pb;
use tonic::{Request, Response, Status};

use super::bounds::Bounded;
use super::convert::ticket_view_to_pb;
use super::service::{CANCELLERS, KIOSK, QueueApi, authorise, required};
use crate::domain::policy::AheadReason;
use crate::store::entity::TicketState;
use crate::store::floor;
use crate::store::read;

/// The `IssueTicket` RPC.
pub(super) async fn issue_ticket(
    api: &QueueApi,
    req: Request<pb::IssueTicketRequest>,
) -> Result<Response<pb::Ticket>, Status> {
    req.get_ref().check_bounds()?;
    authorise(&req, KIOSK, &req.get_ref().center_id)?;
    let r = req.into_inner();
    required("center_id", &r.center_id)?;
    Ok(Response::new(
        api.issue(
            &r.center_id,
            &r.service_code,
            r.priority,
            &r.phone,
            &r.appointment_code,
            &r.request_id,
        )
        .await?,
    ))
}

/// The `GetTicket` RPC.
pub(super) async fn get_ticket(
    api: &QueueApi,
    req: Request<pb::GetTicketRequest>,
) -> Result<Response<pb::Ticket>, Status> {
    req.get_ref().check_bounds()?;
    let id = req.into_inner().id;
    required("id", &id)?;
    Ok(Response::new(api.view(&id).await?))
}

/// The `CancelTicket` RPC.
pub(super) async fn cancel_ticket(
    api: &QueueApi,
    req: Request<pb::CancelTicketRequest>,
) -> Result<Response<pb::Ticket>, Status> {
    req.get_ref().check_bounds()?;
    // the id is public (it is in the ticket's link): acting needs the key printed on
    // the ticket, or a staff token of the ticket's centre
    let staff = req.extensions().get::<Claims>().cloned();
    let r = req.into_inner();
    required("id", &r.id)?;
    let may_cancel = |t: &crate::store::rows::TicketRow| match &staff {
        Some(c) if CANCELLERS.contains(&c.role) && c.covers_center(&t.center_id) => Ok(()),
        _ if api.keys.matches(&r.key, &t.key_hash) => Ok(()),
        _ if r.key.trim().is_empty() => Err(ServiceError::Unauthenticated(
            "cancelling needs the key printed on the ticket (or a staff token of its centre)"
                .into(),
        )),
        _ => Err(ServiceError::PermissionDenied(
            "the key does not match this ticket".into(),
        )),
    };
    let id = r.id.clone();
    let (ticket, events) = floor::cancel(&api.store, &id, api.clock.now(), may_cancel).await?;
    api.board.publish(events);
    Ok(Response::new(api.ticket_pb(&ticket, 0)))
}

/// The `ExplainPosition` RPC.
pub(super) async fn explain_position(
    api: &QueueApi,
    req: Request<pb::GetTicketRequest>,
) -> Result<Response<pb::ExplainPositionResponse>, Status> {
    req.get_ref().check_bounds()?;
    let id = req.into_inner().id;
    required("id", &id)?;
    let view = read::ticket_view(&api.store, &id, api.clock.now()).await?;
    let policy = &view.center.policy;
    let mut reasons = Vec::new();
    for reason in [
        AheadReason::Aged,
        AheadReason::Appointment,
        AheadReason::Priority,
        AheadReason::EarlierArrival,
    ] {
        let n = view.ahead.iter().filter(|r| **r == reason).count();
        if n > 0 {
            reasons.push(pb::PositionReason {
                reason: reason.code().into(),
                count: n as i32,
                text_vi: reason.text_vi(n, policy),
                text_en: reason.text_en(n, policy),
            });
        }
    }
    let ticket = ticket_view_to_pb(&view, &api.public_base_url);
    let (summary_vi, summary_en) = match view.ticket.status {
        TicketState::Waiting if view.ahead.is_empty() => (
            format!("Số {} là số tiếp theo được gọi.", view.ticket.number),
            format!("{} is next.", view.ticket.number),
        ),
        TicketState::Waiting => (
            format!(
                "Trước số {} còn {} người: {}. Mỗi vé ưu tiên được gọi sau tối đa {} vé thường; ai chờ quá {} phút được gọi trước.",
                view.ticket.number,
                view.ahead.len(),
                reasons
                    .iter()
                    .map(|r| r.text_vi.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                policy.normal_between_priority,
                policy.max_wait_minutes
            ),
            format!(
                "{} people are ahead of {}: {}. A priority ticket is called after at most {} normal ones; anyone waiting over {} minutes goes first.",
                view.ahead.len(),
                view.ticket.number,
                reasons
                    .iter()
                    .map(|r| r.text_en.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                policy.normal_between_priority,
                policy.max_wait_minutes
            ),
        ),
        _ => (
            format!("Số {} không còn trong hàng chờ.", view.ticket.number),
            format!(
                "{} is no longer waiting ({}).",
                view.ticket.number, view.ticket.status
            ),
        ),
    };
    Ok(Response::new(pb::ExplainPositionResponse {
        ahead: view.ahead.len() as i32,
        ticket: Some(ticket),
        reasons,
        summary_vi,
        summary_en,
    }))
}
