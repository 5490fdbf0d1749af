//! Identity: HS256 JWTs carrying subject, role, centre scope and expiry, checked by a
//! tower layer in every service, and the helper handlers use to require a role.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tonic::service::{Interceptor, InterceptorLayer};
use tonic::{Request, Status};

use crate::ServiceError;

/// What a caller may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A ticket kiosk on the floor.
    Kiosk,
    /// A display screen.
    Display,
    /// Counter staff receiving dossiers.
    Receptionist,
    /// A specialist reviewing dossiers.
    Specialist,
    /// A leader approving and signing.
    Leader,
    /// A centre administrator.
    Admin,
    /// A provincial system.
    Province,
}

impl Role {
    /// Every role, in the order staff usually meet them.
    pub const ALL: [Role; 7] = [
        Role::Kiosk,
        Role::Display,
        Role::Receptionist,
        Role::Specialist,
        Role::Leader,
        Role::Admin,
        Role::Province,
    ];

    /// Lowercase name as in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Kiosk => "kiosk",
            Role::Display => "display",
            Role::Receptionist => "receptionist",
            Role::Specialist => "specialist",
            Role::Leader => "leader",
            Role::Admin => "admin",
            Role::Province => "province",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
                format!("unknown role `{s}`; expected one of {}", names.join(", "))
            })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who issues onestop tokens (`iss`).
pub const ISSUER: &str = "onestop";
/// Who onestop tokens are for (`aud`): the suite's services and gateway.
pub const AUDIENCE: &str = "onestop-services";

/// The claims of a onestop token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Who: a staff login, a device name or a system.
    pub sub: String,
    /// What they may do.
    pub role: Role,
    /// Which centre they act for; `*` for all centres.
    pub center: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issuer, always [`ISSUER`].
    pub iss: String,
    /// Audience, always [`AUDIENCE`].
    pub aud: String,
    /// This token's id, listed in `auth.revoked_tokens` to revoke it.
    pub jti: String,
}

impl Claims {
    /// Whether these claims cover `center`.
    pub fn covers_center(&self, center: &str) -> bool {
        self.center == "*" || self.center == center
    }

    /// Claims for `subject` acting as `role` in `center` from `iat` for `ttl`, with a new id.
    pub fn new(subject: &str, role: Role, center: &str, iat: i64, ttl: chrono::Duration) -> Self {
        Self {
            sub: subject.into(),
            role,
            center: center.into(),
            iat,
            exp: iat + ttl.num_seconds(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            jti: hex::encode(rand::random::<[u8; 12]>()),
        }
    }
}

/// Longest life of a token for `role`: people sign in for a working day at most;
/// devices (kiosks, screens) and provincial systems hold longer tokens, revocable by id.
pub fn max_ttl(role: Role) -> chrono::Duration {
    match role {
        Role::Kiosk | Role::Display => chrono::Duration::days(400),
        Role::Province => chrono::Duration::days(90),
        Role::Receptionist | Role::Specialist | Role::Leader | Role::Admin => {
            chrono::Duration::hours(12)
        }
    }
}

/// `Ok` when a token for `role` may live `ttl`; otherwise what the limit is.
pub fn check_ttl(role: Role, ttl: chrono::Duration) -> Result<(), String> {
    let max = max_ttl(role);
    if ttl <= chrono::Duration::zero() {
        Err("a token must live longer than zero".into())
    } else if ttl > max {
        Err(format!(
            "a `{role}` token may live at most {} hours; asked for {} hours",
            max.num_hours(),
            ttl.num_hours()
        ))
    } else {
        Ok(())
    }
}

/// Signs and verifies tokens with one HS256 secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    revoked: Arc<std::collections::HashSet<String>>,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

impl TokenKeys {
    /// Keys from a shared secret (callers check its length: [`load_or_create_secret`]).
    pub fn from_secret(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            revoked: Arc::default(),
        }
    }

    /// These keys, refusing tokens whose id (`jti`) is in `ids`.
    pub fn with_revoked(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.revoked = Arc::new(ids.into_iter().collect());
        self
    }

    /// The configured secret, or the one in `data_dir/jwt-secret`, generated on first use.
    pub fn load_or_create(
        configured: Option<&str>,
        data_dir: &Path,
    ) -> Result<Self, std::io::Error> {
        load_or_create_secret(configured, data_dir, "jwt-secret").map(|s| Self::from_secret(&s))
    }

    /// A signed token for `claims`.
    pub fn sign(&self, claims: &Claims) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// A token for `subject` acting as `role` in `center`, valid for `ttl` (at most
    /// [`max_ttl`] of the role: a longer one is refused when used).
    pub fn issue(&self, subject: &str, role: Role, center: &str, ttl: chrono::Duration) -> String {
        self.sign(&Claims::new(
            subject,
            role,
            center,
            chrono::Utc::now().timestamp(),
            ttl,
        ))
    }

    /// Checks signature, expiry, issuer, audience, the role's longest life and revocation.
    pub fn verify(&self, token: &str) -> Result<Claims, ServiceError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| ServiceError::Unauthenticated(format!("bad token: {e}")))?;
        if claims.exp - claims.iat > max_ttl(claims.role).num_seconds() {
            return Err(ServiceError::Unauthenticated(format!(
                "a `{}` token may live at most {} hours",
                claims.role,
                max_ttl(claims.role).num_hours()
            )));
        }
        if self.revoked.contains(&claims.jti) {
            return Err(ServiceError::Unauthenticated(format!(
                "token {} is revoked",
                claims.jti
            )));
        }
        Ok(claims)
    }
}

/// Fewest bytes a signing secret may have.
pub const MIN_SECRET_BYTES: usize = 32;

fn too_short(what: &str, len: usize) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "{what} holds {len} bytes; a secret needs at least {MIN_SECRET_BYTES} \
             (write at least {MIN_SECRET_BYTES} random characters, or remove the file to have one generated)"
        ),
    )
}

/// The configured secret, or the one in `data_dir/file_name`, generated on first use (32
/// random bytes, hex) and written atomically (temporary file, fsync, link into place)
/// readable by the owner only. A secret shorter than [`MIN_SECRET_BYTES`] is an error.
pub fn load_or_create_secret(
    configured: Option<&str>,
    data_dir: &Path,
    file_name: &str,
) -> Result<Vec<u8>, std::io::Error> {
    if let Some(secret) = configured {
        if secret.trim().len() < MIN_SECRET_BYTES {
            return Err(too_short(
                &format!("the configured {file_name}"),
                secret.trim().len(),
            ));
        }
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join(file_name);
    let read = |path: &Path| -> std::io::Result<Vec<u8>> {
        let secret = std::fs::read_to_string(path)?.trim().as_bytes().to_vec();
        if secret.len() < MIN_SECRET_BYTES {
            return Err(too_short(&path.display().to_string(), secret.len()));
        }
        Ok(secret)
    };
    match read(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::private_dir(data_dir)?;
            let secret = hex::encode(rand::random::<[u8; 32]>());
            match write_private_atomically(&path, &secret) {
                Ok(()) => Ok(secret.into_bytes()),
                // another process created it first: use theirs
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(&path),
                Err(e) => Err(e),
            }
        }
        other => other,
    }
}

/// Writes `content` to a temporary file beside `path` (mode 0600), syncs it and links it
/// into place; fails with `AlreadyExists` rather than replace an existing file.
fn write_private_atomically(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("secret"),
        hex::encode(rand::random::<[u8; 6]>())
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(content.as_bytes())?;
        file.sync_all()?;
        std::fs::hard_link(&tmp, path)?;
        std::fs::File::open(dir)?.sync_all()
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Verifies `authorization: Bearer …` when present and stores the [`Claims`] in the
/// request extensions; a request without a token passes on anonymous.
#[derive(Clone, Debug)]
pub struct AuthInterceptor {
    keys: Arc<TokenKeys>,
}

impl AuthInterceptor {
    /// An interceptor checking tokens with `keys`.
    pub fn new(keys: TokenKeys) -> Self {
        Self {
            keys: Arc::new(keys),
        }
    }

    /// As a tower layer for `tonic::transport::Server::layer`.
    pub fn layer(self) -> InterceptorLayer<Self> {
        InterceptorLayer::new(self)
    }
}

impl Interceptor for AuthInterceptor {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        let Some(value) = request.metadata().get("authorization") else {
            return Ok(request);
        };
        let value = value
            .to_str()
            .map_err(|_| Status::unauthenticated("authorization header is not text"))?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(|| Status::unauthenticated("authorization must be `Bearer <token>`"))?;
        let claims = self.keys.verify(token.trim()).map_err(Status::from)?;
        request.extensions_mut().insert(claims);
        Ok(request)
    }
}

/// The caller's claims if their role is one of `roles`; `UNAUTHENTICATED` without a
/// token, `PERMISSION_DENIED` with another role.
pub fn require_role<'a, T>(
    request: &'a Request<T>,
    roles: &[Role],
) -> Result<&'a Claims, ServiceError> {
    let claims = request
        .extensions()
        .get::<Claims>()
        .ok_or_else(|| ServiceError::Unauthenticated("a bearer token is required".into()))?;
    if roles.contains(&claims.role) {
        Ok(claims)
    } else {
        let wanted: Vec<_> = roles.iter().map(|r| r.as_str()).collect();
        Err(ServiceError::PermissionDenied(format!(
            "role `{}` may not do this; needs {}",
            claims.role,
            wanted.join(" or ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_is_named() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("mayor".parse::<Role>().unwrap_err().contains("mayor"));
    }

    #[test]
    fn tokens_verify_and_expire() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue("lan", Role::Admin, "muong-sai", chrono::Duration::hours(1));
        let claims = keys.verify(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.role), ("lan", Role::Admin));
        let expired = keys.issue(
            "lan",
            Role::Admin,
            "muong-sai",
            chrono::Duration::minutes(-5),
        );
        assert!(matches!(
            keys.verify(&expired),
            Err(ServiceError::Unauthenticated(_))
        ));
        let other = TokenKeys::from_secret(b"another-secret-another-secret-xx");
        assert!(other.verify(&token).is_err());
    }

    #[test]
    fn secret_is_generated_once_into_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let first = TokenKeys::load_or_create(None, dir.path()).unwrap();
        let token = first.issue("a", Role::Kiosk, "x", chrono::Duration::hours(1));
        let again = TokenKeys::load_or_create(None, dir.path()).unwrap();
        assert!(again.verify(&token).is_ok());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("jwt-secret"))
                .unwrap()
                .len(),
            64
        );
    }

    #[test]
    fn require_role_distinguishes_missing_and_wrong() {
        let request = Request::new(());
        assert!(matches!(
            require_role(&request, &[Role::Admin]),
            Err(ServiceError::Unauthenticated(_))
        ));
        let mut request = Request::new(());
        request.extensions_mut().insert(Claims::new(
            "k",
            Role::Kiosk,
            "muong-sai",
            0,
            chrono::Duration::hours(1),
        ));
        assert!(matches!(
            require_role(&request, &[Role::Admin]),
            Err(ServiceError::PermissionDenied(_))
        ));
        assert!(require_role(&request, &[Role::Kiosk, Role::Admin]).is_ok());
    }

    #[test]
    fn short_or_empty_secrets_stop_start_up() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("jwt-secret"), "").unwrap();
        let err = TokenKeys::load_or_create(None, dir.path()).unwrap_err();
        assert!(err.to_string().contains("holds 0 bytes"), "{err}");
        std::fs::write(dir.path().join("jwt-secret"), "short\n").unwrap();
        assert!(TokenKeys::load_or_create(None, dir.path()).is_err());
        assert!(TokenKeys::load_or_create(Some("too-short"), dir.path()).is_err());
        assert!(TokenKeys::load_or_create(Some(&"k".repeat(32)), dir.path()).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn generated_secret_and_its_folder_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        TokenKeys::load_or_create(None, &data).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data.join("jwt-secret")), 0o600);
        assert_eq!(mode(&data), 0o700);
        let leftovers: Vec<_> = std::fs::read_dir(&data).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn tokens_carry_issuer_audience_and_a_bounded_life() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let claims = keys
            .verify(&keys.issue("lan", Role::Leader, "x", chrono::Duration::hours(12)))
            .unwrap();
        assert_eq!(
            (claims.iss.as_str(), claims.aud.as_str()),
            (ISSUER, AUDIENCE)
        );
        let long = keys.issue("lan", Role::Admin, "x", chrono::Duration::hours(13));
        assert!(keys.verify(&long).is_err(), "a person's token over 12 h");
        assert!(check_ttl(Role::Admin, chrono::Duration::hours(13)).is_err());
        assert!(check_ttl(Role::Kiosk, chrono::Duration::days(365)).is_ok());
        let mut foreign = Claims::new(
            "x",
            Role::Admin,
            "*",
            chrono::Utc::now().timestamp(),
            chrono::Duration::hours(1),
        );
        foreign.aud = "someone-else".into();
        assert!(
            keys.verify(&keys.sign(&foreign)).is_err(),
            "another audience"
        );
    }

    #[test]
    fn revoked_device_tokens_are_refused() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue("kiosk-1", Role::Kiosk, "x", chrono::Duration::days(300));
        let jti = keys.verify(&token).unwrap().jti;
        let keys = keys.with_revoked([jti]);
        assert!(keys.verify(&token).is_err());
        let other = keys.issue("kiosk-2", Role::Kiosk, "x", chrono::Duration::days(300));
        assert!(keys.verify(&other).is_ok());
    }
}
