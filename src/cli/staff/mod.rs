//! `onestop staff`: the reference staff client over gRPC — the queue floor's counters
//! and board ([`queue`], [`board`]) and, under `onestop staff dossier`, the dossier
//! workflow ([`dossier`]). Who acts is read once, here, for both.

mod board;
mod dossier;
mod queue;

use anyhow::Context;
use clap::{Args, Subcommand};
use onestop_kit::auth::TokenKeys;
use onestop_kit::{Config, Role};

/// The demo centre, used when neither `--center` nor the token names one.
const DEFAULT_CENTER: &str = "muong-sai";

/// Who is calling and where.
#[derive(Args, Debug)]
pub struct StaffArgs {
    /// Queue server (default: this machine's `ports.queue`).
    #[arg(long, env = "ONESTOP_QUEUE_URL", global = true)]
    server: Option<String>,
    /// Centre (default: the `--token`'s centre, else muong-sai).
    #[arg(long, env = "ONESTOP_CENTER", global = true)]
    center: Option<String>,
    /// Your name as staff (the token's subject); one counter per person.
    #[arg(long = "as", env = "ONESTOP_STAFF", global = true)]
    who: Option<String>,
    /// A bearer token; without it one is signed with the data folder's secret.
    #[arg(long, env = "ONESTOP_TOKEN", global = true)]
    token: Option<String>,
    /// The signed token's role: receptionist (default), specialist, leader, admin…
    #[arg(long, env = "ONESTOP_ROLE", global = true)]
    role: Option<Role>,
    #[command(subcommand)]
    command: StaffCommand,
}

/// What to do.
#[derive(Subcommand, Debug)]
pub enum StaffCommand {
    #[command(flatten)]
    Queue(queue::QueueCommand),
    /// Dossiers, from reception to the return of results (the dossier service).
    Dossier(Box<dossier::DossierArgs>),
}

/// Who acts, as `onestop staff` read it from its global flags.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// `--as NAME`: the token's subject.
    pub who: Option<String>,
    /// `--role`: the token's role (default: the command's).
    pub role: Option<Role>,
    /// `--token`: a bearer token to send instead of signing one.
    pub token: Option<String>,
    /// `--center`, when given.
    pub center: Option<String>,
}

impl Caller {
    /// The centre acted for: `--center`, else the given token's centre, else muong-sai.
    pub fn center(&self) -> String {
        if let Some(c) = self
            .center
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            return c.to_string();
        }
        self.token
            .as_deref()
            .and_then(onestop_kit::client::unverified_center)
            .filter(|c| c != "*")
            .unwrap_or_else(|| DEFAULT_CENTER.to_string())
    }

    /// The `--token` given, or one signed for 12 hours with the data folder's secret as
    /// `--as` (for reads, a generic subject), in `--role` (else `role`) at the centre.
    pub fn token_or_sign(
        &self,
        keys: impl FnOnce() -> anyhow::Result<TokenKeys>,
        role: Role,
        read: bool,
    ) -> anyhow::Result<String> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        let default_who = match role {
            Role::Kiosk => Some("kiosk".to_string()),
            _ if read => Some("staff-cli".to_string()),
            _ => std::env::var("USER").ok(),
        };
        let who = self
            .who
            .clone()
            .or(default_who)
            .context("say who you are with --as NAME")?;
        let role = self.role.unwrap_or(role);
        Ok(keys()?.issue(&who, role, &self.center(), chrono::Duration::hours(12)))
    }
}

/// Runs one staff command.
pub async fn run(
    config: &Config,
    keys: impl FnOnce() -> anyhow::Result<TokenKeys>,
    args: StaffArgs,
) -> anyhow::Result<()> {
    let caller = Caller {
        who: args.who,
        role: args.role,
        token: args.token,
        center: args.center,
    };
    match args.command {
        StaffCommand::Dossier(dossier) => dossier::run(config, keys, caller, *dossier).await,
        StaffCommand::Queue(command) => {
            queue::run(config, keys, caller, args.server, command).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_centre_comes_from_the_flag_then_the_token() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue("lan", Role::Leader, "ban-hon", chrono::Duration::hours(1));
        let caller = Caller {
            token: Some(token),
            ..Caller::default()
        };
        assert_eq!(caller.center(), "ban-hon");
        let flagged = Caller {
            center: Some("muong-sai".into()),
            ..caller
        };
        assert_eq!(flagged.center(), "muong-sai");
        assert_eq!(Caller::default().center(), "muong-sai");
    }
}
