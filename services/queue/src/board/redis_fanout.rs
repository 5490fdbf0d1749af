//! Board fan-out through Redis pub/sub: each replica publishes the events it commits
//! on `{namespace}:queue:board:{centre}` and feeds what it hears into its own hub.

use futures::StreamExt;
use onestop_proto::queue::v1 as pb;
use prost::Message;
use redis::AsyncCommands;
use tokio::sync::mpsc;

/// The channel prefix of a deployment.
pub fn channel_prefix(namespace: &str) -> String {
    format!("{namespace}:queue:board:")
}

/// Publishes board events to Redis.
#[derive(Clone)]
pub struct Publisher {
    conn: redis::aio::MultiplexedConnection,
    prefix: String,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("redis::Publisher")
    }
}

impl Publisher {
    /// Connects; the error names the URL.
    pub async fn connect(url: &str, prefix: String) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("redis url {url}: {e}"))?;
        let conn = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| format!("cannot reach redis at {url}: {e}"))?;
        Ok(Self { conn, prefix })
    }

    /// Publishes in the background; a lost message is recovered from the database.
    pub fn publish(&self, events: &[pb::BoardEvent]) {
        let mut conn = self.conn.clone();
        let messages: Vec<(String, Vec<u8>)> = events
            .iter()
            .map(|e| (format!("{}{}", self.prefix, e.center_id), e.encode_to_vec()))
            .collect();
        tokio::spawn(async move {
            for (channel, bytes) in messages {
                if let Err(e) = conn.publish::<_, _, i64>(&channel, bytes).await {
                    tracing::warn!(error = %e, "board: redis publish failed");
                }
            }
        });
    }
}

/// Subscribes to every centre's channel and forwards events into the hub,
/// reconnecting after a failure. Fails only if the first connection fails.
pub(crate) async fn spawn_subscriber(
    url: String,
    prefix: String,
    hub: mpsc::UnboundedSender<super::HubInput>,
) -> Result<(), String> {
    let client = redis::Client::open(url.as_str()).map_err(|e| format!("redis url {url}: {e}"))?;
    let mut pubsub = subscribe(&client, &prefix)
        .await
        .map_err(|e| format!("cannot subscribe on redis at {url}: {e}"))?;
    tokio::spawn(async move {
        loop {
            {
                let mut messages = pubsub.on_message();
                while let Some(msg) = messages.next().await {
                    match pb::BoardEvent::decode(msg.get_payload_bytes()) {
                        Ok(event) => {
                            if hub.send(super::HubInput::Events(vec![event])).is_err() {
                                return;
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "board: undecodable redis message"),
                    }
                }
            }
            tracing::warn!("board: redis subscription lost; reconnecting");
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                match subscribe(&client, &prefix).await {
                    Ok(p) => {
                        pubsub = p;
                        break;
                    }
                    Err(e) => tracing::warn!(error = %e, "board: redis reconnect failed"),
                }
            }
        }
    });
    Ok(())
}

async fn subscribe(client: &redis::Client, prefix: &str) -> redis::RedisResult<redis::aio::PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.psubscribe(format!("{prefix}*")).await?;
    Ok(pubsub)
}
