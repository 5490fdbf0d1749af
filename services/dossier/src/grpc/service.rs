//! `onestop.dossier.v1.DossierService`.

use onestop_kit::auth::require_role;
use onestop_kit::citizen_key;
use onestop_kit::sql::Store;
use onestop_kit::{Claims, Clock, Role, ServiceError};
use onestop_proto::catalogue::v1 as cat;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_server::{DossierService, DossierServiceServer};
use rand::Rng;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::convert::{self};
use super::{calendar, centres, dossier_stats, feedback, payments, reads, render, workflow};
use crate::domain::deadline::{ClockEvent, ClockState};
use crate::domain::status::Transition;
use crate::store::rows::{CenterRow, DossierRow};
use crate::store::tx::{self, Locked, Step};
use crate::store::{read, stats};

/// Full name of the gRPC service.
pub const SERVICE_NAME: &str = "onestop.dossier.v1.DossierService";

/// Staff and systems that may read dossiers.
pub(super) const STAFF: &[Role] = &[
    Role::Receptionist,
    Role::Specialist,
    Role::Leader,
    Role::Admin,
    Role::Province,
];

/// How online payments are reached and verified.
#[derive(Clone, Debug)]
pub struct PaymentSettings {
    /// Shared secret of the payment platform's HMAC-SHA256 callback signature.
    pub secret: Vec<u8>,
    /// The platform's payment page; `ref`, `amount` and `return` are appended. Empty
    /// when no platform is configured (and the demo one is off): `CreatePaymentRequest`
    /// then fails with `FAILED_PRECONDITION`.
    pub provider_url: String,
}

/// The dossier service.
#[derive(Clone)]
pub struct DossierApi {
    pub(super) store: Store,
    pub(super) catalogue: CatalogueServiceClient<Channel>,
    pub(super) clock: Clock,
    pub(super) base_url: String,
    pub(super) payment: PaymentSettings,
    pub(super) keys: citizen_key::KeyHasher,
}

impl DossierApi {
    /// A service over a migrated store; `catalogue_url` is dialled lazily.
    pub fn new(
        store: Store,
        catalogue_url: &str,
        clock: Clock,
        base_url: String,
        payment: PaymentSettings,
    ) -> Result<Self, ServiceError> {
        let channel = tonic::transport::Endpoint::from_shared(catalogue_url.to_string())
            .map_err(|e| ServiceError::Internal(format!("catalogue url: {e}")))?
            .connect_lazy();
        Ok(Self {
            store,
            catalogue: CatalogueServiceClient::new(channel),
            clock,
            base_url,
            payment,
            keys: citizen_key::KeyHasher::default(),
        })
    }

    /// Hashes citizens' keys with the deployment's secret (the same on every replica).
    pub fn with_key_hasher(mut self, keys: citizen_key::KeyHasher) -> Self {
        self.keys = keys;
        self
    }

    /// As a tonic service, decoding messages up to kit's [`onestop_kit::limits::MESSAGE_BYTES`].
    pub fn into_server(self) -> DossierServiceServer<Self> {
        DossierServiceServer::new(self)
            .max_decoding_message_size(onestop_kit::limits::MESSAGE_BYTES)
    }

    /// The store (for housekeeping and benchmarks).
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(super) async fn reply(&self, row: DossierRow) -> Result<Response<pb::Dossier>, Status> {
        let payments = read::payments(&self.store, &row.id).await?;
        Ok(Response::new(convert::dossier(
            &row,
            &payments,
            &self.base_url,
            self.clock.now(),
        )))
    }

    pub(super) async fn procedure(&self, code: &str) -> Result<cat::Procedure, ServiceError> {
        let mut client = self.catalogue.clone();
        match client
            .get_procedure(cat::GetProcedureRequest {
                code: code.to_string(),
                version: 0,
            })
            .await
        {
            Ok(p) => Ok(p.into_inner()),
            Err(s)
                if s.code() == tonic::Code::NotFound
                    || s.code() == tonic::Code::InvalidArgument =>
            {
                Err(ServiceError::invalid(
                    "procedure_code",
                    format!(
                        "thủ tục «{code}» không có trong danh mục — unknown procedure `{code}`"
                    ),
                ))
            }
            Err(s) => Err(ServiceError::FailedPrecondition(format!(
                "không liên lạc được danh mục thủ tục — the catalogue service is unreachable: {}",
                s.message()
            ))),
        }
    }

    /// Ends a dossier with a written reason (refused, withdrawn, stopped); a running or
    /// paused clock stops with it.
    pub(super) async fn end(
        &self,
        claims: &Claims,
        id: &str,
        expected_version: i64,
        reason: &str,
        name: &'static str,
        transition: Transition,
    ) -> Result<Response<pb::Dossier>, Status> {
        let reason = required("reason", reason)?;
        self.change(claims, id, expected_version, async |row, l| {
            row.end_reason = reason.clone();
            let mut step = Step::new(name, transition).note(reason);
            if let Some(stop) = clock_stop_if_running(l) {
                step = step.clock(stop);
            }
            Ok(vec![step])
        })
        .await
    }

    /// Runs one change on `key` by the caller.
    pub(super) async fn change<F>(
        &self,
        claims: &Claims,
        key: &str,
        expected_version: i64,
        decide: F,
    ) -> Result<Response<pb::Dossier>, Status>
    where
        F: for<'a> AsyncFnOnce(&mut DossierRow, &Locked<'a>) -> Result<Vec<Step>, ServiceError>,
    {
        let key = required("id", key)?;
        let row = tx::change(
            &self.store,
            &key,
            expected_version,
            claims,
            self.clock.now(),
            decide,
        )
        .await?;
        self.reply(row).await
    }
}

pub(super) fn staff<T>(request: &Request<T>) -> Result<Claims, ServiceError> {
    require_role(request, STAFF).cloned()
}

/// Lets the caller act on `row` for the citizen: staff of the dossier's centre, or
/// whoever holds the key printed on its receipt (compared in constant time with the
/// stored hash). Anyone else is `PERMISSION_DENIED`, and nothing has been changed.
pub(super) fn citizen_or_staff<T>(
    keys: &citizen_key::KeyHasher,
    request: &Request<T>,
    row: &DossierRow,
    key: &str,
) -> Result<(), ServiceError> {
    if staff(request).is_ok_and(|c| c.covers_center(&row.center_id)) {
        return Ok(());
    }
    if key.trim().is_empty() {
        return Err(ServiceError::PermissionDenied(
            "cần mã bảo mật in trên giấy tiếp nhận hồ sơ — the key printed on the receipt is needed"
                .into(),
        ));
    }
    match &row.citizen_key_hash {
        Some(hash) if keys.matches(key, hash) => Ok(()),
        _ => Err(ServiceError::PermissionDenied(
            "mã bảo mật không đúng — the key does not match this dossier".into(),
        )),
    }
}

/// A trimmed non-empty text, or `INVALID_ARGUMENT` naming `field`.
pub(super) fn required(field: &str, text: &str) -> Result<String, ServiceError> {
    let t = text.trim();
    if t.is_empty() {
        Err(ServiceError::invalid(field, "bắt buộc — required"))
    } else if t.chars().count() > 4000 {
        Err(ServiceError::invalid(
            field,
            "quá dài (tối đa 4000 ký tự) — too long (4000 characters at most)",
        ))
    } else {
        Ok(t.to_string())
    }
}

/// A history note: what the step names, then the staff's free text after ` | ` if any.
pub(super) fn with_note(head: &str, note: &str) -> String {
    let note = note.trim();
    if note.is_empty() {
        head.to_string()
    } else {
        format!("{head} | {note}")
    }
}

pub(super) fn random_id(prefix: &str) -> String {
    let n: u64 = rand::rng().random();
    format!("{prefix}{n:016x}")
}

pub(super) fn clock_stop_if_running(l: &Locked<'_>) -> Option<ClockEvent> {
    l.clock
        .filter(|c| !matches!(c.state, ClockState::Stopped { .. }))
        .map(|_| ClockEvent::Stopped { at: l.now })
}

#[tonic::async_trait]
impl DossierService for DossierApi {
    async fn create_dossier(
        &self,
        request: Request<pb::CreateDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::create_dossier(self, request).await
    }

    async fn request_supplement(
        &self,
        request: Request<pb::RequestSupplementRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::request_supplement(self, request).await
    }

    async fn submit_supplement(
        &self,
        request: Request<pb::SubmitSupplementRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::submit_supplement(self, request).await
    }

    async fn receive_dossier(
        &self,
        request: Request<pb::ReceiveDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::receive_dossier(self, request).await
    }

    async fn refuse_dossier(
        &self,
        request: Request<pb::RefuseDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::refuse_dossier(self, request).await
    }

    async fn assign_dossier(
        &self,
        request: Request<pb::AssignDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::assign_dossier(self, request).await
    }

    async fn forward_dossier(
        &self,
        request: Request<pb::ForwardDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::forward_dossier(self, request).await
    }

    async fn record_review(
        &self,
        request: Request<pb::RecordReviewRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::record_review(self, request).await
    }

    async fn sign_result(
        &self,
        request: Request<pb::SignResultRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::sign_result(self, request).await
    }

    async fn extend_deadline(
        &self,
        request: Request<pb::ExtendDeadlineRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::extend_deadline(self, request).await
    }

    async fn mark_result_ready(
        &self,
        request: Request<pb::MarkResultReadyRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::mark_result_ready(self, request).await
    }

    async fn return_result(
        &self,
        request: Request<pb::ReturnResultRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::return_result(self, request).await
    }

    async fn withdraw_dossier(
        &self,
        request: Request<pb::WithdrawDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::withdraw_dossier(self, request).await
    }

    async fn stop_dossier(
        &self,
        request: Request<pb::StopDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        workflow::stop_dossier(self, request).await
    }

    async fn get_dossier(
        &self,
        request: Request<pb::GetDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        reads::get_dossier(self, request).await
    }

    async fn list_dossiers(
        &self,
        request: Request<pb::ListDossiersRequest>,
    ) -> Result<Response<pb::ListDossiersResponse>, Status> {
        reads::list_dossiers(self, request).await
    }

    async fn get_dossier_history(
        &self,
        request: Request<pb::GetDossierHistoryRequest>,
    ) -> Result<Response<pb::GetDossierHistoryResponse>, Status> {
        reads::get_dossier_history(self, request).await
    }

    async fn explain_deadline(
        &self,
        request: Request<pb::ExplainDeadlineRequest>,
    ) -> Result<Response<pb::DeadlineExplanation>, Status> {
        reads::explain_deadline(self, request).await
    }

    async fn list_holidays(
        &self,
        request: Request<pb::ListHolidaysRequest>,
    ) -> Result<Response<pb::ListHolidaysResponse>, Status> {
        calendar::list_holidays(self, request).await
    }

    async fn upsert_holiday(
        &self,
        request: Request<pb::UpsertHolidayRequest>,
    ) -> Result<Response<pb::Holiday>, Status> {
        calendar::upsert_holiday(self, request).await
    }

    async fn delete_holiday(
        &self,
        request: Request<pb::DeleteHolidayRequest>,
    ) -> Result<Response<pb::DeleteHolidayResponse>, Status> {
        calendar::delete_holiday(self, request).await
    }

    async fn upsert_center(
        &self,
        request: Request<pb::UpsertCenterRequest>,
    ) -> Result<Response<pb::Center>, Status> {
        centres::upsert_center(self, request).await
    }

    async fn list_centers(
        &self,
        _request: Request<pb::ListCentersRequest>,
    ) -> Result<Response<pb::ListCentersResponse>, Status> {
        centres::list_centers(self, _request).await
    }

    async fn render_form(
        &self,
        request: Request<pb::RenderFormRequest>,
    ) -> Result<Response<pb::RenderedForm>, Status> {
        render::render_form(self, request).await
    }

    async fn lookup_dossier(
        &self,
        request: Request<pb::LookupDossierRequest>,
    ) -> Result<Response<pb::PublicDossier>, Status> {
        reads::lookup_dossier(self, request).await
    }

    async fn record_payment(
        &self,
        request: Request<pb::RecordPaymentRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        payments::record_payment(self, request).await
    }

    async fn create_payment_request(
        &self,
        request: Request<pb::CreatePaymentRequestRequest>,
    ) -> Result<Response<pb::PaymentRequest>, Status> {
        payments::create_payment_request(self, request).await
    }

    async fn rate_dossier(
        &self,
        request: Request<pb::RateDossierRequest>,
    ) -> Result<Response<pb::Rating>, Status> {
        feedback::rate_dossier(self, request).await
    }

    async fn submit_feedback(
        &self,
        request: Request<pb::SubmitFeedbackRequest>,
    ) -> Result<Response<pb::Feedback>, Status> {
        feedback::submit_feedback(self, request).await
    }

    async fn assign_feedback(
        &self,
        request: Request<pb::AssignFeedbackRequest>,
    ) -> Result<Response<pb::Feedback>, Status> {
        feedback::assign_feedback(self, request).await
    }

    async fn answer_feedback(
        &self,
        request: Request<pb::AnswerFeedbackRequest>,
    ) -> Result<Response<pb::Feedback>, Status> {
        feedback::answer_feedback(self, request).await
    }

    async fn list_feedback(
        &self,
        request: Request<pb::ListFeedbackRequest>,
    ) -> Result<Response<pb::ListFeedbackResponse>, Status> {
        feedback::list_feedback(self, request).await
    }

    async fn dossier_stats(
        &self,
        request: Request<pb::DossierStatsRequest>,
    ) -> Result<Response<pb::DossierStatsResponse>, Status> {
        dossier_stats::dossier_stats(self, request).await
    }
}

pub(super) fn center_pb(c: &CenterRow) -> pb::Center {
    pb::Center {
        id: c.center_id.clone(),
        unit_code: c.unit_code.clone(),
        name_vi: c.name_vi.clone(),
        name_en: c.name_en.clone(),
        time_zone: c.time_zone.clone(),
        feedback_answer_days: c.feedback_answer_days,
    }
}

pub(super) fn stats_row(key: &str, f: &stats::Figures) -> pb::StatsRow {
    pb::StatsRow {
        key: key.to_string(),
        received: f.received,
        resolved_early: f.early,
        resolved_on_time: f.on_time,
        resolved_late: f.late,
        on_time_percent: f.on_time_percent(),
        in_progress: f.in_progress,
        overdue_now: f.overdue_now,
        online_percent: f.online_percent(),
        assisted_percent: f.assisted_percent(),
        satisfaction_percent: f.satisfaction_percent(),
        ratings: f.ratings,
        supplements_requested: f.supplements,
    }
}
