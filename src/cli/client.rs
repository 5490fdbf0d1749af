//! How every command finds and reaches the servers: one address book from the
//! configuration (`upstreams.*`, else this machine's `ports.*`), one way to connect, one
//! way to print a refusal.

use anyhow::Context;
use onestop_kit::Config;
use tonic::transport::{Channel, Endpoint};

/// The gRPC address of each service, as the configuration gives it.
#[derive(Debug, Clone)]
pub struct Servers {
    /// The procedure catalogue.
    pub catalogue: String,
    /// The queue floor.
    pub queue: String,
    /// The dossier workflow.
    pub dossier: String,
}

impl Servers {
    /// The addresses `config` names.
    pub fn of(config: &Config) -> Self {
        Self {
            catalogue: config.catalogue_url(),
            queue: config.queue_url(),
            dossier: config.dossier_url(),
        }
    }
}

/// A channel to `url`; the error says what was not reached and what to check.
pub async fn connect(url: &str, what: &str) -> anyhow::Result<Channel> {
    Endpoint::from_shared(url.to_string())
        .with_context(|| format!("{what} server `{url}` is not a URL"))?
        .connect()
        .await
        .with_context(|| format!("cannot reach the {what} at {url}; is `onestop up` running?"))
}

/// A gRPC error in words, with the fields at fault.
pub fn fail(status: tonic::Status) -> anyhow::Error {
    let fields = onestop_kit::error::violations_of(&status);
    let mut text = format!("{:?}: {}", status.code(), status.message());
    for (field, why) in fields {
        if !status.message().contains(&why) {
            text.push_str(&format!("\n  {field}: {why}"));
        }
    }
    anyhow::anyhow!(text)
}
