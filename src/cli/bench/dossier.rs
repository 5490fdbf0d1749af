//! `onestop bench dossier`: loads generated dossiers (1,000,000 by default) into
//! PostgreSQL with their history, then measures `ListDossiers` with the common filters
//! and `DossierStats` for a month and a year over gRPC, beside floors measured in the
//! same run: a primary-key lookup in the database and a gRPC health round trip.

use std::time::{Duration, Instant};

use super::measure;
use onestop_dossier::{DossierApi, Migrator, PaymentSettings, Store};
use onestop_kit::auth::TokenKeys;
use onestop_kit::database::{DatabaseTarget, connect_and_migrate, drop_schema};
use onestop_kit::server::{ServeOptions, serve};
use onestop_kit::shutdown::Shutdown;
use onestop_kit::{Clock, Role};
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;

const CENTER: &str = "bench-centre";
const DAY_MS: i64 = 86_400_000;

fn authed<T>(token: &str, message: T) -> tonic::Request<T> {
    onestop_kit::client::authorized(token, message)
}

fn ts(ms: i64) -> Option<prost_types::Timestamp> {
    Some(onestop_kit::wire::ts(ms))
}

/// Runs the dossier benchmark on PostgreSQL at `url` (a temporary schema, dropped after).
pub async fn run(dossiers: usize, requests: usize, url: Option<String>) -> anyhow::Result<()> {
    let url = url.ok_or_else(|| {
        anyhow::anyhow!("the dossier benchmark runs on PostgreSQL: give --postgres-url (or ONESTOP_BENCH_POSTGRES_URL)")
    })?;
    anyhow::ensure!(
        dossiers > 0 && requests > 0,
        "--dossiers and --requests must be positive"
    );
    let schema = format!("dossier_bench_{}", std::process::id());
    let target = DatabaseTarget {
        url: url.clone(),
        schema: Some(schema.clone()),
        max_connections: 10,
    };
    let result = run_on(target, dossiers, requests).await;
    drop_schema(&url, &schema).await?;
    result
}

async fn run_on(target: DatabaseTarget, n: usize, requests: usize) -> anyhow::Result<()> {
    let db = connect_and_migrate::<Migrator>(&target).await?;
    let store = Store::new(db);
    let now_ms = chrono::Utc::now().timestamp_millis();
    let started = Instant::now();
    onestop_dossier::store::synthetic::generate(&store, CENTER, n, now_ms).await?;
    println!(
        "[postgres] loaded {n} dossiers and their history in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let keys = TokenKeys::from_secret(format!("bench-{}", std::process::id()).repeat(4).as_bytes());
    let api = DossierApi::new(
        store.clone(),
        "http://127.0.0.1:9",
        Clock::system(),
        "http://localhost:8080".into(),
        PaymentSettings {
            secret: b"bench".to_vec(),
            provider_url: "http://localhost:8080/pay".into(),
        },
    )?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = format!("http://{}", listener.local_addr()?);
    let (trigger, shutdown) = Shutdown::new();
    let server = tokio::spawn(serve(
        &[onestop_dossier::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        listener,
        shutdown.wait(),
        ServeOptions {
            request_timeout: Duration::from_secs(120),
            keys: keys.clone(),
        },
    ));
    let channel = tonic::transport::Endpoint::from_shared(addr)?
        .connect()
        .await?;
    let health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let client = DossierServiceClient::new(channel);
    let token = keys.issue("bench", Role::Leader, CENTER, chrono::Duration::hours(4));

    let pk = measure(requests, 10, |i| {
        let store = store.clone();
        let id = format!("hs_{:016x}", 1 + (i * 7919) % n);
        async move {
            onestop_dossier::store::read::by_id(&store, &id)
                .await
                .expect("pk")
                .expect("row");
        }
    })
    .await;
    let rtt = measure(requests, 10, |_| {
        let mut health = health.clone();
        async move {
            health
                .check(tonic_health::pb::HealthCheckRequest::default())
                .await
                .expect("health");
        }
    })
    .await;
    let list = |filter: fn(usize) -> pb::ListDossiersRequest| {
        let client = client.clone();
        let token = token.clone();
        async move {
            measure(requests, 10, |i| {
                let mut client = client.clone();
                let request = authed(&token, filter(i));
                async move {
                    let page = client
                        .list_dossiers(request)
                        .await
                        .expect("list")
                        .into_inner();
                    assert!(!page.dossiers.is_empty(), "the filter finds dossiers");
                }
            })
            .await
        }
    };
    fn req() -> pb::ListDossiersRequest {
        pb::ListDossiersRequest {
            center_id: CENTER.into(),
            page_size: 50,
            ..Default::default()
        }
    }
    let by_status = list(|i| pb::ListDossiersRequest {
        status: [4, 2, 9, 5][i % 4],
        ..req()
    })
    .await;
    let overdue = list(|_| pb::ListDossiersRequest {
        overdue: true,
        ..req()
    })
    .await;
    let by_assignee = list(|i| pb::ListDossiersRequest {
        assignee: format!("cv{}", i % 20),
        ..req()
    })
    .await;
    let by_assignee_open = list(|i| pb::ListDossiersRequest {
        assignee: format!("cv{}", i % 20),
        status: 4,
        ..req()
    })
    .await;
    let by_procedure = list(|i| pb::ListDossiersRequest {
        procedure_code: format!("1.{:06}", (i * 37) % 200),
        ..req()
    })
    .await;
    let stats_requests = (requests / 10).max(5);
    let stats = |days: i64| {
        let client = client.clone();
        let token = token.clone();
        async move {
            measure(stats_requests, 10, |i| {
                let mut client = client.clone();
                let to = now_ms - (i as i64 % 6) * 30 * DAY_MS;
                let request = authed(
                    &token,
                    pb::DossierStatsRequest {
                        center_id: CENTER.into(),
                        from: ts(to - days * DAY_MS),
                        to: ts(to),
                        group_by: ["", "procedure", "channel", "handler"][i % 4].into(),
                    },
                );
                async move {
                    let s = client
                        .dossier_stats(request)
                        .await
                        .expect("stats")
                        .into_inner();
                    assert!(s.total.expect("total").received > 0);
                }
            })
            .await
        }
    };
    let month = stats(30).await;
    let year = stats(365).await;

    println!(
        "[postgres] {:<44} {:>9} {:>9} {:>13}",
        "", "p50 ms", "p99 ms", "p99 / pk p99"
    );
    for (label, s) in [
        ("floor: primary-key lookup (database)", &pk),
        ("floor: gRPC health round trip", &rtt),
        ("ListDossiers status (page of 50)", &by_status),
        ("ListDossiers overdue (most urgent first)", &overdue),
        ("ListDossiers assignee", &by_assignee),
        ("ListDossiers assignee + status 4", &by_assignee_open),
        ("ListDossiers procedure", &by_procedure),
        ("DossierStats, a month", &month),
        ("DossierStats, a year", &year),
    ] {
        println!(
            "[postgres] {label:<44} {:>9.2} {:>9.2} {:>12.1}x",
            s.p(0.5),
            s.p(0.99),
            s.p(0.99) / pk.p(0.99)
        );
    }
    let worst_list = [
        &by_status,
        &overdue,
        &by_assignee,
        &by_assignee_open,
        &by_procedure,
    ]
    .iter()
    .map(|s| s.p(0.99))
    .fold(0.0, f64::max);
    println!(
        "[postgres] aims: list p99 {worst_list:.1} ms (aim < 50 ms); monthly stats p99 {:.1} ms (aim < 200 ms)",
        month.p(0.99)
    );
    trigger.trigger();
    server.await??;
    Ok(())
}
