//! `onestop bench catalogue`: search and get latency and throughput over a generated
//! catalogue, beside a floor measured in the same run (a gRPC health check round trip
//! on the same server), on SQLite and optionally PostgreSQL.

use std::time::{Duration, Instant};

use onestop_catalogue::{CatalogueApi, Migrator};
use onestop_kit::auth::TokenKeys;
use onestop_kit::database::{DatabaseTarget, connect_and_migrate, drop_schema};
use onestop_kit::server::{ServeOptions, serve};
use onestop_kit::shutdown::Shutdown;
use onestop_proto::catalogue::v1 as pb;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use tonic::transport::Channel;

use super::measure;

const ACTIONS: &[&str] = &[
    "Đăng ký",
    "Cấp",
    "Chứng thực",
    "Xác nhận",
    "Thay đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Hỗ trợ",
];
const OBJECTS: &[&str] = &[
    "khai sinh",
    "kết hôn",
    "khai tử",
    "hộ kinh doanh",
    "quyền sử dụng đất",
    "bản sao từ bản chính",
    "chữ ký",
    "tình trạng hôn nhân",
    "trợ cấp xã hội",
    "giấy phép xây dựng",
    "nuôi con nuôi",
    "giám hộ",
];
const QUERIES: &[&str] = &[
    "dang ky khai sinh",
    "chung thuc ban sao",
    "ho kinh doanh",
    "xac nhan tinh trang hon nhan",
    "giay phep xay dung",
    "tro cap",
    "1.000123",
    "cap",
];
const FIELDS: &[&str] = &[
    "Hộ tịch",
    "Chứng thực",
    "Đất đai",
    "Xây dựng",
    "Bảo trợ xã hội",
    "Người có công",
    "Hộ kinh doanh",
    "Nuôi con nuôi",
    "Giáo dục",
    "Văn hóa",
];

fn generated_catalogue(n: usize) -> Vec<u8> {
    let procedures: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let action = ACTIONS[i % ACTIONS.len()];
            let object = OBJECTS[(i / ACTIONS.len()) % OBJECTS.len()];
            serde_json::json!({
                "code": format!("1.{:06}", i),
                "name": format!("Thủ tục {} {} (trường hợp {})", action.to_lowercase(), object, i),
                "field": {"name": FIELDS[i % FIELDS.len()]},
                "processing_days": (i % 20) as f64 / 2.0,
                "fees": [{"name": "Lệ phí", "amount_vnd": (i % 5) * 10000}],
                "components": [{"name": "Tờ khai theo mẫu", "originals": 1, "copies": 0, "required": true, "template": ""}],
                "steps": ["Nộp hồ sơ", "Tiếp nhận và kiểm tra", "Giải quyết", "Trả kết quả"],
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "procedures": procedures })).expect("json")
}

/// One search with the `i`-th query of the rotation.
async fn search(client: &mut CatalogueServiceClient<Channel>, i: usize) {
    let query = QUERIES[i % QUERIES.len()].to_string();
    client
        .search_procedures(pb::SearchProceduresRequest {
            query,
            page_size: 20,
        })
        .await
        .expect("search");
}

async fn throughput(
    client: &CatalogueServiceClient<Channel>,
    requests: usize,
    tasks: usize,
) -> f64 {
    let start = Instant::now();
    let mut handles = Vec::new();
    for t in 0..tasks {
        let mut client = client.clone();
        handles.push(tokio::spawn(async move {
            for i in 0..requests / tasks {
                search(&mut client, i + t).await;
            }
        }));
    }
    for h in handles {
        h.await.expect("task");
    }
    (requests / tasks * tasks) as f64 / start.elapsed().as_secs_f64()
}

async fn run_backend(
    name: &str,
    target: DatabaseTarget,
    procedures: usize,
    requests: usize,
) -> anyhow::Result<()> {
    let db = connect_and_migrate::<Migrator>(&target).await?;
    let api = CatalogueApi::new(db, "http://localhost:8080");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let keys = TokenKeys::from_secret(&rand_secret());
    let (trigger, shutdown) = Shutdown::new();
    let server = tokio::spawn(serve(
        &[onestop_catalogue::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        listener,
        shutdown.wait(),
        ServeOptions {
            request_timeout: Duration::from_secs(60),
            keys: keys.clone(),
        },
    ));
    let url = format!("http://{addr}");
    let loaded = Instant::now();
    let summary = crate::cli::catalogue::import_bytes(
        &url,
        &keys,
        pb::ImportFormat::Json,
        generated_catalogue(procedures),
        false,
        "bench catalogue",
    )
    .await?;
    anyhow::ensure!(
        summary.applied && summary.created as usize == procedures,
        "bench import failed: {summary:?}"
    );
    println!(
        "[{name}] loaded {procedures} procedures in {:.2} s",
        loaded.elapsed().as_secs_f64()
    );

    let channel = tonic::transport::Endpoint::from_shared(url)?
        .connect()
        .await?;
    let health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let client = CatalogueServiceClient::new(channel);

    let floor = measure(requests, 100, |_| {
        let mut health = health.clone();
        async move {
            health
                .check(tonic_health::pb::HealthCheckRequest {
                    service: String::new(),
                })
                .await
                .expect("health");
        }
    })
    .await;
    let get = measure(requests, 100, |i| {
        let mut client = client.clone();
        let code = format!("1.{:06}", (i * 7919) % procedures);
        async move {
            client
                .get_procedure(pb::GetProcedureRequest { code, version: 0 })
                .await
                .expect("get");
        }
    })
    .await;
    let search = measure(requests, 100, |i| {
        let mut client = client.clone();
        async move { search(&mut client, i).await }
    })
    .await;
    let search_rps = throughput(&client, requests, 8).await;

    println!(
        "[{name}] {:<28} {:>9} {:>9} {:>10} {:>12}",
        "", "p50 ms", "p99 ms", "req/s", "p50 / floor"
    );
    for (label, s) in [
        ("floor: health check", &floor),
        ("GetProcedure", &get),
        ("SearchProcedures", &search),
    ] {
        println!(
            "[{name}] {label:<28} {:>9.3} {:>9.3} {:>10.0} {:>11.2}x",
            s.p(0.5),
            s.p(0.99),
            s.rps(),
            s.p(0.5) / floor.p(0.5)
        );
    }
    println!("[{name}] SearchProcedures, 8 concurrent clients: {search_rps:.0} req/s");
    println!(
        "[{name}] aims: search p99 {:.3} ms (aim < 5 ms); get p50 {:.2}x floor (aim <= 2x)",
        search.p(0.99),
        get.p(0.5) / floor.p(0.5)
    );
    trigger.trigger();
    server.await??;
    Ok(())
}

fn rand_secret() -> Vec<u8> {
    format!(
        "bench-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    )
    .repeat(2)
    .into_bytes()
}

/// Runs the catalogue benchmark on SQLite and, if given, PostgreSQL.
pub async fn run(
    procedures: usize,
    requests: usize,
    postgres_url: Option<String>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        procedures > 0 && requests > 0,
        "--procedures and --requests must be positive"
    );
    let dir = tempfile::tempdir()?;
    let sqlite = DatabaseTarget {
        url: format!("sqlite://{}/catalogue.db?mode=rwc", dir.path().display()),
        schema: None,
        max_connections: 10,
    };
    run_backend("sqlite", sqlite, procedures, requests).await?;
    if let Some(url) = postgres_url {
        let schema = format!("catalogue_bench_{}", std::process::id());
        let target = DatabaseTarget {
            url: url.clone(),
            schema: Some(schema.clone()),
            max_connections: 10,
        };
        let result = run_backend("postgres", target, procedures, requests).await;
        drop_schema(&url, &schema).await?;
        result?;
    }
    Ok(())
}
