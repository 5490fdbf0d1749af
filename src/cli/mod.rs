//! The `onestop` command line, a module per command: each has its own arguments and
//! its own `run`. [`client`] is how every command reaches the servers.

mod bench;
pub mod catalogue;
mod centre;
pub mod client;
mod serve;
mod staff;
mod token;
mod up;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use onestop_kit::Config;

/// onestop — Trung tâm Phục vụ hành chính công / Public Administration Service Centre suite.
#[derive(Parser, Debug)]
#[command(name = "onestop", version, about)]
pub struct Cli {
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
    /// Runs every service in one process on the embedded defaults; sets up the demo centre
    /// on first start (unless --no-demo).
    Up(up::UpArgs),
    /// Runs one service.
    Serve(serve::ServeArgs),
    /// Applies every service's database migrations.
    Migrate,
    /// Imports the demo centre's catalogue (muong-sai) through the catalogue's import API.
    Seed(catalogue::SeedArgs),
    /// The staff client of the queue floor and the dossier workflow, over gRPC.
    Staff(staff::StaffArgs),
    /// Catalogue administration.
    Catalogue(catalogue::CatalogueArgs),
    /// A centre from its own file: unit code, names, hours, service lines, counters.
    #[command(alias = "center")]
    Centre(centre::CentreArgs),
    /// Prints a signed token for a role in a centre.
    Token(token::TokenArgs),
    /// Measures latency and throughput against floors measured in the same run.
    Bench(bench::BenchArgs),
}

impl Cli {
    fn load_config(&self) -> anyhow::Result<Config> {
        let mut figment = Config::figment(self.config.as_deref());
        if let Some(dir) = &self.data_dir {
            figment = figment.merge(("data_dir", dir));
        }
        Ok(Config::from_figment(figment)?)
    }

    /// Reads the configuration and runs the command.
    pub async fn run(self) -> anyhow::Result<()> {
        let config = self.load_config()?;
        match self.command {
            Command::Up(args) => args.run(config).await,
            Command::Serve(args) => args.run(config).await,
            Command::Migrate => crate::runtime::migrate(&config).await,
            Command::Seed(args) => args.run(&config).await,
            Command::Staff(args) => {
                let keys_config = config.clone();
                staff::run(&config, move || crate::runtime::keys(&keys_config), args).await
            }
            Command::Catalogue(args) => args.run(&config).await,
            Command::Centre(args) => args.run(&config).await,
            Command::Token(args) => args.run(&config),
            Command::Bench(args) => args.run().await,
        }
    }
}
