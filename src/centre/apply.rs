//! Applying a centre file over gRPC: read what the queue and dossier services hold, plan,
//! and send the upserts (none on a dry run). Each upsert is idempotent, so a run cut off
//! half-way is finished by running it again.

use onestop_kit::client::authorized;
use onestop_proto::dossier::v1 as dpb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use onestop_proto::queue::v1 as qpb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use tonic::transport::Channel;

use super::CentreFile;
use super::plan::{Change, Current, Upsert, plan};
use crate::cli::client::fail;

/// The two services a centre lives in, and an admin token of that centre.
pub struct Services {
    /// The queue floor.
    pub queue: QueueServiceClient<Channel>,
    /// The dossier workflow.
    pub dossier: DossierServiceClient<Channel>,
    /// An admin token for the centre.
    pub token: String,
}

/// What the services hold now for `center`.
pub async fn current(s: &mut Services, center: &str) -> anyhow::Result<Current> {
    let queue_center = s
        .queue
        .list_centers(qpb::ListCentersRequest {})
        .await
        .map_err(fail)?
        .into_inner()
        .centers
        .into_iter()
        .find(|c| c.center_id == center);
    let (lines, counters) = if queue_center.is_some() {
        let lines = s
            .queue
            .list_service_lines(authorized(
                &s.token,
                qpb::ListServiceLinesRequest {
                    center_id: center.to_string(),
                },
            ))
            .await
            .map_err(fail)?
            .into_inner()
            .lines;
        let counters = s
            .queue
            .list_counters(authorized(
                &s.token,
                qpb::ListCountersRequest {
                    center_id: center.to_string(),
                },
            ))
            .await
            .map_err(fail)?
            .into_inner()
            .counters;
        (lines, counters)
    } else {
        (Vec::new(), Vec::new())
    };
    let dossier_center = s
        .dossier
        .list_centers(dpb::ListCentersRequest {})
        .await
        .map_err(fail)?
        .into_inner()
        .centers
        .into_iter()
        .find(|c| c.id == center);
    Ok(Current {
        queue_center,
        lines,
        counters,
        dossier_center,
    })
}

/// Sends one change.
async fn send(s: &mut Services, change: &Change) -> anyhow::Result<()> {
    let token = s.token.clone();
    let result = match change.upsert.clone() {
        Upsert::QueueCenter(center) => s
            .queue
            .upsert_center(authorized(
                &token,
                qpb::UpsertCenterRequest {
                    center: Some(center),
                },
            ))
            .await
            .map(drop),
        Upsert::Line(line) => s
            .queue
            .upsert_service_line(authorized(
                &token,
                qpb::UpsertServiceLineRequest { line: Some(line) },
            ))
            .await
            .map(drop),
        Upsert::Counter(counter) => s
            .queue
            .upsert_counter(authorized(
                &token,
                qpb::UpsertCounterRequest {
                    counter: Some(counter),
                },
            ))
            .await
            .map(drop),
        Upsert::DossierCenter(center) => s
            .dossier
            .upsert_center(authorized(
                &token,
                dpb::UpsertCenterRequest {
                    center: Some(center),
                },
            ))
            .await
            .map(drop),
    };
    result.map_err(|status| fail(status).context(format!("{}: refused", change.what)))
}

/// Plans `file` against the services and, unless `dry_run`, makes the changes; prints
/// each change and returns how many there were.
pub async fn apply(s: &mut Services, file: &CentreFile, dry_run: bool) -> anyhow::Result<usize> {
    let now = current(s, &file.id).await?;
    let changes = plan(file, &now);
    for change in &changes {
        println!(
            "{} {:<28} {}",
            if dry_run { "would" } else { "  " },
            change.what,
            change.how
        );
        if !dry_run {
            send(s, change).await?;
        }
    }
    Ok(changes.len())
}
