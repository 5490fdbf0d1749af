//! The demo centre's queue floor (muong-sai: six service lines, five counters),
//! set up through the queue's admin API on first start.

use anyhow::Context;
use onestop_kit::Role;
use onestop_kit::auth::TokenKeys;
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use serde::Deserialize;

/// The demo floor, shipped in the repository.
pub const DEMO_QUEUE: &[u8] = include_bytes!("../data/demo/muong-sai/queue.json");

#[derive(Deserialize)]
struct Floor {
    center: Center,
    lines: Vec<Line>,
    counters: Vec<Counter>,
}

#[derive(Deserialize)]
struct Center {
    center_id: String,
    name_vi: String,
    name_en: String,
    time_zone: String,
    notify_position: i32,
    long_wait_minutes: i32,
}

#[derive(Deserialize)]
struct Line {
    code: String,
    prefix: String,
    name_vi: String,
    name_en: String,
    field_codes: Vec<String>,
    slot_capacity: i32,
}

#[derive(Deserialize)]
struct Counter {
    counter_id: String,
    number: i32,
    name: String,
    service_codes: Vec<String>,
}

fn admin<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("token is ascii"),
    );
    request
}

/// Sets up the demo floor when the queue has no centre yet.
pub async fn seed_if_empty(server: &str, keys: &TokenKeys) -> anyhow::Result<()> {
    let mut client = QueueServiceClient::connect(server.to_string()).await?;
    let centers = client
        .list_centers(pb::ListCentersRequest {})
        .await?
        .into_inner()
        .centers;
    if !centers.is_empty() {
        return Ok(());
    }
    let floor: Floor = serde_json::from_slice(DEMO_QUEUE).context("demo queue.json")?;
    let token = crate::runtime::cli_token(keys, Role::Admin, &floor.center.center_id);
    let center_id = floor.center.center_id.clone();
    client
        .upsert_center(admin(
            &token,
            pb::UpsertCenterRequest {
                center: Some(pb::Center {
                    center_id: floor.center.center_id,
                    name_vi: floor.center.name_vi,
                    name_en: floor.center.name_en,
                    time_zone: floor.center.time_zone,
                    notify_position: floor.center.notify_position,
                    long_wait_minutes: floor.center.long_wait_minutes,
                    ..Default::default()
                }),
            },
        ))
        .await
        .context("demo centre")?;
    let lines = floor.lines.len();
    for l in floor.lines {
        client
            .upsert_service_line(admin(
                &token,
                pb::UpsertServiceLineRequest {
                    line: Some(pb::ServiceLine {
                        center_id: center_id.clone(),
                        code: l.code,
                        prefix: l.prefix,
                        name_vi: l.name_vi,
                        name_en: l.name_en,
                        field_codes: l.field_codes,
                        slot_capacity: l.slot_capacity,
                        ..Default::default()
                    }),
                },
            ))
            .await
            .context("demo service line")?;
    }
    let counters = floor.counters.len();
    for c in floor.counters {
        client
            .upsert_counter(admin(
                &token,
                pb::UpsertCounterRequest {
                    counter: Some(pb::Counter {
                        center_id: center_id.clone(),
                        counter_id: c.counter_id,
                        number: c.number,
                        name: c.name,
                        service_codes: c.service_codes,
                        ..Default::default()
                    }),
                },
            ))
            .await
            .context("demo counter")?;
    }
    println!("queue: demo centre {center_id} set up ({lines} service lines, {counters} counters)");
    Ok(())
}
