//! The demo centre's dossier settings (muong-sai: its receiving-unit code and time
//! zone), set up through the dossier service's admin API on first start.

use onestop_kit::Role;
use onestop_kit::auth::TokenKeys;
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use serde::Deserialize;

/// The demo centre, shipped in the repository.
pub const DEMO_DOSSIER: &[u8] = include_bytes!("../data/demo/muong-sai/dossier.json");

#[derive(Deserialize)]
struct Center {
    id: String,
    unit_code: String,
    name_vi: String,
    name_en: String,
    time_zone: String,
    feedback_answer_days: i32,
}

/// Registers the demo centre when the dossier service has none.
pub async fn seed_if_empty(server: &str, keys: &TokenKeys) -> anyhow::Result<()> {
    let mut client = DossierServiceClient::connect(server.to_string()).await?;
    let centers = client
        .list_centers(pb::ListCentersRequest {})
        .await?
        .into_inner()
        .centers;
    if !centers.is_empty() {
        return Ok(());
    }
    let c: Center = serde_json::from_slice(DEMO_DOSSIER)?;
    let token = crate::runtime::cli_token(keys, Role::Admin, "*");
    let mut request = tonic::Request::new(pb::UpsertCenterRequest {
        center: Some(pb::Center {
            id: c.id,
            unit_code: c.unit_code,
            name_vi: c.name_vi,
            name_en: c.name_en,
            time_zone: c.time_zone,
            feedback_answer_days: c.feedback_answer_days,
        }),
    });
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("token is ascii"),
    );
    client.upsert_center(request).await?;
    tracing::info!("dossier service: demo centre muong-sai registered");
    Ok(())
}
