//! `onestop up`: every service and the gateway in one process, on the embedded defaults.

use clap::Args;
use onestop_kit::Config;

/// `onestop up [--no-demo]`.
#[derive(Args, Debug)]
pub struct UpArgs {
    /// Start empty: no demo catalogue and no demo centre (set yours up with
    /// `onestop centre apply centre.toml` and `onestop catalogue import`).
    #[arg(long)]
    no_demo: bool,
}

impl UpArgs {
    /// Runs the suite until a signal stops it.
    pub async fn run(self, config: Config) -> anyhow::Result<()> {
        crate::runtime::up(config, !self.no_demo).await
    }
}
