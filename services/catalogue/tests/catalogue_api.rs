//! The catalogue through its generated gRPC client, on SQLite — or on PostgreSQL when
//! `ONESTOP_TEST_POSTGRES_URL` is set (the same storage contract suite).

mod common;

use common::{BASE_URL, spawn_catalogue, with_token};
use onestop_kit::Role;
use onestop_kit::error::violations_of;
use onestop_proto::catalogue::v1 as pb;
use tonic::Code;

fn procedure(code: &str, name: &str, field: &str, days: Option<f64>) -> pb::Procedure {
    pb::Procedure {
        code: code.into(),
        name: name.into(),
        field: Some(pb::Field {
            code: String::new(),
            name: field.into(),
            procedure_count: 0,
        }),
        level: pb::Level::Commune.into(),
        agency: "Ủy ban nhân dân xã Mường Sại".into(),
        processing_days: days,
        fees: vec![pb::Fee {
            name: "Lệ phí".into(),
            amount_vnd: 0,
        }],
        ..Default::default()
    }
}

fn upsert(p: pb::Procedure) -> pb::UpsertProcedureRequest {
    pb::UpsertProcedureRequest {
        procedure: Some(p),
        effective_from: None,
    }
}

const SAMPLE_JSON: &str = r#"{"procedures": [
  {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "field": {"name": "Hộ tịch"}, "processing_days": 0,
   "fees": [{"name": "Lệ phí", "amount_vnd": 0}], "components": [{"name": "Tờ khai đăng ký khai sinh theo mẫu", "originals": 1, "copies": 0, "required": true, "template": "Tờ khai đăng ký khai sinh"}]},
  {"code": "1.003583", "name": "Thủ tục đăng ký khai sinh lưu động", "field": {"name": "Hộ tịch"}, "processing_days": 5},
  {"code": "1.004884", "name": "Thủ tục đăng ký lại khai sinh", "field": {"name": "Hộ tịch"}},
  {"code": "1.000656", "name": "Thủ tục đăng ký khai tử", "field": {"name": "Hộ tịch"}, "processing_days": 0},
  {"code": "1.000894", "name": "Thủ tục đăng ký kết hôn", "field": {"name": "Hộ tịch"}, "processing_days": 0},
  {"code": "2.000815", "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "field": {"name": "Chứng thực"}, "processing_days": 0.5},
  {"code": "1.001612", "name": "Đăng ký thành lập hộ kinh doanh", "field": {"name": "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)"}, "processing_days": 3, "level": "xã"}
]}"#;

async fn import(
    catalogue: &mut common::TestCatalogue,
    role: Role,
    format: pb::ImportFormat,
    data: &str,
    dry_run: bool,
) -> Result<pb::ImportSummary, tonic::Status> {
    let bytes = data.as_bytes().to_vec();
    // split into several chunks, as a client streaming a large file would
    let chunks: Vec<pb::ImportProceduresChunk> = bytes
        .chunks(97)
        .map(|c| pb::ImportProceduresChunk {
            format: format.into(),
            data: c.to_vec(),
            dry_run,
        })
        .collect();
    let request = catalogue.as_role(role, futures::stream::iter(chunks));
    catalogue
        .client
        .clone()
        .import_procedures(request)
        .await
        .map(|r| r.into_inner())
}

async fn seeded() -> common::TestCatalogue {
    let mut catalogue = spawn_catalogue().await;
    let summary = import(
        &mut catalogue,
        Role::Admin,
        pb::ImportFormat::Json,
        SAMPLE_JSON,
        false,
    )
    .await
    .unwrap();
    assert!(summary.applied, "{summary:?}");
    assert_eq!(summary.created, 7);
    catalogue
}

async fn search(catalogue: &common::TestCatalogue, query: &str) -> Vec<String> {
    let response = catalogue
        .client
        .clone()
        .search_procedures(pb::SearchProceduresRequest {
            query: query.into(),
            page_size: 0,
        })
        .await
        .unwrap()
        .into_inner();
    response.procedures.into_iter().map(|p| p.code).collect()
}

#[tokio::test]
async fn search_without_diacritics_finds_birth_registration_first() {
    let catalogue = seeded().await;
    let hits = search(&catalogue, "dang ky khai sinh").await;
    assert_eq!(
        hits[0],
        "1.001193",
        "backend {}: {hits:?}",
        common::backend()
    );
    assert_eq!(hits[..3], ["1.001193", "1.003583", "1.004884"]);
    assert_eq!(
        search(&catalogue, "CHỨNG THỰC bản sao").await[0],
        "2.000815"
    );
    assert_eq!(search(&catalogue, "1.000894").await, ["1.000894"]);
    assert!(search(&catalogue, "xyzzy").await.is_empty());
    let err = catalogue
        .client
        .clone()
        .search_procedures(pb::SearchProceduresRequest {
            query: " ".into(),
            page_size: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(violations_of(&err)[0].0, "query");
    catalogue.stop().await;
}

#[tokio::test]
async fn get_procedure_current_unknown_and_malformed() {
    let catalogue = seeded().await;
    let mut client = catalogue.client.clone();
    let p = client
        .get_procedure(pb::GetProcedureRequest {
            code: "1.001193".into(),
            version: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(p.name, "Thủ tục đăng ký khai sinh");
    assert_eq!(p.field.as_ref().unwrap().code, "ho-tich");
    assert_eq!(p.processing_days, Some(0.0));
    assert_eq!(p.components[0].template, "Tờ khai đăng ký khai sinh");
    assert_eq!(p.public_url, format!("{BASE_URL}/p/1.001193"));
    assert!(p.effective_from.is_some() && p.effective_to.is_none());

    let none = client
        .get_procedure(pb::GetProcedureRequest {
            code: "1.999999".into(),
            version: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(none.code(), Code::NotFound);
    for bad in ["", "khai sinh", "1.00119"] {
        let err = client
            .get_procedure(pb::GetProcedureRequest {
                code: bad.into(),
                version: 0,
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{bad:?}");
        assert_eq!(violations_of(&err)[0].0, "code");
    }
    let v9 = client
        .get_procedure(pb::GetProcedureRequest {
            code: "1.001193".into(),
            version: 9,
        })
        .await
        .unwrap_err();
    assert_eq!(v9.code(), Code::NotFound);
    catalogue.stop().await;
}

#[tokio::test]
async fn changes_make_versions_and_unchanged_content_makes_none() {
    let catalogue = spawn_catalogue().await;
    let mut client = catalogue.client.clone();
    let first = procedure("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch", Some(0.0));
    let created = client
        .upsert_procedure(catalogue.as_role(Role::Admin, upsert(first.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.outcome(), pb::UpsertOutcome::Created);
    assert_eq!(created.procedure.as_ref().unwrap().version, 1);

    let again = client
        .upsert_procedure(catalogue.as_role(Role::Admin, upsert(first.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.outcome(), pb::UpsertOutcome::Unchanged);
    assert_eq!(again.procedure.unwrap().version, 1);

    let mut changed = first.clone();
    changed.processing_days = Some(3.0);
    let v2 = client
        .upsert_procedure(catalogue.as_role(Role::Admin, upsert(changed)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(v2.outcome(), pb::UpsertOutcome::NewVersion);
    let v2 = v2.procedure.unwrap();
    assert_eq!(v2.version, 2);

    let versions = client
        .list_procedure_versions(pb::ListProcedureVersionsRequest {
            code: "1.000894".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .versions;
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[0].effective_to, v2.effective_from,
        "the old version ends where the new one starts"
    );
    assert_eq!(versions[0].processing_days, Some(0.0));
    let current = client
        .get_procedure(pb::GetProcedureRequest {
            code: "1.000894".into(),
            version: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((current.version, current.processing_days), (2, Some(3.0)));
    let old = client
        .get_procedure(pb::GetProcedureRequest {
            code: "1.000894".into(),
            version: 1,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(old.processing_days, Some(0.0));
    catalogue.stop().await;
}

#[tokio::test]
async fn bad_upserts_name_the_field_and_change_nothing() {
    let catalogue = seeded().await;
    let mut client = catalogue.client.clone();
    let mut bad = procedure("1.001193", "", "Hộ tịch", Some(1.25));
    bad.fees = vec![pb::Fee {
        name: "Lệ phí".into(),
        amount_vnd: -5,
    }];
    let err = client
        .upsert_procedure(catalogue.as_role(Role::Admin, upsert(bad)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let fields: Vec<_> = violations_of(&err).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        [
            "procedure.name",
            "procedure.processing_days",
            "procedure.fees[0].amount_vnd"
        ]
    );
    let versions = client
        .list_procedure_versions(pb::ListProcedureVersionsRequest {
            code: "1.001193".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .versions;
    assert_eq!(versions.len(), 1, "nothing changed");
    catalogue.stop().await;
}

#[tokio::test]
async fn list_pages_are_stable_and_survive_inserts() {
    let catalogue = spawn_catalogue().await;
    let mut client = catalogue.client.clone();
    for i in 0..25 {
        let p = procedure(
            &format!("1.{:06}", 100 + i * 2),
            &format!("Thủ tục mẫu {i}"),
            if i % 2 == 0 {
                "Hộ tịch"
            } else {
                "Chứng thực"
            },
            Some(1.0),
        );
        client
            .upsert_procedure(catalogue.as_role(Role::Admin, upsert(p)))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = client
            .list_procedures(pb::ListProceduresRequest {
                field_code: String::new(),
                level: 0,
                page_size: 10,
                page_token: token.clone(),
            })
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        assert!(page.total_size >= 25);
        seen.extend(page.procedures.into_iter().map(|p| p.code));
        if pages == 1 {
            // an insert before the cursor and one after it, between two pages
            for code in ["1.000101", "1.000999"] {
                client
                    .upsert_procedure(catalogue.as_role(
                        Role::Admin,
                        upsert(procedure(code, "Chen giữa", "Hộ tịch", None)),
                    ))
                    .await
                    .unwrap();
            }
        }
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "in code order, nothing twice");
    for i in 0..25 {
        assert!(
            seen.contains(&format!("1.{:06}", 100 + i * 2)),
            "nothing skipped"
        );
    }
    assert!(
        seen.contains(&"1.000999".to_string()),
        "a later insert after the cursor appears"
    );

    let civil = client
        .list_procedures(pb::ListProceduresRequest {
            field_code: "ho-tich".into(),
            level: pb::Level::Commune.into(),
            page_size: 100,
            page_token: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(civil.total_size, 15);
    assert!(
        civil
            .procedures
            .iter()
            .all(|p| p.field.as_ref().unwrap().code == "ho-tich")
    );

    let fields = client
        .list_fields(pb::ListFieldsRequest {})
        .await
        .unwrap()
        .into_inner()
        .fields;
    let counts: Vec<_> = fields
        .iter()
        .map(|f| (f.name.as_str(), f.procedure_count))
        .collect();
    assert_eq!(counts, [("Chứng thực", 12), ("Hộ tịch", 15)]);

    let err = client
        .list_procedures(pb::ListProceduresRequest {
            field_code: "chung-thuc".into(),
            level: 0,
            page_size: 10,
            page_token: token,
        })
        .await
        .unwrap_err();
    assert_eq!(violations_of(&err)[0].0, "page_token");
    catalogue.stop().await;
}

#[tokio::test]
async fn retired_procedures_leave_search_and_lists_but_keep_history() {
    let catalogue = seeded().await;
    let mut client = catalogue.client.clone();
    let retired = client
        .retire_procedure(catalogue.as_role(
            Role::Admin,
            pb::RetireProcedureRequest {
                code: "1.003583".into(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(retired.retired && retired.effective_to.is_some());
    assert!(
        !search(&catalogue, "khai sinh luu dong")
            .await
            .contains(&"1.003583".to_string())
    );
    let current = client
        .get_procedure(pb::GetProcedureRequest {
            code: "1.003583".into(),
            version: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(current.code(), Code::NotFound);
    assert!(
        client
            .get_procedure(pb::GetProcedureRequest {
                code: "1.003583".into(),
                version: 1
            })
            .await
            .is_ok()
    );
    let twice = client
        .retire_procedure(catalogue.as_role(
            Role::Admin,
            pb::RetireProcedureRequest {
                code: "1.003583".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(twice.code(), Code::FailedPrecondition);
    catalogue.stop().await;
}

#[tokio::test]
async fn qr_codes_open_the_public_page() {
    let catalogue = seeded().await;
    let mut client = catalogue.client.clone();
    let svg = client
        .get_procedure_qr(pb::GetProcedureQrRequest {
            code: "1.001193".into(),
            format: pb::QrFormat::Svg.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(svg.content_type, "image/svg+xml");
    assert_eq!(svg.url, format!("{BASE_URL}/p/1.001193"));
    assert!(String::from_utf8(svg.data).unwrap().contains("<svg"));
    let png = client
        .get_procedure_qr(pb::GetProcedureQrRequest {
            code: "1.001193".into(),
            format: pb::QrFormat::Png.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(png.content_type, "image/png");
    assert_eq!(&png.data[..4], b"\x89PNG");
    let missing = client
        .get_procedure_qr(pb::GetProcedureQrRequest {
            code: "1.999999".into(),
            format: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    catalogue.stop().await;
}

#[tokio::test]
async fn imports_are_all_or_nothing_with_a_summary() {
    let mut catalogue = spawn_catalogue().await;
    let csv = "code,name,field_name,processing_days,fees\n\
               1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,0,Lệ phí:0\n\
               1.0011,Hỏng,Hộ tịch,1,\n\
               2.000815,Chứng thực bản sao,Chứng thực,half,\n";
    let summary = import(
        &mut catalogue,
        Role::Admin,
        pb::ImportFormat::Csv,
        csv,
        false,
    )
    .await
    .unwrap();
    assert!(!summary.applied);
    let rejected: Vec<_> = summary
        .rejected
        .iter()
        .map(|r| (r.line, r.field.as_str()))
        .collect();
    assert_eq!(rejected, [(3, "code"), (4, "processing_days")]);
    let listed = catalogue
        .client
        .clone()
        .list_procedures(pb::ListProceduresRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.total_size, 0, "a rejected file writes nothing");

    let dry = import(
        &mut catalogue,
        Role::Admin,
        pb::ImportFormat::Json,
        SAMPLE_JSON,
        true,
    )
    .await
    .unwrap();
    assert_eq!((dry.created, dry.applied), (7, false));
    let first = import(
        &mut catalogue,
        Role::Admin,
        pb::ImportFormat::Json,
        SAMPLE_JSON,
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        (
            first.created,
            first.new_versions,
            first.unchanged,
            first.applied
        ),
        (7, 0, 0, true)
    );
    let changed = SAMPLE_JSON.replace("\"processing_days\": 5", "\"processing_days\": 4");
    let second = import(
        &mut catalogue,
        Role::Admin,
        pb::ImportFormat::Json,
        &changed,
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        (second.created, second.new_versions, second.unchanged),
        (0, 1, 6)
    );
    catalogue.stop().await;
}

#[tokio::test]
async fn writes_need_an_admin_token() {
    let mut catalogue = spawn_catalogue().await;
    let mut client = catalogue.client.clone();
    let p = procedure(
        "1.001193",
        "Thủ tục đăng ký khai sinh",
        "Hộ tịch",
        Some(0.0),
    );

    let anonymous = client
        .upsert_procedure(upsert(p.clone()))
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    let receptionist = client
        .upsert_procedure(catalogue.as_role(Role::Receptionist, upsert(p.clone())))
        .await
        .unwrap_err();
    assert_eq!(receptionist.code(), Code::PermissionDenied);
    let expired = catalogue.keys.issue(
        "old",
        Role::Admin,
        "muong-sai",
        chrono::Duration::minutes(-10),
    );
    let err = client
        .upsert_procedure(with_token(&expired, upsert(p.clone())))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let forged = onestop_kit::auth::TokenKeys::from_secret(b"someone-else-someone-else-someone")
        .issue("x", Role::Admin, "*", chrono::Duration::hours(1));
    let err = client
        .upsert_procedure(with_token(&forged, upsert(p.clone())))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let err = client
        .retire_procedure(catalogue.as_role(
            Role::Kiosk,
            pb::RetireProcedureRequest {
                code: "1.001193".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = import(
        &mut catalogue,
        Role::Province,
        pb::ImportFormat::Json,
        SAMPLE_JSON,
        false,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);

    // reads are public, and a valid admin write goes through
    assert!(client.list_fields(pb::ListFieldsRequest {}).await.is_ok());
    assert!(
        client
            .upsert_procedure(catalogue.as_role(Role::Admin, upsert(p)))
            .await
            .is_ok()
    );
    catalogue.stop().await;
}

#[tokio::test]
async fn health_answers_for_the_service() {
    let catalogue = spawn_catalogue().await;
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", catalogue.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    for service in ["", onestop_catalogue::SERVICE_NAME] {
        let status = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status();
        assert_eq!(
            status,
            tonic_health::pb::health_check_response::ServingStatus::Serving
        );
    }
    catalogue.stop().await;
}

#[tokio::test]
async fn a_replica_sees_writes_made_through_another() {
    let primary = seeded().await;
    let replica = primary.replica().await;
    assert_eq!(search(&replica, "dang ky khai sinh").await[0], "1.001193");

    let new = procedure(
        "1.999001",
        "Đăng ký khai sinh cho trẻ em sinh ra ở nước ngoài",
        "Hộ tịch",
        Some(3.0),
    );
    primary
        .client
        .clone()
        .upsert_procedure(primary.as_role(Role::Admin, upsert(new)))
        .await
        .unwrap();
    primary
        .client
        .clone()
        .retire_procedure(primary.as_role(
            Role::Admin,
            pb::RetireProcedureRequest {
                code: "1.001193".into(),
            },
        ))
        .await
        .unwrap();

    let hits = search(&replica, "dang ky khai sinh").await;
    assert!(hits.contains(&"1.999001".to_string()), "{hits:?}");
    assert!(!hits.contains(&"1.001193".to_string()), "{hits:?}");
    replica.stop().await;
    primary.stop().await;
}
