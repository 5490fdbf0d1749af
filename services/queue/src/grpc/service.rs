//! The `QueueService` implementation: validate, authorise, call the store, publish
//! the committed board events.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use onestop_kit::auth::require_role;
use onestop_kit::citizen_key;
use onestop_kit::limits;
use onestop_kit::{Claims, Clock, Role, ServiceError};
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_server::{QueueService, QueueServiceServer};
use tonic::{Request, Response, Status};

use super::convert::{class_from_pb, ticket_to_pb, ticket_view_to_pb};
use super::{appointments, centres, counter_work, queue_stats, tickets, watch};
use crate::board::Board;
use crate::domain::hours::{CheckInTiming, check_in_timing};
use crate::domain::validate::{normalize_appointment_code, normalize_phone};
use crate::store::floor::{self, AppointmentUse, IssueInput, TicketOp};
use crate::store::rows::from_ms;
use crate::store::{Store, read, setup};

/// Full gRPC name of the service, for health checks.
pub const SERVICE_NAME: &str = "onestop.queue.v1.QueueService";

/// Staff roles that may work a counter.
pub(super) const STAFF: &[Role] = &[
    Role::Receptionist,
    Role::Specialist,
    Role::Leader,
    Role::Admin,
];
/// Staff roles that may cancel a ticket of their centre without its key.
pub(super) const CANCELLERS: &[Role] = &[
    Role::Kiosk,
    Role::Receptionist,
    Role::Specialist,
    Role::Leader,
    Role::Admin,
];
/// Roles that may issue tickets.
pub(super) const KIOSK: &[Role] = &[Role::Kiosk, Role::Receptionist, Role::Admin];
/// Roles that may read statistics.
pub(super) const MANAGERS: &[Role] = &[
    Role::Receptionist,
    Role::Leader,
    Role::Admin,
    Role::Province,
];

/// The queue's gRPC API.
#[derive(Clone, Debug)]
pub struct QueueApi {
    pub(super) store: Store,
    pub(super) board: Board,
    pub(super) clock: Clock,
    pub(super) public_base_url: Arc<str>,
    pub(super) retention: chrono::Duration,
    pub(super) keys: citizen_key::KeyHasher,
}

pub(super) fn required(field: &str, value: &str) -> Result<(), ServiceError> {
    if value.trim().is_empty() {
        Err(ServiceError::invalid(field, "is required"))
    } else {
        Ok(())
    }
}

pub(super) fn in_center<'a>(
    claims: &'a Claims,
    center_id: &str,
) -> Result<&'a Claims, ServiceError> {
    if claims.covers_center(center_id) {
        Ok(claims)
    } else {
        Err(ServiceError::PermissionDenied(format!(
            "the token acts for centre `{}`, not `{center_id}`",
            claims.center
        )))
    }
}

pub(super) fn authorise<'a, T>(
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

    pub(super) fn ticket_pb(
        &self,
        t: &crate::store::rows::TicketRow,
        counter_number: i32,
    ) -> pb::Ticket {
        ticket_to_pb(t, &self.public_base_url, counter_number)
    }

    pub(super) async fn view(&self, id: &str) -> Result<pb::Ticket, ServiceError> {
        let view = read::ticket_view(&self.store, id, self.clock.now()).await?;
        Ok(ticket_view_to_pb(&view, &self.public_base_url))
    }

    pub(super) async fn act(
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
    pub(super) async fn issue(
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
    pub(super) async fn with_key(&self, id: &str, key: &str) -> Result<pb::Ticket, ServiceError> {
        let mut ticket = self.view(id).await?;
        ticket.public_url = format!("{}?k={key}", ticket.public_url);
        ticket.citizen_key = key.to_string();
        Ok(ticket)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn issue_new(
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
                        onestop_kit::format::clock_date(&from.with_timezone(&center.tz))
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
/// The stream `WatchBoard` answers with.
pub(super) type BoardStream = Pin<Box<dyn Stream<Item = Result<pb::BoardEvent, Status>> + Send>>;

#[tonic::async_trait]
impl QueueService for QueueApi {
    async fn list_centers(
        &self,
        _req: Request<pb::ListCentersRequest>,
    ) -> Result<Response<pb::ListCentersResponse>, Status> {
        centres::list_centers(self, _req).await
    }

    async fn upsert_center(
        &self,
        req: Request<pb::UpsertCenterRequest>,
    ) -> Result<Response<pb::Center>, Status> {
        centres::upsert_center(self, req).await
    }

    async fn list_service_lines(
        &self,
        req: Request<pb::ListServiceLinesRequest>,
    ) -> Result<Response<pb::ListServiceLinesResponse>, Status> {
        centres::list_service_lines(self, req).await
    }

    async fn upsert_service_line(
        &self,
        req: Request<pb::UpsertServiceLineRequest>,
    ) -> Result<Response<pb::ServiceLine>, Status> {
        centres::upsert_service_line(self, req).await
    }

    async fn list_counters(
        &self,
        req: Request<pb::ListCountersRequest>,
    ) -> Result<Response<pb::ListCountersResponse>, Status> {
        centres::list_counters(self, req).await
    }

    async fn upsert_counter(
        &self,
        req: Request<pb::UpsertCounterRequest>,
    ) -> Result<Response<pb::Counter>, Status> {
        centres::upsert_counter(self, req).await
    }

    async fn open_counter(
        &self,
        req: Request<pb::OpenCounterRequest>,
    ) -> Result<Response<pb::Counter>, Status> {
        counter_work::open_counter(self, req).await
    }

    async fn pause_counter(
        &self,
        req: Request<pb::PauseCounterRequest>,
    ) -> Result<Response<pb::Counter>, Status> {
        counter_work::pause_counter(self, req).await
    }

    async fn close_counter(
        &self,
        req: Request<pb::CloseCounterRequest>,
    ) -> Result<Response<pb::Counter>, Status> {
        counter_work::close_counter(self, req).await
    }

    async fn issue_ticket(
        &self,
        req: Request<pb::IssueTicketRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        tickets::issue_ticket(self, req).await
    }

    async fn get_ticket(
        &self,
        req: Request<pb::GetTicketRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        tickets::get_ticket(self, req).await
    }

    async fn call_next(
        &self,
        req: Request<pb::CallNextRequest>,
    ) -> Result<Response<pb::CallNextResponse>, Status> {
        counter_work::call_next(self, req).await
    }

    async fn recall(
        &self,
        req: Request<pb::TicketActionRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        counter_work::recall(self, req).await
    }

    async fn mark_no_show(
        &self,
        req: Request<pb::TicketActionRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        counter_work::mark_no_show(self, req).await
    }

    async fn start_serving(
        &self,
        req: Request<pb::TicketActionRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        counter_work::start_serving(self, req).await
    }

    async fn finish_serving(
        &self,
        req: Request<pb::FinishServingRequest>,
    ) -> Result<Response<pb::FinishServingResponse>, Status> {
        counter_work::finish_serving(self, req).await
    }

    async fn transfer(
        &self,
        req: Request<pb::TransferRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        counter_work::transfer(self, req).await
    }

    async fn park(
        &self,
        req: Request<pb::TicketActionRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        counter_work::park(self, req).await
    }

    async fn resume(
        &self,
        req: Request<pb::TicketActionRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        counter_work::resume(self, req).await
    }

    async fn cancel_ticket(
        &self,
        req: Request<pb::CancelTicketRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        tickets::cancel_ticket(self, req).await
    }

    async fn explain_position(
        &self,
        req: Request<pb::GetTicketRequest>,
    ) -> Result<Response<pb::ExplainPositionResponse>, Status> {
        tickets::explain_position(self, req).await
    }

    async fn list_slots(
        &self,
        req: Request<pb::ListSlotsRequest>,
    ) -> Result<Response<pb::ListSlotsResponse>, Status> {
        appointments::list_slots(self, req).await
    }

    async fn book_appointment(
        &self,
        req: Request<pb::BookAppointmentRequest>,
    ) -> Result<Response<pb::Appointment>, Status> {
        appointments::book_appointment(self, req).await
    }

    async fn check_in(
        &self,
        req: Request<pb::CheckInRequest>,
    ) -> Result<Response<pb::Ticket>, Status> {
        appointments::check_in(self, req).await
    }

    type WatchBoardStream = BoardStream;

    async fn watch_board(
        &self,
        req: Request<pb::WatchBoardRequest>,
    ) -> Result<Response<Self::WatchBoardStream>, Status> {
        watch::watch_board(self, req).await
    }

    async fn queue_stats(
        &self,
        req: Request<pb::QueueStatsRequest>,
    ) -> Result<Response<pb::QueueStatsResponse>, Status> {
        queue_stats::queue_stats(self, req).await
    }
}
