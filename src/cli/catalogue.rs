//! `onestop catalogue import` and `onestop seed`: the client side of
//! `ImportProcedures`, streaming a file in chunks with a progress bar.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use onestop_kit::auth::TokenKeys;
use onestop_kit::{Config, Role};
use onestop_proto::catalogue::v1 as pb;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;

use crate::cli::client::{Servers, connect};

/// `onestop catalogue …`: catalogue administration.
#[derive(Args, Debug)]
pub struct CatalogueArgs {
    #[command(subcommand)]
    command: CatalogueCommand,
}

#[derive(Subcommand, Debug)]
enum CatalogueCommand {
    /// Imports a JSON or CSV file of procedures (all-or-nothing), with a progress bar.
    Import {
        /// The file; `.csv` is read as CSV, anything else as JSON.
        file: PathBuf,
        /// Catalogue server (default: config `upstreams.catalogue`, else `ports.catalogue`).
        #[arg(long)]
        server: Option<String>,
        /// Check and report without writing.
        #[arg(long)]
        dry_run: bool,
    },
}

impl CatalogueArgs {
    /// Runs the command.
    pub async fn run(self, config: &Config) -> anyhow::Result<()> {
        let CatalogueCommand::Import {
            file,
            server,
            dry_run,
        } = self.command;
        let server = server.unwrap_or_else(|| Servers::of(config).catalogue);
        let keys = crate::runtime::keys(config)?;
        let summary = import_file(&server, &keys, &file, dry_run).await?;
        print_summary(&summary);
        anyhow::ensure!(summary.applied || dry_run, "nothing was imported");
        Ok(())
    }
}

/// `onestop seed`: imports the demo centre's catalogue.
#[derive(Args, Debug)]
pub struct SeedArgs {
    /// A running catalogue server; without it, one is started in-process for the import.
    #[arg(long)]
    server: Option<String>,
}

impl SeedArgs {
    /// Runs the command.
    pub async fn run(self, config: &Config) -> anyhow::Result<()> {
        crate::runtime::seed(config, self.server).await
    }
}

const CHUNK: usize = 64 * 1024;

/// Imports `data` into the catalogue at `server` as an admin of the data folder's secret.
pub async fn import_bytes(
    server: &str,
    keys: &TokenKeys,
    format: pb::ImportFormat,
    data: Vec<u8>,
    dry_run: bool,
    label: &str,
) -> anyhow::Result<pb::ImportSummary> {
    let mut client = CatalogueServiceClient::new(connect(server, "catalogue").await?)
        .max_encoding_message_size(8 * 1024 * 1024);
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ProgressBar::new(data.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(format!("importing {label}"));
    let chunks: Vec<pb::ImportProceduresChunk> = data
        .chunks(CHUNK)
        .map(|c| pb::ImportProceduresChunk {
            format: format.into(),
            data: c.to_vec(),
            dry_run,
        })
        .collect();
    let progress = bar.clone();
    let stream = futures::stream::iter(chunks).inspect(move |c| progress.inc(c.data.len() as u64));
    let token = keys.issue(
        "onestop-cli",
        Role::Admin,
        "*",
        chrono::Duration::minutes(10),
    );
    let request = onestop_kit::client::authorized(&token, stream);
    let summary = client
        .import_procedures(request)
        .await
        .map_err(|s| anyhow::anyhow!("import refused: {}", s.message()))?;
    bar.finish_and_clear();
    Ok(summary.into_inner())
}

/// Imports a file; `.csv` is CSV, anything else JSON.
pub async fn import_file(
    server: &str,
    keys: &TokenKeys,
    file: &Path,
    dry_run: bool,
) -> anyhow::Result<pb::ImportSummary> {
    let data = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let format = if file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        pb::ImportFormat::Csv
    } else {
        pb::ImportFormat::Json
    };
    import_bytes(
        server,
        keys,
        format,
        data,
        dry_run,
        &file.display().to_string(),
    )
    .await
}

/// Prints what an import did, with every rejected line.
pub fn print_summary(summary: &pb::ImportSummary) {
    println!(
        "created {}, new versions {}, unchanged {}, rejected {}{}",
        summary.created,
        summary.new_versions,
        summary.unchanged,
        summary.rejected.len(),
        if summary.applied {
            ""
        } else {
            " — nothing written"
        }
    );
    for r in &summary.rejected {
        println!("  line {}: {} {}: {}", r.line, r.code, r.field, r.reason);
    }
}
