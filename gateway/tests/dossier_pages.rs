//! The citizen's dossier pages through real HTTP against real services started here: a
//! catalogue on SQLite holding one procedure with a fee and required components, the
//! dossier service on SQLite (a hand-set clock, so dates are known), and the gateway,
//! which is also the payment platform (`/pay`) the dossier service sends citizens to.
//! The printed receipt's QR link carries the citizen's key (`/d/{code}?k=…`): with it
//! the citizen pays, rates and sends feedback; with the code alone the page shows the
//! status and asks for the key where an action would be.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use common::{Reply, get, http};
use onestop_dossier::store::payment;
use onestop_gateway::Upstreams;
use onestop_kit::auth::TokenKeys;
use onestop_kit::database::{DatabaseTarget, connect_and_migrate};
use onestop_kit::server::{ServeOptions, serve};
use onestop_kit::shutdown::{Shutdown, ShutdownTrigger};
use onestop_kit::{Clock, Role};
use onestop_proto::catalogue::v1 as cat;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use tonic::transport::Channel;

const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";
const PAYMENT_SECRET: &[u8] = b"payment-platform-shared-secret";
const CENTER: &str = "muong-sai";
const UNIT: &str = "000.34.25.H57";
/// A licence: 3 working days, 50,000 VND, one required component.
const LICENCE: &str = "2.000908";
const LICENCE_NAME: &str = "Cấp giấy phép kinh doanh";
const REQUEST_FORM: &str = "Đơn đề nghị cấp giấy phép";
const FEE: i64 = 50_000;

/// The applicant's personal data: none of it may reach a public page.
const NAME: &str = "Lò Thị Xuân";
const CITIZEN_ID: &str = "014190004321";
const PHONE: &str = "0912 345 678";
const EMAIL: &str = "xuan.lo@example.vn";
const ADDRESS: &str = "Bản Sại, xã Mường Sại, tỉnh Sơn La";
const REP_NAME: &str = "Cầm Văn Khánh";
const REP_ID: &str = "014090001234";
const REP_PHONE: &str = "0987 654 321";

/// A local time in Vietnam.
fn vn(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Ho_Chi_Minh
        .with_ymd_and_hms(y, m, d, h, mi, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A wire time as the pages print it, worked out here independently of the gateway.
fn printed(t: Option<&prost_types::Timestamp>) -> String {
    let t = t.expect("timestamp set");
    let local = DateTime::from_timestamp(t.seconds, 0)
        .unwrap()
        .with_timezone(&Ho_Chi_Minh);
    let day = match local.weekday() {
        chrono::Weekday::Mon => "thứ Hai",
        chrono::Weekday::Tue => "thứ Ba",
        chrono::Weekday::Wed => "thứ Tư",
        chrono::Weekday::Thu => "thứ Năm",
        chrono::Weekday::Fri => "thứ Sáu",
        chrono::Weekday::Sat => "thứ Bảy",
        chrono::Weekday::Sun => "Chủ nhật",
    };
    format!(
        "{} {day}, {}",
        local.format("%H:%M"),
        local.format("%d/%m/%Y")
    )
}

fn with_token<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

fn options(keys: &TokenKeys) -> ServeOptions {
    ServeOptions {
        request_timeout: Duration::from_secs(30),
        keys: keys.clone(),
    }
}

struct Stack {
    gateway: SocketAddr,
    client: DossierServiceClient<Channel>,
    keys: TokenKeys,
    clock: Clock,
    _triggers: Vec<ShutdownTrigger>,
    _dir: tempfile::TempDir,
}

impl Stack {
    fn as_role<T>(&self, role: Role, who: &str, message: T) -> tonic::Request<T> {
        let token = self
            .keys
            .issue(who, role, CENTER, chrono::Duration::hours(12));
        with_token(&token, message)
    }

    /// As the receptionist Lan.
    fn lan<T>(&self, message: T) -> tonic::Request<T> {
        self.as_role(Role::Receptionist, "lan", message)
    }

    /// As the leader Minh.
    fn minh<T>(&self, message: T) -> tonic::Request<T> {
        self.as_role(Role::Leader, "minh", message)
    }

    /// As the specialist Hà.
    fn ha<T>(&self, message: T) -> tonic::Request<T> {
        self.as_role(Role::Specialist, "ha", message)
    }

    /// A counter dossier with the required component, received now.
    async fn received(&self) -> pb::Dossier {
        let mut client = self.client.clone();
        let created = client
            .create_dossier(self.lan(pb::CreateDossierRequest {
                center_id: CENTER.into(),
                procedure_code: LICENCE.into(),
                applicant: Some(pb::Applicant {
                    full_name: NAME.into(),
                    citizen_id: CITIZEN_ID.into(),
                    phone: PHONE.into(),
                    email: EMAIL.into(),
                    address: ADDRESS.into(),
                }),
                representative: Some(pb::Representative {
                    full_name: REP_NAME.into(),
                    citizen_id: REP_ID.into(),
                    phone: REP_PHONE.into(),
                    relation: "ủy quyền".into(),
                }),
                channel: pb::Channel::Counter as i32,
                provided_components: vec![REQUEST_FORM.into()],
                note: String::new(),
                request_id: String::new(),
            }))
            .await
            .unwrap()
            .into_inner();
        client
            .receive_dossier(self.lan(pb::ReceiveDossierRequest {
                id: created.id,
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner()
    }

    async fn get(&self, id: &str) -> pb::Dossier {
        self.client
            .clone()
            .get_dossier(self.lan(pb::GetDossierRequest { id: id.into() }))
            .await
            .unwrap()
            .into_inner()
    }

    async fn forward(&self, id: &str) -> pb::Dossier {
        self.client
            .clone()
            .forward_dossier(self.lan(pb::ForwardDossierRequest {
                id: id.into(),
                department: "Kinh tế".into(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner()
    }
}

/// Starts a catalogue on SQLite with the licence procedure; returns its URL.
async fn start_catalogue(keys: &TokenKeys, dir: &std::path::Path, shutdown: Shutdown) -> String {
    let target = DatabaseTarget {
        url: format!("sqlite://{}/catalogue.db?mode=rwc", dir.display()),
        schema: None,
        max_connections: 4,
    };
    let db = connect_and_migrate::<onestop_catalogue::Migrator>(&target)
        .await
        .unwrap();
    let api = onestop_catalogue::CatalogueApi::new(db, "https://ttpvhcc.test".to_string());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(
        &[onestop_catalogue::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        listener,
        shutdown.wait(),
        options(keys),
    ));
    let mut client = CatalogueServiceClient::connect(url.clone()).await.unwrap();
    let admin = keys.issue("admin", Role::Admin, "*", chrono::Duration::hours(1));
    let procedure = cat::Procedure {
        code: LICENCE.into(),
        name: LICENCE_NAME.into(),
        field: Some(cat::Field {
            code: "thuong-mai".into(),
            name: "Thương mại".into(),
            procedure_count: 0,
        }),
        level: cat::Level::Commune as i32,
        agency: "Ủy ban nhân dân xã Mường Sại".into(),
        processing_days: Some(3.0),
        fees: vec![cat::Fee {
            name: "Lệ phí".into(),
            amount_vnd: FEE,
        }],
        components: vec![
            cat::Component {
                name: REQUEST_FORM.into(),
                originals: 1,
                copies: 0,
                required: true,
                template: String::new(),
            },
            cat::Component {
                name: "Bản sao giấy tờ tùy thân".into(),
                originals: 0,
                copies: 1,
                required: false,
                template: String::new(),
            },
        ],
        ..Default::default()
    };
    client
        .upsert_procedure(with_token(
            &admin,
            cat::UpsertProcedureRequest {
                procedure: Some(procedure),
                effective_from: None,
            },
        ))
        .await
        .unwrap();
    url
}

/// Catalogue, dossier service (clock at `at`, the gateway as its payment platform) and
/// the gateway (with the demo platform's secret when `demo_platform`).
async fn start(at: DateTime<Utc>, demo_platform: bool) -> Stack {
    onestop_kit::telemetry::init_for_tests();
    let dir = tempfile::tempdir().unwrap();
    let keys = TokenKeys::from_secret(SECRET);
    let (catalogue_trigger, catalogue_shutdown) = Shutdown::new();
    let catalogue_url = start_catalogue(&keys, dir.path(), catalogue_shutdown).await;

    // the gateway's address first: the dossier service links to its pages
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gateway = http.local_addr().unwrap();

    let target = DatabaseTarget {
        url: format!("sqlite://{}/dossier.db?mode=rwc", dir.path().display()),
        schema: None,
        max_connections: 8,
    };
    let db = connect_and_migrate::<onestop_dossier::Migrator>(&target)
        .await
        .unwrap();
    let clock = Clock::manual(at);
    let api = onestop_dossier::DossierApi::new(
        onestop_dossier::Store::new(db),
        &catalogue_url,
        clock.clone(),
        format!("http://{gateway}"),
        onestop_dossier::PaymentSettings {
            secret: PAYMENT_SECRET.to_vec(),
            provider_url: format!("http://{gateway}/pay"),
        },
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dossier_url = format!("http://{}", listener.local_addr().unwrap());
    let (dossier_trigger, dossier_shutdown) = Shutdown::new();
    tokio::spawn(serve(
        &[onestop_dossier::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        listener,
        dossier_shutdown.wait(),
        options(&keys),
    ));
    let mut client = DossierServiceClient::connect(dossier_url.clone())
        .await
        .unwrap();
    let admin = keys.issue("admin", Role::Admin, "*", chrono::Duration::hours(1));
    client
        .upsert_center(with_token(
            &admin,
            pb::UpsertCenterRequest {
                center: Some(pb::Center {
                    id: CENTER.into(),
                    unit_code: UNIT.into(),
                    name_vi: "Trung tâm Phục vụ hành chính công xã Mường Sại".into(),
                    name_en: "Muong Sai Commune Public Administration Service Centre".into(),
                    time_zone: "Asia/Ho_Chi_Minh".into(),
                    feedback_answer_days: 10,
                }),
            },
        ))
        .await
        .unwrap();

    let (gateway_trigger, gateway_shutdown) = Shutdown::new();
    tokio::spawn(onestop_gateway::serve(
        http,
        Upstreams {
            // the dossier pages must not need the catalogue or the queue
            catalogue: "http://127.0.0.1:9".into(),
            queue: String::new(),
            dossier: dossier_url,
            kiosk_token: None,
            payment_secret: demo_platform.then(|| PAYMENT_SECRET.to_vec()),
            ..Default::default()
        },
        gateway_shutdown.wait(),
    ));
    Stack {
        gateway,
        client,
        keys,
        clock,
        _triggers: vec![catalogue_trigger, dossier_trigger, gateway_trigger],
        _dir: dir,
    }
}

async fn post_form(addr: SocketAddr, path: &str, fields: &[(&str, &str)]) -> Reply {
    http(addr, "POST", path, &[], &form(fields)).await
}

/// Percent-encodes a value for a URL or a form.
fn enc(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of `name` in a URL's query.
fn query_value(url: &str, name: &str) -> String {
    let query = url.split_once('?').expect("a query").1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no `{name}` in {url}"))
        .to_string()
}

/// Fails naming the field if any of the applicant's or representative's personal data,
/// or the internal id, is in `text`.
fn assert_no_personal_data(text: &str, dossier: &pb::Dossier, what: &str) {
    let phone_digits: String = PHONE.chars().filter(char::is_ascii_digit).collect();
    let rep_digits: String = REP_PHONE.chars().filter(char::is_ascii_digit).collect();
    let applicant = dossier.applicant.clone().unwrap_or_default();
    for (field, value) in [
        ("applicant name", NAME),
        ("citizen id", CITIZEN_ID),
        ("phone", PHONE),
        ("phone (digits)", phone_digits.as_str()),
        ("phone (as stored)", applicant.phone.as_str()),
        ("email", EMAIL),
        ("address", ADDRESS),
        ("representative name", REP_NAME),
        ("representative citizen id", REP_ID),
        ("representative phone", REP_PHONE),
        ("representative phone (digits)", rep_digits.as_str()),
        ("internal id", dossier.id.as_str()),
    ] {
        assert!(!value.is_empty(), "{field} is empty");
        assert!(
            !text.contains(value),
            "{what} shows the {field} `{value}`:\n{text}"
        );
    }
    // the parts of the address and name on their own
    for part in ["Bản Sại", "Thị Xuân", "Văn Khánh"] {
        assert!(!text.contains(part), "{what} shows `{part}`:\n{text}");
    }
}

#[tokio::test]
async fn status_page_fees_callback_and_rating() {
    // Monday 9 March 2026, 09:00 in Vietnam
    let stack = start(vn(2026, 3, 9, 9, 0), true).await;
    let gw = stack.gateway;
    let d = stack.received().await;
    assert_eq!(d.status, 2);
    assert_eq!(d.code, format!("{UNIT}-260309-0001"));
    let code = d.code.clone();
    let page_path = format!("/d/{code}");
    // what the receipt's QR code opens
    let key = d.citizen_key.clone();
    let keyed = format!("{page_path}?k={key}");

    // the code alone: status, appointment and fee, but the key is asked for to pay
    let bare = get(gw, &page_path).await;
    assert_eq!(bare.status, 200, "{}", bare.body);
    for text in [
        code.as_str(),
        "Đã tiếp nhận",
        "50.000 đồng",
        "Nhập mã bảo mật in trên phiếu hẹn",
        "enter the key printed on your receipt",
        "name=\"k\"",
    ] {
        assert!(bare.body.contains(text), "missing {text:?}:\n{}", bare.body);
    }
    assert!(!bare.body.contains("Pay online"), "{}", bare.body);

    // the public page with the key: code, procedure, status, stage, appointment, fee and
    // the pay button carrying the key; no personal data
    let page = get(gw, &keyed).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let appointment = printed(d.due_at.as_ref());
    // 3 working days from Monday 09:00: Thursday 09:00
    assert_eq!(appointment, "09:00 thứ Năm, 12/03/2026");
    for text in [
        code.as_str(),
        LICENCE_NAME,
        LICENCE,
        "Đã tiếp nhận",
        "received",
        "Ngày hẹn trả kết quả",
        appointment.as_str(),
        "09:00 Thursday, 12/03/2026",
        "09:00 thứ Hai, 09/03/2026",
        "class=current aria-current=step><span class=n>3</span>",
        "50.000 đồng",
        "Thanh toán trực tuyến",
        "Pay online",
        &format!("<input type=\"hidden\" name=\"k\" value=\"{key}\">"),
        &format!("href=\"/feedback?dossier={code}&amp;k={key}\""),
    ] {
        assert!(page.body.contains(text), "missing {text:?}:\n{}", page.body);
    }
    assert!(!page.body.contains("Gửi đánh giá"), "no rating form yet");
    let full = stack.get(&d.id).await;
    assert_eq!(full.applicant.as_ref().unwrap().full_name, NAME);
    assert_no_personal_data(&bare.body, &full, "the status page");
    assert_no_personal_data(&page.body, &full, "the status page with the key");

    // paying with the code alone, or a wrong key: refused, and the key is asked for
    for body in [String::new(), "k=WRONGKEY22".to_string()] {
        let refused = http(gw, "POST", &format!("{page_path}/pay"), &[], &body).await;
        assert_eq!(refused.status, 403, "{body:?}: {}", refused.body);
        assert!(
            refused.body.contains("Nhập mã bảo mật in trên phiếu hẹn")
                && refused
                    .body
                    .contains("Please enter the key printed on your receipt"),
            "{}",
            refused.body
        );
    }

    // pay online with the key: a payment request, then the platform's page
    let pay = post_form(gw, &format!("{page_path}/pay"), &[("k", &key)]).await;
    assert_eq!(pay.status, 303, "{}", pay.body);
    let payment_url = pay.location().to_string();
    assert!(
        payment_url.starts_with(&format!("http://{gw}/pay?ref=TT")),
        "{payment_url}"
    );
    assert_eq!(query_value(&payment_url, "amount"), FEE.to_string());
    let reference = query_value(&payment_url, "ref");

    // a callback signed with another secret: 401, nothing paid
    let body = serde_json::json!({
        "reference": reference,
        "amount_vnd": FEE,
        "transaction_id": "NAPAS-0001",
        "status": "paid",
    })
    .to_string();
    let forged = payment::sign(b"not-the-secret", &body);
    let json = [("Content-Type", "application/json")];
    let refused = http(
        gw,
        "POST",
        "/payments/callback",
        &[json[0], ("X-Signature", forged.as_str())],
        &body,
    )
    .await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(refused.json()["ok"], false);
    assert_eq!(stack.get(&d.id).await.paid_vnd, 0);
    // no signature at all, or not hex: 401 too
    let unsigned = http(gw, "POST", "/payments/callback", &json, &body).await;
    assert_eq!(unsigned.status, 401, "{}", unsigned.body);
    let not_hex = http(
        gw,
        "POST",
        "/payments/callback",
        &[json[0], ("X-Signature", "zz-not-hex")],
        &body,
    )
    .await;
    assert_eq!(not_hex.status, 401, "{}", not_hex.body);
    // signed but unreadable: 400; signed for an unknown reference: 404
    let garbage = "{\"reference\":";
    let bad = http(
        gw,
        "POST",
        "/payments/callback",
        &[
            json[0],
            (
                "X-Signature",
                payment::sign(PAYMENT_SECRET, garbage).as_str(),
            ),
        ],
        garbage,
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    let unknown_body = body.replace(&reference, "TT0000000000000000");
    let unknown = http(
        gw,
        "POST",
        "/payments/callback",
        &[
            json[0],
            (
                "X-Signature",
                payment::sign(PAYMENT_SECRET, &unknown_body).as_str(),
            ),
        ],
        &unknown_body,
    )
    .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(stack.get(&d.id).await.paid_vnd, 0);

    // correctly signed: 200, paid in full; the same callback again: 200, unchanged
    let signature = payment::sign(PAYMENT_SECRET, &body);
    let headers = [json[0], ("X-Signature", signature.as_str())];
    let paid = http(gw, "POST", "/payments/callback", &headers, &body).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(
        paid.json(),
        serde_json::json!({ "ok": true, "code": code, "paid_vnd": FEE })
    );
    assert_no_personal_data(&paid.body, &full, "the callback's answer");
    assert_eq!(stack.get(&d.id).await.paid_vnd, FEE);
    let again = http(gw, "POST", "/payments/callback", &headers, &body).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["paid_vnd"], FEE);
    let after = stack.get(&d.id).await;
    assert_eq!(after.paid_vnd, FEE);
    assert_eq!(after.payments.len(), 1, "{:?}", after.payments);

    // nothing owed any more: no pay button, and asking to pay is refused
    let page = get(gw, &keyed).await;
    assert!(
        !page.body.contains("Thanh toán trực tuyến"),
        "{}",
        page.body
    );
    let pay = post_form(gw, &format!("{page_path}/pay"), &[("k", &key)]).await;
    assert_eq!(pay.status, 409, "{}", pay.body);
    assert!(pay.body.contains("nothing is owed"), "{}", pay.body);

    // rating before the result is returned: refused, and the page says why
    let early = post_form(
        gw,
        &format!("{page_path}/rate"),
        &[("score", "5"), ("k", &key)],
    )
    .await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert!(
        early.body.contains("chỉ đánh giá sau khi đã nhận kết quả")
            && early
                .body
                .contains("rate after the result has been returned"),
        "{}",
        early.body
    );

    // through review to the return of the result
    let mut client = stack.client.clone();
    let forwarded = stack.forward(&d.id).await;
    assert_eq!(forwarded.status, 4, "paid already: straight to processing");
    client
        .assign_dossier(stack.minh(pb::AssignDossierRequest {
            id: d.id.clone(),
            assignee: "ha".into(),
            ..Default::default()
        }))
        .await
        .unwrap();
    client
        .record_review(stack.ha(pb::RecordReviewRequest {
            id: d.id.clone(),
            outcome: pb::ReviewOutcome::Approve as i32,
            ..Default::default()
        }))
        .await
        .unwrap();
    client
        .sign_result(stack.minh(pb::SignResultRequest {
            id: d.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap();
    // the result is ready on Wednesday afternoon: early
    stack.clock.set(vn(2026, 3, 11, 14, 0));
    let ready = client
        .mark_result_ready(stack.lan(pb::MarkResultReadyRequest {
            id: d.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ready.status, 9);
    let page = get(gw, &page_path).await;
    assert!(
        page.body.contains("Đã có kết quả, chờ trả"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("14:00 thứ Tư, 11/03/2026"),
        "{}",
        page.body
    );
    stack.clock.set(vn(2026, 3, 12, 8, 0));
    let returned = client
        .return_result(stack.lan(pb::ReturnResultRequest {
            id: d.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(returned.status, 10);

    let page = get(gw, &keyed).await;
    assert_eq!(page.status, 200);
    for text in [
        "Đã trả kết quả",
        "result returned",
        "Trước hạn",
        "early",
        "08:00 thứ Năm, 12/03/2026",
        "class=done><span class=n>5</span>",
        "Gửi đánh giá",
        &format!("action=\"/d/{code}/rate\""),
        &format!("<input type=\"hidden\" name=\"k\" value=\"{key}\">"),
    ] {
        assert!(page.body.contains(text), "missing {text:?}:\n{}", page.body);
    }
    assert_no_personal_data(&page.body, &returned, "the returned dossier's page");
    // with the code alone: the status, and the key asked for instead of the rating form
    let bare = get(gw, &page_path).await;
    assert!(
        bare.body.contains("Đã trả kết quả")
            && bare.body.contains("enter the key printed on your receipt")
            && !bare.body.contains("Gửi đánh giá"),
        "{}",
        bare.body
    );

    // a score out of range is refused in both languages, the comment kept
    let wrong = post_form(
        gw,
        &format!("{page_path}/rate"),
        &[("score", "7"), ("comment", "Nhanh <b>gọn</b>"), ("k", &key)],
    )
    .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert!(
        wrong.body.contains("Vui lòng chọn một mức từ 1 đến 5")
            && wrong.body.contains("Please choose a score from 1 to 5")
            && wrong.body.contains("Nhanh &lt;b&gt;gọn&lt;/b&gt;"),
        "{}",
        wrong.body
    );

    // rated once: back to the page with thanks; a second time: refused
    let rated = post_form(
        gw,
        &format!("{page_path}/rate"),
        &[
            ("score", "5"),
            ("comment", "Cán bộ hướng dẫn tận tình"),
            ("k", &key),
        ],
    )
    .await;
    assert_eq!(rated.status, 303, "{}", rated.body);
    assert_eq!(rated.location(), format!("/d/{code}?rated=1&k={key}"));
    let thanks = get(gw, rated.location()).await;
    assert_eq!(thanks.status, 200);
    assert!(
        thanks.body.contains("Cảm ơn bạn đã đánh giá")
            && thanks.body.contains("Thank you for your rating"),
        "{}",
        thanks.body
    );
    assert!(!thanks.body.contains("Gửi đánh giá"), "{}", thanks.body);
    let twice = post_form(
        gw,
        &format!("{page_path}/rate"),
        &[("score", "1"), ("k", &key)],
    )
    .await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    assert!(
        twice.body.contains("hồ sơ này đã được đánh giá")
            && twice.body.contains("this dossier was already rated"),
        "{}",
        twice.body
    );
}

#[tokio::test]
async fn demo_platform_pays_a_dossier_waiting_for_fees() {
    let stack = start(vn(2026, 3, 9, 9, 0), true).await;
    let gw = stack.gateway;
    let d = stack.received().await;
    // forwarded with the fee unpaid: waiting for the financial obligation, clock paused
    let waiting = stack.forward(&d.id).await;
    assert_eq!(waiting.status, 6);
    let page_path = format!("/d/{}", d.code);
    let page = get(gw, &page_path).await;
    assert!(
        page.body.contains("Chờ thực hiện nghĩa vụ tài chính")
            && page.body.contains("thời hạn giải quyết tạm dừng")
            && page.body.contains("50.000 đồng"),
        "{}",
        page.body
    );

    let pay = post_form(gw, &format!("{page_path}/pay"), &[("k", &d.citizen_key)]).await;
    assert_eq!(pay.status, 303, "{}", pay.body);
    let url = pay.location().to_string();
    let path = url
        .strip_prefix(&format!("http://{gw}"))
        .expect("the gateway is the payment platform");
    let demo = get(gw, path).await;
    assert_eq!(demo.status, 200, "{}", demo.body);
    let reference = query_value(&url, "ref");
    for text in [
        "Cổng thanh toán thử nghiệm",
        "Demo payment platform — no real money",
        reference.as_str(),
        "50.000 đồng",
        "Thanh toán",
        "action=\"/pay\"",
    ] {
        assert!(demo.body.contains(text), "missing {text:?}:\n{}", demo.body);
    }

    // the "Pay" button: signed, recorded, back to the dossier page on this host
    let back = post_form(
        gw,
        "/pay",
        &[
            ("ref", &reference),
            ("amount", &FEE.to_string()),
            ("return", &format!("http://{gw}/d/{}", d.code)),
        ],
    )
    .await;
    assert_eq!(back.status, 303, "{}", back.body);
    assert_eq!(back.location(), page_path);
    let paid = stack.get(&d.id).await;
    assert_eq!(paid.paid_vnd, FEE);
    assert_eq!(paid.status, 4, "the payment resumes processing");
    assert_eq!(paid.payments[0].method, "online");
    assert!(paid.payments[0].receipt_number.starts_with("DEMO"));
    let page = get(gw, &page_path).await;
    assert!(page.body.contains("Đang xử lý"), "{}", page.body);
    assert!(
        !page.body.contains("Thanh toán trực tuyến"),
        "{}",
        page.body
    );

    // a wrong amount is refused by the service, and shown
    let wrong = post_form(
        gw,
        "/pay",
        &[("ref", &reference), ("amount", "1000"), ("return", "/d/x")],
    )
    .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert!(
        wrong.body.contains("Chưa thanh toán được"),
        "{}",
        wrong.body
    );
    assert_eq!(stack.get(&d.id).await.paid_vnd, FEE);

    // another site as `return` is never followed
    let d2 = stack.received().await;
    let pay = post_form(
        gw,
        &format!("/d/{}/pay", d2.code),
        &[("k", &d2.citizen_key)],
    )
    .await;
    let reference = query_value(pay.location(), "ref");
    let elsewhere = post_form(
        gw,
        "/pay",
        &[
            ("ref", &reference),
            ("amount", &FEE.to_string()),
            ("return", "//evil.example/d/x"),
        ],
    )
    .await;
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.body);
    assert!(elsewhere.header("location").is_none());
    assert!(
        elsewhere.body.contains("Đã thanh toán"),
        "{}",
        elsewhere.body
    );
    assert_eq!(stack.get(&d2.id).await.paid_vnd, FEE);
}

#[tokio::test]
async fn web_feedback_gets_an_answer_due_date() {
    // Monday 9 March 2026, 09:00: 10 working days later is Monday 23 March
    let stack = start(vn(2026, 3, 9, 9, 0), true).await;
    let gw = stack.gateway;
    let d = stack.received().await;

    // from the dossier page's link: the code and its key carried into the form
    let key = d.citizen_key.clone();
    let list = get(gw, &format!("/feedback?dossier={}&k={key}", d.code)).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.body.contains(&format!(
            "href=\"/feedback/{CENTER}?dossier={}&amp;k={key}\"",
            d.code
        )),
        "{}",
        list.body
    );
    let page = get(
        gw,
        &format!("/feedback/{CENTER}?dossier={}&k={key}", d.code),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    for text in [
        "Phản ánh, kiến nghị",
        "Trung tâm Phục vụ hành chính công xã Mường Sại",
        "name=\"contact\"",
        "name=\"content\"",
        &format!("value=\"{}\"", d.code),
        &format!("value=\"{key}\""),
        "10 ngày làm việc",
    ] {
        assert!(page.body.contains(text), "missing {text:?}:\n{}", page.body);
    }

    // nothing written: both fields named, in Vietnamese and English
    let empty = post_form(
        gw,
        &format!("/feedback/{CENTER}"),
        &[("contact", ""), ("content", " "), ("dossier_code", "")],
    )
    .await;
    assert_eq!(empty.status, 400, "{}", empty.body);
    for text in [
        "data-field=\"contact\"",
        "data-field=\"content\"",
        "Thông tin liên hệ",
        "bắt buộc",
        "required",
    ] {
        assert!(
            empty.body.contains(text),
            "missing {text:?}:\n{}",
            empty.body
        );
    }
    // a malformed dossier code: named, what was typed kept
    let bad = post_form(
        gw,
        &format!("/feedback/{CENTER}"),
        &[
            ("contact", "0912345678"),
            ("content", "Xin hỏi khi nào có kết quả?"),
            ("dossier_code", "HS-123"),
        ],
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.body.contains("data-field=\"dossier_code\"")
            && bad.body.contains("Xin hỏi khi nào có kết quả?"),
        "{}",
        bad.body
    );

    // about a dossier without its key (someone who only read the code): refused, kept
    let keyless = post_form(
        gw,
        &format!("/feedback/{CENTER}"),
        &[
            ("contact", "0912345678"),
            ("content", "Cán bộ hồ sơ này làm sai"),
            ("dossier_code", &d.code),
        ],
    )
    .await;
    assert_eq!(keyless.status, 403, "{}", keyless.body);
    assert!(
        keyless.body.contains("data-field=\"key\"")
            && keyless.body.contains("Mã bảo mật")
            && keyless.body.contains("Cán bộ hồ sơ này làm sai"),
        "{}",
        keyless.body
    );

    let sent = post_form(
        gw,
        &format!("/feedback/{CENTER}"),
        &[
            ("contact", "0912345678"),
            ("content", "Xin hỏi khi nào có kết quả?"),
            ("dossier_code", &d.code),
            ("key", &key),
        ],
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let stored = stack
        .client
        .clone()
        .list_feedback(stack.lan(pb::ListFeedbackRequest {
            center_id: CENTER.into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .feedback;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].channel, "web");
    assert_eq!(stored[0].dossier_code, d.code);
    let due = printed(stored[0].answer_due_at.as_ref());
    assert_eq!(due, "09:00 thứ Hai, 23/03/2026");
    for text in [
        "Đã nhận phản ánh, kiến nghị",
        "Hạn trả lời",
        "Answer due by",
        due.as_str(),
        "09:00 Monday, 23/03/2026",
        stored[0].id.as_str(),
    ] {
        assert!(sent.body.contains(text), "missing {text:?}:\n{}", sent.body);
    }
    assert!(!sent.body.contains("0912345678"), "{}", sent.body);

    let unknown = get(gw, "/feedback/khong-co").await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
}

#[tokio::test]
async fn rating_through_the_page_without_the_key_is_refused() {
    let stack = start(vn(2026, 3, 9, 9, 0), false).await;
    let gw = stack.gateway;
    let d = stack.received().await;
    let mut client = stack.client.clone();
    // paid at the counter, through review to the return of the result
    client
        .record_payment(stack.lan(pb::RecordPaymentRequest {
            id: d.id.clone(),
            method: "cash".into(),
            amount_vnd: FEE,
            receipt_number: "BL-0001".into(),
            ..Default::default()
        }))
        .await
        .unwrap();
    stack.forward(&d.id).await;
    client
        .assign_dossier(stack.minh(pb::AssignDossierRequest {
            id: d.id.clone(),
            assignee: "ha".into(),
            ..Default::default()
        }))
        .await
        .unwrap();
    client
        .record_review(stack.ha(pb::RecordReviewRequest {
            id: d.id.clone(),
            outcome: pb::ReviewOutcome::Approve as i32,
            ..Default::default()
        }))
        .await
        .unwrap();
    client
        .sign_result(stack.minh(pb::SignResultRequest {
            id: d.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap();
    client
        .mark_result_ready(stack.lan(pb::MarkResultReadyRequest {
            id: d.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap();
    client
        .return_result(stack.lan(pb::ReturnResultRequest {
            id: d.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap();
    let rate_path = format!("/d/{}/rate", d.code);
    let is_rated = || {
        let mut client = stack.client.clone();
        let code = d.code.clone();
        async move {
            client
                .lookup_dossier(pb::LookupDossierRequest { code })
                .await
                .unwrap()
                .into_inner()
                .rated
        }
    };
    // a stranger who read the code (from the public page, a photo of the receipt's
    // code): no key, an empty one, a guessed one; each 403, nothing rated
    for fields in [
        vec![("score", "1")],
        vec![("score", "1"), ("k", "")],
        vec![("score", "1"), ("k", "K7MP3XQ9RT")],
    ] {
        let refused = post_form(gw, &rate_path, &fields).await;
        assert_eq!(refused.status, 403, "{fields:?}: {}", refused.body);
        assert!(
            refused.body.contains("Nhập mã bảo mật in trên phiếu hẹn")
                && refused
                    .body
                    .contains("enter the key printed on your receipt"),
            "{}",
            refused.body
        );
        assert!(!is_rated().await, "{fields:?} rated the dossier");
    }
    // the citizen with the receipt is not told "already rated"
    let rated = post_form(gw, &rate_path, &[("score", "5"), ("k", &d.citizen_key)]).await;
    assert_eq!(rated.status, 303, "{}", rated.body);
    assert!(is_rated().await);
}

#[tokio::test]
async fn lookup_box_unknown_and_malformed_codes() {
    let stack = start(vn(2026, 3, 9, 9, 0), false).await;
    let gw = stack.gateway;

    let lookup = get(gw, "/d").await;
    assert_eq!(lookup.status, 200);
    assert!(
        lookup.body.contains("Tra cứu hồ sơ") && lookup.body.contains("name=\"code\""),
        "{}",
        lookup.body
    );
    let go = get(gw, "/d?code=+000.34.25.H57-260309-0001+").await;
    assert_eq!(go.status, 303);
    assert_eq!(go.location(), "/d/000.34.25.H57-260309-0001");
    let empty = get(gw, "/d?code=").await;
    assert_eq!(empty.status, 400);
    assert!(empty.body.contains("Vui lòng nhập mã hồ sơ"));

    let unknown = get(gw, "/d/000.34.25.H57-260309-0042").await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert!(
        unknown.body.contains("Không tìm thấy hồ sơ")
            && unknown.body.contains("000.34.25.H57-260309-0042"),
        "{}",
        unknown.body
    );
    let no_date = get(gw, "/d/000.34.25.H57-2603x9-0001").await;
    assert_eq!(no_date.status, 400, "{}", no_date.body);
    assert!(
        no_date
            .body
            .contains("ngày «2603x9» không đúng dạng YYMMDD")
            && no_date.body.contains("is not a valid YYMMDD"),
        "{}",
        no_date.body
    );
    let not_a_code = get(gw, "/d/abc").await;
    assert_eq!(not_a_code.status, 400, "{}", not_a_code.body);
    assert!(
        not_a_code.body.contains("is not a dossier code"),
        "{}",
        not_a_code.body
    );
    // escaped, never markup
    let script = get(gw, "/d/%3Cscript%3E").await;
    assert_eq!(script.status, 400);
    assert!(!script.body.contains("<script>"), "{}", script.body);

    // without the demo platform's secret: no /pay
    let pay = get(gw, "/pay?ref=TT1&amount=1000&return=%2Fd%2Fx").await;
    assert_eq!(pay.status, 404, "{}", pay.body);
    let pay = post_form(gw, "/pay", &[("ref", "TT1"), ("amount", "1000")]).await;
    assert_eq!(pay.status, 404, "{}", pay.body);
}

#[tokio::test]
async fn without_a_dossier_service_the_pages_say_so() {
    let http_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gw = http_listener.local_addr().unwrap();
    tokio::spawn(onestop_gateway::serve(
        http_listener,
        Upstreams {
            catalogue: "http://127.0.0.1:9".into(),
            queue: String::new(),
            dossier: String::new(),
            kiosk_token: None,
            payment_secret: None,
            ..Default::default()
        },
        std::future::pending::<()>(),
    ));
    for path in ["/d/000.34.25.H57-260309-0001", "/feedback/muong-sai"] {
        let page = get(gw, path).await;
        assert_eq!(page.status, 503, "{path}: {}", page.body);
        assert!(page.body.contains("Dịch vụ tạm thời không sẵn sàng"));
    }
    let callback = http(
        gw,
        "POST",
        "/payments/callback",
        &[("Content-Type", "application/json"), ("X-Signature", "00")],
        "{}",
    )
    .await;
    assert_eq!(callback.status, 503, "{}", callback.body);
    assert_eq!(callback.json()["ok"], false);
}
