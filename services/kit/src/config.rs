//! Layered configuration: defaults → optional `onestop.toml` → `ONESTOP_*` environment
//! (nested keys joined with `__`) → validation naming the bad key.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Every setting of the suite; each has a default that works on a laptop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Folder for SQLite files and the generated signing secret.
    pub data_dir: PathBuf,
    /// One database for every service (`sqlite://…` or `postgres://…`); unset means a
    /// SQLite file per service in `data_dir`.
    pub database_url: Option<String>,
    /// Redis for fan-out, caches and leases; unset means in-process.
    pub redis_url: Option<String>,
    /// Base of the public links printed in QR codes, e.g. `https://ttpvhcc.example.vn`;
    /// empty: the address the gateway listens on ([`Config::resolve_public_base_url`]).
    pub public_base_url: String,
    /// Address every server binds to.
    pub bind_host: String,
    /// Listening ports.
    pub ports: Ports,
    /// Token signing.
    pub auth: AuthConfig,
    /// Longest time one request may take, in seconds.
    pub request_timeout_secs: u64,
    /// Database connection pool size per service.
    pub database_max_connections: u32,
    /// Where the gateway reaches each service (scale-out); empty means this machine.
    pub upstreams: UpstreamUrls,
    /// The online payment platform.
    pub payment: PaymentConfig,
    /// The gateway's guards against slow or abusive clients.
    pub gateway: GatewayLimits,
    /// How long personal data is kept.
    pub retention: RetentionConfig,
}

/// The gateway's guards: timeouts, sizes, a connection cap and per-client rate limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GatewayLimits {
    /// Seconds a client has to send a request's headers.
    pub header_read_timeout_secs: u64,
    /// Seconds a keep-alive connection may sit idle.
    pub idle_timeout_secs: u64,
    /// Most connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// Largest request body, in bytes.
    pub body_limit_bytes: usize,
    /// Public actions (tickets, bookings, feedback, lookups, ratings, payments) one client
    /// IP may make per minute.
    pub per_ip_per_minute: u32,
    /// Public actions all clients together may make per minute for one centre.
    pub per_center_per_minute: u32,
    /// The load balancers or reverse proxies in front of the gateway: IP addresses
    /// (`10.0.0.5`) or CIDR ranges (`10.0.0.0/8`, `fd00::/8`). A request whose TCP peer
    /// is one of them is counted against the right-most address of its `X-Forwarded-For`
    /// that is not itself a trusted proxy; any other request against its peer address,
    /// its `X-Forwarded-For` ignored (a client cannot pick its own budget). Empty: every
    /// request is counted against its peer.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
}

impl Default for GatewayLimits {
    fn default() -> Self {
        Self {
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 2048,
            body_limit_bytes: 64 * 1024,
            per_ip_per_minute: 60,
            per_center_per_minute: 1200,
            trusted_proxies: Vec::new(),
        }
    }
}

/// How long personal data is kept once it is no longer needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// Days after which finished tickets lose their phone number and delivered outbox
    /// rows are deleted.
    pub ticket_days: u32,
    /// Days after which returned or ended dossiers lose the applicant's personal data
    /// (name, ID number, phone, e-mail, address); 0 keeps it (the legal archive period
    /// decides, so it is never removed unless set).
    pub dossier_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            ticket_days: 30,
            dossier_days: 0,
        }
    }
}

/// The online payment platform: where citizens pay, and the secret its callbacks are
/// signed with (HMAC-SHA256).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentConfig {
    /// The platform's payment page; empty: the gateway's demo page `{public_base_url}/pay`.
    pub provider_url: String,
    /// Callback signing secret shared with the platform; unset means one generated into
    /// `data_dir/payment-secret` on first start.
    pub secret: Option<String>,
    /// Run the gateway's demo payment platform at `/pay` ("no real money"); only for
    /// `onestop up`'s demo centre, never in `onestop serve`, refused with an https
    /// `public_base_url`.
    #[serde(default)]
    pub demo: bool,
}

/// gRPC addresses of the services, as the gateway dials them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamUrls {
    /// Catalogue, e.g. `http://onestop-catalogue:50051`; empty: `http://127.0.0.1:{ports.catalogue}`.
    pub catalogue: String,
    /// Queue, e.g. `http://onestop-queue:50053`; empty: `http://127.0.0.1:{ports.queue}`.
    pub queue: String,
    /// Dossier, e.g. `http://onestop-dossier:50052`; empty: `http://127.0.0.1:{ports.dossier}`.
    pub dossier: String,
}

impl Config {
    /// The catalogue's address for the gateway.
    pub fn catalogue_url(&self) -> String {
        or_local(&self.upstreams.catalogue, self.ports.catalogue)
    }

    /// The queue's address for the gateway and the staff client.
    pub fn queue_url(&self) -> String {
        or_local(&self.upstreams.queue, self.ports.queue)
    }

    /// The dossier service's address for the gateway and the staff client.
    pub fn dossier_url(&self) -> String {
        or_local(&self.upstreams.dossier, self.ports.dossier)
    }

    /// The online payment page citizens are sent to.
    pub fn payment_provider_url(&self) -> String {
        if self.payment.provider_url.is_empty() {
            format!(
                "{}/pay",
                self.public_base_url_or_local().trim_end_matches('/')
            )
        } else {
            self.payment.provider_url.clone()
        }
    }
}

impl Config {
    /// Sets `public_base_url`, when it is empty, to the address the gateway listens on
    /// (`gateway`; an unspecified address is shown as 127.0.0.1), so printed links and
    /// QR codes open this gateway; returns a warning when screens and phones on the
    /// network could not open those links, naming the settings that fix it.
    pub fn resolve_public_base_url(&mut self, gateway: std::net::SocketAddr) -> Option<String> {
        if self.public_base_url.is_empty() {
            let host = if gateway.ip().is_unspecified() {
                "127.0.0.1".to_string()
            } else {
                match gateway.ip() {
                    std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                    ip => ip.to_string(),
                }
            };
            self.public_base_url = format!("http://{host}:{}", gateway.port());
        }
        let authority = self
            .public_base_url
            .split("://")
            .nth(1)
            .unwrap_or_default()
            .split('/')
            .next()
            .unwrap_or_default();
        // `[::1]:8080` → `::1`; `host:8080` → `host`
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => authority.split(':').next().unwrap_or_default(),
        }
        .to_string();
        let loopback = |h: &str| {
            h == "localhost"
                || h.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        };
        if loopback(&host) {
            Some(format!(
                "links and QR codes point at {}, which only this machine can open: for display \
                 screens, kiosks and phones on the network set public_base_url \
                 (ONESTOP_PUBLIC_BASE_URL=http://<this machine's address>:{}) and bind_host = \
                 \"0.0.0.0\" (ONESTOP_BIND_HOST)",
                self.public_base_url,
                gateway.port()
            ))
        } else if loopback(&self.bind_host) {
            Some(format!(
                "links point at {} but the servers listen on {} only: set bind_host = \"0.0.0.0\" \
                 (ONESTOP_BIND_HOST) so screens and phones on the network can connect",
                self.public_base_url, self.bind_host
            ))
        } else {
            None
        }
    }

    /// The public base URL when no gateway runs in this process: the configured one, else
    /// the gateway's configured address on this machine.
    pub fn public_base_url_or_local(&self) -> String {
        if self.public_base_url.is_empty() {
            format!("http://127.0.0.1:{}", self.ports.gateway)
        } else {
            self.public_base_url.clone()
        }
    }
}

fn or_local(url: &str, port: u16) -> String {
    if url.is_empty() {
        format!("http://127.0.0.1:{port}")
    } else {
        url.to_string()
    }
}

/// Listening port of each server; 0 picks a free one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ports {
    /// HTTP gateway (pages, REST).
    pub gateway: u16,
    /// Catalogue gRPC service.
    pub catalogue: u16,
    /// Dossier gRPC service.
    pub dossier: u16,
    /// Queue gRPC service.
    pub queue: u16,
    /// Notification gRPC service.
    pub notify: u16,
}

/// How tokens are signed and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// HS256 secret shared by every replica; unset means one generated into
    /// `data_dir/jwt-secret` on first start (embedded default only).
    pub secret: Option<String>,
    /// Ids (`jti`) of device and system tokens that are no longer accepted.
    #[serde(default)]
    pub revoked_tokens: Vec<String>,
    /// Secret the citizens' keys (on tickets and receipts) are hashed with, the same on
    /// every queue and dossier replica; unset means one generated into
    /// `data_dir/citizen-key-secret` on first start.
    #[serde(default)]
    pub citizen_key_secret: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("onestop-data"),
            database_url: None,
            redis_url: None,
            public_base_url: String::new(),
            bind_host: "127.0.0.1".into(),
            ports: Ports {
                gateway: 8080,
                catalogue: 50051,
                dossier: 50052,
                queue: 50053,
                notify: 50054,
            },
            auth: AuthConfig {
                secret: None,
                revoked_tokens: Vec::new(),
                citizen_key_secret: None,
            },
            request_timeout_secs: 30,
            database_max_connections: 10,
            upstreams: UpstreamUrls::default(),
            payment: PaymentConfig::default(),
            gateway: GatewayLimits::default(),
            retention: RetentionConfig::default(),
        }
    }
}

/// A setting that cannot be used, with the key that names it.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("invalid configuration `{key}`: {message}")]
pub struct ConfigError {
    /// Dotted key, e.g. `ports.gateway`.
    pub key: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl ConfigError {
    fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// `ONESTOP_*` variables that are not settings: the staff client's and the benches'
/// flags and the test switches. Any other unknown `ONESTOP_*` variable is an error,
/// so a misspelt setting does not pass silently.
const NOT_SETTINGS: &[&str] = &["test_", "bench_", "token", "staff", "center", "queue_url"];

impl Config {
    /// The layered sources: defaults, then `file` if it exists, then `ONESTOP_*` variables.
    pub fn figment(file: Option<&Path>) -> Figment {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        let file = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| "onestop.toml".into());
        if file.exists() {
            figment = figment.merge(Toml::file(file));
        }
        figment.merge(
            Env::prefixed("ONESTOP_")
                .filter(|key| !NOT_SETTINGS.iter().any(|p| key.starts_with(p)))
                .split("__"),
        )
    }

    /// Loads and validates the configuration from `figment`.
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let config: Config = figment.extract().map_err(|e| {
            let key = e.path.join(".");
            let key = if key.is_empty() { "(root)".into() } else { key };
            ConfigError::new(&key, e.kind.to_string())
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Loads defaults → file → environment and validates.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::from_figment(Self::figment(file))
    }

    /// Checks every value and names the first bad key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.data_dir.as_os_str().is_empty() {
            return Err(ConfigError::new("data_dir", "must not be empty"));
        }
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            return Err(ConfigError::new(
                "database_url",
                format!("`{url}` must start with sqlite:, postgres:// or postgresql://"),
            ));
        }
        if let Some(url) = &self.redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            return Err(ConfigError::new(
                "redis_url",
                format!("`{url}` must start with redis:// or rediss://"),
            ));
        }
        let base = &self.public_base_url;
        if !base.is_empty()
            && (!(base.starts_with("http://") || base.starts_with("https://"))
                || base.ends_with('/')
                || base.len() < "http://x".len())
        {
            return Err(ConfigError::new(
                "public_base_url",
                format!("`{base}` must be an http(s) URL without a trailing slash"),
            ));
        }
        if self.bind_host.trim().is_empty() {
            return Err(ConfigError::new("bind_host", "must not be empty"));
        }
        if self.request_timeout_secs == 0 || self.request_timeout_secs > 3600 {
            return Err(ConfigError::new(
                "request_timeout_secs",
                "must be between 1 and 3600",
            ));
        }
        if self.database_max_connections == 0 {
            return Err(ConfigError::new(
                "database_max_connections",
                "must be at least 1",
            ));
        }
        for (key, url) in [
            ("upstreams.catalogue", &self.upstreams.catalogue),
            ("upstreams.queue", &self.upstreams.queue),
            ("upstreams.dossier", &self.upstreams.dossier),
        ] {
            if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::new(
                    key,
                    format!("`{url}` must be an http(s) URL such as http://onestop-queue:50053"),
                ));
            }
        }
        for (key, secret) in [
            ("auth.secret", &self.auth.secret),
            ("auth.citizen_key_secret", &self.auth.citizen_key_secret),
            ("payment.secret", &self.payment.secret),
        ] {
            if let Some(secret) = secret
                && secret.trim().len() < crate::auth::MIN_SECRET_BYTES
            {
                return Err(ConfigError::new(key, "must be at least 32 characters"));
            }
        }
        if self.payment.demo && self.public_base_url.starts_with("https://") {
            return Err(ConfigError::new(
                "payment.demo",
                "the demo payment platform takes no real money and cannot run on an https public_base_url",
            ));
        }
        let g = &self.gateway;
        for (key, value) in [
            (
                "gateway.header_read_timeout_secs",
                g.header_read_timeout_secs as usize,
            ),
            ("gateway.idle_timeout_secs", g.idle_timeout_secs as usize),
            ("gateway.max_connections", g.max_connections),
            ("gateway.body_limit_bytes", g.body_limit_bytes),
            ("gateway.per_ip_per_minute", g.per_ip_per_minute as usize),
            (
                "gateway.per_center_per_minute",
                g.per_center_per_minute as usize,
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::new(key, "must be at least 1"));
            }
        }
        for entry in &g.trusted_proxies {
            let (addr, prefix) = match entry.trim().split_once('/') {
                Some((addr, prefix)) => (addr, Some(prefix)),
                None => (entry.trim(), None),
            };
            let bits = match addr.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(_)) => Some(32),
                Ok(std::net::IpAddr::V6(_)) => Some(128),
                Err(_) => None,
            };
            let usable = bits.is_some_and(|bits| {
                prefix.is_none_or(|p| {
                    !p.is_empty()
                        && p.bytes().all(|b| b.is_ascii_digit())
                        && p.parse::<u32>().is_ok_and(|p| p <= bits)
                })
            });
            if !usable {
                return Err(ConfigError::new(
                    "gateway.trusted_proxies",
                    format!(
                        "`{entry}` must be an IP address such as 10.0.0.5 or a CIDR range such as 10.0.0.0/8"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Database URL and PostgreSQL schema for one service.
    pub fn database_for(&self, service: &str) -> (String, Option<String>) {
        match &self.database_url {
            Some(url) if url.starts_with("postgres") => (url.clone(), Some(service.to_string())),
            Some(url) => (url.clone(), None),
            None => (
                format!(
                    "sqlite://{}?mode=rwc",
                    self.data_dir.join(format!("{service}.db")).display()
                ),
                None,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_gateway_and_warn_when_the_network_cannot_open_them() {
        let at = |a: &str| a.parse::<std::net::SocketAddr>().unwrap();
        let mut local = Config::default();
        assert!(
            local
                .resolve_public_base_url(at("127.0.0.1:18181"))
                .is_some()
        );
        assert_eq!(local.public_base_url, "http://127.0.0.1:18181");
        let mut v6 = Config::default();
        let warning = v6.resolve_public_base_url(at("[::1]:8080")).unwrap();
        assert_eq!(v6.public_base_url, "http://[::1]:8080");
        assert!(warning.contains("ONESTOP_PUBLIC_BASE_URL"));
        let mut lan = Config {
            public_base_url: "http://192.168.1.20:8080".into(),
            ..Config::default()
        };
        let warning = lan.resolve_public_base_url(at("127.0.0.1:8080")).unwrap();
        assert!(warning.contains("ONESTOP_BIND_HOST"));
        let mut open = Config {
            public_base_url: "https://ttpvhcc.example.vn".into(),
            bind_host: "0.0.0.0".into(),
            ..Config::default()
        };
        assert_eq!(open.resolve_public_base_url(at("0.0.0.0:8080")), None);
        assert_eq!(open.public_base_url, "https://ttpvhcc.example.vn");
    }
    use figment::providers::Serialized;

    fn with(key: &str, value: impl Serialize) -> Result<Config, ConfigError> {
        Config::from_figment(
            Figment::from(Serialized::defaults(Config::default())).merge((key, value)),
        )
    }

    #[test]
    fn the_example_configuration_is_valid() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../deploy/onestop.example.toml"
        );
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(figment::providers::Toml::file(path));
        let config = Config::from_figment(figment).unwrap();
        assert_eq!(config.retention.ticket_days, 30);
        assert_eq!(config.gateway.per_ip_per_minute, 60);
    }

    #[test]
    fn demo_payments_refuse_https() {
        let config = Config::from_figment(
            Figment::from(Serialized::defaults(Config::default()))
                .merge(("payment.demo", true))
                .merge(("public_base_url", "https://ttpvhcc.example.vn")),
        );
        assert_eq!(config.unwrap_err().key, "payment.demo");
        assert!(with("payment.demo", true).is_ok());
    }

    #[test]
    fn defaults_are_valid() {
        let config = with("bind_host", "127.0.0.1").unwrap();
        assert_eq!(config.ports.catalogue, 50051);
        assert_eq!(config.ports.gateway, 8080);
    }

    #[test]
    fn upstreams_default_to_this_machine() {
        let config = with("bind_host", "127.0.0.1").unwrap();
        assert_eq!(config.queue_url(), "http://127.0.0.1:50053");
        let config = with("upstreams.queue", "http://onestop-queue:50053").unwrap();
        assert_eq!(config.queue_url(), "http://onestop-queue:50053");
        assert_eq!(
            with("upstreams.queue", "onestop-queue:50053")
                .unwrap_err()
                .key,
            "upstreams.queue"
        );
    }

    #[test]
    fn bad_values_name_their_key() {
        assert_eq!(
            with("database_url", "mysql://x").unwrap_err().key,
            "database_url"
        );
        assert_eq!(with("redis_url", "http://x").unwrap_err().key, "redis_url");
        assert_eq!(
            with("public_base_url", "ftp://x").unwrap_err().key,
            "public_base_url"
        );
        assert_eq!(
            with("public_base_url", "https://a.vn/").unwrap_err().key,
            "public_base_url"
        );
        assert_eq!(
            with("request_timeout_secs", 0).unwrap_err().key,
            "request_timeout_secs"
        );
        assert_eq!(with("auth.secret", "short").unwrap_err().key, "auth.secret");
        assert_eq!(
            with("payment.secret", "").unwrap_err().key,
            "payment.secret"
        );
        assert_eq!(
            with("gateway.max_connections", 0).unwrap_err().key,
            "gateway.max_connections"
        );
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API returns its own error type
    fn trusted_proxies_are_addresses_or_cidr_ranges() {
        assert!(Config::default().gateway.trusted_proxies.is_empty());
        let good = vec![
            "10.0.0.5",
            " 10.0.0.0/8",
            "192.168.0.0/16",
            "fd00::/8",
            "::1",
            "0.0.0.0/0",
        ];
        let config = with("gateway.trusted_proxies", &good).unwrap();
        assert_eq!(config.gateway.trusted_proxies.len(), good.len());
        for bad in [
            "proxy.lan",
            "10.0.0.0/33",
            "fd00::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0",
            "",
        ] {
            let err = with("gateway.trusted_proxies", vec!["10.0.0.1", bad]).unwrap_err();
            assert_eq!(err.key, "gateway.trusted_proxies", "{bad}");
            assert!(err.message.contains(&format!("`{bad}`")), "{err}");
        }
        // from a file, and unset in another one
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "lb.toml",
                "[gateway]\ntrusted_proxies = [\"10.1.0.0/16\"]\n",
            )?;
            jail.create_file("plain.toml", "[gateway]\nper_ip_per_minute = 30\n")?;
            let config = Config::load(Some(Path::new("lb.toml"))).unwrap();
            assert_eq!(config.gateway.trusted_proxies, ["10.1.0.0/16"]);
            let config = Config::load(Some(Path::new("plain.toml"))).unwrap();
            assert!(config.gateway.trusted_proxies.is_empty());
            Ok(())
        });
    }

    #[test]
    fn wrong_types_and_unknown_keys_name_their_key() {
        let err = with("ports.gateway", "eighty").unwrap_err();
        assert_eq!(err.key, "ports.gateway");
        let err = with("ports.gateway", 70000).unwrap_err();
        assert_eq!(err.key, "ports.gateway");
        let err = with("colour", "blue").unwrap_err();
        assert!(err.message.contains("colour"), "{err}");
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API returns its own error type
    fn file_then_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "site.toml",
                "public_base_url = \"https://a.vn\"\n[ports]\nqueue = 6000\n",
            )?;
            jail.set_env("ONESTOP_PORTS__QUEUE", "7000");
            jail.set_env("ONESTOP_DATABASE_URL", "postgres://u@h/db");
            let config = Config::load(Some(Path::new("site.toml"))).unwrap();
            assert_eq!(config.public_base_url, "https://a.vn");
            assert_eq!(config.ports.queue, 7000);
            assert_eq!(
                config.database_for("queue"),
                ("postgres://u@h/db".to_string(), Some("queue".to_string()))
            );
            Ok(())
        });
    }

    #[test]
    fn default_database_is_a_sqlite_file_per_service() {
        let (url, schema) = Config::default().database_for("catalogue");
        assert_eq!(url, "sqlite://onestop-data/catalogue.db?mode=rwc");
        assert_eq!(schema, None);
    }
}
