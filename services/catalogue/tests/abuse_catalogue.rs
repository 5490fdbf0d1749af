//! Attacks on the catalogue that must fail and change nothing: one commune's admin
//! changing the catalogue every centre shares, searches built to stall the process,
//! oversized procedures and messages.

mod common;

use std::time::{Duration, Instant};

use common::{spawn_catalogue, with_token};
use onestop_kit::Role;
use onestop_proto::catalogue::v1 as pb;
use tonic::Code;

fn procedure(code: &str, name: &str) -> pb::Procedure {
    pb::Procedure {
        code: code.into(),
        name: name.into(),
        field: Some(pb::Field {
            name: "Hộ tịch".into(),
            ..Default::default()
        }),
        level: pb::Level::Commune.into(),
        agency: "Ủy ban nhân dân xã".into(),
        processing_days: Some(1.0),
        ..Default::default()
    }
}

fn upsert(p: pb::Procedure) -> pb::UpsertProcedureRequest {
    pb::UpsertProcedureRequest {
        procedure: Some(p),
        effective_from: None,
    }
}

async fn versions(c: &common::TestCatalogue, code: &str) -> Vec<(i32, bool)> {
    match c
        .client
        .clone()
        .list_procedure_versions(pb::ListProcedureVersionsRequest { code: code.into() })
        .await
    {
        Ok(r) => r
            .into_inner()
            .versions
            .into_iter()
            .map(|p| (p.version, p.retired))
            .collect(),
        Err(s) if s.code() == Code::NotFound => Vec::new(),
        Err(s) => panic!("{s:?}"),
    }
}

#[tokio::test]
async fn one_communes_admin_cannot_change_the_shared_catalogue() {
    let catalogue = spawn_catalogue().await;
    let hour = chrono::Duration::hours(1);
    let all_centres = catalogue.keys.issue("so-noi-vu", Role::Province, "*", hour);
    let mut client = catalogue.client.clone();
    client
        .upsert_procedure(with_token(
            &all_centres,
            upsert(procedure("1.001193", "Thủ tục đăng ký khai sinh")),
        ))
        .await
        .expect("the province maintains the catalogue");
    let before = versions(&catalogue, "1.001193").await;
    assert_eq!(before, vec![(1, false)]);

    let commune = catalogue.keys.issue("eve", Role::Admin, "muong-sai", hour);
    let err = client
        .upsert_procedure(with_token(
            &commune,
            upsert(procedure("1.001193", "Đã bị sửa")),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    assert!(err.message().contains("all-centres"), "{err:?}");
    let err = client
        .retire_procedure(with_token(
            &commune,
            pb::RetireProcedureRequest {
                code: "1.001193".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let mut import = tonic::Request::new(futures::stream::iter(vec![pb::ImportProceduresChunk {
        format: pb::ImportFormat::Json.into(),
        data: br#"{"procedures": []}"#.to_vec(),
        dry_run: false,
    }]));
    import.metadata_mut().insert(
        "authorization",
        format!("Bearer {commune}").parse().unwrap(),
    );
    assert_eq!(
        client.import_procedures(import).await.unwrap_err().code(),
        Code::PermissionDenied
    );
    assert_eq!(
        versions(&catalogue, "1.001193").await,
        before,
        "nothing changed"
    );
    catalogue.stop().await;
}

#[tokio::test]
async fn a_search_built_to_stall_is_refused_at_once_and_others_are_served() {
    let catalogue = spawn_catalogue().await;
    let mut client = catalogue.client.clone();
    // long runs of combining marks make a full Unicode normalisation quadratic
    let attack = format!("a{}", "\u{0301}\u{0323}".repeat(50_000));
    let mut handles = Vec::new();
    for _ in 0..4 {
        let mut c = client.clone();
        let q = attack.clone();
        handles.push(tokio::spawn(async move {
            let started = Instant::now();
            let err = c
                .search_procedures(pb::SearchProceduresRequest {
                    query: q,
                    page_size: 10,
                })
                .await
                .unwrap_err();
            (err, started.elapsed())
        }));
    }
    // meanwhile an ordinary citizen's search is answered promptly
    let started = Instant::now();
    client
        .search_procedures(pb::SearchProceduresRequest {
            query: "khai sinh".into(),
            page_size: 5,
        })
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    for h in handles {
        let (err, took) = h.await.unwrap();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert!(err.message().contains("query"), "{err:?}");
        assert!(took < Duration::from_secs(2), "refused in {took:?}");
    }
    catalogue.stop().await;
}

#[tokio::test]
async fn oversized_procedures_are_refused_by_field_and_huge_messages_before_decoding() {
    let catalogue = spawn_catalogue().await;
    let token = catalogue
        .keys
        .issue("so-noi-vu", Role::Province, "*", chrono::Duration::hours(1));
    let mut client = catalogue.client.clone();
    let mut long = procedure("1.001193", &"Đăng ký ".repeat(1000));
    long.steps = vec!["bước".into(); 500];
    long.legal_basis = vec!["x".repeat(5000)];
    let err = client
        .upsert_procedure(with_token(&token, upsert(long)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    for field in [
        "procedure.name",
        "procedure.steps",
        "procedure.legal_basis[0]",
    ] {
        assert!(err.message().contains(field), "{field} not named: {err:?}");
    }
    let huge = procedure("1.001193", &"x".repeat(3 * 1024 * 1024));
    let err = client
        .upsert_procedure(with_token(&token, upsert(huge)))
        .await
        .unwrap_err();
    assert!(
        matches!(err.code(), Code::OutOfRange | Code::ResourceExhausted),
        "{err:?}"
    );
    let err = client
        .get_procedure(pb::GetProcedureRequest {
            code: "1".repeat(10_000),
            version: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert!(
        versions(&catalogue, "1.001193").await.is_empty(),
        "nothing stored"
    );
    catalogue.stop().await;
}
