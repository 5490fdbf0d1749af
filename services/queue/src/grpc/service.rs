//! The `QueueService` implementation: validate, authorise, call the store, publish
//! the committed board events.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use futures::Stream;
use onestop_kit::auth::require_role;
use onestop_kit::citizen_key;
use onestop_kit::limits;
use onestop_kit::{Claims, Clock, Role, ServiceError};
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_server::{QueueService, QueueServiceServer};
use tokio::sync::{broadcast, mpsc};
use tonic::{Request, Response, Status};

use super::bounds::Bounded;
use super::convert::{
    self, board_event_to_pb, center_from_pb, center_to_pb, class_from_pb, counter_status_to_pb,
    counter_to_pb, line_from_pb, line_to_pb, ticket_to_pb, ticket_view_to_pb, ts,
};
use crate::board::{Board, Watcher};
use crate::domain::hours::{CheckInTiming, SLOT_MINUTES, check_in_timing, slots};
use crate::domain::policy::AheadReason;
use crate::domain::validate::{
    check_id, new_appointment_code, normalize_appointment_code, normalize_phone,
};
use crate::store::floor::{self, AppointmentUse, IssueInput, TicketOp};
use crate::store::rows::{AppointmentRow, CounterRow, from_ms};
use crate::store::{Store, read, setup, stats};

/// Full gRPC name of the service, for health checks.
pub const SERVICE_NAME: &str = "onestop.queue.v1.QueueService";

/// Staff roles that may work a counter.
const STAFF: &[Role] = &[
    Role::Receptionist,
    Role::Specialist,
    Role::Leader,
    Role::Admin,
];
/// Staff roles that may cancel a ticket of their centre without its key.
const CANCELLERS: &[Role] = &[
    Role::Kiosk,
    Role::Receptionist,
    Role::Specialist,
    Role::Leader,
    Role::Admin,
];
/// Roles that may issue tickets.
const KIOSK: &[Role] = &[Role::Kiosk, Role::Receptionist, Role::Admin];
/// Roles that may read statistics.
const MANAGERS: &[Role] = &[
    Role::Receptionist,
    Role::Leader,
    Role::Admin,
    Role::Province,
];

/// The queue's gRPC API.
#[derive(Clone, Debug)]
pub struct QueueApi {
    store: Store,
    board: Board,
    clock: Clock,
    public_base_url: Arc<str>,
    retention: chrono::Duration,
    keys: citizen_key::KeyHasher,
}

fn required(field: &str, value: &str) -> Result<(), ServiceError> {
    if value.trim().is_empty() {
        Err(ServiceError::invalid(field, "is required"))
    } else {
        Ok(())
    }
}

fn in_center<'a>(claims: &'a Claims, center_id: &str) -> Result<&'a Claims, ServiceError> {
    if claims.covers_center(center_id) {
        Ok(claims)
    } else {
        Err(ServiceError::PermissionDenied(format!(
            "the token acts for centre `{}`, not `{center_id}`",
            claims.center
        )))
    }
}

fn authorise<'a, T>(
    req: &'a Request<T>,
    roles: &[Role],
    center_id: &str,
) -> Result<&'a Claims, ServiceError> {
    in_center(require_role(req, roles)?, center_id)
}

impl QueueApi {
    /// An API over a migrated store and a running board hub.
    pub fn new(
        store: Store,
        board: Board,
        clock: Clock,
        public_base_url: impl Into<String>,
    ) -> Self {
        Self {
            store,
            board,
            clock,
            public_base_url: public_base_url.into().into(),
            retention: chrono::Duration::days(30),
            keys: citizen_key::KeyHasher::default(),
        }
    }

    /// Hashes citizens' keys with the deployment's secret (the same on every replica).
    pub fn with_key_hasher(mut self, keys: citizen_key::KeyHasher) -> Self {
        self.keys = keys;
        self
    }

    /// Keeps phone numbers of finished tickets and outbox rows `days` days (default 30).
    pub fn with_retention_days(mut self, days: u32) -> Self {
        self.retention = chrono::Duration::days(i64::from(days.max(1)));
        self
    }

    /// As a tonic service.
    pub fn into_server(self) -> QueueServiceServer<Self> {
        QueueServiceServer::new(self).max_decoding_message_size(limits::MESSAGE_BYTES)
    }

    /// The store (for seeding and checks).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The board hub (for checks of its channels).
    pub fn board(&self) -> &Board {
        &self.board
    }

    /// Expires tickets left at closing, raises long-wait events and drops board
    /// events older than two days. Returns how many tickets expired.
    pub async fn housekeeping_once(&self) -> Result<usize, ServiceError> {
        let now = self.clock.now();
        let mut expired = 0;
        for center in setup::centers(&self.store).await? {
            let (n, events) = floor::expire_due(&self.store, &center.id, now).await?;
            self.board.publish(events);
            expired += n;
            floor::flag_long_waits(&self.store, &center.id, center.long_wait_minutes, now).await?;
        }
        read::purge_board_events(&self.store, now - chrono::Duration::days(2)).await?;
        let (phones, outbox) =
            floor::forget_personal_data(&self.store, now - self.retention).await?;
        if phones + outbox > 0 {
            tracing::info!(
                phones,
                outbox,
                days = self.retention.num_days(),
                "queue retention: phone numbers and outbox rows past the retention period removed"
            );
        }
        Ok(expired)
    }

    /// Runs [`Self::housekeeping_once`] every `every` until the process ends.
    pub fn spawn_housekeeping(&self, every: Duration) {
        let api = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if let Err(e) = api.housekeeping_once().await {
                    tracing::warn!(error = %e, "queue housekeeping failed");
                }
            }
        });
    }

    fn ticket_pb(&self, t: &crate::store::rows::TicketRow, counter_number: i32) -> pb::Ticket {
        ticket_to_pb(t, &self.public_base_url, counter_number)
    }

    async fn view(&self, id: &str) -> Result<pb::Ticket, ServiceError> {
        let view = read::ticket_view(&self.store, id, self.clock.now()).await?;
        Ok(ticket_view_to_pb(&view, &self.public_base_url))
    }

    async fn act(
        &self,
        req: Request<pb::TicketActionRequest>,
        op: TicketOp,
    ) -> Result<Response<pb::Ticket>, Status> {
        let staff = authorise(&req, STAFF, &req.get_ref().center_id)?
            .sub
            .clone();
        let r = req.into_inner();
        required("center_id", &r.center_id)?;
        required("counter_id", &r.counter_id)?;
        required("ticket_id", &r.ticket_id)?;
        let (acted, events) = floor::act(
            &self.store,
            &r.center_id,
            &r.counter_id,
            &staff,
            &r.ticket_id,
            op,
            self.clock.now(),
        )
        .await?;
        self.board.publish(events);
        Ok(Response::new(
            self.ticket_pb(&acted.ticket, acted.counter_number),
        ))
    }

    /// Issues a ticket (or, for a press already answered, the same ticket with a new
    /// key) and returns it with the citizen's key, which is shown only here.
    async fn issue(
        &self,
        center_id: &str,
        service_code: &str,
        priority: i32,
        phone: &str,
        appointment_code: &str,
        request_id: &str,
    ) -> Result<pb::Ticket, ServiceError> {
        let key = citizen_key::generate();
        let key_hash = self.keys.hash(&key);
        let request_id = (!request_id.trim().is_empty()).then(|| request_id.trim().to_string());
        if let Some(rid) = &request_id
            && let Some(ticket) = floor::reissue(&self.store, center_id, rid, &key_hash).await?
        {
            return self.with_key(&ticket.id, &key).await;
        }
        let issued = self
            .issue_new(
                center_id,
                service_code,
                priority,
                phone,
                appointment_code,
                request_id.clone(),
                key_hash.clone(),
            )
            .await;
        match (issued, &request_id) {
            (Ok(id), _) => self.with_key(&id, &key).await,
            // the same press raced itself on another connection: answer with its ticket
            (Err(ServiceError::Aborted(_)), Some(rid)) => {
                match floor::reissue(&self.store, center_id, rid, &key_hash).await? {
                    Some(ticket) => self.with_key(&ticket.id, &key).await,
                    None => Err(ServiceError::Aborted(
                        "a concurrent change won; retry".into(),
                    )),
                }
            }
            (Err(e), _) => Err(e),
        }
    }

    /// The ticket as its citizen sees it, with the key they need to act on it.
    async fn with_key(&self, id: &str, key: &str) -> Result<pb::Ticket, ServiceError> {
        let mut ticket = self.view(id).await?;
        ticket.public_url = format!("{}?k={key}", ticket.public_url);
        ticket.citizen_key = key.to_string();
        Ok(ticket)
    }

    #[allow(clippy::too_many_arguments)]
    async fn issue_new(
        &self,
        center_id: &str,
        service_code: &str,
        priority: i32,
        phone: &str,
        appointment_code: &str,
        request_id: Option<String>,
        key_hash: String,
    ) -> Result<String, ServiceError> {
        let mut errors = Vec::new();
        let phone = if phone.trim().is_empty() {
            None
        } else {
            normalize_phone(phone)
                .map_err(|e| errors.push(onestop_kit::FieldViolation::new("phone", e)))
                .ok()
        };
        let code = if appointment_code.trim().is_empty() {
            None
        } else {
            normalize_appointment_code(appointment_code)
                .map_err(|e| errors.push(onestop_kit::FieldViolation::new("appointment_code", e)))
                .ok()
        };
        if pb::PriorityClass::try_from(priority).is_err() {
            errors.push(onestop_kit::FieldViolation::new(
                "priority",
                format!("{priority} is not a priority class"),
            ));
        }
        if code.is_none() && service_code.trim().is_empty() {
            errors.push(onestop_kit::FieldViolation::new(
                "service_code",
                "is required",
            ));
        }
        if !errors.is_empty() {
            return Err(ServiceError::InvalidArgument(errors));
        }
        let now = self.clock.now();
        let mut line_code = service_code.to_string();
        let mut appointment = None;
        let mut phone = phone;
        if let Some(code) = code {
            let a = setup::appointment(&self.store, &code).await?;
            // another centre's appointment is not revealed: as if it did not exist
            if a.center_id != center_id {
                return Err(ServiceError::NotFound(format!("appointment {code}")));
            }
            if a.ticket_id.is_some() {
                return Err(ServiceError::FailedPrecondition(format!(
                    "appointment {code} is already checked in"
                )));
            }
            let slot = match check_in_timing(from_ms(a.slot_start), now) {
                CheckInTiming::InWindow => Some(from_ms(a.slot_start)),
                CheckInTiming::Late => None,
                CheckInTiming::TooEarly(from) => {
                    let center = setup::center(&self.store, center_id).await?;
                    return Err(ServiceError::FailedPrecondition(format!(
                        "appointment {code} can check in from {}",
                        from.with_timezone(&center.tz).format("%H:%M %d/%m/%Y")
                    )));
                }
            };
            line_code = a.line_code.clone();
            phone = phone.or(Some(a.phone.clone()));
            appointment = Some(AppointmentUse { code, slot });
        }
        let input = IssueInput {
            line_code,
            class: class_from_pb(priority),
            phone,
            appointment,
            key_hash,
            request_id,
        };
        let (ticket, events) = floor::issue(&self.store, center_id, input, now).await?;
        self.board.publish(events);
        Ok(ticket.id)
    }
}

/// The board stream's item type.
type BoardStream = Pin<Box<dyn Stream<Item = Result<pb::BoardEvent, Status>> + Send>>;

#[tonic::async_trait]
impl QueueService for QueueApi {
    async fn list_centers(
        &self,
        _req: Request<pb::ListCentersRequest>,
    ) -> Result<Response<pb::ListCentersResponse>, Status> {
        let centers = setup::centers(&self.store).await?;
        Ok(Response::new(pb::ListCentersResponse {
            centers: centers.iter().map(center_to_pb).collect(),
        }))
    }

    async fn upsert_center(
        &self,
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
        setup::upsert_center(&self.store, &center).await?;
        Ok(Response::new(center_to_pb(
            &setup::center(&self.store, &center.id).await?,
        )))
    }

    async fn list_service_lines(
        &self,
        req: Request<pb::ListServiceLinesRequest>,
    ) -> Result<Response<pb::ListServiceLinesResponse>, Status> {
        req.get_ref().check_bounds()?;
        let center_id = req.into_inner().center_id;
        required("center_id", &center_id)?;
        setup::center(&self.store, &center_id).await?;
        let waiting = floor::counts_now(&self.store.db, &center_id).await?;
        let lines = setup::lines(&self.store, &center_id).await?;
        Ok(Response::new(pb::ListServiceLinesResponse {
            lines: lines
                .iter()
                .map(|l| line_to_pb(l, waiting.get(&l.code).copied().unwrap_or(0)))
                .collect(),
        }))
    }

    async fn upsert_service_line(
        &self,
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
        setup::center(&self.store, &line.center_id).await?;
        setup::upsert_line(&self.store, &line).await?;
        Ok(Response::new(line_to_pb(&line, 0)))
    }

    async fn list_counters(
        &self,
        req: Request<pb::ListCountersRequest>,
    ) -> Result<Response<pb::ListCountersResponse>, Status> {
        req.get_ref().check_bounds()?;
        let staff = req
            .extensions()
            .get::<Claims>()
            .is_some_and(|c| STAFF.contains(&c.role) && c.covers_center(&req.get_ref().center_id));
        let center_id = req.into_inner().center_id;
        required("center_id", &center_id)?;
        setup::center(&self.store, &center_id).await?;
        let counters = read::counters_holding(&self.store.db, &center_id).await?;
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

    async fn upsert_counter(
        &self,
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
        let lines = setup::lines(&self.store, &c.center_id).await?;
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
        setup::center(&self.store, &c.center_id).await?;
        let row = CounterRow {
            center_id: c.center_id.clone(),
            counter_id: c.counter_id.clone(),
            number: c.number,
            name: c.name.trim().to_string(),
            service_codes: String::new(),
            status: "closed".into(),
            staff: None,
            pause_reason: String::new(),
            normal_since_priority: 0,
        };
        setup::upsert_counter(&self.store, &row, &c.service_codes).await?;
        let stored = setup::counters(&self.store, &c.center_id)
            .await?
            .into_iter()
            .find(|k| k.counter_id == c.counter_id)
            .ok_or_else(|| ServiceError::Internal("counter vanished after upsert".into()))?;
        Ok(Response::new(counter_to_pb(&stored, None)))
    }

    async fn open_counter(
        &self,
        req: Request<pb::OpenCounterRequest>,
    ) -> Result<Response<pb::Counter>, Status> {
        req.get_ref().check_bounds()?;
        let staff = authorise(&req, STAFF, &req.get_ref().center_id)?
            .sub
            .clone();
        let r = req.into_inner();
        required("counter_id", &r.counter_id)?;
        let (counter, events) = floor::open_counter(
            &self.store,
            &r.center_id,
            &r.counter_id,
            &staff,
            self.clock.now(),
        )
        .await?;
        self.board.publish(events);
        Ok(Response::new(counter_to_pb(&counter, None)))
    }

    async fn pause_counter(
        &self,
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
            &self.store,
            &r.center_id,
            &r.counter_id,
            &staff,
            r.reason.trim(),
            self.clock.now(),
        )
        .await?;
        self.board.publish(events);
        Ok(Response::new(counter_to_pb(&counter, None)))
    }

    async fn close_counter(
        &self,
        req: Request<pb::CloseCounterRequest>,
    ) -> Result<Response<pb::Counter>, Status> {
        req.get_ref().check_bounds()?;
        let staff = authorise(&req, STAFF, &req.get_ref().center_id)?
            .sub
            .clone();
        let r = req.into_inner();
        required("counter_id", &r.counter_id)?;
        let (counter, events) = floor::close_counter(
            &self.store,
            &r.center_id,
            &r.counter_id,
            &staff,
            self.clock.now(),
        )
        .await?;
        self.board.publish(events);
        Ok(Response::new(counter_to_pb(&counter, None)))
    }

    async fn issue_ticket(
        &self,
        req: Request<pb::IssueTicketRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        req.get_ref().check_bounds()?;
        authorise(&req, KIOSK, &req.get_ref().center_id)?;
        let r = req.into_inner();
        required("center_id", &r.center_id)?;
        Ok(Response::new(
            self.issue(
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

    async fn get_ticket(
        &self,
        req: Request<pb::GetTicketRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        req.get_ref().check_bounds()?;
        let id = req.into_inner().id;
        required("id", &id)?;
        Ok(Response::new(self.view(&id).await?))
    }

    async fn call_next(
        &self,
        req: Request<pb::CallNextRequest>,
    ) -> Result<Response<pb::CallNextResponse>, Status> {
        req.get_ref().check_bounds()?;
        let staff = authorise(&req, STAFF, &req.get_ref().center_id)?
            .sub
            .clone();
        let r = req.into_inner();
        required("counter_id", &r.counter_id)?;
        let (called, events) = floor::call_next(
            &self.store,
            &r.center_id,
            &r.counter_id,
            &staff,
            self.clock.now(),
        )
        .await?;
        self.board.publish(events);
        Ok(Response::new(match called {
            Some(c) => pb::CallNextResponse {
                ticket: Some(self.ticket_pb(&c.ticket, c.counter_number)),
                reason: c.reason,
            },
            None => pb::CallNextResponse {
                ticket: None,
                reason: "không còn ai chờ / nobody is waiting for this counter's lines".into(),
            },
        }))
    }

    async fn recall(
        &self,
        req: Request<pb::TicketActionRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        req.get_ref().check_bounds()?;
        self.act(req, TicketOp::Recall).await
    }

    async fn mark_no_show(
        &self,
        req: Request<pb::TicketActionRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        req.get_ref().check_bounds()?;
        self.act(req, TicketOp::NoShow).await
    }

    async fn start_serving(
        &self,
        req: Request<pb::TicketActionRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        req.get_ref().check_bounds()?;
        self.act(req, TicketOp::StartServing).await
    }

    async fn finish_serving(
        &self,
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
            &self.store,
            &r.center_id,
            &r.counter_id,
            &staff,
            &r.ticket_id,
            op,
            self.clock.now(),
        )
        .await?;
        self.board.publish(events);
        Ok(Response::new(pb::FinishServingResponse {
            finished: Some(self.ticket_pb(&acted.ticket, acted.counter_number)),
            next: acted
                .next
                .map(|c| self.ticket_pb(&c.ticket, c.counter_number)),
        }))
    }

    async fn transfer(
        &self,
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
            &self.store,
            &r.center_id,
            &r.counter_id,
            &staff,
            &r.ticket_id,
            op,
            self.clock.now(),
        )
        .await?;
        self.board.publish(events);
        Ok(Response::new(self.view(&acted.ticket.id).await?))
    }

    async fn park(
        &self,
        req: Request<pb::TicketActionRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        req.get_ref().check_bounds()?;
        self.act(req, TicketOp::Park).await
    }

    async fn resume(
        &self,
        req: Request<pb::TicketActionRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        req.get_ref().check_bounds()?;
        self.act(req, TicketOp::Resume).await
    }

    async fn cancel_ticket(
        &self,
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
            _ if self.keys.matches(&r.key, &t.key_hash) => Ok(()),
            _ if r.key.trim().is_empty() => Err(ServiceError::Unauthenticated(
                "cancelling needs the key printed on the ticket (or a staff token of its centre)"
                    .into(),
            )),
            _ => Err(ServiceError::PermissionDenied(
                "the key does not match this ticket".into(),
            )),
        };
        let id = r.id.clone();
        let (ticket, events) =
            floor::cancel(&self.store, &id, self.clock.now(), may_cancel).await?;
        self.board.publish(events);
        Ok(Response::new(self.ticket_pb(&ticket, 0)))
    }

    async fn explain_position(
        &self,
        req: Request<pb::GetTicketRequest>,
    ) -> Result<Response<pb::ExplainPositionResponse>, Status> {
        req.get_ref().check_bounds()?;
        let id = req.into_inner().id;
        required("id", &id)?;
        let view = read::ticket_view(&self.store, &id, self.clock.now()).await?;
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
        let ticket = ticket_view_to_pb(&view, &self.public_base_url);
        let (summary_vi, summary_en) = match view.ticket.status.as_str() {
            "waiting" if view.ahead.is_empty() => (
                format!("Số {} là số tiếp theo được gọi.", view.ticket.number),
                format!("{} is next.", view.ticket.number),
            ),
            "waiting" => (
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

    async fn list_slots(
        &self,
        req: Request<pb::ListSlotsRequest>,
    ) -> Result<Response<pb::ListSlotsResponse>, Status> {
        req.get_ref().check_bounds()?;
        let r = req.into_inner();
        required("center_id", &r.center_id)?;
        required("service_code", &r.service_code)?;
        let date = NaiveDate::parse_from_str(r.date.trim(), "%Y-%m-%d").map_err(|_| {
            ServiceError::invalid(
                "date",
                format!("`{}` is not a date like 2026-11-26", r.date),
            )
        })?;
        let center = setup::center(&self.store, &r.center_id).await?;
        let line = setup::lines(&self.store, &r.center_id)
            .await?
            .into_iter()
            .find(|l| l.code == r.service_code)
            .ok_or_else(|| ServiceError::NotFound(format!("service line `{}`", r.service_code)))?;
        let day = slots(&center.hours, date, center.tz);
        let (Some(first), Some(last)) = (day.first(), day.last()) else {
            return Ok(Response::new(pb::ListSlotsResponse { slots: vec![] }));
        };
        let booked = setup::booked(&self.store, &center.id, &line.code, first.0, last.1).await?;
        Ok(Response::new(pb::ListSlotsResponse {
            slots: day
                .iter()
                .map(|(start, end)| pb::Slot {
                    start: Some(ts(start.timestamp_millis())),
                    end: Some(ts(end.timestamp_millis())),
                    capacity: line.slot_capacity,
                    booked: booked
                        .iter()
                        .filter(|a| a.slot_start == start.timestamp_millis())
                        .count() as i32,
                })
                .collect(),
        }))
    }

    async fn book_appointment(
        &self,
        req: Request<pb::BookAppointmentRequest>,
    ) -> Result<Response<pb::Appointment>, Status> {
        req.get_ref().check_bounds()?;
        let r = req.into_inner();
        let mut errors = Vec::new();
        if r.full_name.trim().is_empty() {
            errors.push(onestop_kit::FieldViolation::new("full_name", "is required"));
        }
        let phone = normalize_phone(&r.phone)
            .map_err(|e| errors.push(onestop_kit::FieldViolation::new("phone", e)))
            .ok();
        if r.slot_start.is_none() {
            errors.push(onestop_kit::FieldViolation::new(
                "slot_start",
                "is required",
            ));
        }
        if !errors.is_empty() {
            return Err(ServiceError::InvalidArgument(errors).into());
        }
        let center = setup::center(&self.store, &r.center_id).await?;
        let line = setup::lines(&self.store, &r.center_id)
            .await?
            .into_iter()
            .find(|l| l.code == r.service_code)
            .ok_or_else(|| ServiceError::NotFound(format!("service line `{}`", r.service_code)))?;
        let start = from_ms(convert::ms(r.slot_start.as_ref().expect("checked")));
        let date = start.with_timezone(&center.tz).date_naive();
        let Some((slot_start, slot_end)) = slots(&center.hours, date, center.tz)
            .into_iter()
            .find(|(s, _)| *s == start)
        else {
            return Err(ServiceError::invalid(
                "slot_start",
                format!("is not the start of a {SLOT_MINUTES}-minute slot in opening hours"),
            )
            .into());
        };
        let now = self.clock.now();
        if slot_start <= now {
            return Err(
                ServiceError::FailedPrecondition("this slot has already started".into()).into(),
            );
        }
        if line.slot_capacity == 0 {
            return Err(ServiceError::FailedPrecondition(format!(
                "line {} takes no appointments",
                line.code
            ))
            .into());
        }
        let row = AppointmentRow {
            code: new_appointment_code(),
            center_id: center.id.clone(),
            line_code: line.code.clone(),
            slot_start: slot_start.timestamp_millis(),
            slot_end: slot_end.timestamp_millis(),
            full_name: r.full_name.trim().to_string(),
            phone: phone.expect("checked"),
            ticket_id: None,
            created_at: now.timestamp_millis(),
        };
        setup::book(&self.store, &row, line.slot_capacity).await?;
        Ok(Response::new(pb::Appointment {
            code: row.code,
            center_id: row.center_id,
            service_code: row.line_code,
            slot_start: Some(ts(row.slot_start)),
            slot_end: Some(ts(row.slot_end)),
            ticket_id: String::new(),
        }))
    }

    async fn check_in(
        &self,
        req: Request<pb::CheckInRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        req.get_ref().check_bounds()?;
        // the role first: a stranger learns nothing about which codes exist
        let claims = require_role(&req, KIOSK)?;
        let code = normalize_appointment_code(&req.get_ref().appointment_code)
            .map_err(|e| ServiceError::invalid("appointment_code", e))?;
        let appointment = setup::appointment(&self.store, &code).await?;
        if !claims.covers_center(&appointment.center_id) {
            return Err(ServiceError::NotFound(format!("appointment {code}")).into());
        }
        Ok(Response::new(
            self.issue(
                &appointment.center_id,
                &appointment.line_code,
                0,
                "",
                &code,
                "",
            )
            .await?,
        ))
    }

    type WatchBoardStream = BoardStream;

    async fn watch_board(
        &self,
        req: Request<pb::WatchBoardRequest>,
    ) -> Result<Response<Self::WatchBoardStream>, Status> {
        req.get_ref().check_bounds()?;
        let r = req.into_inner();
        required("center_id", &r.center_id)?;
        if r.after_sequence < 0 {
            return Err(ServiceError::invalid("after_sequence", "must not be negative").into());
        }
        // only centres that exist get a channel
        setup::center(&self.store, &r.center_id).await?;
        // subscribe before reading, so nothing falls between the read and the live feed
        let live = self
            .board
            .subscribe(&r.center_id)
            .map_err(|e| Status::resource_exhausted(e.to_string()))?;
        let (first, last) = initial_board(&self.store, &r.center_id, r.after_sequence).await?;
        self.board.watching(&r.center_id, last);
        let (tx, rx) = mpsc::channel(256);
        tokio::spawn(feed_board(
            self.store.clone(),
            r.center_id,
            first,
            last,
            live,
            tx,
        ));
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        )))
    }

    async fn queue_stats(
        &self,
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
        setup::center(&self.store, &r.center_id).await?;
        let tickets = read::tickets_issued(&self.store, &r.center_id, from, to).await?;
        let log = read::counter_log(&self.store, &r.center_id, to).await?;
        let counters = setup::counters(&self.store, &r.center_id).await?;
        let until = to.min(self.clock.now().max(from));
        // a busy year is many rows: add them up off the request workers
        let t = tokio::task::spawn_blocking(move || {
            stats::totals(&tickets, &log, &counters, from, until)
        })
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
}

/// What a new watcher gets first: the missed events when it can resume from
/// `after`, otherwise a snapshot. Returns them and the sequence they reach.
async fn initial_board(
    store: &Store,
    center_id: &str,
    after: i64,
) -> Result<(Vec<pb::BoardEvent>, i64), ServiceError> {
    if after > 0 {
        let head = read::board_heads(store)
            .await?
            .into_iter()
            .find(|(c, _)| c == center_id)
            .map(|(_, h)| h)
            .ok_or_else(|| ServiceError::NotFound(format!("centre `{center_id}`")))?;
        let first_kept = read::first_kept_seq(store, center_id).await?;
        let resumable =
            after == head || (after < head && first_kept.is_some_and(|f| f <= after + 1));
        if resumable {
            let missed = read::events_between(store, center_id, after, head).await?;
            return Ok((missed.into_iter().map(board_event_to_pb).collect(), head));
        }
    }
    let snap = read::snapshot(store, center_id).await?;
    let event = pb::BoardEvent {
        center_id: center_id.to_string(),
        sequence: snap.seq,
        time: Some(ts(Utc::now().timestamp_millis())),
        kind: pb::BoardEventKind::Snapshot as i32,
        waiting: snap.waiting.clone().into_iter().collect(),
        snapshot: Some(pb::BoardSnapshot {
            counters: snap
                .counters
                .iter()
                .map(|(c, t)| pb::BoardCounter {
                    counter_number: c.number,
                    status: counter_status_to_pb(&c.status) as i32,
                    ticket_number: t.as_ref().map(|t| t.number.clone()).unwrap_or_default(),
                    ticket_status: t
                        .as_ref()
                        .map_or(0, |t| convert::status_to_pb(t.status()) as i32),
                })
                .collect(),
            waiting: snap.waiting.into_iter().collect(),
            recent_calls: snap.recent_calls,
        }),
        ..Default::default()
    };
    Ok((vec![event], snap.seq))
}

/// Sends the initial events, then live ones strictly after `last`, filling any gap
/// (a lagging receiver, a hub that joined late) from the database.
async fn feed_board(
    store: Store,
    center_id: String,
    first: Vec<pb::BoardEvent>,
    mut last: i64,
    mut live: Watcher,
    tx: mpsc::Sender<Result<pb::BoardEvent, Status>>,
) {
    for event in first {
        if tx.send(Ok(event)).await.is_err() {
            return;
        }
    }
    loop {
        // a screen that goes away is noticed even when no event comes
        let received = tokio::select! {
            received = live.recv() => received,
            _ = tx.closed() => return,
        };
        let event = match received {
            Ok(event) => event,
            Err(broadcast::error::RecvError::Lagged(_)) => {
                // too slow: re-read what was missed from the database
                match read::events_after(&store, &center_id, last, 10_000).await {
                    Ok(rows) => {
                        for row in rows {
                            last = row.seq;
                            if tx.send(Ok(board_event_to_pb(row))).await.is_err() {
                                return;
                            }
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.into())).await;
                        return;
                    }
                }
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if event.sequence <= last {
            continue;
        }
        if event.sequence > last + 1 {
            match read::events_between(&store, &center_id, last, event.sequence - 1).await {
                Ok(rows) => {
                    for row in rows {
                        if tx.send(Ok(board_event_to_pb(row))).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e.into())).await;
                    return;
                }
            }
        }
        last = event.sequence;
        if tx.send(Ok((*event).clone())).await.is_err() {
            return;
        }
    }
}
