//! `onestop token`: a signed token for a role in a centre, within the role's longest life.

use anyhow::Context;
use clap::Args;
use onestop_kit::{Config, Role};

/// `onestop token --role … --center …`.
#[derive(Args, Debug)]
pub struct TokenArgs {
    /// kiosk, display, receptionist, specialist, leader, admin or province.
    #[arg(long)]
    role: String,
    /// Centre the token acts for, or `*` for all.
    #[arg(long)]
    center: String,
    /// Who the token is for.
    #[arg(long, default_value = "cli")]
    subject: String,
    /// Validity, e.g. 30m, 8h, 7d.
    #[arg(long, default_value = "8h")]
    ttl: String,
}

impl TokenArgs {
    /// Prints the token on stdout and its id (to revoke it) on stderr.
    pub fn run(self, config: &Config) -> anyhow::Result<()> {
        let role: Role = self
            .role
            .parse()
            .map_err(|e: String| anyhow::anyhow!("--role: {e}"))?;
        let center = self.center.trim();
        anyhow::ensure!(!center.is_empty(), "--center must not be empty");
        let ttl = parse_ttl(&self.ttl)?;
        onestop_kit::auth::check_ttl(role, ttl).map_err(|e| anyhow::anyhow!("--ttl: {e}"))?;
        let keys = crate::runtime::keys(config)?;
        let token = keys.issue(&self.subject, role, center, ttl);
        let id = keys.verify(&token).map(|c| c.jti).unwrap_or_default();
        println!("{token}");
        eprintln!(
            "token id {id}: to revoke it, add it to auth.revoked_tokens (ONESTOP_AUTH__REVOKED_TOKENS)"
        );
        Ok(())
    }
}

/// Parses `30m`, `8h`, `7d` or plain seconds.
fn parse_ttl(text: &str) -> anyhow::Result<chrono::Duration> {
    let text = text.trim();
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: i64 = number
        .parse()
        .with_context(|| format!("--ttl `{text}`: expected e.g. 30m, 8h, 7d"))?;
    let duration = match unit {
        "" | "s" => chrono::Duration::seconds(n),
        "m" => chrono::Duration::minutes(n),
        "h" => chrono::Duration::hours(n),
        "d" => chrono::Duration::days(n),
        _ => anyhow::bail!("--ttl `{text}`: unit must be s, m, h or d"),
    };
    anyhow::ensure!(n > 0, "--ttl must be positive");
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl("30m").unwrap(), chrono::Duration::minutes(30));
        assert_eq!(parse_ttl("8h").unwrap(), chrono::Duration::hours(8));
        assert_eq!(parse_ttl("7d").unwrap(), chrono::Duration::days(7));
        assert!(parse_ttl("8 weeks").is_err());
        assert!(parse_ttl("0h").is_err());
    }
}
