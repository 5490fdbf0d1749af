//! Size limits of every request, checked first in each RPC (before the token's role,
//! any lookup or any other work), so an oversized input costs nothing and is refused
//! with `INVALID_ARGUMENT` naming every field that is too long. The limits themselves
//! are kit's ([`onestop_kit::limits`]); this says which applies to which field.

use onestop_kit::ServiceError;
use onestop_kit::limits::{ADDRESS, CITIZEN_KEY, CONTACT, ID, Limits, NAME, QUERY, TEXT, URL};
use onestop_proto::dossier::v1 as pb;

/// Dossier ids and codes, request ids, centre ids, procedure codes.
fn id(check: Limits, field: &str, value: &str) -> Limits {
    check.text(field, value, ID)
}

/// `CreateDossier`.
pub fn create_dossier(r: &pb::CreateDossierRequest) -> Result<(), ServiceError> {
    let mut check = Limits::new();
    check = id(check, "center_id", &r.center_id);
    check = id(check, "procedure_code", &r.procedure_code);
    check = id(check, "request_id", &r.request_id);
    if let Some(a) = &r.applicant {
        check = check
            .text("applicant.full_name", &a.full_name, NAME)
            .text("applicant.citizen_id", &a.citizen_id, ID)
            .text("applicant.phone", &a.phone, CONTACT)
            .text("applicant.email", &a.email, CONTACT)
            .text("applicant.address", &a.address, ADDRESS);
    }
    if let Some(p) = &r.representative {
        check = check
            .text("representative.full_name", &p.full_name, NAME)
            .text("representative.citizen_id", &p.citizen_id, ID)
            .text("representative.phone", &p.phone, CONTACT)
            .text("representative.relation", &p.relation, NAME);
    }
    check
        .texts("provided_components", &r.provided_components, TEXT)
        .text("note", &r.note, TEXT)
        .finish()
}

/// `RequestSupplement`.
pub fn request_supplement(r: &pb::RequestSupplementRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "id", &r.id)
        .texts("items", &r.items, TEXT)
        .text("note", &r.note, TEXT)
        .finish()
}

/// `SubmitSupplement`.
pub fn submit_supplement(r: &pb::SubmitSupplementRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "id", &r.id)
        .texts("provided_components", &r.provided_components, TEXT)
        .text("note", &r.note, TEXT)
        .finish()
}

/// A change naming the dossier and carrying a free text (`note` or `reason`).
pub fn change(id_value: &str, text_field: &str, text: &str) -> Result<(), ServiceError> {
    id(Limits::new(), "id", id_value)
        .text(text_field, text, TEXT)
        .finish()
}

/// `AssignDossier`.
pub fn assign_dossier(r: &pb::AssignDossierRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "id", &r.id)
        .text("assignee", &r.assignee, NAME)
        .text("note", &r.note, TEXT)
        .finish()
}

/// `ForwardDossier`.
pub fn forward_dossier(r: &pb::ForwardDossierRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "id", &r.id)
        .text("department", &r.department, NAME)
        .text("note", &r.note, TEXT)
        .finish()
}

/// `ReturnResult`.
pub fn return_result(r: &pb::ReturnResultRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "id", &r.id)
        .text("received_by", &r.received_by, NAME)
        .text("note", &r.note, TEXT)
        .finish()
}

/// A read naming one dossier (`GetDossier`, `GetDossierHistory`, `ExplainDeadline`).
pub fn dossier_id(value: &str) -> Result<(), ServiceError> {
    id(Limits::new(), "id", value).finish()
}

/// `ListDossiers`.
pub fn list_dossiers(r: &pb::ListDossiersRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "center_id", &r.center_id)
        .text("assignee", &r.assignee, NAME)
        .text("procedure_code", &r.procedure_code, ID)
        .text("text", &r.text, QUERY)
        .text("page_token", &r.page_token, CONTACT)
        .finish()
}

/// `ListHolidays`.
pub fn list_holidays(r: &pb::ListHolidaysRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "center_id", &r.center_id).finish()
}

/// `UpsertHoliday`.
pub fn upsert_holiday(r: &pb::UpsertHolidayRequest) -> Result<(), ServiceError> {
    let Some(h) = &r.holiday else {
        return Ok(());
    };
    id(Limits::new(), "holiday.center_id", &h.center_id)
        .text("holiday.date", &h.date, ID)
        .text("holiday.kind", &h.kind, ID)
        .text("holiday.name_vi", &h.name_vi, NAME)
        .text("holiday.name_en", &h.name_en, NAME)
        .text("holiday.status", &h.status, ID)
        .text("holiday.source", &h.source, URL)
        .finish()
}

/// `DeleteHoliday`.
pub fn delete_holiday(r: &pb::DeleteHolidayRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "center_id", &r.center_id)
        .text("date", &r.date, ID)
        .finish()
}

/// `UpsertCenter`.
pub fn upsert_center(r: &pb::UpsertCenterRequest) -> Result<(), ServiceError> {
    let Some(c) = &r.center else {
        return Ok(());
    };
    id(Limits::new(), "center.id", &c.id)
        .text("center.unit_code", &c.unit_code, ID)
        .text("center.name_vi", &c.name_vi, NAME)
        .text("center.name_en", &c.name_en, NAME)
        .text("center.time_zone", &c.time_zone, ID)
        .finish()
}

/// `RenderForm`.
pub fn render_form(r: &pb::RenderFormRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "id", &r.id)
        .text("citizen_key", &r.citizen_key, CITIZEN_KEY)
        .finish()
}

/// `LookupDossier`.
pub fn lookup_dossier(r: &pb::LookupDossierRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "code", &r.code).finish()
}

/// `RecordPayment`.
pub fn record_payment(r: &pb::RecordPaymentRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "id", &r.id)
        .text("method", &r.method, ID)
        .text("receipt_number", &r.receipt_number, CONTACT)
        .text("callback_body", &r.callback_body, TEXT)
        .text("signature", &r.signature, CONTACT)
        .finish()
}

/// `CreatePaymentRequest`.
pub fn create_payment_request(r: &pb::CreatePaymentRequestRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "id", &r.id)
        .text("key", &r.key, CITIZEN_KEY)
        .finish()
}

/// `RateDossier`.
pub fn rate_dossier(r: &pb::RateDossierRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "code", &r.code)
        .text("comment", &r.comment, TEXT)
        .text("key", &r.key, CITIZEN_KEY)
        .finish()
}

/// `SubmitFeedback`.
pub fn submit_feedback(r: &pb::SubmitFeedbackRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "center_id", &r.center_id)
        .text("channel", &r.channel, ID)
        .text("contact", &r.contact, CONTACT)
        .text("content", &r.content, TEXT)
        .text("dossier_code", &r.dossier_code, ID)
        .text("key", &r.key, CITIZEN_KEY)
        .finish()
}

/// `AssignFeedback`.
pub fn assign_feedback(r: &pb::AssignFeedbackRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "id", &r.id)
        .text("assignee", &r.assignee, NAME)
        .finish()
}

/// `AnswerFeedback`.
pub fn answer_feedback(r: &pb::AnswerFeedbackRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "id", &r.id)
        .text("answer", &r.answer, TEXT)
        .finish()
}

/// `ListFeedback`.
pub fn list_feedback(r: &pb::ListFeedbackRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "center_id", &r.center_id)
        .text("status", &r.status, ID)
        .finish()
}

/// `DossierStats`.
pub fn dossier_stats(r: &pb::DossierStatsRequest) -> Result<(), ServiceError> {
    id(Limits::new(), "center_id", &r.center_id)
        .text("group_by", &r.group_by, ID)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(result: Result<(), ServiceError>) -> Vec<String> {
        match result {
            Err(ServiceError::InvalidArgument(v)) => v.into_iter().map(|v| v.field).collect(),
            other => panic!("not invalid argument: {other:?}"),
        }
    }

    #[test]
    fn every_oversized_field_of_a_new_dossier_is_named() {
        let long = "x".repeat(TEXT + 1);
        let r = pb::CreateDossierRequest {
            center_id: long.clone(),
            applicant: Some(pb::Applicant {
                full_name: long.clone(),
                address: long.clone(),
                ..Default::default()
            }),
            representative: Some(pb::Representative {
                relation: long.clone(),
                ..Default::default()
            }),
            provided_components: vec!["ok".into(), long.clone()],
            request_id: "r".repeat(ID + 1),
            ..Default::default()
        };
        assert_eq!(
            fields(create_dossier(&r)),
            [
                "center_id",
                "request_id",
                "applicant.full_name",
                "applicant.address",
                "representative.relation",
                "provided_components[1]",
            ]
        );
        assert!(create_dossier(&pb::CreateDossierRequest::default()).is_ok());
    }

    #[test]
    fn a_key_is_short_and_vietnamese_names_count_characters() {
        let r = pb::RateDossierRequest {
            key: "K".repeat(CITIZEN_KEY + 1),
            comment: "ệ".repeat(TEXT),
            ..Default::default()
        };
        assert_eq!(fields(rate_dossier(&r)), ["key"]);
    }
}
