//! Attacks on the dossier service, each through the real servers (catalogue and dossier
//! service over gRPC, on SQLite, or PostgreSQL when `ONESTOP_TEST_POSTGRES_URL` is set),
//! each of which must fail with the right code and change nothing: acting on a dossier
//! with only its public code, another centre's admin editing this centre, a stranger on
//! the staff RPCs, oversized inputs on every string field (found from the descriptors,
//! so a new field or RPC is covered by itself), a double-tapped `CreateDossier`, money
//! paid twice, personal data kept forever, and anonymous reads that unlock actions.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use onestop_dossier::store::payment;
use onestop_dossier::{DossierApi, PaymentSettings};
use onestop_kit::error::violations_of;
use onestop_kit::server::{ServeOptions, serve};
use onestop_kit::shutdown::Shutdown;
use onestop_kit::{Role, limits};
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorSet};
use tonic::Code;
use tonic::transport::Channel;

const OTHER: &str = "other-centre";

fn fields(status: &tonic::Status) -> Vec<String> {
    violations_of(status).into_iter().map(|(f, _)| f).collect()
}

/// A token of another centre.
fn other(d: &TestDossier, role: Role) -> String {
    d.keys.issue("x", role, OTHER, chrono::Duration::hours(1))
}

/// A marriage received, reviewed, ready and returned: the citizen may rate it.
async fn returned(d: &mut TestDossier) -> pb::Dossier {
    let received = d.received(MARRIAGE).await;
    d.review_and_sign(&received.id).await;
    let r = d.ha(pb::MarkResultReadyRequest {
        id: received.id.clone(),
        ..Default::default()
    });
    d.client.mark_result_ready(r).await.unwrap();
    let r = d.lan(pb::ReturnResultRequest {
        id: received.id.clone(),
        ..Default::default()
    });
    let back = d.client.return_result(r).await.unwrap().into_inner();
    assert_eq!(back.status, 10);
    received
}

async fn rate(
    d: &mut TestDossier,
    code: &str,
    key: &str,
    token: Option<&str>,
) -> Result<pb::Rating, tonic::Status> {
    let message = pb::RateDossierRequest {
        code: code.into(),
        score: 1,
        comment: "Tệ".into(),
        key: key.into(),
    };
    let request = match token {
        Some(t) => with_token(t, message),
        None => tonic::Request::new(message),
    };
    d.client.rate_dossier(request).await.map(|r| r.into_inner())
}

async fn rated(d: &mut TestDossier, code: &str) -> bool {
    d.client
        .lookup_dossier(pb::LookupDossierRequest { code: code.into() })
        .await
        .unwrap()
        .into_inner()
        .rated
}

#[tokio::test]
async fn rating_someone_elses_dossier_with_only_its_code_is_refused() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = returned(&mut d).await;
    let code = dossier.code.clone();
    // the stranger read the code off the public page: no key, a guessed key, another
    // centre's staff token, a kiosk token
    let mut guessed = onestop_kit::citizen_key::generate();
    while guessed == dossier.citizen_key {
        guessed = onestop_kit::citizen_key::generate();
    }
    for (key, token) in [
        (String::new(), None),
        (guessed, None),
        (String::new(), Some(other(&d, Role::Receptionist))),
        (String::new(), Some(d.token(Role::Kiosk, "kiosk-1"))),
    ] {
        let err = rate(&mut d, &code, &key, token.as_deref())
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "{key:?}: {err:?}");
        assert!(!rated(&mut d, &code).await, "{key:?} rated it");
    }
    // the citizen, typing the key from the paper in lower case with a space
    let typed = format!(
        "{} {}",
        &dossier.citizen_key[..5].to_lowercase(),
        &dossier.citizen_key[5..]
    );
    let rating = rate(&mut d, &code, &typed, None).await.unwrap();
    assert_eq!(rating.code, code);
    assert!(rated(&mut d, &code).await);
    d.stop().await;
}

#[tokio::test]
async fn a_payment_request_needs_the_key_or_staff_of_the_centre() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(LICENCE).await;
    let ask = |id: &str, key: &str| pb::CreatePaymentRequestRequest {
        id: id.into(),
        key: key.into(),
    };
    for (id, key) in [
        (dossier.code.as_str(), ""),
        (dossier.code.as_str(), "WRONGKEY22"),
    ] {
        let err = d
            .client
            .create_payment_request(ask(id, key))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "{err:?}");
    }
    // the internal id is never a public handle
    let err = d
        .client
        .create_payment_request(ask(&dossier.id, &dossier.citizen_key))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["id"]);
    let err = d
        .client
        .create_payment_request(with_token(
            &other(&d, Role::Receptionist),
            ask(&dossier.code, ""),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    assert!(
        payment::open_requests(&d.store, &dossier.id)
            .await
            .unwrap()
            .is_empty(),
        "nothing asked"
    );
    // the citizen with the key, then again (a double tap): one open request
    let first = d
        .client
        .create_payment_request(ask(&dossier.code, &dossier.citizen_key))
        .await
        .unwrap()
        .into_inner();
    let again = d
        .client
        .create_payment_request(ask(&dossier.code, &dossier.citizen_key))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.reference, again.reference);
    let staff = d
        .client
        .create_payment_request(d.lan(ask(&dossier.id, "")))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(staff.reference, first.reference, "staff see the same one");
    assert_eq!(
        payment::open_requests(&d.store, &dossier.id)
            .await
            .unwrap()
            .len(),
        1
    );
    d.stop().await;
}

#[tokio::test]
async fn without_a_payment_platform_no_payment_request_points_nowhere() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(LICENCE).await;
    // the same database served without a platform (demo off, no provider configured)
    let api = DossierApi::new(
        d.store.clone(),
        &d.catalogue_url,
        d.clock.clone(),
        "https://ttpvhcc.test".into(),
        PaymentSettings {
            secret: PAYMENT_SECRET.to_vec(),
            provider_url: String::new(),
        },
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let (trigger, shutdown) = Shutdown::new();
    tokio::spawn(serve(
        &[onestop_dossier::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        listener,
        shutdown.wait(),
        ServeOptions {
            request_timeout: Duration::from_secs(30),
            keys: d.keys.clone(),
        },
    ));
    let mut bare = DossierServiceClient::connect(addr).await.unwrap();
    let err = bare
        .create_payment_request(pb::CreatePaymentRequestRequest {
            id: dossier.code.clone(),
            key: dossier.citizen_key.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert!(
        err.message().contains("no payment platform configured"),
        "{}",
        err.message()
    );
    assert!(
        payment::open_requests(&d.store, &dossier.id)
            .await
            .unwrap()
            .is_empty()
    );
    trigger.trigger();
    d.stop().await;
}

#[tokio::test]
async fn feedback_tied_to_a_dossier_needs_its_key() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(MARRIAGE).await;
    let web = |key: &str| pb::SubmitFeedbackRequest {
        center_id: CENTER.into(),
        channel: "web".into(),
        contact: "0912345678".into(),
        content: "Cán bộ hồ sơ này thiếu tận tình".into(),
        dossier_code: dossier.code.clone(),
        key: key.into(),
    };
    for key in ["", "WRONGKEY22"] {
        let err = d.client.submit_feedback(web(key)).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "{key:?}: {err:?}");
    }
    // another centre's hotline on this centre: refused too
    let mut hotline = web("");
    hotline.channel = "hotline".into();
    let err = d
        .client
        .submit_feedback(with_token(&other(&d, Role::Receptionist), hotline))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let listed = |d: &TestDossier| {
        d.lan(pb::ListFeedbackRequest {
            center_id: CENTER.into(),
            ..Default::default()
        })
    };
    let stored = d.client.list_feedback(listed(&d)).await.unwrap();
    assert!(stored.into_inner().feedback.is_empty(), "nothing stored");
    // the citizen with the key; feedback without a dossier needs none
    let sent = d
        .client
        .submit_feedback(web(&dossier.citizen_key))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(sent.dossier_code, dossier.code);
    let mut general = web("");
    general.dossier_code.clear();
    d.client.submit_feedback(general).await.unwrap();
    let stored = d.client.list_feedback(listed(&d)).await.unwrap();
    assert_eq!(stored.into_inner().feedback.len(), 2);
    d.stop().await;
}

#[tokio::test]
async fn another_centres_admin_cannot_touch_this_centre() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let ours = d
        .client
        .upsert_holiday(d.admin(pb::UpsertHolidayRequest {
            holiday: Some(pb::Holiday {
                center_id: CENTER.into(),
                date: "2026-11-30".into(),
                kind: "holiday".into(),
                name_vi: "Lễ hội Xên bản".into(),
                ..Default::default()
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    let before_centres = d
        .client
        .list_centers(pb::ListCentersRequest {})
        .await
        .unwrap()
        .into_inner();
    let holidays = |d: &mut TestDossier| {
        let mut client = d.client.clone();
        async move {
            client
                .list_holidays(pb::ListHolidaysRequest {
                    center_id: CENTER.into(),
                    year: 0,
                })
                .await
                .unwrap()
                .into_inner()
                .holidays
        }
    };
    let before_days = holidays(&mut d).await;
    let intruder = other(&d, Role::Admin);
    let err = d
        .client
        .upsert_center(with_token(
            &intruder,
            pb::UpsertCenterRequest {
                center: Some(pb::Center {
                    id: CENTER.into(),
                    unit_code: "999.99.99.H99".into(),
                    name_vi: "Bị chiếm".into(),
                    time_zone: "Asia/Tokyo".into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "{err:?}");
    for center_id in [CENTER, "*"] {
        let err = d
            .client
            .upsert_holiday(with_token(
                &intruder,
                pb::UpsertHolidayRequest {
                    holiday: Some(pb::Holiday {
                        center_id: center_id.into(),
                        date: "2026-12-01".into(),
                        kind: "holiday".into(),
                        name_vi: "Nghỉ".into(),
                        ..Default::default()
                    }),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "{center_id}: {err:?}");
    }
    for (center_id, date) in [(CENTER, ours.date.as_str()), ("*", "2026-09-02")] {
        let err = d
            .client
            .delete_holiday(with_token(
                &intruder,
                pb::DeleteHolidayRequest {
                    center_id: center_id.into(),
                    date: date.into(),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "{center_id}: {err:?}");
    }
    let after_centres = d
        .client
        .list_centers(pb::ListCentersRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(after_centres, before_centres, "no centre changed");
    assert_eq!(holidays(&mut d).await, before_days, "no day changed");
    d.stop().await;
}

#[tokio::test]
async fn another_centres_staff_learn_nothing_and_change_nothing_on_a_dossier() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(LICENCE).await;
    let id = dossier.id.clone();
    let receptionist = other(&d, Role::Receptionist);
    let leader = other(&d, Role::Leader);
    let mut c = d.client.clone();
    let stale = dossier.version - 1;
    let results: Vec<(&str, Result<(), tonic::Status>)> = vec![
        (
            "forward (stale version)",
            c.forward_dossier(with_token(
                &receptionist,
                pb::ForwardDossierRequest {
                    id: id.clone(),
                    department: "Kinh tế".into(),
                    expected_version: stale,
                    ..Default::default()
                },
            ))
            .await
            .map(|_| ()),
        ),
        (
            "assign",
            c.assign_dossier(with_token(
                &leader,
                pb::AssignDossierRequest {
                    id: id.clone(),
                    assignee: "x".into(),
                    ..Default::default()
                },
            ))
            .await
            .map(|_| ()),
        ),
        (
            "stop",
            c.stop_dossier(with_token(
                &leader,
                pb::StopDossierRequest {
                    id: id.clone(),
                    reason: "x".into(),
                    ..Default::default()
                },
            ))
            .await
            .map(|_| ()),
        ),
        (
            "withdraw",
            c.withdraw_dossier(with_token(
                &receptionist,
                pb::WithdrawDossierRequest {
                    id: dossier.code.clone(),
                    reason: "x".into(),
                    ..Default::default()
                },
            ))
            .await
            .map(|_| ()),
        ),
        (
            "cash",
            c.record_payment(with_token(
                &receptionist,
                pb::RecordPaymentRequest {
                    id: id.clone(),
                    method: "cash".into(),
                    amount_vnd: 50_000,
                    receipt_number: "BL-1".into(),
                    ..Default::default()
                },
            ))
            .await
            .map(|_| ()),
        ),
        (
            "reprint with a new key",
            c.render_form(with_token(
                &receptionist,
                pb::RenderFormRequest {
                    id: id.clone(),
                    form: pb::Form::Receipt as i32,
                    new_citizen_key: true,
                    ..Default::default()
                },
            ))
            .await
            .map(|_| ()),
        ),
        (
            "get",
            c.get_dossier(with_token(
                &receptionist,
                pb::GetDossierRequest { id: id.clone() },
            ))
            .await
            .map(|_| ()),
        ),
        (
            "history",
            c.get_dossier_history(with_token(
                &receptionist,
                pb::GetDossierHistoryRequest { id: id.clone() },
            ))
            .await
            .map(|_| ()),
        ),
    ];
    for (what, result) in results {
        let err = result.unwrap_err();
        // PERMISSION_DENIED even with a stale version: the version is not told
        assert_eq!(err.code(), Code::PermissionDenied, "{what}: {err:?}");
    }
    let after = d.get(&id).await;
    assert_eq!(after.version, dossier.version, "nothing changed");
    assert_eq!(d.history(&id).await.len(), 2);
    // the citizen's key still works: it was not rotated
    d.client
        .create_payment_request(pb::CreatePaymentRequestRequest {
            id: dossier.code.clone(),
            key: dossier.citizen_key.clone(),
        })
        .await
        .unwrap();
    d.stop().await;
}

/// Every RPC of the service: its name and how to call it with a message decoded from
/// bytes, with or without a token. The test below checks this table against the
/// service's descriptor, so a new RPC must be added here.
macro_rules! rpc_table {
    ($($name:literal => $method:ident($ty:ty)),* $(,)?) => {
        const METHODS: &[&str] = &[$($name),*];

        async fn call(
            client: &mut DossierServiceClient<Channel>,
            name: &str,
            bytes: &[u8],
            token: Option<&str>,
        ) -> Result<(), tonic::Status> {
            match name {
                $($name => {
                    let message = <$ty>::decode(bytes).expect("a valid message");
                    let request = match token {
                        Some(t) => with_token(t, message),
                        None => tonic::Request::new(message),
                    };
                    client.$method(request).await.map(|_| ())
                })*
                other => panic!("`{other}` is missing from the abuse suite's table"),
            }
        }
    };
}

rpc_table! {
    "CreateDossier" => create_dossier(pb::CreateDossierRequest),
    "RequestSupplement" => request_supplement(pb::RequestSupplementRequest),
    "SubmitSupplement" => submit_supplement(pb::SubmitSupplementRequest),
    "ReceiveDossier" => receive_dossier(pb::ReceiveDossierRequest),
    "RefuseDossier" => refuse_dossier(pb::RefuseDossierRequest),
    "AssignDossier" => assign_dossier(pb::AssignDossierRequest),
    "ForwardDossier" => forward_dossier(pb::ForwardDossierRequest),
    "RecordReview" => record_review(pb::RecordReviewRequest),
    "SignResult" => sign_result(pb::SignResultRequest),
    "ExtendDeadline" => extend_deadline(pb::ExtendDeadlineRequest),
    "MarkResultReady" => mark_result_ready(pb::MarkResultReadyRequest),
    "ReturnResult" => return_result(pb::ReturnResultRequest),
    "WithdrawDossier" => withdraw_dossier(pb::WithdrawDossierRequest),
    "StopDossier" => stop_dossier(pb::StopDossierRequest),
    "GetDossier" => get_dossier(pb::GetDossierRequest),
    "ListDossiers" => list_dossiers(pb::ListDossiersRequest),
    "GetDossierHistory" => get_dossier_history(pb::GetDossierHistoryRequest),
    "ExplainDeadline" => explain_deadline(pb::ExplainDeadlineRequest),
    "ListHolidays" => list_holidays(pb::ListHolidaysRequest),
    "UpsertHoliday" => upsert_holiday(pb::UpsertHolidayRequest),
    "DeleteHoliday" => delete_holiday(pb::DeleteHolidayRequest),
    "UpsertCenter" => upsert_center(pb::UpsertCenterRequest),
    "ListCenters" => list_centers(pb::ListCentersRequest),
    "RenderForm" => render_form(pb::RenderFormRequest),
    "LookupDossier" => lookup_dossier(pb::LookupDossierRequest),
    "RecordPayment" => record_payment(pb::RecordPaymentRequest),
    "CreatePaymentRequest" => create_payment_request(pb::CreatePaymentRequestRequest),
    "RateDossier" => rate_dossier(pb::RateDossierRequest),
    "SubmitFeedback" => submit_feedback(pb::SubmitFeedbackRequest),
    "AssignFeedback" => assign_feedback(pb::AssignFeedbackRequest),
    "AnswerFeedback" => answer_feedback(pb::AnswerFeedbackRequest),
    "ListFeedback" => list_feedback(pb::ListFeedbackRequest),
    "DossierStats" => dossier_stats(pb::DossierStatsRequest),
}

/// RPCs anyone may call without a token (each checks what it needs itself: the
/// citizen's key, a signature, or nothing for public reads).
const PUBLIC: &[&str] = &[
    "ListHolidays",
    "ListCenters",
    "LookupDossier",
    "CreatePaymentRequest",
    "RateDossier",
    "SubmitFeedback",
];

/// The service's descriptor: each RPC's name and its request message.
struct Descriptors {
    set: FileDescriptorSet,
}

impl Descriptors {
    fn load() -> Self {
        Self {
            set: FileDescriptorSet::decode(onestop_proto::FILE_DESCRIPTOR_SET).unwrap(),
        }
    }

    fn methods(&self) -> Vec<(String, String)> {
        let service = self
            .set
            .file
            .iter()
            .flat_map(|f| f.service.iter().map(move |s| (f, s)))
            .find(|(f, s)| f.package() == "onestop.dossier.v1" && s.name() == "DossierService")
            .expect("the dossier service's descriptor")
            .1;
        service
            .method
            .iter()
            .map(|m| (m.name().to_string(), m.input_type().to_string()))
            .collect()
    }

    /// The message `.package.Name`.
    fn message(&self, full_name: &str) -> &DescriptorProto {
        let name = full_name.trim_start_matches('.');
        self.set
            .file
            .iter()
            .flat_map(|f| {
                f.message_type
                    .iter()
                    .map(move |m| (format!("{}.{}", f.package(), m.name()), m))
            })
            .find(|(n, _)| n == name)
            .map(|(_, m)| m)
            .unwrap_or_else(|| panic!("no message {full_name}"))
    }

    /// Every string field reachable from `message` through onestop messages: its path
    /// (`applicant.full_name`), field numbers from the top, and whether it repeats.
    fn strings(&self, message: &str) -> Vec<(String, Vec<i32>, bool)> {
        let mut out = Vec::new();
        self.collect(message, "", &[], &mut out, 0);
        out
    }

    fn collect(
        &self,
        message: &str,
        prefix: &str,
        numbers: &[i32],
        out: &mut Vec<(String, Vec<i32>, bool)>,
        depth: usize,
    ) {
        assert!(depth < 4, "messages nest too deep at {prefix}");
        for f in &self.message(message).field {
            let path = format!("{prefix}{}", f.name());
            let mut nums = numbers.to_vec();
            nums.push(f.number());
            match f.r#type() {
                Type::String => out.push((path, nums, f.label() == Label::Repeated)),
                Type::Message if f.type_name().starts_with(".onestop.") => {
                    self.collect(f.type_name(), &format!("{path}."), &nums, out, depth + 1);
                }
                _ => {}
            }
        }
    }
}

fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Field `number` holding `bytes` (a string or an embedded message), wire format.
fn length_delimited(number: i32, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    varint(((number as u64) << 3) | 2, &mut out);
    varint(bytes.len() as u64, &mut out);
    out.extend_from_slice(bytes);
    out
}

/// A message whose only content is `values` (one element each) in the string field at
/// `numbers`, nested in the messages on the way.
fn with_strings(numbers: &[i32], values: &[String]) -> Vec<u8> {
    let (last, outer) = numbers.split_last().expect("a field");
    let mut bytes: Vec<u8> = values
        .iter()
        .flat_map(|v| length_delimited(*last, v.as_bytes()))
        .collect();
    for n in outer.iter().rev() {
        bytes = length_delimited(*n, &bytes);
    }
    bytes
}

async fn counts(d: &mut TestDossier) -> (usize, usize, usize, Vec<pb::Center>) {
    let dossiers = d
        .client
        .list_dossiers(d.admin(pb::ListDossiersRequest {
            center_id: CENTER.into(),
            page_size: 500,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .dossiers
        .len();
    let feedback = d
        .client
        .list_feedback(d.admin(pb::ListFeedbackRequest {
            center_id: CENTER.into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .feedback
        .len();
    let holidays = d
        .client
        .list_holidays(pb::ListHolidaysRequest {
            center_id: CENTER.into(),
            year: 0,
        })
        .await
        .unwrap()
        .into_inner()
        .holidays
        .len();
    let centres = d
        .client
        .list_centers(pb::ListCentersRequest {})
        .await
        .unwrap()
        .into_inner()
        .centers;
    (dossiers, feedback, holidays, centres)
}

#[tokio::test]
async fn the_table_of_rpcs_is_the_services() {
    let described: BTreeSet<String> = Descriptors::load()
        .methods()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let tabled: BTreeSet<String> = METHODS.iter().map(|m| m.to_string()).collect();
    assert_eq!(described, tabled, "add new RPCs to the abuse suite's table");
}

#[tokio::test]
async fn a_stranger_without_a_token_is_unauthenticated_on_every_staff_rpc() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(LICENCE).await;
    let before = counts(&mut d).await;
    let descriptors = Descriptors::load();
    let mut client = d.client.clone();
    for (name, input) in descriptors.methods() {
        if PUBLIC.contains(&name.as_str()) {
            continue;
        }
        // an empty request, and one naming a real dossier in its first field
        let mut requests = vec![Vec::new()];
        if let Some((_, numbers, _)) = descriptors
            .strings(&input)
            .into_iter()
            .find(|(_, n, _)| n == &[1])
        {
            requests.push(with_strings(&numbers, std::slice::from_ref(&dossier.id)));
        }
        for bytes in requests {
            let err = call(&mut client, &name, &bytes, None).await.unwrap_err();
            assert_eq!(err.code(), Code::Unauthenticated, "{name}: {err:?}");
        }
    }
    assert_eq!(counts(&mut d).await, before, "nothing changed");
    assert_eq!(d.get(&dossier.id).await.version, dossier.version);
    d.stop().await;
}

#[tokio::test]
async fn oversized_strings_on_every_field_of_every_rpc_are_refused_by_name() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    d.received(LICENCE).await;
    let before = counts(&mut d).await;
    let descriptors = Descriptors::load();
    let mut client = d.client.clone();
    // longer than every per-field limit, far below the message cap
    let huge = "x".repeat(limits::TEXT + 1);
    let admin = d
        .keys
        .issue("admin", Role::Admin, "*", chrono::Duration::hours(1));
    let mut checked = 0;
    for (name, input) in descriptors.methods() {
        for (path, numbers, repeated) in descriptors.strings(&input) {
            let expected = if repeated {
                format!("{path}[0]")
            } else {
                path.clone()
            };
            // with a token that may do anything, and with none: refused before either
            for token in [Some(admin.as_str()), None] {
                let bytes = with_strings(&numbers, std::slice::from_ref(&huge));
                let err = call(&mut client, &name, &bytes, token).await.unwrap_err();
                assert_eq!(err.code(), Code::InvalidArgument, "{name}.{path}: {err:?}");
                assert_eq!(
                    fields(&err),
                    std::slice::from_ref(&expected),
                    "{name}.{path}"
                );
            }
            if repeated {
                let many = vec!["a".to_string(); limits::LIST + 1];
                let bytes = with_strings(&numbers, &many);
                let err = call(&mut client, &name, &bytes, Some(&admin))
                    .await
                    .unwrap_err();
                assert_eq!(
                    fields(&err),
                    std::slice::from_ref(&path),
                    "{name}.{path}: {err:?}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} string fields found");
    // a name of 100 Vietnamese letters (300 bytes, more than the 200 a name may hold)
    // fits: characters, not bytes, are counted
    let mut fits = create_request(MARRIAGE, &[FORM_MARRIAGE, SINGLE_STATUS]);
    fits.applicant.as_mut().unwrap().full_name = "Ệ".repeat(100);
    assert!("Ệ".repeat(100).len() > limits::NAME);
    d.client.create_dossier(d.lan(fits)).await.unwrap();
    let after = counts(&mut d).await;
    assert_eq!(
        after.0,
        before.0 + 1,
        "only the fitting dossier was created"
    );
    assert_eq!(
        (after.1, after.2, &after.3),
        (before.1, before.2, &before.3)
    );
    d.stop().await;
}

#[tokio::test]
async fn one_request_id_opens_one_dossier_however_often_it_is_sent() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let mut request = create_request(MARRIAGE, &[FORM_MARRIAGE, SINGLE_STATUS]);
    request.request_id = "kiosk-7-0042".into();
    let first = d
        .client
        .create_dossier(d.lan(request.clone()))
        .await
        .unwrap()
        .into_inner();
    // a double tap and two retries at once, one to another replica
    let replica = d.replica().await;
    let (mut one, mut two, mut three) =
        (d.client.clone(), d.client.clone(), replica.client.clone());
    let (a, b, c) = tokio::join!(
        one.create_dossier(d.lan(request.clone())),
        two.create_dossier(d.lan(request.clone())),
        three.create_dossier(d.lan(request.clone())),
    );
    for again in [a, b, c] {
        assert_eq!(again.unwrap().into_inner().id, first.id);
    }
    let listed = d
        .client
        .list_dossiers(d.lan(pb::ListDossiersRequest {
            center_id: CENTER.into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .dossiers;
    assert_eq!(listed.len(), 1, "one dossier");
    assert_eq!(d.history(&first.id).await.len(), 1);
    // another request id is another dossier; too long a one is refused by name
    request.request_id = "kiosk-7-0043".into();
    let second = d
        .client
        .create_dossier(d.lan(request.clone()))
        .await
        .unwrap()
        .into_inner();
    assert_ne!(second.id, first.id);
    request.request_id = "r".repeat(limits::ID + 1);
    let err = d
        .client
        .create_dossier(d.lan(request.clone()))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["request_id"]);
    // another centre's staff replaying this centre's request id learn nothing
    request.request_id = "kiosk-7-0042".into();
    let err = d
        .client
        .create_dossier(with_token(&other(&d, Role::Receptionist), request))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    replica.stop().await;
    d.stop().await;
}

fn callback(reference: &str, transaction: &str, amount: i64) -> pb::RecordPaymentRequest {
    let body = serde_json::json!({
        "reference": reference, "amount_vnd": amount,
        "transaction_id": transaction, "status": "paid"
    })
    .to_string();
    pb::RecordPaymentRequest {
        signature: payment::sign(PAYMENT_SECRET, &body),
        callback_body: body,
        ..Default::default()
    }
}

#[tokio::test]
async fn money_paid_twice_is_kept_as_an_overpayment_for_refund() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(LICENCE).await;
    let link = d
        .client
        .create_payment_request(pb::CreatePaymentRequestRequest {
            id: dossier.code.clone(),
            key: dossier.citizen_key.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    let paid = d
        .client
        .record_payment(callback(&link.reference, "NAPAS-1", 50_000))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((paid.paid_vnd, paid.overpaid_vnd), (50_000, 0));
    // the citizen paid a second time (another transaction on the same page)
    let twice = d
        .client
        .record_payment(callback(&link.reference, "NAPAS-2", 50_000))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(twice.paid_vnd, 50_000, "the fee is paid once");
    assert_eq!(twice.overpaid_vnd, 50_000, "the rest is owed back");
    assert_eq!(twice.payments.len(), 2);
    assert_eq!(twice.payments[1].receipt_number, "NAPAS-2");
    assert_eq!(twice.payments[1].overpaid_vnd, 50_000);
    let history = d.history(&dossier.id).await;
    let last = history.last().unwrap();
    assert_eq!(last.transition, "record_overpayment");
    assert!(
        last.note.contains("NAPAS-2") && last.note.contains("to refund"),
        "{}",
        last.note
    );
    // the platform repeating either callback changes nothing
    for transaction in ["NAPAS-1", "NAPAS-2"] {
        let again = d
            .client
            .record_payment(callback(&link.reference, transaction, 50_000))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(again.version, twice.version, "{transaction}");
    }
    // paid at the counter, then the platform's payment arrives: kept too
    let other = d.received(LICENCE).await;
    let link = d
        .client
        .create_payment_request(d.lan(pb::CreatePaymentRequestRequest {
            id: other.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    d.client
        .record_payment(d.lan(pb::RecordPaymentRequest {
            id: other.id.clone(),
            method: "cash".into(),
            amount_vnd: 50_000,
            receipt_number: "BL-0001".into(),
            ..Default::default()
        }))
        .await
        .unwrap();
    let late = d
        .client
        .record_payment(callback(&link.reference, "NAPAS-3", 50_000))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((late.paid_vnd, late.overpaid_vnd), (50_000, 50_000));
    d.stop().await;
}

#[tokio::test]
async fn the_public_lookup_returns_nothing_that_unlocks_an_action() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(LICENCE).await;
    let link = d
        .client
        .create_payment_request(d.lan(pb::CreatePaymentRequestRequest {
            id: dossier.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let public = d
        .client
        .lookup_dossier(pb::LookupDossierRequest {
            code: dossier.code.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(public.fee_due_vnd, 50_000);
    let wire = String::from_utf8_lossy(&public.encode_to_vec()).to_string();
    let key_hash = onestop_kit::citizen_key::KeyHasher::default().hash(&dossier.citizen_key);
    for (what, secret) in [
        ("internal id", dossier.id.as_str()),
        ("citizen key", dossier.citizen_key.as_str()),
        ("key hash", key_hash.as_str()),
        ("payment reference", link.reference.as_str()),
        ("payment url", link.payment_url.as_str()),
    ] {
        assert!(!wire.contains(secret), "the lookup carries the {what}");
    }
    // nor does any field name of the public message speak of ids or keys
    let descriptors = Descriptors::load();
    for (path, _, _) in descriptors.strings(".onestop.dossier.v1.PublicDossier") {
        assert!(
            !path.contains("id") && !path.contains("key") && !path.contains("reference"),
            "PublicDossier.{path}"
        );
    }
    d.stop().await;
}

#[tokio::test]
async fn a_reprinted_receipt_carries_a_new_key_and_the_old_one_stops_working() {
    let mut d = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let dossier = d.received(LICENCE).await;
    let form = |key: &str, new: bool| pb::RenderFormRequest {
        id: dossier.code.clone(),
        form: pb::Form::Receipt as i32,
        citizen_key: key.into(),
        new_citizen_key: new,
    };
    // a wrong key is not printed; the specialist does not reissue keys
    let err = d
        .client
        .render_form(d.lan(form("WRONGKEY22", false)))
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["citizen_key"]);
    let err = d
        .client
        .render_form(d.ha(form("", true)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    // a plain reprint shows no key and no key in its QR link
    let plain = d
        .client
        .render_form(d.lan(form("", false)))
        .await
        .unwrap()
        .into_inner();
    assert!(!plain.html.contains(&dossier.citizen_key));
    assert!(!plain.html.contains("?k="));
    assert!(plain.citizen_key.is_empty());
    let reprint = d
        .client
        .render_form(d.lan(form("", true)))
        .await
        .unwrap()
        .into_inner();
    let new_key = reprint.citizen_key.clone();
    assert_eq!(new_key.len(), onestop_kit::citizen_key::LEN);
    assert_ne!(new_key, dossier.citizen_key);
    assert!(reprint.html.contains(&format!("?k={new_key}")));
    assert_eq!(
        d.history(&dossier.id).await.last().unwrap().transition,
        "issue_citizen_key"
    );
    let pay = |key: &str| pb::CreatePaymentRequestRequest {
        id: dossier.code.clone(),
        key: key.into(),
    };
    let err = d
        .client
        .create_payment_request(pay(&dossier.citizen_key))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "the old key");
    d.client
        .create_payment_request(pay(&new_key))
        .await
        .unwrap();
    d.stop().await;
}

#[tokio::test]
async fn personal_data_of_ended_dossiers_is_removed_after_the_retention_period() {
    use onestop_dossier::housekeeping::retention_once;
    let mut d = spawn_at(vn(2026, 11, 2, 9, 0)).await;
    let ended = returned(&mut d).await;
    let open = d.received(LICENCE).await;
    // kept while the period runs, and always when retention is off (0 days)
    d.clock.set(vn(2026, 11, 20, 9, 0));
    assert_eq!(retention_once(&d.store, &d.clock, 30).await.unwrap(), 0);
    d.clock.set(vn(2027, 1, 5, 9, 0));
    assert_eq!(retention_once(&d.store, &d.clock, 0).await.unwrap(), 0);
    assert_eq!(
        d.get(&ended.id).await.applicant.unwrap().full_name,
        applicant().full_name
    );
    assert_eq!(retention_once(&d.store, &d.clock, 30).await.unwrap(), 1);
    let gone = d.get(&ended.id).await;
    assert_eq!(gone.applicant.unwrap(), pb::Applicant::default());
    assert!(gone.representative.is_none());
    assert!(gone.personal_data_removed_at.is_some());
    assert_eq!(gone.code, ended.code, "the code and figures stay");
    let history = d.history(&ended.id).await;
    let last = history.last().unwrap();
    assert_eq!(last.transition, "remove_personal_data");
    assert!(last.note.contains("30"), "{}", last.note);
    let a = applicant();
    for entry in &history {
        assert!(!entry.note.contains(&a.full_name), "{entry:?}");
    }
    // nor do its outbox events keep the phone or e-mail
    #[derive(sea_orm::FromQueryResult)]
    struct Payload {
        payload: String,
    }
    let payloads: Vec<Payload> = onestop_kit::sql::all(
        &d.store.db,
        "SELECT payload FROM dossier_outbox WHERE dossier_id = $1",
        vec![ended.id.clone().into()],
    )
    .await
    .unwrap();
    assert!(!payloads.is_empty());
    for p in payloads {
        assert!(
            !p.payload.contains("345678") && !p.payload.contains(&a.email),
            "{}",
            p.payload
        );
    }
    // not searchable by the name any more; the open dossier is untouched; once only
    let found = d
        .client
        .list_dossiers(d.lan(pb::ListDossiersRequest {
            center_id: CENTER.into(),
            text: "Xuân".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .dossiers;
    assert_eq!(
        found.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        [open.id.as_str()]
    );
    assert_eq!(
        d.get(&open.id).await.applicant.unwrap().full_name,
        a.full_name
    );
    assert_eq!(retention_once(&d.store, &d.clock, 30).await.unwrap(), 0);
    d.stop().await;
}

#[tokio::test]
async fn outbox_rows_of_ended_dossiers_go_after_the_period_and_running_ones_stay() {
    use onestop_dossier::housekeeping::outbox_retention_once;
    let mut d = spawn_at(vn(2026, 11, 2, 9, 0)).await;
    let ended = returned(&mut d).await;
    let open = d.received(LICENCE).await;
    #[derive(sea_orm::FromQueryResult)]
    struct Count {
        n: i64,
    }
    let rows = |id: String| {
        let db = d.store.db.clone();
        async move {
            onestop_kit::sql::one::<Count>(
                &db,
                "SELECT COUNT(*) AS n FROM dossier_outbox WHERE dossier_id = $1",
                vec![id.into()],
            )
            .await
            .unwrap()
            .map_or(0, |c| c.n)
        }
    };
    assert!(rows(ended.id.clone()).await > 0 && rows(open.id.clone()).await > 0);
    d.clock.set(vn(2026, 11, 20, 9, 0));
    assert_eq!(
        outbox_retention_once(&d.store, &d.clock, 30).await.unwrap(),
        0
    );
    assert!(rows(ended.id.clone()).await > 0, "kept within the period");
    d.clock.set(vn(2027, 1, 5, 9, 0));
    assert!(outbox_retention_once(&d.store, &d.clock, 30).await.unwrap() > 0);
    assert_eq!(
        rows(ended.id.clone()).await,
        0,
        "the ended dossier's events are gone"
    );
    assert!(
        rows(open.id.clone()).await > 0,
        "a running dossier's events stay (the due scan dedupes on them)"
    );
    d.stop().await;
}
