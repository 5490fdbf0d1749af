//! The dossier service over gRPC, as counter staff, leaders, specialists and citizens
//! use it: on SQLite, and on PostgreSQL when `ONESTOP_TEST_POSTGRES_URL` is set.

mod common;

use common::*;
use onestop_kit::Role;
use onestop_kit::error::violations_of;
use onestop_proto::dossier::v1 as pb;
use prost::Message;
use tonic::Code;

fn fields(status: &tonic::Status) -> Vec<String> {
    violations_of(status).into_iter().map(|(f, _)| f).collect()
}

#[tokio::test]
async fn a_dossier_from_the_counter_to_the_returned_result_across_tet() {
    // Monday 9 February 2026, 09:00: the last working week before the Tết break
    let mut d = spawn_at(vn(2026, 2, 9, 9, 0)).await;
    let created = d.create(MARRIAGE, &[FORM_MARRIAGE, SINGLE_STATUS]).await;
    assert_eq!(created.status, 1);
    assert_eq!(created.stage, 1);
    assert_eq!(
        created.procedure_version, 1,
        "pins the catalogue's current version"
    );
    assert!(created.code.is_empty(), "no code before receipt");
    let received = d
        .client
        .receive_dossier(d.lan(pb::ReceiveDossierRequest {
            id: created.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(received.code, format!("{UNIT}-260209-0001"));
    assert_eq!((received.status, received.stage), (2, 3));
    // 5 working days; 14–22 February are the Tết break: Monday 23 February, 09:00
    assert_eq!(local(&received.due_at), "2026-02-23 09:00");
    assert_eq!(
        received.public_url,
        format!("https://ttpvhcc.test/d/{}", received.code)
    );

    let form = d
        .client
        .render_form(d.lan(pb::RenderFormRequest {
            id: received.code.clone(),
            form: pb::Form::Receipt as i32,
            citizen_key: received.citizen_key.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(form.html.contains(&received.code));
    assert!(
        form.html.contains("23/02/2026"),
        "the appointment is printed"
    );
    // the key, given once at receipt, beside the code and in the QR link
    assert_eq!(received.citizen_key.len(), onestop_kit::citizen_key::LEN);
    assert!(form.html.contains(&received.citizen_key));
    assert!(
        form.html
            .contains(&format!("/d/{}?k={}", received.code, received.citizen_key))
    );
    assert!(
        d.get(&received.id).await.citizen_key.is_empty(),
        "never read back"
    );
    assert!(form.html.contains("<svg"), "with the QR code");
    assert!(form.html.contains(&received.public_url));
    assert!(
        form.html.contains(FORM_MARRIAGE),
        "the components received are listed"
    );

    d.review_and_sign(&received.code).await;
    d.clock.set(vn(2026, 2, 13, 10, 0));
    let ready = d
        .client
        .mark_result_ready(d.ha(pb::MarkResultReadyRequest {
            id: received.code.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((ready.status, ready.stage), (9, 5));
    assert_eq!(ready.timeliness, pb::Timeliness::Early as i32);
    d.clock.set(vn(2026, 2, 23, 8, 0));
    let returned = d
        .client
        .return_result(d.lan(pb::ReturnResultRequest {
            id: received.code.clone(),
            received_by: "Lò Thị Xuân".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(returned.status, 10);
    let steps: Vec<_> = d
        .history(&received.id)
        .await
        .into_iter()
        .map(|h| (h.transition, h.role, h.to_status))
        .collect();
    let expected = [
        ("create", "receptionist", 1),
        ("receive", "receptionist", 2),
        ("forward", "receptionist", 4),
        ("assign", "leader", 4),
        ("review_approve", "specialist", 4),
        ("sign", "leader", 4),
        ("mark_result_ready", "specialist", 9),
        ("return_result", "receptionist", 10),
    ];
    assert_eq!(
        steps,
        expected
            .iter()
            .map(|(t, r, s)| (t.to_string(), r.to_string(), *s))
            .collect::<Vec<_>>()
    );
    let handover = d
        .client
        .render_form(d.lan(pb::RenderFormRequest {
            id: received.code.clone(),
            form: pb::Form::Handover as i32,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(handover.html.contains("Lò Thị Xuân"));

    // the citizen rates once
    let rating = d
        .client
        .rate_dossier(pb::RateDossierRequest {
            code: received.code.clone(),
            score: 5,
            comment: "Nhanh, chu đáo".into(),
            key: received.citizen_key.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rating.score, 5);
    let again = d
        .client
        .rate_dossier(pb::RateDossierRequest {
            code: received.code.clone(),
            score: 1,
            comment: String::new(),
            key: received.citizen_key.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::InvalidArgument);
    assert_eq!(fields(&again), ["code"]);
    let public = d
        .client
        .lookup_dossier(pb::LookupDossierRequest {
            code: received.code.to_lowercase(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(public.rated);
    assert_eq!(public.status, 10);
    d.stop().await;
}

#[tokio::test]
async fn a_supplement_pauses_the_clock_and_moves_the_due_date_by_working_time() {
    let mut d = spawn_at(vn(2026, 3, 2, 9, 0)).await;
    let dossier = d.received(MARRIAGE).await;
    assert_eq!(local(&dossier.due_at), "2026-03-09 09:00");
    let id = dossier.id.clone();
    d.client
        .forward_dossier(d.lan(pb::ForwardDossierRequest {
            id: id.clone(),
            department: "Tư pháp".into(),
            ..Default::default()
        }))
        .await
        .unwrap();
    d.client
        .assign_dossier(d.minh(pb::AssignDossierRequest {
            id: id.clone(),
            assignee: "ha".into(),
            ..Default::default()
        }))
        .await
        .unwrap();
    d.client
        .record_review(d.ha(pb::RecordReviewRequest {
            id: id.clone(),
            outcome: pb::ReviewOutcome::SupplementNeeded as i32,
            note: "Giấy xác nhận hết hạn".into(),
            ..Default::default()
        }))
        .await
        .unwrap();
    d.clock.set(vn(2026, 3, 3, 9, 0));
    let paused = d
        .client
        .request_supplement(d.lan(pb::RequestSupplementRequest {
            id: id.clone(),
            items: vec![
                SINGLE_STATUS.into(),
                format!(" {SINGLE_STATUS} "),
                "Ảnh 4x6".into(),
            ],
            note: "Cấp lại giấy xác nhận còn hạn".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(paused.status, 5);
    assert!(paused.clock_paused);
    assert_eq!(
        paused.missing_items,
        [SINGLE_STATUS, "Ảnh 4x6"],
        "each item once"
    );
    let form = d
        .client
        .render_form(d.lan(pb::RenderFormRequest {
            id: id.clone(),
            form: pb::Form::SupplementRequest as i32,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        form.html.matches(SINGLE_STATUS).count(),
        1,
        "listed once on form 02"
    );

    // two working days later the citizen brings it: the due date moves by 960 working minutes
    d.clock.set(vn(2026, 3, 5, 9, 0));
    let resumed = d
        .client
        .submit_supplement(d.lan(pb::SubmitSupplementRequest {
            id: id.clone(),
            provided_components: vec![SINGLE_STATUS.into()],
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resumed.status, 4);
    assert!(!resumed.clock_paused);
    assert_eq!(local(&resumed.due_at), "2026-03-11 09:00");
    assert_eq!(local(&resumed.judged_due_at), "2026-03-11 09:00");
    let explained = d
        .client
        .explain_deadline(d.lan(pb::ExplainDeadlineRequest { id: id.clone() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(explained.paused_working_minutes, 960);
    assert_eq!(local(&explained.original_due), "2026-03-09 09:00");
    assert_eq!(
        explained.lines.len(),
        3,
        "received, paused, resumed: {:?}",
        explained.lines
    );
    let effects: Vec<_> = d
        .history(&id)
        .await
        .into_iter()
        .filter(|h| !h.clock_effect.is_empty())
        .map(|h| h.transition)
        .collect();
    assert_eq!(
        effects,
        ["receive", "request_supplement", "submit_supplement"]
    );
    d.stop().await;
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    // citizen ID of 11 digits, a bad phone and no channel: every field named at once
    let mut request = create_request(MARRIAGE, &[FORM_MARRIAGE]);
    request.applicant.as_mut().unwrap().citizen_id = "01419000432".into();
    request.applicant.as_mut().unwrap().phone = "12345".into();
    request.channel = 0;
    let err = d.client.create_dossier(d.lan(request)).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let mut named = fields(&err);
    named.sort();
    assert_eq!(
        named,
        ["applicant.citizen_id", "applicant.phone", "channel"]
    );
    // an unknown procedure
    let err = d
        .client
        .create_dossier(d.lan(create_request("9.999999", &[])))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["procedure_code"]);
    // a component the procedure does not list
    let err = d
        .client
        .create_dossier(d.lan(create_request(MARRIAGE, &["Sổ hộ khẩu"])))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["provided_components"]);
    let listed = d
        .client
        .list_dossiers(d.lan(pb::ListDossiersRequest {
            center_id: CENTER.into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(listed.dossiers.is_empty(), "nothing was created");

    // receipt with a required component missing
    let partial = d.create(MARRIAGE, &[FORM_MARRIAGE]).await;
    let err = d
        .client
        .receive_dossier(d.lan(pb::ReceiveDossierRequest {
            id: partial.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["components"]);
    assert!(err.message().contains(SINGLE_STATUS), "{}", err.message());
    let after = d.get(&partial.id).await;
    assert_eq!(
        (after.status, after.version, after.code.as_str()),
        (1, partial.version, "")
    );
    assert_eq!(d.history(&partial.id).await.len(), 1);

    // a transition the state machine does not allow
    let err = d
        .client
        .return_result(d.lan(pb::ReturnResultRequest {
            id: partial.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition, "{}", err.message());
    assert_eq!(d.get(&partial.id).await.version, partial.version);

    // rating before return
    let received = d.received(MARRIAGE).await;
    let err = d
        .client
        .rate_dossier(pb::RateDossierRequest {
            code: received.code.clone(),
            score: 4,
            comment: String::new(),
            key: received.citizen_key.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["code"]);
    let err = d
        .client
        .rate_dossier(pb::RateDossierRequest {
            code: received.code.clone(),
            score: 9,
            comment: String::new(),
            key: received.citizen_key.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["score"]);
    // a refusal needs a reason
    let err = d
        .client
        .refuse_dossier(d.lan(pb::RefuseDossierRequest {
            id: partial.id.clone(),
            reason: "  ".into(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["reason"]);
    d.stop().await;
}

#[tokio::test]
async fn an_extension_prints_the_apology_and_still_counts_late() {
    // Thursday 26 November 2026, 08:00 + 5 working days → Thursday 3 December, 08:00
    let mut d = spawn_at(vn(2026, 11, 26, 8, 0)).await;
    let dossier = d.received(MARRIAGE).await;
    assert_eq!(local(&dossier.due_at), "2026-12-03 08:00");
    d.review_and_sign(&dossier.id).await;
    d.clock.set(vn(2026, 12, 2, 10, 0));
    let extend = |date, reason: &str| pb::ExtendDeadlineRequest {
        id: dossier.id.clone(),
        new_date: Some(ts(date)),
        reason: reason.into(),
        expected_version: 0,
    };
    // a Saturday is not working time
    let err = d
        .client
        .extend_deadline(d.minh(extend(vn(2026, 12, 5, 9, 0), "Chờ xác minh")))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["new_date"]);
    // nor is lunchtime
    let err = d
        .client
        .extend_deadline(d.minh(extend(vn(2026, 12, 10, 12, 0), "Chờ xác minh")))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["new_date"]);
    // only a leader approves
    let err = d
        .client
        .extend_deadline(d.lan(extend(vn(2026, 12, 10, 9, 0), "Chờ xác minh")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let extended = d
        .client
        .extend_deadline(d.minh(extend(
            vn(2026, 12, 10, 9, 0),
            "Chờ kết quả xác minh của xã bạn",
        )))
        .await
        .unwrap()
        .into_inner();
    assert!(extended.extended);
    assert_eq!(local(&extended.due_at), "2026-12-10 09:00");
    assert_eq!(local(&extended.judged_due_at), "2026-12-03 08:00");
    let apology = d
        .client
        .render_form(d.lan(pb::RenderFormRequest {
            id: dossier.id.clone(),
            form: pb::Form::Apology as i32,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(apology.html.contains("10/12/2026") && apology.html.contains("03/12/2026"));
    assert!(apology.html.contains("Chờ kết quả xác minh của xã bạn"));
    // past the current due date no extension is possible
    d.clock.set(vn(2026, 12, 11, 9, 0));
    let err = d
        .client
        .extend_deadline(d.minh(extend(vn(2026, 12, 14, 9, 0), "Lần nữa")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition, "{}", err.message());
    d.clock.set(vn(2026, 12, 7, 9, 0));
    let ready = d
        .client
        .mark_result_ready(d.ha(pb::MarkResultReadyRequest {
            id: dossier.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        ready.timeliness,
        pb::Timeliness::Late as i32,
        "an extension still counts late"
    );
    d.stop().await;
}

#[tokio::test]
async fn stale_writes_abort_and_only_the_assigned_specialist_reviews() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(MARRIAGE).await;
    let seen = dossier.version;
    d.client
        .forward_dossier(d.lan(pb::ForwardDossierRequest {
            id: dossier.id.clone(),
            department: "Tư pháp".into(),
            expected_version: seen,
            ..Default::default()
        }))
        .await
        .unwrap();
    // a second screen still showing the old version
    let err = d
        .client
        .assign_dossier(d.minh(pb::AssignDossierRequest {
            id: dossier.id.clone(),
            assignee: "ha".into(),
            expected_version: seen,
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Aborted, "{}", err.message());
    assert_eq!(d.get(&dossier.id).await.assignee, "");
    d.client
        .assign_dossier(d.minh(pb::AssignDossierRequest {
            id: dossier.id.clone(),
            assignee: "ha".into(),
            ..Default::default()
        }))
        .await
        .unwrap();
    let err = d
        .client
        .record_review(d.as_role(
            Role::Specialist,
            "tuan",
            pb::RecordReviewRequest {
                id: dossier.id.clone(),
                outcome: pb::ReviewOutcome::Approve as i32,
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert!(err.message().contains("ha"), "{}", err.message());
    // another centre's staff, a kiosk, nobody
    let other = d.keys.issue(
        "x",
        Role::Receptionist,
        "other-centre",
        chrono::Duration::hours(1),
    );
    let err = d
        .client
        .get_dossier(with_token(
            &other,
            pb::GetDossierRequest {
                id: dossier.id.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = d
        .client
        .get_dossier(d.as_role(
            Role::Kiosk,
            "k",
            pb::GetDossierRequest {
                id: dossier.id.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = d
        .client
        .get_dossier(pb::GetDossierRequest {
            id: dossier.id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    d.stop().await;
}

#[tokio::test]
async fn the_public_lookup_shows_status_and_dates_but_no_personal_data() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let mut request = create_request(MARRIAGE, &[FORM_MARRIAGE, SINGLE_STATUS]);
    request.representative = Some(pb::Representative {
        full_name: "Quàng Văn Hùng".into(),
        citizen_id: "014088001122".into(),
        phone: "0987654321".into(),
        relation: "ủy quyền".into(),
    });
    let created = d
        .client
        .create_dossier(d.lan(request))
        .await
        .unwrap()
        .into_inner();
    let received = d
        .client
        .receive_dossier(d.lan(pb::ReceiveDossierRequest {
            id: created.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let public = d
        .client
        .lookup_dossier(pb::LookupDossierRequest {
            code: received.code.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(public.code, received.code);
    assert_eq!(public.status, 2);
    assert_eq!(public.due_at, received.due_at);
    assert_eq!(public.received_at, received.received_at);
    // every text field, and the raw bytes on the wire, free of personal data
    let a = applicant();
    let personal = [
        a.full_name.as_str(),
        a.citizen_id.as_str(),
        "0912345678",
        "912345678",
        a.email.as_str(),
        a.address.as_str(),
        "Quàng Văn Hùng",
        "014088001122",
        "0987654321",
        created.id.as_str(),
    ];
    let texts = [
        &public.code,
        &public.procedure_code,
        &public.procedure_name,
        &public.status_name_vi,
        &public.status_name_en,
    ];
    let wire = String::from_utf8_lossy(&public.encode_to_vec()).to_string();
    for secret in personal {
        for text in texts {
            assert!(!text.contains(secret), "`{secret}` in `{text}`");
        }
        assert!(!wire.contains(secret), "`{secret}` on the wire");
    }
    // the internal id is not a lookup key, and a malformed code names the field
    let err = d
        .client
        .lookup_dossier(pb::LookupDossierRequest {
            code: created.id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["code"]);
    d.stop().await;
}

#[tokio::test]
async fn fees_pause_the_clock_until_paid_at_the_counter_or_by_a_signed_callback() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(LICENCE).await;
    assert_eq!(dossier.fee_total_vnd, 50_000);
    let forwarded = d
        .client
        .forward_dossier(d.lan(pb::ForwardDossierRequest {
            id: dossier.id.clone(),
            department: "Kinh tế".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(forwarded.status, 6, "waiting for the financial obligation");
    assert!(forwarded.clock_paused);
    let link = d
        .client
        .create_payment_request(pb::CreatePaymentRequestRequest {
            id: dossier.code.clone(),
            key: dossier.citizen_key.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(link.amount_vnd, 50_000);
    assert!(
        link.payment_url
            .starts_with("https://pay.test/checkout?ref=")
    );
    assert!(link.qr_svg.contains("<svg"));
    // the platform's callback: a forged one is refused and changes nothing
    let body = serde_json::json!({
        "reference": link.reference, "amount_vnd": 50_000,
        "transaction_id": "VNP-778899", "status": "paid"
    })
    .to_string();
    let forged = d
        .client
        .record_payment(pb::RecordPaymentRequest {
            callback_body: body.clone(),
            signature: onestop_dossier::store::payment::sign(b"wrong secret", &body),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(forged.code(), Code::Unauthenticated);
    assert_eq!(d.get(&dossier.id).await.paid_vnd, 0);
    d.clock.set(vn(2026, 11, 27, 9, 0));
    let signature = onestop_dossier::store::payment::sign(PAYMENT_SECRET, &body);
    let paid = d
        .client
        .record_payment(pb::RecordPaymentRequest {
            callback_body: body.clone(),
            signature: signature.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((paid.status, paid.paid_vnd), (4, 50_000));
    assert!(!paid.clock_paused);
    // one working day paused: 27 November + … the due date moved by 480 minutes
    assert_eq!(local(&dossier.due_at), "2026-12-01 09:00");
    assert_eq!(local(&paid.due_at), "2026-12-02 09:00");
    assert_eq!(paid.payments[0].receipt_number, "VNP-778899");
    // the platform retries: accepted, nothing added
    let again = d
        .client
        .record_payment(pb::RecordPaymentRequest {
            callback_body: body,
            signature,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((again.paid_vnd, again.version), (50_000, paid.version));
    // at the counter: nothing is owed any more
    let err = d
        .client
        .record_payment(d.lan(pb::RecordPaymentRequest {
            id: dossier.id.clone(),
            method: "cash".into(),
            amount_vnd: 50_000,
            receipt_number: "BL-0001".into(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["amount_vnd"]);
    d.stop().await;
}

#[tokio::test]
async fn statistics_count_from_the_history_by_channel_and_procedure() {
    let mut d = spawn_at(vn(2026, 11, 2, 9, 0)).await;
    // three marriages at the counter, one licence online
    let mut ids = Vec::new();
    let mut keys = Vec::new();
    for _ in 0..3 {
        let received = d.received(MARRIAGE).await;
        ids.push(received.id);
        keys.push(received.citizen_key);
    }
    let mut online = create_request(LICENCE, &[REQUEST_FORM]);
    online.channel = pb::Channel::Online as i32;
    let licence = d
        .client
        .create_dossier(d.lan(online))
        .await
        .unwrap()
        .into_inner();
    d.client
        .receive_dossier(d.lan(pb::ReceiveDossierRequest {
            id: licence.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap();
    // the first on time (ready Monday 9 Nov morning, its due half-day), the second late
    for (id, ready) in [
        (&ids[0], vn(2026, 11, 9, 10, 0)),
        (&ids[1], vn(2026, 11, 10, 9, 0)),
    ] {
        d.clock.set(vn(2026, 11, 3, 9, 0));
        d.review_and_sign(id).await;
        d.clock.set(ready);
        d.client
            .mark_result_ready(d.ha(pb::MarkResultReadyRequest {
                id: id.clone(),
                ..Default::default()
            }))
            .await
            .unwrap();
        d.client
            .return_result(d.lan(pb::ReturnResultRequest {
                id: id.clone(),
                ..Default::default()
            }))
            .await
            .unwrap();
    }
    let code0 = d.get(&ids[0]).await.code;
    let code1 = d.get(&ids[1]).await.code;
    for (code, key, score) in [(code0, &keys[0], 5), (code1, &keys[1], 2)] {
        d.client
            .rate_dossier(pb::RateDossierRequest {
                code,
                score,
                comment: String::new(),
                key: key.clone(),
            })
            .await
            .unwrap();
    }
    d.clock.set(vn(2026, 11, 20, 9, 0));
    let stats = |group: &str| pb::DossierStatsRequest {
        center_id: CENTER.into(),
        from: Some(ts(vn(2026, 11, 1, 0, 0))),
        to: Some(ts(vn(2026, 12, 1, 0, 0))),
        group_by: group.into(),
    };
    let total = d
        .client
        .dossier_stats(d.minh(stats("")))
        .await
        .unwrap()
        .into_inner()
        .total
        .unwrap();
    assert_eq!(total.received, 4);
    assert_eq!(
        (
            total.resolved_early,
            total.resolved_on_time,
            total.resolved_late
        ),
        (0, 1, 1)
    );
    assert_eq!(total.on_time_percent, 50.0);
    assert_eq!(total.online_percent, 25.0);
    assert_eq!(total.in_progress, 2, "the third marriage and the licence");
    assert_eq!(total.overdue_now, 2, "both past due on 20 November");
    assert_eq!((total.ratings, total.satisfaction_percent), (2, 50.0));
    let by_channel = d
        .client
        .dossier_stats(d.minh(stats("channel")))
        .await
        .unwrap()
        .into_inner();
    let keys: Vec<_> = by_channel
        .rows
        .iter()
        .map(|r| (r.key.as_str(), r.received))
        .collect();
    assert_eq!(keys, [("counter", 3), ("online", 1)]);
    let by_procedure = d
        .client
        .dossier_stats(d.minh(stats("procedure")))
        .await
        .unwrap()
        .into_inner();
    let marriage = by_procedure
        .rows
        .iter()
        .find(|r| r.key == MARRIAGE)
        .unwrap();
    assert_eq!((marriage.received, marriage.resolved_late), (3, 1));
    let err = d
        .client
        .dossier_stats(d.minh(stats("colour")))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["group_by"]);
    // overdue listing, most urgent first
    let overdue = d
        .client
        .list_dossiers(d.lan(pb::ListDossiersRequest {
            center_id: CENTER.into(),
            overdue: true,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(overdue.dossiers.len(), 2);
    assert!(overdue.dossiers.iter().all(|x| x.overdue));
    d.stop().await;
}

#[tokio::test]
async fn listing_pages_through_every_dossier_once_with_filters() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    for i in 0..7 {
        d.clock.set(vn(2026, 11, 26, 9, i));
        d.received(if i % 2 == 0 { MARRIAGE } else { LICENCE })
            .await;
    }
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = d
            .client
            .list_dossiers(d.lan(pb::ListDossiersRequest {
                center_id: CENTER.into(),
                page_size: 3,
                page_token: token.clone(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(page.dossiers.len() <= 3);
        seen.extend(page.dossiers.into_iter().map(|x| x.code));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(seen[0], format!("{UNIT}-261126-0007"), "newest first");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 7, "each once");
    let by_procedure = d
        .client
        .list_dossiers(d.lan(pb::ListDossiersRequest {
            center_id: CENTER.into(),
            procedure_code: LICENCE.into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_procedure.dossiers.len(), 3);
    let by_text = d
        .client
        .list_dossiers(d.lan(pb::ListDossiersRequest {
            center_id: CENTER.into(),
            text: "261126-0004".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_text.dossiers.len(), 1);
    let err = d
        .client
        .list_dossiers(d.lan(pb::ListDossiersRequest {
            center_id: CENTER.into(),
            page_token: "zz".into(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["page_token"]);
    d.stop().await;
}

#[tokio::test]
async fn feedback_is_tracked_to_its_answer_once() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    // from the web, without a token; answer due in 10 working days
    let fb = d
        .client
        .submit_feedback(pb::SubmitFeedbackRequest {
            center_id: CENTER.into(),
            channel: "web".into(),
            contact: "0912345678".into(),
            content: "Đề nghị bố trí thêm ghế chờ.".into(),
            dossier_code: String::new(),
            key: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fb.status, "received");
    assert_eq!(local(&fb.answer_due_at), "2026-12-10 09:00");
    // by hotline needs staff
    let err = d
        .client
        .submit_feedback(pb::SubmitFeedbackRequest {
            center_id: CENTER.into(),
            channel: "hotline".into(),
            contact: "x".into(),
            content: "y".into(),
            dossier_code: String::new(),
            key: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let err = d
        .client
        .submit_feedback(pb::SubmitFeedbackRequest {
            center_id: CENTER.into(),
            channel: "web".into(),
            contact: String::new(),
            content: "y".into(),
            dossier_code: "ABC-261126-0001".into(),
            key: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["contact"]);
    d.clock.set(vn(2026, 12, 11, 9, 0));
    let overdue = d
        .client
        .list_feedback(d.minh(pb::ListFeedbackRequest {
            center_id: CENTER.into(),
            overdue: true,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .feedback;
    assert_eq!(overdue.len(), 1);
    assert!(overdue[0].overdue);
    d.client
        .assign_feedback(d.minh(pb::AssignFeedbackRequest {
            id: fb.id.clone(),
            assignee: "ha".into(),
        }))
        .await
        .unwrap();
    let err = d
        .client
        .answer_feedback(d.lan(pb::AnswerFeedbackRequest {
            id: fb.id.clone(),
            answer: "Đã bố trí".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "assigned to Hà");
    let answered = d
        .client
        .answer_feedback(d.ha(pb::AnswerFeedbackRequest {
            id: fb.id.clone(),
            answer: "Trung tâm đã bố trí thêm 10 ghế.".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answered.status, "answered");
    assert!(!answered.overdue);
    let err = d
        .client
        .answer_feedback(d.ha(pb::AnswerFeedbackRequest {
            id: fb.id.clone(),
            answer: "Lần hai".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    d.stop().await;
}

#[tokio::test]
async fn due_soon_and_overdue_events_are_raised_once_by_the_replica_holding_the_lease() {
    use onestop_dossier::housekeeping::scan_once;
    use std::time::Duration;
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(MARRIAGE).await; // due Thursday 3 December, 09:00
    let every = Duration::from_secs(60);
    d.clock.set(vn(2026, 12, 2, 10, 0));
    let first = scan_once(&d.store, &d.clock, "replica-a", every)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.due_soon, first.overdue), (1, 0));
    assert!(
        scan_once(&d.store, &d.clock, "replica-b", every)
            .await
            .unwrap()
            .is_none(),
        "another replica holds the lease"
    );
    let again = scan_once(&d.store, &d.clock, "replica-a", every)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.due_soon, again.overdue), (0, 0), "raised once");
    d.clock.set(vn(2026, 12, 3, 10, 0));
    // the lease (2 minutes) has run out: replica b may scan now
    let late = scan_once(&d.store, &d.clock, "replica-b", every)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((late.due_soon, late.overdue), (0, 1));
    #[derive(sea_orm::FromQueryResult)]
    struct Kind {
        kind: String,
    }
    let kinds: Vec<Kind> = onestop_kit::sql::all(
        &d.store.db,
        "SELECT kind FROM dossier_outbox WHERE dossier_id = $1 ORDER BY created_at, kind",
        vec![dossier.id.clone().into()],
    )
    .await
    .unwrap();
    let kinds: Vec<_> = kinds.into_iter().map(|k| k.kind).collect();
    assert_eq!(kinds, ["dossier_received", "due_soon", "overdue"]);
    d.stop().await;
}

#[tokio::test]
async fn holidays_are_data_an_admin_edits_and_deadlines_follow() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let listed = d
        .client
        .list_holidays(pb::ListHolidaysRequest {
            center_id: CENTER.into(),
            year: 2026,
        })
        .await
        .unwrap()
        .into_inner()
        .holidays;
    assert!(
        listed
            .iter()
            .any(|h| h.date == "2026-02-17" && h.kind == "holiday")
    );
    assert!(listed.iter().any(|h| h.kind == "makeup_workday"));
    // the commune gives Monday 30 November off (a local festival)
    let err = d
        .client
        .upsert_holiday(d.admin(pb::UpsertHolidayRequest {
            holiday: Some(pb::Holiday {
                center_id: CENTER.into(),
                date: "30/11/2026".into(),
                kind: "feast".into(),
                name_vi: "Lễ hội".into(),
                ..Default::default()
            }),
        }))
        .await
        .unwrap_err();
    let mut named = fields(&err);
    named.sort();
    assert_eq!(named, ["holiday.date", "holiday.kind"]);
    let err = d
        .client
        .upsert_holiday(d.lan(pb::UpsertHolidayRequest::default()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    d.client
        .upsert_holiday(d.admin(pb::UpsertHolidayRequest {
            holiday: Some(pb::Holiday {
                center_id: CENTER.into(),
                date: "2026-11-30".into(),
                kind: "holiday".into(),
                name_vi: "Lễ hội Xên bản".into(),
                name_en: "Village festival".into(),
                status: "announced".into(),
                source: "Quyết định của UBND xã".into(),
            }),
        }))
        .await
        .unwrap();
    let dossier = d.received(MARRIAGE).await;
    assert_eq!(
        local(&dossier.due_at),
        "2026-12-04 09:00",
        "one day later than without it"
    );
    let deleted = d
        .client
        .delete_holiday(d.admin(pb::DeleteHolidayRequest {
            center_id: CENTER.into(),
            date: "2026-11-30".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(deleted.deleted);
    let again = d.received(MARRIAGE).await;
    assert_eq!(local(&again.due_at), "2026-12-03 09:00");
    d.stop().await;
}
