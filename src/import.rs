//! Client side of `ImportProcedures`: streams a file in chunks with a progress bar.

use std::path::Path;

use anyhow::Context;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use onestop_kit::Role;
use onestop_kit::auth::TokenKeys;
use onestop_proto::catalogue::v1 as pb;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;

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
    let mut client = CatalogueServiceClient::connect(server.to_string())
        .await
        .with_context(|| {
            format!("cannot reach the catalogue at {server}; is `onestop up` running?")
        })?
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
    let mut request = tonic::Request::new(stream);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ascii token"),
    );
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
