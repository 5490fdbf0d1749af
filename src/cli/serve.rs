//! `onestop serve <service>`: one service on its configured port, for scaled-out runs.

use clap::{Args, ValueEnum};
use onestop_kit::Config;

/// `onestop serve catalogue|queue|dossier|gateway`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Which service.
    service: ServiceName,
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

impl ServeArgs {
    /// Runs the service until a signal stops it.
    pub async fn run(self, config: Config) -> anyhow::Result<()> {
        use crate::runtime as rt;
        match self.service {
            ServiceName::Catalogue => rt::serve_catalogue(config).await,
            ServiceName::Queue => rt::serve_queue(config).await,
            ServiceName::Dossier => rt::serve_dossier(config).await,
            ServiceName::Gateway => rt::serve_gateway(config).await,
        }
    }
}
