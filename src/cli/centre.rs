//! `onestop centre apply FILE [--dry-run]`: creates or updates a centre in every service
//! from its centre file, idempotently.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use onestop_kit::{Config, Role};
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;

use crate::centre::{CentreFile, apply};
use crate::cli::client::{Servers, connect};

/// `onestop centre …`.
#[derive(Args, Debug)]
pub struct CentreArgs {
    #[command(subcommand)]
    command: CentreCommand,
}

#[derive(Subcommand, Debug)]
enum CentreCommand {
    /// Creates or updates the centre a file describes, in the queue and dossier services;
    /// running it again changes nothing.
    Apply {
        /// The centre file (TOML), e.g. data/demo/muong-sai/centre.toml.
        file: PathBuf,
        /// Say what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// An admin token of the centre (or of every centre, `*`); default: one signed
        /// with the data folder's secret.
        #[arg(long, env = "ONESTOP_TOKEN")]
        token: Option<String>,
    },
}

impl CentreArgs {
    /// Runs the command.
    pub async fn run(self, config: &Config) -> anyhow::Result<()> {
        let CentreCommand::Apply {
            file,
            dry_run,
            token,
        } = self.command;
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let centre = CentreFile::parse(&text).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
            anyhow::anyhow!(
                "{} is not a valid centre file:\n{}",
                file.display(),
                lines.join("\n")
            )
        })?;
        let token = match token {
            Some(t) => t,
            None => {
                crate::runtime::cli_token(&crate::runtime::keys(config)?, Role::Admin, &centre.id)
            }
        };
        let servers = Servers::of(config);
        let mut services = apply::Services {
            queue: QueueServiceClient::new(connect(&servers.queue, "queue").await?),
            dossier: DossierServiceClient::new(connect(&servers.dossier, "dossier service").await?),
            token,
        };
        let changes = apply::apply(&mut services, &centre, dry_run).await?;
        match (changes, dry_run) {
            (0, _) => println!("{}: không có gì thay đổi / nothing to change", centre.id),
            (n, true) => println!(
                "{}: {n} thay đổi sẽ được áp dụng / {n} changes would be made (dry run: nothing written)",
                centre.id
            ),
            (n, false) => println!("{}: đã áp dụng {n} thay đổi / {n} changes made", centre.id),
        }
        Ok(())
    }
}
