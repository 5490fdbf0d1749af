//! Wiring: binds listeners, starts services and the gateway, seeds the demo centre.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use onestop_catalogue::{CatalogueApi, Migrator as CatalogueMigrator};
use onestop_kit::auth::TokenKeys;
use onestop_kit::database::{DatabaseTarget, connect_and_migrate};
use onestop_kit::server::{ServeOptions, serve};
use onestop_kit::shutdown::Shutdown;
use onestop_kit::{Clock, Config, Role};
use onestop_proto::catalogue::v1 as pb;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The demo centre's catalogue, shipped in the repository.
pub const DEMO_CATALOGUE: &[u8] = include_bytes!("../../data/demo/muong-sai/procedures.json");

/// Token keys: the configured secret, or the data folder's (which is made owner-only:
/// it holds the secrets and the SQLite files), refusing revoked token ids.
pub fn keys(config: &Config) -> anyhow::Result<TokenKeys> {
    onestop_kit::private_dir(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    let keys = TokenKeys::load_or_create(config.auth.secret.as_deref(), &config.data_dir)
        .with_context(|| {
            format!(
                "cannot use the token secret (auth.secret or {}/jwt-secret)",
                config.data_dir.display()
            )
        })?;
    Ok(keys.with_revoked(config.auth.revoked_tokens.iter().cloned()))
}

/// The secret citizens' keys are hashed with: the configured one or the data folder's
/// `citizen-key-secret`, generated on first start (the same on every replica).
fn citizen_keys(config: &Config) -> anyhow::Result<onestop_kit::citizen_key::KeyHasher> {
    let secret = onestop_kit::auth::load_or_create_secret(
        config.auth.citizen_key_secret.as_deref(),
        &config.data_dir,
        "citizen-key-secret",
    )
    .with_context(|| {
        format!(
            "cannot use the citizen-key secret (auth.citizen_key_secret or {}/citizen-key-secret)",
            config.data_dir.display()
        )
    })?;
    Ok(onestop_kit::citizen_key::KeyHasher::new(&secret))
}

fn target(config: &Config, service: &str) -> DatabaseTarget {
    let (url, schema) = config.database_for(service);
    DatabaseTarget {
        url,
        schema,
        max_connections: config.database_max_connections,
    }
}

async fn bind(config: &Config, port: u16, what: &str) -> anyhow::Result<TcpListener> {
    let addr = format!("{}:{port}", config.bind_host);
    TcpListener::bind(&addr).await.with_context(|| {
        format!("cannot listen on {addr} for {what}; is it already running? change ports.{what}")
    })
}

fn serve_options(config: &Config, keys: TokenKeys) -> ServeOptions {
    ServeOptions {
        request_timeout: Duration::from_secs(config.request_timeout_secs),
        keys,
    }
}

/// Starts the queue service on `listener`: migrations, the board hub (through Redis
/// when `redis_url` is set) and housekeeping (expiry at closing, long-wait events).
pub async fn start_queue(
    config: &Config,
    keys: TokenKeys,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<JoinHandle<Result<(), tonic::transport::Error>>> {
    let target = target(config, "queue");
    let db = connect_and_migrate::<onestop_queue::Migrator>(&target)
        .await
        .with_context(|| format!("queue database {}", target.url))?;
    let store = onestop_queue::Store::new(db);
    let board = onestop_queue::Board::start(
        store.clone(),
        onestop_queue::BoardOptions {
            redis_url: config.redis_url.clone(),
            // replicas of one deployment share the schema name, so they share channels
            namespace: format!("onestop-{}", target.schema.as_deref().unwrap_or("local")),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("queue board: {e}"))?;
    let api = onestop_queue::QueueApi::new(
        store,
        board,
        Clock::system(),
        config.public_base_url_or_local(),
    )
    .with_retention_days(config.retention.ticket_days)
    .with_key_hasher(citizen_keys(config)?);
    api.spawn_housekeeping(Duration::from_secs(30));
    Ok(tokio::spawn(serve(
        &[onestop_queue::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        listener,
        shutdown.wait(),
        serve_options(config, keys),
    )))
}

/// Starts the catalogue on `listener`.
pub async fn start_catalogue(
    config: &Config,
    keys: TokenKeys,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<JoinHandle<Result<(), tonic::transport::Error>>> {
    let target = target(config, "catalogue");
    let db = connect_and_migrate::<CatalogueMigrator>(&target)
        .await
        .with_context(|| format!("catalogue database {}", target.url))?;
    let api = CatalogueApi::new(db, config.public_base_url.clone());
    Ok(tokio::spawn(serve(
        &[onestop_catalogue::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        listener,
        shutdown.wait(),
        serve_options(config, keys),
    )))
}

fn local_url(addr: SocketAddr) -> String {
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    format!("http://{host}:{}", addr.port())
}

/// Starts the dossier service on `listener`: migrations and the due-date scan; it
/// reaches the catalogue at `catalogue_url` to pin procedure versions.
pub async fn start_dossier(
    config: &Config,
    keys: TokenKeys,
    listener: TcpListener,
    shutdown: Shutdown,
    catalogue_url: &str,
) -> anyhow::Result<JoinHandle<Result<(), tonic::transport::Error>>> {
    let target = target(config, "dossier");
    let db = connect_and_migrate::<onestop_dossier::Migrator>(&target)
        .await
        .with_context(|| format!("dossier database {}", target.url))?;
    let store = onestop_dossier::Store::new(db);
    let secret = onestop_kit::auth::load_or_create_secret(
        config.payment.secret.as_deref(),
        &config.data_dir,
        "payment-secret",
    )
    .with_context(|| {
        format!(
            "cannot read or create {}/payment-secret",
            config.data_dir.display()
        )
    })?;
    let api = onestop_dossier::DossierApi::new(
        store.clone(),
        catalogue_url,
        Clock::system(),
        config.public_base_url_or_local(),
        onestop_dossier::PaymentSettings {
            secret,
            // the demo platform (`/pay`) only when asked; none configured: no online payment
            provider_url: if config.payment.provider_url.is_empty() && !config.payment.demo {
                String::new()
            } else {
                config.payment_provider_url()
            },
        },
    )?
    .with_key_hasher(citizen_keys(config)?);
    onestop_dossier::housekeeping::spawn_retention(
        store.clone(),
        Clock::system(),
        config.retention.dossier_days,
        config.retention.ticket_days,
        Duration::from_secs(3600),
    );
    onestop_dossier::housekeeping::spawn_scan(store, Clock::system(), Duration::from_secs(60));
    Ok(tokio::spawn(serve(
        &[onestop_dossier::SERVICE_NAME],
        tonic::service::Routes::new(api.into_server()),
        listener,
        shutdown.wait(),
        serve_options(config, keys),
    )))
}

/// The payment callbacks' secret for the gateway's demo payment platform (`/pay`), only
/// when `payment.demo` asks for it (`onestop up` does for the demo centre; `onestop serve`
/// never sets it); `None` otherwise.
fn demo_payment_secret(config: &Config) -> anyhow::Result<Option<Vec<u8>>> {
    if !config.payment.demo {
        return Ok(None);
    }
    onestop_kit::auth::load_or_create_secret(
        config.payment.secret.as_deref(),
        &config.data_dir,
        "payment-secret",
    )
    .map(Some)
    .with_context(|| {
        format!(
            "cannot read or create {}/payment-secret",
            config.data_dir.display()
        )
    })
}

/// `config` with the demo payment platform off: `onestop serve` takes real money only.
fn without_demo_payments(mut config: Config) -> Config {
    if config.payment.demo {
        tracing::warn!(
            "payment.demo is ignored by `onestop serve`: \
             the demo payment platform runs only in `onestop up`"
        );
        config.payment.demo = false;
    }
    config
}

/// `onestop up`: every service in one process; with `demo`, the demo catalogue and
/// centre on a first start.
pub async fn up(mut config: Config, demo: bool) -> anyhow::Result<()> {
    // the demo centre pays through the gateway's demo platform (no real money), unless a
    // real platform is configured or the public address is https
    if config.payment.provider_url.is_empty() && !config.public_base_url.starts_with("https://") {
        config.payment.demo = true;
    }
    let keys = keys(&config)?;
    let shutdown = Shutdown::on_signals();
    let catalogue_listener = bind(&config, config.ports.catalogue, "catalogue").await?;
    let queue_listener = bind(&config, config.ports.queue, "queue").await?;
    let dossier_listener = bind(&config, config.ports.dossier, "dossier").await?;
    let gateway_listener = bind(&config, config.ports.gateway, "gateway").await?;
    let catalogue_addr = catalogue_listener.local_addr()?;
    let queue_addr = queue_listener.local_addr()?;
    let dossier_addr = dossier_listener.local_addr()?;
    let gateway_addr = gateway_listener.local_addr()?;
    // links and QR codes open this gateway, whatever port it got, unless configured
    let reach_warning = config.resolve_public_base_url(gateway_addr);
    let catalogue =
        start_catalogue(&config, keys.clone(), catalogue_listener, shutdown.clone()).await?;
    let queue = start_queue(&config, keys.clone(), queue_listener, shutdown.clone()).await?;
    let dossier = start_dossier(
        &config,
        keys.clone(),
        dossier_listener,
        shutdown.clone(),
        &local_url(catalogue_addr),
    )
    .await?;
    let gateway = tokio::spawn(onestop_gateway::serve(
        gateway_listener,
        onestop_gateway::Upstreams {
            catalogue: local_url(catalogue_addr),
            queue: local_url(queue_addr),
            dossier: local_url(dossier_addr),
            kiosk_token: Some(kiosk_token(&keys)),
            payment_secret: demo_payment_secret(&config)?,
            limits: config.gateway.clone(),
            redis_url: config.redis_url.clone(),
            request_timeout_secs: config.request_timeout_secs,
        },
        shutdown.clone().wait(),
    ));
    if demo {
        seed_if_empty(&local_url(catalogue_addr), &keys).await?;
    }
    let centres = centres(
        &keys,
        &local_url(queue_addr),
        &local_url(dossier_addr),
        demo,
    )
    .await?;
    print_banner(&config, &centres, catalogue_addr, queue_addr, dossier_addr);
    if let Some(warning) = reach_warning {
        println!("  lưu ý / note: {warning}");
        println!();
    }
    let (c, q, d, g) = tokio::join!(catalogue, queue, dossier, gateway);
    c??;
    q??;
    d??;
    g??;
    Ok(())
}

/// The centres the queue knows, after applying the demo centre's file to an empty queue
/// when `demo` asks for it: (id, Vietnamese name).
async fn centres(
    keys: &TokenKeys,
    queue: &str,
    dossier: &str,
    demo: bool,
) -> anyhow::Result<Vec<(String, String)>> {
    use onestop_proto::queue::v1 as qpb;
    let mut services = crate::centre::apply::Services {
        queue: qpb::queue_service_client::QueueServiceClient::new(
            crate::cli::client::connect(queue, "queue").await?,
        ),
        dossier: onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient::new(
            crate::cli::client::connect(dossier, "dossier service").await?,
        ),
        token: String::new(),
    };
    let list = |centers: Vec<qpb::Center>| -> Vec<(String, String)> {
        centers
            .into_iter()
            .map(|c| (c.center_id, c.name_vi))
            .collect()
    };
    let known = list(
        services
            .queue
            .list_centers(qpb::ListCentersRequest {})
            .await?
            .into_inner()
            .centers,
    );
    if !known.is_empty() || !demo {
        return Ok(known);
    }
    let file = crate::centre::CentreFile::parse(crate::centre::DEMO_CENTRE)
        .map_err(|e| anyhow::anyhow!("the demo centre file: {}", e[0]))?;
    services.token = cli_token(keys, Role::Admin, &file.id);
    println!("demo centre {} (data/demo/muong-sai/centre.toml):", file.id);
    crate::centre::apply::apply(&mut services, &file, false).await?;
    Ok(vec![(file.id.clone(), file.name_vi.clone())])
}

fn print_banner(
    config: &Config,
    centres: &[(String, String)],
    catalogue: SocketAddr,
    queue: SocketAddr,
    dossier: SocketAddr,
) {
    let web = &config.public_base_url;
    let grpc = catalogue;
    let flag = data_dir_flag(config);
    println!();
    match centres.first() {
        Some((id, name)) => println!("onestop is running — {name} ({id})"),
        None => println!("onestop is running — chưa có trung tâm nào / no centre yet"),
    }
    println!("  data folder        {}", config.data_dir.display());
    println!(
        "  open in a browser  {web}/            tra cứu thủ tục / search the procedure catalogue"
    );
    println!(
        "                     {web}/p/1.001193  trang công khai của thủ tục / a procedure's public page"
    );
    println!("                     {web}/p/1.001193/qr.svg  its QR code");
    for (id, _) in centres {
        println!("                     {web}/kiosk/{id}    máy lấy số / ticket kiosk");
        println!("                     {web}/display/{id}  màn hình gọi số / display screen");
    }
    println!("  gRPC catalogue     {grpc}  (health, reflection: grpcurl -plaintext {grpc} list)");
    println!("  gRPC queue         {queue}");
    println!("  gRPC dossier       {dossier}");
    match centres.first() {
        Some((id, _)) => {
            let center = if id == "muong-sai" {
                String::new()
            } else {
                format!(" --center {id}")
            };
            println!(
                "  staff at a counter onestop staff{flag}{center} --as lan open q1   then: call-next q1, start q1, finish q1 --next"
            );
            println!("  watch the board    onestop staff{flag}{center} board");
            println!(
                "  take a dossier     onestop staff{flag}{center} --as lan dossier create 1.001193 --name \"Lò Văn Páo\" --citizen-id 014090001234 --address \"Bản Sại, xã Mường Sại\" --all-components"
            );
            println!("  admin token        onestop token --role admin --center {id}{flag}");
        }
        None => println!(
            "  set up a centre    onestop centre apply{flag} centre.toml   (example: data/demo/muong-sai/centre.toml)"
        ),
    }
    println!(
        "  try                grpcurl -plaintext -d '{{\"query\":\"dang ky khai sinh\"}}' {grpc} onestop.catalogue.v1.CatalogueService/SearchProcedures"
    );
    if config.payment.demo {
        println!("  Thanh toán thử (không có tiền thật) / demo payments, no real money: {web}/pay");
    }
    println!("  stop               Ctrl-C (drains requests; press twice to exit at once)");
    println!();
}

fn data_dir_flag(config: &Config) -> String {
    if config.data_dir == Config::default().data_dir {
        String::new()
    } else {
        format!(" --data-dir {}", config.data_dir.display())
    }
}

async fn seed_if_empty(server: &str, keys: &TokenKeys) -> anyhow::Result<()> {
    let mut client =
        pb::catalogue_service_client::CatalogueServiceClient::connect(server.to_string()).await?;
    let listed = client
        .list_procedures(pb::ListProceduresRequest {
            page_size: 1,
            ..Default::default()
        })
        .await?;
    if listed.into_inner().total_size == 0 {
        tracing::info!("empty catalogue: importing the demo centre's procedures");
        import_demo(server, keys).await?;
    }
    Ok(())
}

/// Imports the demo catalogue through the import API and prints the summary.
async fn import_demo(server: &str, keys: &TokenKeys) -> anyhow::Result<()> {
    let demo = DEMO_CATALOGUE.to_vec();
    let summary = crate::cli::catalogue::import_bytes(
        server,
        keys,
        pb::ImportFormat::Json,
        demo,
        false,
        "demo catalogue",
    )
    .await?;
    crate::cli::catalogue::print_summary(&summary);
    anyhow::ensure!(summary.applied, "the demo catalogue was refused");
    Ok(())
}

/// `onestop serve catalogue`.
pub async fn serve_catalogue(config: Config) -> anyhow::Result<()> {
    let keys = keys(&config)?;
    let shutdown = Shutdown::on_signals();
    let listener = bind(&config, config.ports.catalogue, "catalogue").await?;
    println!("catalogue listening on {}", listener.local_addr()?);
    start_catalogue(&config, keys, listener, shutdown)
        .await?
        .await??;
    Ok(())
}

/// `onestop serve queue`.
pub async fn serve_queue(config: Config) -> anyhow::Result<()> {
    let keys = keys(&config)?;
    let shutdown = Shutdown::on_signals();
    let listener = bind(&config, config.ports.queue, "queue").await?;
    let addr = listener.local_addr()?;
    let handle = start_queue(&config, keys.clone(), listener, shutdown).await?;
    println!("queue listening on {addr}");
    handle.await??;
    Ok(())
}

/// `onestop serve dossier`.
pub async fn serve_dossier(config: Config) -> anyhow::Result<()> {
    let config = without_demo_payments(config);
    let keys = keys(&config)?;
    let shutdown = Shutdown::on_signals();
    let listener = bind(&config, config.ports.dossier, "dossier").await?;
    let addr = listener.local_addr()?;
    let handle = start_dossier(
        &config,
        keys.clone(),
        listener,
        shutdown,
        &config.catalogue_url(),
    )
    .await?;
    println!("dossier listening on {addr}");
    handle.await??;
    Ok(())
}

/// `onestop serve gateway`.
pub async fn serve_gateway(config: Config) -> anyhow::Result<()> {
    let config = without_demo_payments(config);
    let keys = keys(&config)?;
    let shutdown = Shutdown::on_signals();
    let listener = bind(&config, config.ports.gateway, "gateway").await?;
    println!("gateway listening on {}", local_url(listener.local_addr()?));
    let upstreams = onestop_gateway::Upstreams {
        catalogue: config.catalogue_url(),
        queue: config.queue_url(),
        dossier: config.dossier_url(),
        kiosk_token: Some(kiosk_token(&keys)),
        payment_secret: demo_payment_secret(&config)?,
        limits: config.gateway.clone(),
        redis_url: config.redis_url.clone(),
        request_timeout_secs: config.request_timeout_secs,
    };
    onestop_gateway::serve(listener, upstreams, shutdown.wait()).await?;
    Ok(())
}

/// `onestop migrate`.
pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let catalogue = target(config, "catalogue");
    connect_and_migrate::<CatalogueMigrator>(&catalogue).await?;
    println!("catalogue: migrations applied ({})", catalogue.url);
    let queue = target(config, "queue");
    connect_and_migrate::<onestop_queue::Migrator>(&queue).await?;
    println!("queue: migrations applied ({})", queue.url);
    let dossier = target(config, "dossier");
    connect_and_migrate::<onestop_dossier::Migrator>(&dossier).await?;
    println!("dossier: migrations applied ({})", dossier.url);
    Ok(())
}

/// The token the gateway's kiosk pages issue tickets with (every centre, a year).
fn kiosk_token(keys: &TokenKeys) -> String {
    keys.issue(
        "gateway-kiosk",
        Role::Kiosk,
        "*",
        chrono::Duration::days(365),
    )
}

/// A short-lived token for the CLI's own calls.
pub fn cli_token(keys: &TokenKeys, role: Role, center: &str) -> String {
    keys.issue("onestop-cli", role, center, chrono::Duration::minutes(10))
}

/// `onestop seed`: imports the demo catalogue through the import API.
pub async fn seed(config: &Config, server: Option<String>) -> anyhow::Result<()> {
    let keys = keys(config)?;
    match server {
        Some(server) => import_demo(&server, &keys).await,
        None => {
            let (trigger, shutdown) = Shutdown::new();
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            let handle = start_catalogue(config, keys.clone(), listener, shutdown).await?;
            let result = import_demo(&local_url(addr), &keys).await;
            trigger.trigger();
            handle.await??;
            result
        }
    }
}
