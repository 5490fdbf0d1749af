//! `onestop staff dossier`: the counter's terminal client of the dossier service, over
//! gRPC — open, receive, forward, assign, review, sign and return dossiers, print forms
//! 01–05, take fees, keep the holiday calendar, answer feedback and export statistics.
//!
//! Identity works as for the queue commands ([`super::Caller`]): `--as NAME` signs a
//! token with the data folder's secret for `--role` (default receptionist) in
//! `--center`; `--token` passes one.

mod calendar;
mod feedback;
mod fees;
mod parse;
mod print;
mod read;
mod stats;
mod workflow;

use clap::{Args, Subcommand};
use onestop_kit::auth::TokenKeys;
use onestop_kit::client::Bearer;
use onestop_kit::{Config, Role};
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

use super::Caller;

/// The dossier service's client, every call carrying the caller's token.
type Client = DossierServiceClient<InterceptedService<Channel, Bearer>>;

/// `onestop staff dossier …`.
#[derive(Args, Debug)]
pub struct DossierArgs {
    /// Dossier server (default: config `upstreams.dossier`, else this machine's `ports.dossier`).
    #[arg(long = "dossier-server", env = "ONESTOP_DOSSIER_URL")]
    server: Option<String>,
    #[command(subcommand)]
    command: DossierCommand,
}

/// What to do with dossiers.
#[derive(Subcommand, Debug)]
pub enum DossierCommand {
    #[command(flatten)]
    Workflow(workflow::WorkflowCommand),
    #[command(flatten)]
    Read(read::ReadCommand),
    #[command(flatten)]
    Fees(fees::FeeCommand),
    #[command(flatten)]
    Calendar(calendar::CalendarCommand),
    #[command(flatten)]
    Feedback(feedback::FeedbackCommand),
    #[command(flatten)]
    Stats(stats::StatsCommand),
}

impl DossierCommand {
    /// Reads only: the token's subject does not matter.
    fn is_read(&self) -> bool {
        match self {
            Self::Workflow(c) => c.is_read(),
            Self::Read(c) => c.is_read(),
            Self::Fees(c) => c.is_read(),
            Self::Calendar(c) => c.is_read(),
            Self::Feedback(c) => c.is_read(),
            Self::Stats(c) => c.is_read(),
        }
    }
}

/// Runs one `onestop staff dossier` command.
pub async fn run(
    config: &Config,
    keys: impl FnOnce() -> anyhow::Result<TokenKeys>,
    caller: Caller,
    args: DossierArgs,
) -> anyhow::Result<()> {
    let center = caller.center();
    let token = caller.token_or_sign(keys, Role::Receptionist, args.command.is_read())?;
    let server = args
        .server
        .clone()
        .unwrap_or_else(|| crate::cli::client::Servers::of(config).dossier);
    let channel = crate::cli::client::connect(&server, "dossier service").await?;
    let bearer =
        Bearer::new(&token).ok_or_else(|| anyhow::anyhow!("the token is not plain text"))?;
    let mut client: Client = DossierServiceClient::with_interceptor(channel, bearer);
    match args.command {
        DossierCommand::Workflow(c) => c.run(config, &mut client, &center).await,
        DossierCommand::Read(c) => c.run(config, &mut client, &center).await,
        DossierCommand::Fees(c) => c.run(config, &mut client, &center).await,
        DossierCommand::Calendar(c) => c.run(config, &mut client, &center).await,
        DossierCommand::Feedback(c) => c.run(config, &mut client, &center).await,
        DossierCommand::Stats(c) => c.run(config, &mut client, &center).await,
    }
}
