//! `onestop.dossier.v1.DossierService`.

use chrono::{DateTime, Utc};
use onestop_kit::auth::require_role;
use onestop_kit::citizen_key;
use onestop_kit::sql::Store;
use onestop_kit::{Claims, Clock, FieldViolation, Role, ServiceError};
use onestop_proto::catalogue::v1 as cat;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_server::{DossierService, DossierServiceServer};
use rand::Rng;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::convert::{self, from_ts};
use super::limits;
use crate::domain::calendar::{DayKind, DayStatus};
use crate::domain::citizen::{Applicant, ApplicantInput, check_citizen_id};
use crate::domain::code::{DossierCode, check_unit};
use crate::domain::deadline::{ClockEvent, ClockState, PauseReason, due_date, explain};
use crate::domain::status::{Transition, apply};
use crate::forms::FormKind;
use crate::store::rows::{
    CenterRow, ComponentLine, DossierRow, FeedbackRow, HolidayRow, RepresentativeData,
};
use crate::store::tx::{self, Locked, Step, refused};
use crate::store::{admin, create, feedback, payment, rating, read, stats};

/// Full name of the gRPC service.
pub const SERVICE_NAME: &str = "onestop.dossier.v1.DossierService";

/// Staff and systems that may read dossiers.
const STAFF: &[Role] = &[
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
    store: Store,
    catalogue: CatalogueServiceClient<Channel>,
    clock: Clock,
    base_url: String,
    payment: PaymentSettings,
    keys: citizen_key::KeyHasher,
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

    async fn reply(&self, row: DossierRow) -> Result<Response<pb::Dossier>, Status> {
        let payments = read::payments(&self.store, &row.id).await?;
        Ok(Response::new(convert::dossier(
            &row,
            &payments,
            &self.base_url,
            self.clock.now(),
        )))
    }

    async fn procedure(&self, code: &str) -> Result<cat::Procedure, ServiceError> {
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
    async fn end(
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
    async fn change<F>(
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

fn staff<T>(request: &Request<T>) -> Result<Claims, ServiceError> {
    require_role(request, STAFF).cloned()
}

/// Lets the caller act on `row` for the citizen: staff of the dossier's centre, or
/// whoever holds the key printed on its receipt (compared in constant time with the
/// stored hash). Anyone else is `PERMISSION_DENIED`, and nothing has been changed.
fn citizen_or_staff<T>(
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
fn required(field: &str, text: &str) -> Result<String, ServiceError> {
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
fn with_note(head: &str, note: &str) -> String {
    let note = note.trim();
    if note.is_empty() {
        head.to_string()
    } else {
        format!("{head} | {note}")
    }
}

fn random_id(prefix: &str) -> String {
    let n: u64 = rand::rng().random();
    format!("{prefix}{n:016x}")
}

/// Matches typed names to the procedure's components (case and spacing forgiven).
fn match_components(
    lines: &mut [ComponentLine],
    provided: &[String],
    field: &str,
) -> Result<(), ServiceError> {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let mut unknown = Vec::new();
    for name in provided.iter().filter(|n| !n.trim().is_empty()) {
        match lines.iter_mut().find(|c| norm(&c.name) == norm(name)) {
            Some(line) => line.provided = true,
            None => unknown.push(name.trim().to_string()),
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            field,
            format!(
                "không có trong thành phần hồ sơ của thủ tục: {} — not a component of this procedure",
                unknown.join("; ")
            ),
        ))
    }
}

fn missing_required(lines: &[ComponentLine]) -> Vec<String> {
    lines
        .iter()
        .filter(|c| c.required && !c.provided)
        .map(|c| c.name.clone())
        .collect()
}

/// Items listed once each, in order.
fn dedup(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(item)) {
            out.push(item.to_string());
        }
    }
    out
}

fn clock_stop_if_running(l: &Locked<'_>) -> Option<ClockEvent> {
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
        limits::create_dossier(request.get_ref())?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        let mut errors: Vec<FieldViolation> = Vec::new();
        let mut field = |f: &str, res: Result<String, ServiceError>| match res {
            Ok(v) => v,
            Err(ServiceError::InvalidArgument(v)) => {
                errors.extend(v.into_iter().map(|v| FieldViolation::new(f, v.description)));
                String::new()
            }
            Err(_) => String::new(),
        };
        let center_id = field("center_id", required("center_id", &r.center_id));
        let procedure_code = field(
            "procedure_code",
            required("procedure_code", &r.procedure_code),
        );
        let a = r.applicant.clone().unwrap_or_default();
        let address = field(
            "applicant.address",
            required("applicant.address", &a.address),
        );
        let channel = pb::Channel::try_from(r.channel)
            .ok()
            .and_then(convert::channel_str);
        if channel.is_none() {
            errors.push(FieldViolation::new(
                "channel",
                "chọn counter, online, assisted hoặc postal — choose counter, online, assisted or postal",
            ));
        }
        let applicant =
            match Applicant::validate(&ApplicantInput {
                full_name: a.full_name.clone(),
                citizen_id: a.citizen_id.clone(),
                phone: a.phone.clone(),
                email: a.email.clone(),
            }) {
                Ok(ok) => Some(ok),
                Err(v) => {
                    errors.extend(v.into_iter().map(|v| {
                        FieldViolation::new(format!("applicant.{}", v.field), v.description)
                    }));
                    None
                }
            };
        let rep = r.representative.clone().unwrap_or_default();
        if !rep.full_name.trim().is_empty()
            && let Err(e) = check_citizen_id(&rep.citizen_id)
        {
            errors.push(FieldViolation::new("representative.citizen_id", e));
        }
        if !errors.is_empty() {
            return Err(ServiceError::InvalidArgument(errors).into());
        }
        let applicant = applicant.expect("validated");
        let request_id = Some(r.request_id.trim().to_string()).filter(|id| !id.is_empty());
        if let Some(request_id) = &request_id {
            // a retry of a request already done: its dossier, nothing new
            tx::check_center(&claims, &center_id)?;
            if let Some(first) = read::by_request(&self.store.db, &center_id, request_id).await? {
                return self.reply(first).await;
            }
        }
        let procedure = self.procedure(&procedure_code).await?;
        if procedure.retired {
            return Err(ServiceError::invalid(
                "procedure_code",
                "thủ tục đã bãi bỏ — this procedure is retired",
            )
            .into());
        }
        let mut lines: Vec<ComponentLine> = procedure
            .components
            .iter()
            .map(|c| ComponentLine {
                name: c.name.clone(),
                required: c.required,
                provided: false,
                originals: c.originals,
                copies: c.copies,
            })
            .collect();
        match_components(&mut lines, &r.provided_components, "provided_components")?;
        let fees: Vec<(String, i64)> = procedure
            .fees
            .iter()
            .filter(|f| f.amount_vnd > 0)
            .map(|f| (f.name.clone(), f.amount_vnd))
            .collect();
        let now = self.clock.now();
        let id = random_id("hs_");
        let row = DossierRow {
            id,
            code: None,
            center_id,
            procedure_code: procedure.code.clone(),
            procedure_version: procedure.version,
            procedure_name: procedure.name.clone(),
            field_code: procedure
                .field
                .as_ref()
                .map(|f| f.code.clone())
                .unwrap_or_default(),
            processing_days: procedure.processing_days,
            applicant_name: applicant.full_name,
            citizen_id: applicant.citizen_id,
            phone: applicant.phone.unwrap_or_default(),
            email: applicant.email.unwrap_or_default(),
            address,
            representative: serde_json::to_string(&RepresentativeData {
                full_name: rep.full_name.trim().to_string(),
                citizen_id: rep.citizen_id.trim().to_string(),
                phone: rep.phone.trim().to_string(),
                relation: rep.relation.trim().to_string(),
            })
            .expect("serialise"),
            channel: channel.expect("validated").into(),
            components: serde_json::to_string(&lines).expect("serialise"),
            fee_total: fees.iter().map(|f| f.1).sum(),
            fees: serde_json::to_string(&fees).expect("serialise"),
            paid: 0,
            status: 0,
            stage: 1,
            assigned: 0,
            review: "pending".into(),
            signed: 0,
            extended: 0,
            assignee: String::new(),
            department: String::new(),
            missing_items: "[]".into(),
            end_reason: String::new(),
            created_at: now.timestamp_millis(),
            received_at: None,
            due_at: None,
            judged_due_at: None,
            result_ready_at: None,
            returned_at: None,
            ended_at: None,
            timeliness: None,
            clock_paused: 0,
            search: String::new(),
            version: 1,
            updated_at: now.timestamp_millis(),
            citizen_key_hash: None,
            request_id,
            personal_data_removed_at: None,
        };
        let row = create::create(&self.store, &claims, row, r.note.trim(), now)
            .await
            .map_err(|e| match e {
                ServiceError::NotFound(_) => ServiceError::invalid(
                    "center_id",
                    format!(
                        "không có trung tâm «{}» — unknown centre",
                        r.center_id.trim()
                    ),
                ),
                other => other,
            })?;
        self.reply(row).await
    }

    async fn request_supplement(
        &self,
        request: Request<pb::RequestSupplementRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::request_supplement(request.get_ref())?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        self.change(&claims, &r.id, r.expected_version, async |row, l| {
            let before_receipt = row.status == 1;
            let mut items = dedup(&r.items);
            if items.is_empty() && before_receipt {
                items = missing_required(&row.component_lines());
            }
            if items.is_empty() {
                return Err(ServiceError::invalid(
                    "items",
                    "liệt kê ít nhất một giấy tờ cần bổ sung — list at least one missing item",
                ));
            }
            row.missing_items = serde_json::to_string(&items).expect("serialise");
            let step = if before_receipt {
                Step::new(
                    "request_supplement",
                    Transition::RequestSupplementBeforeReceipt,
                )
            } else {
                Step::new("request_supplement", Transition::RequestSupplement).clock(
                    ClockEvent::Paused {
                        at: l.now,
                        reason: PauseReason::SupplementRequested,
                    },
                )
            };
            Ok(vec![
                step.note(with_note(&items.join("; "), &r.note))
                    .event("supplement_requested"),
            ])
        })
        .await
    }

    async fn submit_supplement(
        &self,
        request: Request<pb::SubmitSupplementRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::submit_supplement(request.get_ref())?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        self.change(&claims, &r.id, r.expected_version, async |row, l| {
            let mut lines = row.component_lines();
            match_components(&mut lines, &r.provided_components, "provided_components")?;
            row.components = serde_json::to_string(&lines).expect("serialise");
            row.missing_items = "[]".into();
            let mut step =
                Step::new("submit_supplement", Transition::SubmitSupplement).note(r.note.trim());
            if row.status == 5 {
                step = step.clock(ClockEvent::Resumed { at: l.now });
            }
            Ok(vec![step])
        })
        .await
    }

    async fn receive_dossier(
        &self,
        request: Request<pb::ReceiveDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::change(&request.get_ref().id, "note", &request.get_ref().note)?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        let role = claims.role;
        // the citizen's key: printed on the receipt, only its hash is kept
        let key = citizen_key::generate();
        let key_hash = self.keys.hash(&key);
        let mut response = self.change(&claims, &r.id, r.expected_version, async |row, l| {
            apply(&row.state()?, &Transition::Receive, role).map_err(refused)?;
            let missing = missing_required(&row.component_lines());
            if !missing.is_empty() {
                return Err(ServiceError::invalid(
                    "components",
                    format!(
                        "còn thiếu thành phần bắt buộc: {} — required components missing; request a supplement",
                        missing.join("; ")
                    ),
                ));
            }
            let day = l.calendar.local_date(l.now);
            let sequence = tx::next_code_sequence(l.txn, &l.center.unit_code, day).await?;
            let code = DossierCode::new(&l.center.unit_code, day, sequence)
                .map_err(ServiceError::FailedPrecondition)?;
            row.code = Some(code.to_string());
            row.received_at = Some(l.now.timestamp_millis());
            row.citizen_key_hash = Some(key_hash.clone());
            Ok(vec![
                Step::new("receive", Transition::Receive)
                    .note(r.note.trim())
                    .clock(ClockEvent::Received {
                        at: l.now,
                        days: row.processing_days.unwrap_or(0.0),
                    })
                    .event("dossier_received"),
            ])
        })
        .await?;
        response.get_mut().citizen_key = key;
        Ok(response)
    }

    async fn refuse_dossier(
        &self,
        request: Request<pb::RefuseDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::change(&request.get_ref().id, "reason", &request.get_ref().reason)?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        self.end(
            &claims,
            &r.id,
            r.expected_version,
            &r.reason,
            "refuse",
            Transition::Refuse,
        )
        .await
    }

    async fn assign_dossier(
        &self,
        request: Request<pb::AssignDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::assign_dossier(request.get_ref())?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        let assignee = required("assignee", &r.assignee)?;
        self.change(&claims, &r.id, r.expected_version, async |row, _| {
            row.assignee = assignee.clone();
            Ok(vec![
                Step::new("assign", Transition::Assign).note(with_note(&assignee, &r.note)),
            ])
        })
        .await
    }

    async fn forward_dossier(
        &self,
        request: Request<pb::ForwardDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::forward_dossier(request.get_ref())?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        let department = required("department", &r.department)?;
        self.change(&claims, &r.id, r.expected_version, async |row, l| {
            row.department = department.clone();
            let mut steps = vec![
                Step::new("forward", Transition::Forward).note(with_note(&department, &r.note)),
            ];
            if row.owes_fees() {
                steps.push(
                    Step::new("request_payment", Transition::RequestPayment)
                        .note(format!(
                            "chờ nộp phí, lệ phí {} — fees due",
                            onestop_kit::format::vnd(row.fee_total - row.paid)
                        ))
                        .clock(ClockEvent::Paused {
                            at: l.now,
                            reason: PauseReason::AwaitingPayment,
                        }),
                );
            }
            Ok(steps)
        })
        .await
    }

    async fn record_review(
        &self,
        request: Request<pb::RecordReviewRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::change(&request.get_ref().id, "note", &request.get_ref().note)?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        let transition = match pb::ReviewOutcome::try_from(r.outcome) {
            Ok(pb::ReviewOutcome::Approve) => Transition::RecordReviewApprove,
            Ok(pb::ReviewOutcome::Refuse) => Transition::RecordReviewRefuse,
            Ok(pb::ReviewOutcome::SupplementNeeded) => Transition::RecordReviewAskSupplement,
            _ => {
                return Err(ServiceError::invalid(
                    "outcome",
                    "chọn approve, refuse hoặc supplement_needed — choose approve, refuse or supplement_needed",
                )
                .into());
            }
        };
        let me = claims.sub.clone();
        self.change(&claims, &r.id, r.expected_version, async |row, _| {
            if row.assigned != 0 && row.assignee != me {
                return Err(ServiceError::FailedPrecondition(format!(
                    "hồ sơ đang được giao cho {}; chỉ người đó được thẩm định — the dossier is assigned to {}; only they may review it",
                    row.assignee, row.assignee
                )));
            }
            let name = match transition {
                Transition::RecordReviewApprove => "review_approve",
                Transition::RecordReviewRefuse => "review_refuse",
                _ => "review_supplement_needed",
            };
            Ok(vec![Step::new(name, transition).note(r.note.trim())])
        })
        .await
    }

    async fn sign_result(
        &self,
        request: Request<pb::SignResultRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::change(&request.get_ref().id, "note", &request.get_ref().note)?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        self.change(&claims, &r.id, r.expected_version, async |_, _| {
            Ok(vec![
                Step::new("sign", Transition::Sign).note(r.note.trim()),
            ])
        })
        .await
    }

    async fn extend_deadline(
        &self,
        request: Request<pb::ExtendDeadlineRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::change(&request.get_ref().id, "reason", &request.get_ref().reason)?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        let reason = required("reason", &r.reason)?;
        let new_due = from_ts(
            r.new_date
                .as_ref()
                .ok_or_else(|| ServiceError::invalid("new_date", "bắt buộc — required"))?,
            "new_date",
        )?;
        self.change(&claims, &r.id, r.expected_version, async |_, l| {
            let cal = l.calendar;
            let local = new_due.with_timezone(&cal.time_zone());
            let in_hours = cal
                .intervals_on(local.date_naive())
                .iter()
                .any(|i| i.start <= local.time() && local.time() <= i.end);
            if !in_hours {
                return Err(ServiceError::invalid(
                    "new_date",
                    format!(
                        "{} không phải giờ làm việc — not within working hours on a working day",
                        onestop_kit::format::clock_date(&local)
                    ),
                ));
            }
            let Some(clock) = l.clock else {
                return Err(ServiceError::FailedPrecondition(
                    "hồ sơ chưa được tiếp nhận — the dossier has not been received".into(),
                ));
            };
            let current_due = clock.due_as_of(cal, l.now);
            Ok(vec![
                Step::new(
                    "extend",
                    Transition::Extend {
                        at: l.now,
                        current_due,
                        new_due,
                    },
                )
                .note(reason.clone())
                .clock(ClockEvent::Extended {
                    at: l.now,
                    new_due,
                    reason: reason.clone(),
                }),
            ])
        })
        .await
    }

    async fn mark_result_ready(
        &self,
        request: Request<pb::MarkResultReadyRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::change(&request.get_ref().id, "note", &request.get_ref().note)?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        self.change(&claims, &r.id, r.expected_version, async |row, l| {
            row.result_ready_at = Some(l.now.timestamp_millis());
            Ok(vec![
                Step::new("mark_result_ready", Transition::MarkResultReady)
                    .note(r.note.trim())
                    .clock(ClockEvent::Stopped { at: l.now })
                    .event("result_ready"),
            ])
        })
        .await
    }

    async fn return_result(
        &self,
        request: Request<pb::ReturnResultRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::return_result(request.get_ref())?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        self.change(&claims, &r.id, r.expected_version, async |row, l| {
            if row.owes_fees() {
                return Err(ServiceError::FailedPrecondition(format!(
                    "còn nợ phí, lệ phí {} — fees still owed",
                    onestop_kit::format::vnd(row.fee_total - row.paid)
                )));
            }
            row.returned_at = Some(l.now.timestamp_millis());
            let by = if r.received_by.trim().is_empty() {
                row.applicant_name.clone()
            } else {
                r.received_by.trim().to_string()
            };
            Ok(vec![
                Step::new("return_result", Transition::ReturnResult)
                    .note(with_note(&by, &r.note))
                    .event("result_returned"),
            ])
        })
        .await
    }

    async fn withdraw_dossier(
        &self,
        request: Request<pb::WithdrawDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::change(&request.get_ref().id, "reason", &request.get_ref().reason)?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        self.end(
            &claims,
            &r.id,
            r.expected_version,
            &r.reason,
            "withdraw",
            Transition::Withdraw,
        )
        .await
    }

    async fn stop_dossier(
        &self,
        request: Request<pb::StopDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::change(&request.get_ref().id, "reason", &request.get_ref().reason)?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        self.end(
            &claims,
            &r.id,
            r.expected_version,
            &r.reason,
            "stop",
            Transition::Stop,
        )
        .await
    }

    async fn get_dossier(
        &self,
        request: Request<pb::GetDossierRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::dossier_id(&request.get_ref().id)?;
        let claims = staff(&request)?;
        let key = required("id", &request.get_ref().id)?;
        let row = read::get(&self.store, &key).await?;
        tx::check_center(&claims, &row.center_id)?;
        self.reply(row).await
    }

    async fn list_dossiers(
        &self,
        request: Request<pb::ListDossiersRequest>,
    ) -> Result<Response<pb::ListDossiersResponse>, Status> {
        limits::list_dossiers(request.get_ref())?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        let center_id = if r.center_id.trim().is_empty() && claims.center != "*" {
            claims.center.clone()
        } else {
            required("center_id", &r.center_id)?
        };
        tx::check_center(&claims, &center_id)?;
        if !(0..=10).contains(&r.status) {
            return Err(
                ServiceError::invalid("status", "mã trạng thái 1–10 — a status code 1–10").into(),
            );
        }
        if !(0..=5).contains(&r.stage) {
            return Err(ServiceError::invalid("stage", "giai đoạn 1–5 — a stage 1–5").into());
        }
        if !(0..=500).contains(&r.page_size) {
            return Err(ServiceError::invalid("page_size", "tối đa 500 — at most 500").into());
        }
        let page_size = if r.page_size == 0 {
            50
        } else {
            r.page_size as usize
        };
        let after = if r.page_token.is_empty() {
            None
        } else {
            Some(read::Cursor::parse(&r.page_token)?)
        };
        let filter = read::ListFilter {
            center_id,
            status: r.status,
            stage: r.stage,
            assignee: r.assignee.trim().to_string(),
            procedure_code: r.procedure_code.trim().to_string(),
            due_before: r
                .due_before
                .as_ref()
                .map(|t| from_ts(t, "due_before"))
                .transpose()?,
            overdue: r.overdue,
            text: r.text.trim().to_string(),
        };
        let now = self.clock.now();
        let (rows, next) = read::list(&self.store, &filter, now, page_size, after).await?;
        Ok(Response::new(pb::ListDossiersResponse {
            dossiers: rows
                .iter()
                .map(|row| convert::dossier(row, &[], &self.base_url, now))
                .collect(),
            next_page_token: next.map(|c| c.token()).unwrap_or_default(),
        }))
    }

    async fn get_dossier_history(
        &self,
        request: Request<pb::GetDossierHistoryRequest>,
    ) -> Result<Response<pb::GetDossierHistoryResponse>, Status> {
        limits::dossier_id(&request.get_ref().id)?;
        let claims = staff(&request)?;
        let key = required("id", &request.get_ref().id)?;
        let row = read::get(&self.store, &key).await?;
        tx::check_center(&claims, &row.center_id)?;
        let entries = tx::history(&self.store.db, &row.id).await?;
        Ok(Response::new(pb::GetDossierHistoryResponse {
            entries: entries.iter().map(convert::history).collect(),
        }))
    }

    async fn explain_deadline(
        &self,
        request: Request<pb::ExplainDeadlineRequest>,
    ) -> Result<Response<pb::DeadlineExplanation>, Status> {
        limits::dossier_id(&request.get_ref().id)?;
        let claims = staff(&request)?;
        let key = required("id", &request.get_ref().id)?;
        let row = read::get(&self.store, &key).await?;
        tx::check_center(&claims, &row.center_id)?;
        let center = tx::center(&self.store.db, &row.center_id).await?;
        let cal = tx::calendar(&self.store.db, &center).await?;
        let ledger = tx::ledger(&tx::history(&self.store.db, &row.id).await?)?;
        if ledger.is_empty() {
            return Err(ServiceError::FailedPrecondition(
                "hồ sơ chưa được tiếp nhận nên chưa tính hạn — not received yet, no deadline"
                    .into(),
            )
            .into());
        }
        let e = explain(&cal, &ledger).map_err(ServiceError::Internal)?;
        let now = self.clock.now();
        let ms = |t: DateTime<Utc>| Some(convert::ts(t.timestamp_millis()));
        Ok(Response::new(pb::DeadlineExplanation {
            started_at: ms(e.started_at),
            original_due: ms(e.original_due),
            due: ms(e.due_as_of(&cal, now)),
            judged_due: ms(e.judged_due),
            paused_working_minutes: e.paused_minutes,
            extended: e.extended,
            clock: match e.state {
                ClockState::Running => "running",
                ClockState::Paused { .. } => "paused",
                ClockState::Stopped { .. } => "stopped",
            }
            .into(),
            timeliness: convert::timeliness_of(e.timeliness.map(tx::timeliness_str)) as i32,
            lines: e.lines,
        }))
    }

    async fn list_holidays(
        &self,
        request: Request<pb::ListHolidaysRequest>,
    ) -> Result<Response<pb::ListHolidaysResponse>, Status> {
        limits::list_holidays(request.get_ref())?;
        let r = request.into_inner();
        let center = if r.center_id.trim().is_empty() {
            "*"
        } else {
            r.center_id.trim()
        };
        let rows = admin::holidays(&self.store, center, r.year).await?;
        Ok(Response::new(pb::ListHolidaysResponse {
            holidays: rows.iter().map(convert::holiday).collect(),
        }))
    }

    async fn upsert_holiday(
        &self,
        request: Request<pb::UpsertHolidayRequest>,
    ) -> Result<Response<pb::Holiday>, Status> {
        limits::upsert_holiday(request.get_ref())?;
        let claims = require_role(&request, &[Role::Admin])?.clone();
        let h = request.into_inner().holiday.unwrap_or_default();
        let center_id = if h.center_id.trim().is_empty() {
            "*".to_string()
        } else {
            h.center_id.trim().to_string()
        };
        tx::check_center(&claims, &center_id)?;
        let mut errors = Vec::new();
        if chrono::NaiveDate::parse_from_str(h.date.trim(), "%Y-%m-%d").is_err() {
            errors.push(FieldViolation::new(
                "holiday.date",
                "dạng YYYY-MM-DD — use YYYY-MM-DD",
            ));
        }
        if DayKind::parse(h.kind.trim()).is_none() {
            errors.push(FieldViolation::new(
                "holiday.kind",
                "holiday, weekend_in_break, substitute_day_off hoặc makeup_workday",
            ));
        }
        let status = if h.status.trim().is_empty() {
            "announced"
        } else {
            h.status.trim()
        };
        if DayStatus::parse(status).is_none() {
            errors.push(FieldViolation::new(
                "holiday.status",
                "statutory, announced hoặc provisional",
            ));
        }
        if h.name_vi.trim().is_empty() {
            errors.push(FieldViolation::new(
                "holiday.name_vi",
                "bắt buộc — required",
            ));
        }
        if !errors.is_empty() {
            return Err(ServiceError::InvalidArgument(errors).into());
        }
        if center_id != "*" {
            tx::center(&self.store.db, &center_id).await.map_err(|_| {
                ServiceError::invalid(
                    "holiday.center_id",
                    "không có trung tâm này — unknown centre",
                )
            })?;
        }
        let row = HolidayRow {
            center_id,
            day: h.date.trim().to_string(),
            kind: h.kind.trim().to_string(),
            name_vi: h.name_vi.trim().to_string(),
            name_en: h.name_en.trim().to_string(),
            status: status.to_string(),
            source: h.source.trim().to_string(),
        };
        admin::upsert_holiday(&self.store, &row).await?;
        Ok(Response::new(convert::holiday(&row)))
    }

    async fn delete_holiday(
        &self,
        request: Request<pb::DeleteHolidayRequest>,
    ) -> Result<Response<pb::DeleteHolidayResponse>, Status> {
        limits::delete_holiday(request.get_ref())?;
        let claims = require_role(&request, &[Role::Admin])?.clone();
        let r = request.into_inner();
        let center_id = if r.center_id.trim().is_empty() {
            "*"
        } else {
            r.center_id.trim()
        };
        tx::check_center(&claims, center_id)?;
        let date = required("date", &r.date)?;
        let deleted = admin::delete_holiday(&self.store, center_id, &date).await?;
        Ok(Response::new(pb::DeleteHolidayResponse { deleted }))
    }

    async fn upsert_center(
        &self,
        request: Request<pb::UpsertCenterRequest>,
    ) -> Result<Response<pb::Center>, Status> {
        limits::upsert_center(request.get_ref())?;
        let claims = require_role(&request, &[Role::Admin])?.clone();
        let c = request.into_inner().center.unwrap_or_default();
        let mut errors = Vec::new();
        if c.id.trim().is_empty() {
            errors.push(FieldViolation::new("center.id", "bắt buộc — required"));
        } else {
            // one commune's admin edits their own centre only; `*` may create others
            tx::check_center(&claims, c.id.trim())?;
        }
        let unit = check_unit(c.unit_code.trim()).unwrap_or_else(|e| {
            errors.push(FieldViolation::new("center.unit_code", e));
            String::new()
        });
        let tz = if c.time_zone.trim().is_empty() {
            "Asia/Ho_Chi_Minh"
        } else {
            c.time_zone.trim()
        };
        if tz.parse::<chrono_tz::Tz>().is_err() {
            errors.push(FieldViolation::new(
                "center.time_zone",
                "múi giờ IANA, ví dụ Asia/Ho_Chi_Minh — an IANA time zone",
            ));
        }
        if c.name_vi.trim().is_empty() {
            errors.push(FieldViolation::new("center.name_vi", "bắt buộc — required"));
        }
        if !(0..=60).contains(&c.feedback_answer_days) {
            errors.push(FieldViolation::new(
                "center.feedback_answer_days",
                "0–60 ngày làm việc — 0–60 working days",
            ));
        }
        if !errors.is_empty() {
            return Err(ServiceError::InvalidArgument(errors).into());
        }
        let row = CenterRow {
            center_id: c.id.trim().to_string(),
            unit_code: unit,
            name_vi: c.name_vi.trim().to_string(),
            name_en: c.name_en.trim().to_string(),
            time_zone: tz.to_string(),
            feedback_answer_days: if c.feedback_answer_days == 0 {
                10
            } else {
                c.feedback_answer_days
            },
        };
        admin::upsert_center(&self.store, &row).await?;
        Ok(Response::new(center_pb(&row)))
    }

    async fn list_centers(
        &self,
        _request: Request<pb::ListCentersRequest>,
    ) -> Result<Response<pb::ListCentersResponse>, Status> {
        let rows = admin::centers(&self.store).await?;
        Ok(Response::new(pb::ListCentersResponse {
            centers: rows.iter().map(center_pb).collect(),
        }))
    }

    async fn render_form(
        &self,
        request: Request<pb::RenderFormRequest>,
    ) -> Result<Response<pb::RenderedForm>, Status> {
        limits::render_form(request.get_ref())?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        let id = required("id", &r.id)?;
        let kind = super::forms::kind_of(r.form)?;
        let given = r.citizen_key.trim();
        if kind != FormKind::Receipt && (r.new_citizen_key || !given.is_empty()) {
            let field = if r.new_citizen_key {
                "new_citizen_key"
            } else {
                "citizen_key"
            };
            return Err(ServiceError::invalid(
                field,
                "mã bảo mật chỉ in trên mẫu 01 — the key is printed on form 01 only",
            )
            .into());
        }
        if r.new_citizen_key && !given.is_empty() {
            return Err(ServiceError::invalid(
                "citizen_key",
                "hoặc in mã đã cấp, hoặc cấp mã mới — either print the key given or issue a new one",
            )
            .into());
        }
        let mut row = read::get(&self.store, &id).await?;
        tx::check_center(&claims, &row.center_id)?;
        let mut issued = String::new();
        if r.new_citizen_key {
            if !matches!(claims.role, Role::Receptionist | Role::Leader | Role::Admin) {
                return Err(ServiceError::PermissionDenied(
                    "chỉ bộ phận một cửa, lãnh đạo hoặc quản trị cấp mã mới — only the counter, a leader or an admin issues a new key"
                        .into(),
                )
                .into());
            }
            if row.code.is_none() {
                return Err(ServiceError::FailedPrecondition(
                    "hồ sơ chưa được tiếp nhận — the dossier has not been received".into(),
                )
                .into());
            }
            issued = citizen_key::generate();
            let hash = self.keys.hash(&issued);
            row = tx::change(
                &self.store,
                &row.id,
                0,
                &claims,
                self.clock.now(),
                async |row, _| {
                    row.citizen_key_hash = Some(hash.clone());
                    Ok(vec![Step::record("issue_citizen_key").note(
                        "in lại giấy tiếp nhận với mã bảo mật mới; mã cũ hết hiệu lực — receipt reprinted with a new key; the old key no longer works",
                    )])
                },
            )
            .await?;
        } else if !given.is_empty()
            && !row
                .citizen_key_hash
                .as_deref()
                .is_some_and(|h| self.keys.matches(given, h))
        {
            return Err(ServiceError::invalid(
                "citizen_key",
                "không phải mã bảo mật của hồ sơ này — not this dossier's key",
            )
            .into());
        }
        let key = if issued.is_empty() { given } else { &issued };
        let mut form = super::forms::render(
            &self.store,
            &row,
            kind,
            &self.base_url,
            self.clock.now(),
            Some(key).filter(|k| !k.is_empty()),
        )
        .await?;
        form.citizen_key = issued;
        Ok(Response::new(form))
    }

    async fn lookup_dossier(
        &self,
        request: Request<pb::LookupDossierRequest>,
    ) -> Result<Response<pb::PublicDossier>, Status> {
        limits::lookup_dossier(request.get_ref())?;
        let code = DossierCode::parse(&request.get_ref().code)
            .map_err(|e| ServiceError::invalid("code", e))?
            .to_string();
        let row = read::by_code(&self.store, &code).await?;
        let rated = rating::rated(&self.store, &row.id).await?;
        Ok(Response::new(convert::public(&row, rated)))
    }

    async fn record_payment(
        &self,
        request: Request<pb::RecordPaymentRequest>,
    ) -> Result<Response<pb::Dossier>, Status> {
        limits::record_payment(request.get_ref())?;
        let signed = !request.get_ref().signature.is_empty();
        let claims = if signed {
            Claims::new(
                "payment-platform",
                Role::Province,
                "*",
                0,
                chrono::Duration::zero(),
            )
        } else {
            require_role(&request, &[Role::Receptionist])?.clone()
        };
        let r = request.into_inner();
        let (key, method, amount, receipt, reference) = if signed {
            let cb = payment::verify(&self.payment.secret, &r.callback_body, &r.signature)?;
            if cb.status != "paid" {
                return Err(ServiceError::invalid(
                    "callback_body",
                    format!(
                        "trạng thái «{}» không phải đã thanh toán — status is not `paid`",
                        cb.status
                    ),
                )
                .into());
            }
            let req = payment::request(&self.store.db, &cb.reference)
                .await?
                .ok_or_else(|| {
                    ServiceError::NotFound(format!("payment request `{}`", cb.reference))
                })?;
            if cb.amount_vnd != req.amount {
                return Err(ServiceError::invalid(
                    "callback_body",
                    format!(
                        "số tiền {} khác yêu cầu {} — amount differs from the request",
                        cb.amount_vnd, req.amount
                    ),
                )
                .into());
            }
            if cb.transaction_id.trim().is_empty() {
                return Err(ServiceError::invalid(
                    "callback_body",
                    "thiếu mã giao dịch — transaction_id is missing",
                )
                .into());
            }
            if payment::recorded(&self.store.db, &req.dossier_id, &cb.transaction_id).await? {
                // the platform repeating a callback: recorded already, nothing changes
                return self
                    .reply(read::get(&self.store, &req.dossier_id).await?)
                    .await;
            }
            (
                req.dossier_id,
                "online",
                cb.amount_vnd,
                cb.transaction_id,
                Some(cb.reference),
            )
        } else {
            if r.method.trim() != "cash" && !r.method.trim().is_empty() {
                return Err(ServiceError::invalid("method", "tại quầy chỉ ghi «cash»; thanh toán trực tuyến đến qua chữ ký — only `cash` at the counter; online payments arrive signed").into());
            }
            if r.amount_vnd <= 0 {
                return Err(ServiceError::invalid(
                    "amount_vnd",
                    "phải lớn hơn 0 — must be more than 0",
                )
                .into());
            }
            (
                required("id", &r.id)?,
                "cash",
                r.amount_vnd,
                required("receipt_number", &r.receipt_number)?,
                None,
            )
        };
        let by = claims.sub.clone();
        self.change(&claims, &key, r.expected_version, async |row, l| {
            let owed = (row.fee_total - row.paid).max(0);
            // money the platform took is never dropped: what was not owed is an
            // overpayment, kept for refund; at the counter staff just take less
            let (applied, overpaid) = if reference.is_some() {
                (amount.min(owed), amount - amount.min(owed))
            } else if owed == 0 {
                return Err(ServiceError::invalid(
                    "amount_vnd",
                    "hồ sơ không còn phí phải nộp — nothing is owed",
                ));
            } else if amount > owed {
                return Err(ServiceError::invalid(
                    "amount_vnd",
                    format!(
                        "nhiều hơn số còn phải nộp {} — more than owed",
                        onestop_kit::format::vnd(owed)
                    ),
                ));
            } else {
                (amount, 0)
            };
            let new = payment::NewPayment {
                method,
                amount,
                overpaid,
                receipt_number: &receipt,
                by: &by,
            };
            if !payment::record(l.txn, &row.id, &new, l.now).await? {
                return Err(ServiceError::invalid(
                    "receipt_number",
                    format!("biên lai {receipt} đã được ghi — receipt already recorded"),
                ));
            }
            if let Some(reference) = &reference {
                payment::mark_paid(l.txn, reference, l.now).await?;
            }
            row.paid += applied;
            let mut steps = Vec::new();
            if applied > 0 {
                let note = format!(
                    "{method} {} biên lai/receipt {receipt}",
                    onestop_kit::format::vnd(applied)
                );
                let step = if row.status == 6 && !row.owes_fees() {
                    Step::new("record_payment", Transition::RecordPayment)
                        .clock(ClockEvent::Resumed { at: l.now })
                } else {
                    Step::record("record_payment")
                };
                steps.push(step.note(note).event("payment_received"));
            }
            if overpaid > 0 {
                steps.push(Step::record("record_overpayment").note(format!(
                    "nộp thừa {over}, giao dịch {receipt}: cần hoàn lại — paid {over} more than owed, transaction {receipt}: to refund",
                    over = onestop_kit::format::vnd(overpaid)
                )));
            }
            Ok(steps)
        })
        .await
    }

    async fn create_payment_request(
        &self,
        request: Request<pb::CreatePaymentRequestRequest>,
    ) -> Result<Response<pb::PaymentRequest>, Status> {
        limits::create_payment_request(request.get_ref())?;
        let key = required("id", &request.get_ref().id)?;
        // without a staff token only a dossier code is accepted, never an internal id
        let row = if staff(&request).is_ok() {
            read::get(&self.store, &key).await?
        } else {
            let code = DossierCode::parse(&key)
                .map_err(|e| ServiceError::invalid("id", e))?
                .to_string();
            read::by_code(&self.store, &code).await?
        };
        citizen_or_staff(&self.keys, &request, &row, &request.get_ref().key)?;
        if self.payment.provider_url.trim().is_empty() {
            return Err(ServiceError::FailedPrecondition(
                "chưa cấu hình cổng thanh toán trực tuyến; vui lòng nộp tại bộ phận một cửa — no payment platform configured; please pay at the counter"
                    .into(),
            )
            .into());
        }
        let owed = row.fee_total - row.paid;
        if owed <= 0 || row.status >= 7 && row.status != 9 {
            return Err(ServiceError::FailedPrecondition(
                "hồ sơ không còn phí phải nộp — nothing is owed on this dossier".into(),
            )
            .into());
        }
        let open = payment::open_request(
            &self.store,
            &row.id,
            owed,
            &random_id("TT").to_uppercase(),
            self.clock.now(),
        )
        .await?;
        let back = row
            .code
            .as_deref()
            .map(|c| convert::public_url(&self.base_url, c))
            .unwrap_or_default();
        let url = format!(
            "{}?ref={}&amount={}&return={}",
            self.payment.provider_url,
            open.reference,
            open.amount,
            back.replace(':', "%3A").replace('/', "%2F")
        );
        let qr_url = url.clone();
        let qr_svg = tokio::task::spawn_blocking(move || onestop_kit::qr::inline_svg(&qr_url, 200))
            .await
            .map_err(|e| ServiceError::Internal(format!("QR code: {e}")))?
            .map_err(ServiceError::Internal)?;
        Ok(Response::new(pb::PaymentRequest {
            qr_svg,
            reference: open.reference,
            amount_vnd: open.amount,
            payment_url: url,
        }))
    }

    async fn rate_dossier(
        &self,
        request: Request<pb::RateDossierRequest>,
    ) -> Result<Response<pb::Rating>, Status> {
        limits::rate_dossier(request.get_ref())?;
        let r = request.get_ref();
        if !(1..=5).contains(&r.score) {
            return Err(ServiceError::invalid("score", "từ 1 đến 5 — from 1 to 5").into());
        }
        let code = DossierCode::parse(&r.code)
            .map_err(|e| ServiceError::invalid("code", e))?
            .to_string();
        let row = read::by_code(&self.store, &code).await?;
        // who may rate before anything about the dossier's state is told
        citizen_or_staff(&self.keys, &request, &row, &r.key)?;
        if row.status != 10 {
            return Err(ServiceError::invalid(
                "code",
                "chỉ đánh giá sau khi đã nhận kết quả — rate after the result has been returned",
            )
            .into());
        }
        let now = self.clock.now();
        let comment = r.comment.trim();
        if !rating::insert(&self.store, &row.id, &row.center_id, r.score, comment, now).await? {
            return Err(ServiceError::invalid(
                "code",
                "hồ sơ này đã được đánh giá — this dossier was already rated",
            )
            .into());
        }
        Ok(Response::new(pb::Rating {
            code,
            score: r.score,
            comment: comment.to_string(),
            rated_at: Some(convert::ts(now.timestamp_millis())),
        }))
    }

    async fn submit_feedback(
        &self,
        request: Request<pb::SubmitFeedbackRequest>,
    ) -> Result<Response<pb::Feedback>, Status> {
        limits::submit_feedback(request.get_ref())?;
        let channel = request.get_ref().channel.trim().to_string();
        let by_staff = match channel.as_str() {
            "web" => staff(&request)
                .ok()
                .filter(|c| c.covers_center(request.get_ref().center_id.trim())),
            "hotline" | "counter" => {
                let claims = staff(&request)?;
                tx::check_center(&claims, request.get_ref().center_id.trim())?;
                Some(claims)
            }
            _ => {
                return Err(ServiceError::invalid("channel", "hotline, web hoặc counter").into());
            }
        };
        let r = request.get_ref();
        let mut errors = Vec::new();
        for (field, value) in [
            ("center_id", &r.center_id),
            ("contact", &r.contact),
            ("content", &r.content),
        ] {
            if let Err(ServiceError::InvalidArgument(v)) = required(field, value) {
                errors.extend(v);
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::InvalidArgument(errors).into());
        }
        let center = tx::center(&self.store.db, r.center_id.trim())
            .await
            .map_err(|_| {
                ServiceError::invalid("center_id", "không có trung tâm này — unknown centre")
            })?;
        let dossier_code = if r.dossier_code.trim().is_empty() {
            String::new()
        } else {
            let code = DossierCode::parse(&r.dossier_code)
                .map_err(|e| ServiceError::invalid("dossier_code", e))?
                .to_string();
            if by_staff.is_none() && r.key.trim().is_empty() {
                return Err(ServiceError::PermissionDenied(
                    "phản ánh về một hồ sơ cần mã bảo mật in trên giấy tiếp nhận — feedback about a dossier needs the key printed on its receipt"
                        .into(),
                )
                .into());
            }
            let row = read::by_code(&self.store, &code)
                .await
                .ok()
                .filter(|row| row.center_id == center.center_id)
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "dossier_code",
                        "trung tâm không có hồ sơ mã này — this centre has no dossier with this code",
                    )
                })?;
            citizen_or_staff(&self.keys, &request, &row, &r.key)?;
            code
        };
        let cal = tx::calendar(&self.store.db, &center).await?;
        let now = self.clock.now();
        let due = due_date(&cal, now, f64::from(center.feedback_answer_days))
            .map_err(ServiceError::Internal)?;
        let row = FeedbackRow {
            id: random_id("pa_"),
            center_id: center.center_id,
            channel,
            contact: r.contact.trim().to_string(),
            content: r.content.trim().to_string(),
            dossier_code,
            status: "received".into(),
            assignee: String::new(),
            answer: String::new(),
            received_at: now.timestamp_millis(),
            answer_due_at: due.timestamp_millis(),
            answered_at: None,
        };
        feedback::insert(&self.store, &row).await?;
        Ok(Response::new(convert::feedback(&row, now)))
    }

    async fn assign_feedback(
        &self,
        request: Request<pb::AssignFeedbackRequest>,
    ) -> Result<Response<pb::Feedback>, Status> {
        limits::assign_feedback(request.get_ref())?;
        let claims = require_role(&request, &[Role::Leader, Role::Admin])?.clone();
        let r = request.into_inner();
        let id = required("id", &r.id)?;
        let assignee = required("assignee", &r.assignee)?;
        tx::check_center(&claims, &feedback::get(&self.store, &id).await?.center_id)?;
        let row = feedback::assign(&self.store, &id, &assignee).await?;
        Ok(Response::new(convert::feedback(&row, self.clock.now())))
    }

    async fn answer_feedback(
        &self,
        request: Request<pb::AnswerFeedbackRequest>,
    ) -> Result<Response<pb::Feedback>, Status> {
        limits::answer_feedback(request.get_ref())?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        let id = required("id", &r.id)?;
        let answer = required("answer", &r.answer)?;
        let current = feedback::get(&self.store, &id).await?;
        tx::check_center(&claims, &current.center_id)?;
        if !current.assignee.is_empty()
            && current.assignee != claims.sub
            && !matches!(claims.role, Role::Leader | Role::Admin)
        {
            return Err(ServiceError::PermissionDenied(format!(
                "phản ánh được giao cho {} — assigned to {}",
                current.assignee, current.assignee
            ))
            .into());
        }
        let now = self.clock.now();
        let row = feedback::answer(&self.store, &id, &answer, now).await?;
        Ok(Response::new(convert::feedback(&row, now)))
    }

    async fn list_feedback(
        &self,
        request: Request<pb::ListFeedbackRequest>,
    ) -> Result<Response<pb::ListFeedbackResponse>, Status> {
        limits::list_feedback(request.get_ref())?;
        let claims = staff(&request)?;
        let r = request.into_inner();
        let center_id = required("center_id", &r.center_id)?;
        tx::check_center(&claims, &center_id)?;
        if !["", "received", "assigned", "answered"].contains(&r.status.trim()) {
            return Err(ServiceError::invalid("status", "received, assigned hoặc answered").into());
        }
        let now = self.clock.now();
        let rows = feedback::list(
            &self.store,
            &center_id,
            r.status.trim(),
            r.overdue.then_some(now),
        )
        .await?;
        Ok(Response::new(pb::ListFeedbackResponse {
            feedback: rows.iter().map(|f| convert::feedback(f, now)).collect(),
        }))
    }

    async fn dossier_stats(
        &self,
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
            return Err(
                ServiceError::invalid("to", "phải sau «from» — must be after `from`").into(),
            );
        }
        let group = stats::GroupBy::parse(r.group_by.trim())?;
        let counts =
            stats::stats(&self.store, &center_id, from, to, group, self.clock.now()).await?;
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
}

fn center_pb(c: &CenterRow) -> pb::Center {
    pb::Center {
        id: c.center_id.clone(),
        unit_code: c.unit_code.clone(),
        name_vi: c.name_vi.clone(),
        name_en: c.name_en.clone(),
        time_zone: c.time_zone.clone(),
        feedback_answer_days: c.feedback_answer_days,
    }
}

fn stats_row(key: &str, f: &stats::Figures) -> pb::StatsRow {
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
