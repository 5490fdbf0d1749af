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
}

impl Claims {
    /// Whether these claims cover `center`.
    pub fn covers_center(&self, center: &str) -> bool {
        self.center == "*" || self.center == center
    }
}

/// Signs and verifies tokens with one HS256 secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

impl TokenKeys {
    /// Keys from a shared secret.
    pub fn from_secret(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
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

    /// A token for `subject` acting as `role` in `center`, valid for `ttl`.
    pub fn issue(&self, subject: &str, role: Role, center: &str, ttl: chrono::Duration) -> String {
        let now = chrono::Utc::now().timestamp();
        self.sign(&Claims {
            sub: subject.into(),
            role,
            center: center.into(),
            iat: now,
            exp: now + ttl.num_seconds(),
        })
    }

    /// Checks signature and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, ServiceError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| ServiceError::Unauthenticated(format!("bad token: {e}")))
    }
}

/// The configured secret, or the one in `data_dir/file_name`, generated (32 random
/// bytes, hex) and written readable by the owner only on first use.
pub fn load_or_create_secret(
    configured: Option<&str>,
    data_dir: &Path,
    file_name: &str,
) -> Result<Vec<u8>, std::io::Error> {
    if let Some(secret) = configured {
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join(file_name);
    match std::fs::read_to_string(&path) {
        Ok(secret) => Ok(secret.trim().as_bytes().to_vec()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)?;
            let secret = hex::encode(rand::random::<[u8; 32]>());
            write_private(&path, &secret)?;
            Ok(secret.into_bytes())
        }
        Err(e) => Err(e),
    }
}

fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(content.as_bytes())
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
        request.extensions_mut().insert(Claims {
            sub: "k".into(),
            role: Role::Kiosk,
            center: "muong-sai".into(),
            iat: 0,
            exp: i64::MAX,
        });
        assert!(matches!(
            require_role(&request, &[Role::Admin]),
            Err(ServiceError::PermissionDenied(_))
        ));
        assert!(require_role(&request, &[Role::Kiosk, Role::Admin]).is_ok());
    }
}
