//! Test harness: a real catalogue (SQLite) holding the test procedures, and a dossier
//! server on port 0 over a fresh database — SQLite by default, PostgreSQL (a fresh
//! schema per test) when `ONESTOP_TEST_POSTGRES_URL` is set — with a hand-set clock.

#![allow(dead_code, unused_imports)]

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use onestop_dossier::{DossierApi, Migrator, PaymentSettings, Store};
use onestop_kit::auth::TokenKeys;
use onestop_kit::{Clock, Role};
use onestop_proto::catalogue::v1 as cat;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use onestop_testkit::{FreshDatabase, Spawned, spawn_grpc};
use tonic::transport::Channel;

pub use onestop_kit::client::authorized as with_token;
pub use onestop_testkit::{SECRET, backend};

pub const PAYMENT_SECRET: &[u8] = b"payment-platform-shared-secret";
pub const CENTER: &str = "muong-sai";
pub const UNIT: &str = "000.34.25.H57";
/// Marriage registration: 5 working days, free, two required components.
pub const MARRIAGE: &str = "1.000894";
/// A licence: 3 working days, 50,000 VND, one required component.
pub const LICENCE: &str = "2.000908";
pub const FORM_MARRIAGE: &str = "Tờ khai đăng ký kết hôn";
pub const SINGLE_STATUS: &str = "Giấy xác nhận tình trạng hôn nhân";
pub const ID_COPY: &str = "Bản sao giấy tờ tùy thân";
pub const REQUEST_FORM: &str = "Đơn đề nghị cấp giấy phép";

/// A local time in Vietnam.
pub fn vn(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Ho_Chi_Minh
        .with_ymd_and_hms(y, m, d, h, mi, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// A wire timestamp as local Vietnamese time `YYYY-MM-DD HH:MM`.
pub fn local(t: &Option<prost_types::Timestamp>) -> String {
    let t = t.as_ref().expect("timestamp set");
    DateTime::from_timestamp(t.seconds, t.nanos as u32)
        .unwrap()
        .with_timezone(&Ho_Chi_Minh)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn ts(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: 0,
    }
}

pub struct TestDossier {
    pub client: DossierServiceClient<Channel>,
    pub addr: String,
    pub keys: TokenKeys,
    pub clock: Clock,
    pub store: Store,
    pub catalogue_url: String,
    server: Spawned,
    db: FreshDatabase,
    /// Shared by the replicas; it stops with the last of them.
    catalogue: Arc<CatalogueServer>,
}

/// The catalogue the dossier servers read procedures from.
struct CatalogueServer {
    server: Spawned,
    _db: FreshDatabase,
}

fn procedure(
    code: &str,
    name: &str,
    days: f64,
    fee: i64,
    components: &[(&str, bool)],
) -> cat::Procedure {
    cat::Procedure {
        code: code.into(),
        name: name.into(),
        field: Some(cat::Field {
            code: if code == MARRIAGE {
                "ho-tich".into()
            } else {
                "thuong-mai".into()
            },
            name: if code == MARRIAGE {
                "Hộ tịch".into()
            } else {
                "Thương mại".into()
            },
            procedure_count: 0,
        }),
        level: cat::Level::Commune as i32,
        agency: "Ủy ban nhân dân xã Mường Sại".into(),
        processing_days: Some(days),
        fees: vec![cat::Fee {
            name: "Lệ phí".into(),
            amount_vnd: fee,
        }],
        components: components
            .iter()
            .map(|(n, required)| cat::Component {
                name: (*n).into(),
                originals: 1,
                copies: 0,
                required: *required,
                template: String::new(),
            })
            .collect(),
        ..Default::default()
    }
}

/// Starts a catalogue on SQLite with the two test procedures.
async fn start_catalogue(keys: &TokenKeys) -> CatalogueServer {
    let db = FreshDatabase::sqlite("catalogue", 4);
    let api = onestop_catalogue::CatalogueApi::new(
        db.migrate::<onestop_catalogue::Migrator>().await,
        "https://ttpvhcc.test".to_string(),
    );
    let server = spawn_grpc(
        &[onestop_catalogue::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        keys,
    )
    .await;
    let mut client = CatalogueServiceClient::new(server.channel().await);
    let admin = onestop_testkit::token("admin", Role::Admin, "*");
    for p in [
        procedure(
            MARRIAGE,
            "Đăng ký kết hôn",
            5.0,
            0,
            &[
                (FORM_MARRIAGE, true),
                (SINGLE_STATUS, true),
                (ID_COPY, false),
            ],
        ),
        procedure(
            LICENCE,
            "Cấp giấy phép kinh doanh",
            3.0,
            50_000,
            &[(REQUEST_FORM, true)],
        ),
    ] {
        client
            .upsert_procedure(with_token(
                &admin,
                cat::UpsertProcedureRequest {
                    procedure: Some(p),
                    effective_from: None,
                },
            ))
            .await
            .unwrap();
    }
    CatalogueServer { server, _db: db }
}

/// A dossier server over a fresh database, the demo centre registered, clock at `at`.
pub async fn spawn_at(at: DateTime<Utc>) -> TestDossier {
    let keys = onestop_testkit::keys();
    let catalogue = Arc::new(start_catalogue(&keys).await);
    let db = FreshDatabase::new("dossier", 8);
    let clock = Clock::manual(at);
    let mut d = serve_on(db, catalogue, clock, keys).await;
    d.client
        .upsert_center(d.admin(pb::UpsertCenterRequest {
            center: Some(pb::Center {
                id: CENTER.into(),
                unit_code: UNIT.into(),
                name_vi: "Trung tâm Phục vụ hành chính công xã Mường Sại".into(),
                name_en: "Muong Sai Commune Public Administration Service Centre".into(),
                time_zone: "Asia/Ho_Chi_Minh".into(),
                feedback_answer_days: 10,
            }),
        }))
        .await
        .unwrap();
    d
}

async fn serve_on(
    db: FreshDatabase,
    catalogue: Arc<CatalogueServer>,
    clock: Clock,
    keys: TokenKeys,
) -> TestDossier {
    let store = Store::new(db.migrate::<Migrator>().await);
    let catalogue_url = catalogue.server.url.clone();
    let api = DossierApi::new(
        store.clone(),
        &catalogue_url,
        clock.clone(),
        "https://ttpvhcc.test".into(),
        PaymentSettings {
            secret: PAYMENT_SECRET.to_vec(),
            provider_url: "https://pay.test/checkout".into(),
        },
    )
    .unwrap();
    let server = spawn_grpc(
        &[onestop_dossier::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        &keys,
    )
    .await;
    TestDossier {
        client: DossierServiceClient::new(server.channel().await),
        addr: server.url.clone(),
        keys,
        clock,
        store,
        catalogue_url,
        server,
        db,
        catalogue,
    }
}

impl TestDossier {
    /// A second server on the same database and catalogue, sharing the clock.
    pub async fn replica(&self) -> TestDossier {
        serve_on(
            self.db.share(),
            self.catalogue.clone(),
            self.clock.clone(),
            self.keys.clone(),
        )
        .await
    }

    pub fn token(&self, role: Role, who: &str) -> String {
        onestop_testkit::token(who, role, CENTER)
    }

    pub fn as_role<T>(&self, role: Role, who: &str, message: T) -> tonic::Request<T> {
        with_token(&self.token(role, who), message)
    }

    /// As the receptionist Lan.
    pub fn lan<T>(&self, message: T) -> tonic::Request<T> {
        self.as_role(Role::Receptionist, "lan", message)
    }

    /// As the leader Minh.
    pub fn minh<T>(&self, message: T) -> tonic::Request<T> {
        self.as_role(Role::Leader, "minh", message)
    }

    /// As the specialist Hà.
    pub fn ha<T>(&self, message: T) -> tonic::Request<T> {
        self.as_role(Role::Specialist, "ha", message)
    }

    pub fn admin<T>(&self, message: T) -> tonic::Request<T> {
        self.as_role(Role::Admin, "admin", message)
    }

    /// A counter dossier of `procedure` with the given components.
    pub async fn create(&mut self, procedure: &str, components: &[&str]) -> pb::Dossier {
        let request = self.lan(create_request(procedure, components));
        self.client
            .create_dossier(request)
            .await
            .unwrap()
            .into_inner()
    }

    /// Creates with every required component and receives it now.
    pub async fn received(&mut self, procedure: &str) -> pb::Dossier {
        let components: &[&str] = if procedure == MARRIAGE {
            &[FORM_MARRIAGE, SINGLE_STATUS]
        } else {
            &[REQUEST_FORM]
        };
        let d = self.create(procedure, components).await;
        let request = self.lan(pb::ReceiveDossierRequest {
            id: d.id,
            ..Default::default()
        });
        self.client
            .receive_dossier(request)
            .await
            .unwrap()
            .into_inner()
    }

    pub async fn get(&mut self, id: &str) -> pb::Dossier {
        let request = self.lan(pb::GetDossierRequest { id: id.into() });
        self.client.get_dossier(request).await.unwrap().into_inner()
    }

    pub async fn history(&mut self, id: &str) -> Vec<pb::HistoryEntry> {
        let request = self.lan(pb::GetDossierHistoryRequest { id: id.into() });
        self.client
            .get_dossier_history(request)
            .await
            .unwrap()
            .into_inner()
            .entries
    }

    /// Forward (counter), assign to Hà (leader), approve (Hà), sign (leader).
    pub async fn review_and_sign(&mut self, id: &str) -> pb::Dossier {
        let r = self.lan(pb::ForwardDossierRequest {
            id: id.into(),
            department: "Tư pháp – Hộ tịch".into(),
            ..Default::default()
        });
        self.client.forward_dossier(r).await.unwrap();
        let r = self.minh(pb::AssignDossierRequest {
            id: id.into(),
            assignee: "ha".into(),
            ..Default::default()
        });
        self.client.assign_dossier(r).await.unwrap();
        let r = self.ha(pb::RecordReviewRequest {
            id: id.into(),
            outcome: pb::ReviewOutcome::Approve as i32,
            ..Default::default()
        });
        self.client.record_review(r).await.unwrap();
        let r = self.minh(pb::SignResultRequest {
            id: id.into(),
            ..Default::default()
        });
        self.client.sign_result(r).await.unwrap().into_inner()
    }

    pub async fn stop(self) {
        self.server.stop();
        self.db.cleanup().await;
    }
}

pub fn applicant() -> pb::Applicant {
    pb::Applicant {
        full_name: "Lò Thị Xuân".into(),
        citizen_id: "014190004321".into(),
        phone: "0912 345 678".into(),
        email: "xuan.lo@example.vn".into(),
        address: "Bản Sại, xã Mường Sại, tỉnh Sơn La".into(),
    }
}

pub fn create_request(procedure: &str, components: &[&str]) -> pb::CreateDossierRequest {
    pb::CreateDossierRequest {
        center_id: CENTER.into(),
        procedure_code: procedure.into(),
        applicant: Some(applicant()),
        representative: None,
        channel: pb::Channel::Counter as i32,
        provided_components: components.iter().map(|c| c.to_string()).collect(),
        note: String::new(),
        request_id: String::new(),
    }
}
