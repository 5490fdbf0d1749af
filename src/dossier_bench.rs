//! `onestop bench dossier`: loads generated dossiers (1,000,000 by default) into
//! PostgreSQL with their history, then measures `ListDossiers` with the common filters
//! and `DossierStats` for a month and a year over gRPC, beside floors measured in the
//! same run: a primary-key lookup in the database and a gRPC health round trip.

use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use onestop_dossier::{DossierApi, Migrator, PaymentSettings, Store};
use onestop_kit::auth::TokenKeys;
use onestop_kit::database::{DatabaseTarget, connect_and_migrate, drop_schema};
use onestop_kit::server::{ServeOptions, serve};
use onestop_kit::shutdown::Shutdown;
use onestop_kit::{Clock, Role};
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use sea_orm::ConnectionTrait;

const CENTER: &str = "bench-centre";
const DAY_MS: i64 = 86_400_000;

/// Generates `n` dossiers received over the year before `now_ms`, in one centre (the
/// worst case: a province's load in one table and one centre), with their history.
async fn load(store: &Store, n: usize, now_ms: i64) -> anyhow::Result<()> {
    let db = &store.db;
    db.execute_unprepared(&format!(
        "INSERT INTO dossier_centers VALUES ('{CENTER}', 'BENCH', 'Trung tâm thử tải', 'Bench centre', 'Asia/Ho_Chi_Minh', 10)"
    ))
    .await?;
    // one row per dossier: a status mix like a working year (most returned, some open)
    db.execute_unprepared(&format!(
        "INSERT INTO dossiers
         SELECT 'hs_' || lpad(to_hex(i), 16, '0'),
                'BENCH-' || to_char(to_timestamp(created / 1000), 'YYMMDD') || '-' || lpad(i::text, 7, '0'),
                '{CENTER}', '1.' || lpad(p::text, 6, '0'), 1, 'Thủ tục ' || p, 'f' || (p % 15), 5,
                'Công dân ' || i, lpad(i::text, 12, '0'), '', '', 'Mường Sại', '{{}}',
                CASE WHEN c < 30 THEN 'online' WHEN c < 40 THEN 'assisted' ELSE 'counter' END,
                '[]', '[]', 0, 0, status,
                CASE WHEN status IN (9, 10) THEN 5 WHEN status IN (2, 3) THEN 3 ELSE 4 END,
                CASE WHEN status IN (4, 5, 6, 9, 10) THEN 1 ELSE 0 END, 'pending', 0, 0,
                CASE WHEN status IN (4, 5, 6, 9, 10) THEN 'cv' || a ELSE '' END, 'Tư pháp', '[]', '',
                created, created + 600000, created + 5 * {DAY_MS}, created + 5 * {DAY_MS},
                CASE WHEN status IN (9, 10) THEN created + ready END,
                CASE WHEN status = 10 THEN created + ready + {DAY_MS} END,
                CASE WHEN status IN (3, 7, 8) THEN created + {DAY_MS}
                     WHEN status = 10 THEN created + ready + {DAY_MS} END,
                CASE WHEN status IN (9, 10) THEN
                    CASE WHEN ready < 4 * {DAY_MS} THEN 'early' WHEN ready <= 5 * {DAY_MS} THEN 'on_time' ELSE 'late' END
                END,
                CASE WHEN status IN (5, 6) THEN 1 ELSE 0 END,
                'bench-' || i || ' công dân ' || i, 1, created
         FROM (
            SELECT i, p, a, c, ready,
                   {now_ms} - (r * 365 * {DAY_MS})::bigint AS created,
                   CASE WHEN r < 0.015 THEN 2 WHEN r < 0.05 THEN 4
                        WHEN s < 5 THEN 3 WHEN s < 8 THEN 7 WHEN s < 10 THEN 8
                        WHEN s < 12 THEN 5 WHEN s < 14 THEN 6 WHEN s < 20 THEN 9 ELSE 10 END AS status
            FROM (
                SELECT i, random() AS r, floor(random() * 100)::int AS s,
                       floor(random() * 200)::int AS p, floor(random() * 20)::int AS a,
                       floor(random() * 100)::int AS c,
                       (2 * {DAY_MS} + random() * 5 * {DAY_MS})::bigint AS ready
                FROM generate_series(1, {n}) AS i
            ) raw
         ) g"
    ))
    .await?;
    for (seq, transition, at, to, extra) in [
        (1, "create", "created_at", "1", ""),
        (2, "receive", "received_at", "2", ""),
        (
            3,
            "mark_result_ready",
            "result_ready_at",
            "9",
            "AND result_ready_at IS NOT NULL",
        ),
        (
            4,
            "request_supplement",
            "received_at + 3600000",
            "5",
            "AND status = 5",
        ),
    ] {
        let timeliness = if transition == "mark_result_ready" {
            "timeliness"
        } else {
            "NULL"
        };
        db.execute_unprepared(&format!(
            "INSERT INTO dossier_history
             SELECT id, {seq}, center_id, {at}, 'bench', 'receptionist', '{transition}', 0, {to},
                    '', NULL, '', procedure_code, field_code, channel,
                    CASE WHEN assignee = '' THEN 'bench' ELSE assignee END, {timeliness}
             FROM dossiers WHERE center_id = '{CENTER}' {extra}"
        ))
        .await?;
    }
    // what autovacuum does to a table in service: statistics and the visibility map
    db.execute_unprepared("VACUUM ANALYZE dossiers").await?;
    db.execute_unprepared("VACUUM ANALYZE dossier_history")
        .await?;
    Ok(())
}

struct Stats(Histogram<u64>);

impl Stats {
    fn p(&self, q: f64) -> f64 {
        self.0.value_at_quantile(q) as f64 / 1000.0
    }
}

async fn measure<F, Fut>(requests: usize, mut call: F) -> Stats
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut hist = Histogram::<u64>::new(3).expect("histogram");
    for i in 0..requests.min(10) {
        call(i).await;
    }
    for i in 0..requests {
        let t = Instant::now();
        call(i).await;
        hist.record(t.elapsed().as_micros().max(1) as u64)
            .expect("record");
    }
    Stats(hist)
}

fn authed<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ascii"),
    );
    request
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
    load(&store, n, now_ms).await?;
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

    let pk = measure(requests, |i| {
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
    let rtt = measure(requests, |_| {
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
            measure(requests, |i| {
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
            measure(stats_requests, |i| {
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
