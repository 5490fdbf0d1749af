//! The workflow's RPCs: opening a dossier, supplements, receipt, forwarding, assignment,
//! review, signing, extension, result ready, return, withdrawal and stop, each one change
//! through the store's single write path.

use onestop_kit::citizen_key;
use onestop_kit::{FieldViolation, ServiceError};
use onestop_proto::dossier::v1 as pb;
use tonic::{Request, Response, Status};

use super::convert::{self, from_ts};
use super::limits;
use super::service::{DossierApi, random_id, required, staff, with_note};
use crate::domain::citizen::{Applicant, ApplicantInput, check_citizen_id};
use crate::domain::code::DossierCode;
use crate::domain::components::{dedup, match_components, missing_required};
use crate::domain::deadline::{ClockEvent, PauseReason};
use crate::domain::status::{Transition, apply};
use crate::store::entity::Status as Stored;
use crate::store::rows::{ComponentLine, DossierRow, RepresentativeData};
use crate::store::tx::{self, Step, refused};
use crate::store::{create, read};
use onestop_kit::json_text::JsonText;

/// The `CreateDossier` RPC.
pub(super) async fn create_dossier(
    api: &DossierApi,
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
    let applicant = match Applicant::validate(&ApplicantInput {
        full_name: a.full_name.clone(),
        citizen_id: a.citizen_id.clone(),
        phone: a.phone.clone(),
        email: a.email.clone(),
    }) {
        Ok(ok) => Some(ok),
        Err(v) => {
            errors.extend(
                v.into_iter()
                    .map(|v| FieldViolation::new(format!("applicant.{}", v.field), v.description)),
            );
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
        if let Some(first) = read::by_request(&api.store.db, &center_id, request_id).await? {
            return api.reply(first).await;
        }
    }
    let procedure = api.procedure(&procedure_code).await?;
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
    match_components(&mut lines, &r.provided_components, "provided_components")
        .map_err(ServiceError::from)?;
    let fees: Vec<(String, i64)> = procedure
        .fees
        .iter()
        .filter(|f| f.amount_vnd > 0)
        .map(|f| (f.name.clone(), f.amount_vnd))
        .collect();
    let now = api.clock.now();
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
        representative: JsonText(RepresentativeData {
            full_name: rep.full_name.trim().to_string(),
            citizen_id: rep.citizen_id.trim().to_string(),
            phone: rep.phone.trim().to_string(),
            relation: rep.relation.trim().to_string(),
        }),
        channel: channel.expect("validated").into(),
        components: JsonText(lines),
        fee_total: fees.iter().map(|f| f.1).sum(),
        fees: JsonText(fees),
        paid: 0,
        status: Stored::Submitted,
        stage: 1,
        assigned: 0,
        review: "pending".into(),
        signed: 0,
        extended: 0,
        assignee: String::new(),
        department: String::new(),
        missing_items: JsonText(Vec::new()),
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
    let row = create::create(&api.store, &claims, row, r.note.trim(), now)
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
    api.reply(row).await
}

/// The `RequestSupplement` RPC.
pub(super) async fn request_supplement(
    api: &DossierApi,
    request: Request<pb::RequestSupplementRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::request_supplement(request.get_ref())?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    api.change(&claims, &r.id, r.expected_version, async |row, l| {
        let before_receipt = row.status == Stored::Submitted;
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
        row.missing_items = JsonText(items.clone());
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

/// The `SubmitSupplement` RPC.
pub(super) async fn submit_supplement(
    api: &DossierApi,
    request: Request<pb::SubmitSupplementRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::submit_supplement(request.get_ref())?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    api.change(&claims, &r.id, r.expected_version, async |row, l| {
        let mut lines = row.component_lines();
        match_components(&mut lines, &r.provided_components, "provided_components")
            .map_err(ServiceError::from)?;
        row.components = JsonText(lines);
        row.missing_items = JsonText(Vec::new());
        let mut step =
            Step::new("submit_supplement", Transition::SubmitSupplement).note(r.note.trim());
        if row.status == Stored::SupplementRequested {
            step = step.clock(ClockEvent::Resumed { at: l.now });
        }
        Ok(vec![step])
    })
    .await
}

/// The `ReceiveDossier` RPC.
pub(super) async fn receive_dossier(
    api: &DossierApi,
    request: Request<pb::ReceiveDossierRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::change(&request.get_ref().id, "note", &request.get_ref().note)?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    let role = claims.role;
    // the citizen's key: printed on the receipt, only its hash is kept
    let key = citizen_key::generate();
    let key_hash = api.keys.hash(&key);
    let mut response = api.change(&claims, &r.id, r.expected_version, async |row, l| {
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

/// The `RefuseDossier` RPC.
pub(super) async fn refuse_dossier(
    api: &DossierApi,
    request: Request<pb::RefuseDossierRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::change(&request.get_ref().id, "reason", &request.get_ref().reason)?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    api.end(
        &claims,
        &r.id,
        r.expected_version,
        &r.reason,
        "refuse",
        Transition::Refuse,
    )
    .await
}

/// The `AssignDossier` RPC.
pub(super) async fn assign_dossier(
    api: &DossierApi,
    request: Request<pb::AssignDossierRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::assign_dossier(request.get_ref())?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    let assignee = required("assignee", &r.assignee)?;
    api.change(&claims, &r.id, r.expected_version, async |row, _| {
        row.assignee = assignee.clone();
        Ok(vec![
            Step::new("assign", Transition::Assign).note(with_note(&assignee, &r.note)),
        ])
    })
    .await
}

/// The `ForwardDossier` RPC.
pub(super) async fn forward_dossier(
    api: &DossierApi,
    request: Request<pb::ForwardDossierRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::forward_dossier(request.get_ref())?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    let department = required("department", &r.department)?;
    api.change(&claims, &r.id, r.expected_version, async |row, l| {
        row.department = department.clone();
        let mut steps =
            vec![Step::new("forward", Transition::Forward).note(with_note(&department, &r.note))];
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

/// The `RecordReview` RPC.
pub(super) async fn record_review(
    api: &DossierApi,
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
    api.change(&claims, &r.id, r.expected_version, async |row, _| {
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

/// The `SignResult` RPC.
pub(super) async fn sign_result(
    api: &DossierApi,
    request: Request<pb::SignResultRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::change(&request.get_ref().id, "note", &request.get_ref().note)?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    api.change(&claims, &r.id, r.expected_version, async |_, _| {
        Ok(vec![
            Step::new("sign", Transition::Sign).note(r.note.trim()),
        ])
    })
    .await
}

/// The `ExtendDeadline` RPC.
pub(super) async fn extend_deadline(
    api: &DossierApi,
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
    api.change(&claims, &r.id, r.expected_version, async |_, l| {
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

/// The `MarkResultReady` RPC.
pub(super) async fn mark_result_ready(
    api: &DossierApi,
    request: Request<pb::MarkResultReadyRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::change(&request.get_ref().id, "note", &request.get_ref().note)?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    api.change(&claims, &r.id, r.expected_version, async |row, l| {
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

/// The `ReturnResult` RPC.
pub(super) async fn return_result(
    api: &DossierApi,
    request: Request<pb::ReturnResultRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::return_result(request.get_ref())?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    api.change(&claims, &r.id, r.expected_version, async |row, l| {
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

/// The `WithdrawDossier` RPC.
pub(super) async fn withdraw_dossier(
    api: &DossierApi,
    request: Request<pb::WithdrawDossierRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::change(&request.get_ref().id, "reason", &request.get_ref().reason)?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    api.end(
        &claims,
        &r.id,
        r.expected_version,
        &r.reason,
        "withdraw",
        Transition::Withdraw,
    )
    .await
}

/// The `StopDossier` RPC.
pub(super) async fn stop_dossier(
    api: &DossierApi,
    request: Request<pb::StopDossierRequest>,
) -> Result<Response<pb::Dossier>, Status> {
    limits::change(&request.get_ref().id, "reason", &request.get_ref().reason)?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    api.end(
        &claims,
        &r.id,
        r.expected_version,
        &r.reason,
        "stop",
        Transition::Stop,
    )
    .await
}
