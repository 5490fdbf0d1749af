//! The `onestop` command: run the suite (`up`), one service (`serve`), migrations,
//! demo data, imports, tokens and benchmarks.

mod bench;
mod demo_dossier;
mod demo_queue;
mod dossier_bench;
mod import;
mod queue_bench;
mod runtime;
mod staff;
mod staff_dossier;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use onestop_kit::{Config, Role};

/// onestop — Trung tâm Phục vụ hành chính công / Public Administration Service Centre suite.
#[derive(Parser, Debug)]
#[command(name = "onestop", version, about)]
struct Cli {
    /// Configuration file (default: ./onestop.toml if present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data folder for SQLite files and the signing secret (default ./onestop-data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Runs every service in one process on the embedded defaults; seeds demo data on first start.
    Up,
    /// Runs one service.
    Serve {
        /// Which service.
        service: ServiceName,
    },
    /// Applies every service's database migrations.
    Migrate,
    /// Imports the demo centre's catalogue (muong-sai) through the catalogue's import API.
    Seed {
        /// A running catalogue server; without it, one is started in-process for the import.
        #[arg(long)]
        server: Option<String>,
    },
    /// The staff client of the queue floor (counters, calls, the board), over gRPC.
    Staff(staff::StaffArgs),
    /// Catalogue administration.
    Catalogue {
        #[command(subcommand)]
        command: CatalogueCommand,
    },
    /// Prints a signed token for a role in a centre.
    Token {
        /// kiosk, display, receptionist, specialist, leader, admin or province.
        #[arg(long)]
        role: String,
        /// Centre the token acts for, or `*` for all.
        #[arg(long)]
        center: String,
        /// Who the token is for.
        #[arg(long, default_value = "cli")]
        subject: String,
        /// Validity, e.g. 30m, 8h, 7d.
        #[arg(long, default_value = "8h")]
        ttl: String,
    },
    /// Measures latency and throughput against floors measured in the same run.
    Bench {
        /// What to measure.
        target: BenchTarget,
        /// Procedures to load.
        #[arg(long, default_value_t = 5000)]
        procedures: usize,
        /// Requests per measurement.
        #[arg(long, default_value_t = 2000)]
        requests: usize,
        /// Dossiers to generate (`bench dossier`).
        #[arg(long, default_value_t = 1_000_000)]
        dossiers: usize,
        /// Also run on this PostgreSQL database (a temporary schema is used and dropped).
        #[arg(long, env = "ONESTOP_BENCH_POSTGRES_URL")]
        postgres_url: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum CatalogueCommand {
    /// Imports a JSON or CSV file of procedures (all-or-nothing), with a progress bar.
    Import {
        /// The file; `.csv` is read as CSV, anything else as JSON.
        file: PathBuf,
        /// Catalogue server address.
        #[arg(long, default_value = "http://127.0.0.1:50051")]
        server: String,
        /// Check and report without writing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ServiceName {
    /// The procedure catalogue (gRPC).
    Catalogue,
    /// The queue floor (gRPC).
    Queue,
    /// Dossiers from reception to return (gRPC).
    Dossier,
    /// The HTTP gateway (public pages).
    Gateway,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum BenchTarget {
    /// Search and get over the catalogue.
    Catalogue,
    /// Issue, call-next and board delivery on the queue floor.
    Queue,
    /// ListDossiers and DossierStats over generated dossiers (PostgreSQL).
    Dossier,
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut figment = Config::figment(cli.config.as_deref());
    if let Some(dir) = &cli.data_dir {
        figment = figment.merge(("data_dir", dir));
    }
    Ok(Config::from_figment(figment)?)
}

/// Parses `30m`, `8h`, `7d` or plain seconds.
fn parse_ttl(text: &str) -> anyhow::Result<chrono::Duration> {
    let text = text.trim();
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: i64 = number
        .parse()
        .with_context(|| format!("--ttl `{text}`: expected e.g. 30m, 8h, 7d"))?;
    let duration = match unit {
        "" | "s" => chrono::Duration::seconds(n),
        "m" => chrono::Duration::minutes(n),
        "h" => chrono::Duration::hours(n),
        "d" => chrono::Duration::days(n),
        _ => anyhow::bail!("--ttl `{text}`: unit must be s, m, h or d"),
    };
    anyhow::ensure!(n > 0, "--ttl must be positive");
    Ok(duration)
}

fn main() -> std::process::ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lỗi / error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    onestop_kit::telemetry::init();
    let config = load_config(&cli)?;
    match cli.command {
        Command::Up => runtime::up(config).await,
        Command::Serve {
            service: ServiceName::Catalogue,
        } => runtime::serve_catalogue(config).await,
        Command::Serve {
            service: ServiceName::Queue,
        } => runtime::serve_queue(config).await,
        Command::Serve {
            service: ServiceName::Dossier,
        } => runtime::serve_dossier(config).await,
        Command::Serve {
            service: ServiceName::Gateway,
        } => runtime::serve_gateway(config).await,
        Command::Staff(args) => {
            let keys_config = config.clone();
            staff::run(&config, move || runtime::keys(&keys_config), args).await
        }
        Command::Migrate => runtime::migrate(&config).await,
        Command::Seed { server } => runtime::seed(&config, server).await,
        Command::Catalogue {
            command:
                CatalogueCommand::Import {
                    file,
                    server,
                    dry_run,
                },
        } => {
            let keys = runtime::keys(&config)?;
            let summary = import::import_file(&server, &keys, &file, dry_run).await?;
            import::print_summary(&summary);
            anyhow::ensure!(summary.applied || dry_run, "nothing was imported");
            Ok(())
        }
        Command::Token {
            role,
            center,
            subject,
            ttl,
        } => {
            let role: Role = role
                .parse()
                .map_err(|e: String| anyhow::anyhow!("--role: {e}"))?;
            anyhow::ensure!(!center.trim().is_empty(), "--center must not be empty");
            let ttl = parse_ttl(&ttl)?;
            onestop_kit::auth::check_ttl(role, ttl).map_err(|e| anyhow::anyhow!("--ttl: {e}"))?;
            let keys = runtime::keys(&config)?;
            let token = keys.issue(&subject, role, center.trim(), ttl);
            let id = keys.verify(&token).map(|c| c.jti).unwrap_or_default();
            println!("{token}");
            eprintln!(
                "token id {id}: to revoke it, add it to auth.revoked_tokens (ONESTOP_AUTH__REVOKED_TOKENS)"
            );
            Ok(())
        }
        Command::Bench {
            target: BenchTarget::Catalogue,
            procedures,
            requests,
            postgres_url,
            ..
        } => bench::catalogue(procedures, requests, postgres_url).await,
        Command::Bench {
            target: BenchTarget::Queue,
            requests,
            postgres_url,
            ..
        } => queue_bench::run(requests, postgres_url).await,
        Command::Bench {
            target: BenchTarget::Dossier,
            requests,
            dossiers,
            postgres_url,
            ..
        } => dossier_bench::run(dossiers, requests, postgres_url).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl("30m").unwrap(), chrono::Duration::minutes(30));
        assert_eq!(parse_ttl("8h").unwrap(), chrono::Duration::hours(8));
        assert_eq!(parse_ttl("7d").unwrap(), chrono::Duration::days(7));
        assert!(parse_ttl("8 weeks").is_err());
        assert!(parse_ttl("0h").is_err());
    }
}
