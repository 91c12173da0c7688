//! Access tokens: HS256 only, with issuer, audience and expiry checked against the injected
//! clock (so expiry is testable without waiting).

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::entities::Role;
use crate::ids::{TenantId, UserId};

pub const ISSUER: &str = "partsdesk";
pub const AUDIENCE: &str = "partsdesk-api";
/// Clock skew tolerated between servers, in seconds.
const LEEWAY_SECS: i64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: UserId,
    pub tid: TenantId,
    pub role: Role,
    /// The account's session generation when the token was issued.
    #[serde(rename = "gen")]
    pub generation: i32,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token expired")]
    Expired,
    #[error("token invalid: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: chrono::Duration,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl: std::time::Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Expiry is checked below against the service clock, not the system clock.
        validation.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl: chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1)),
        }
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl.num_seconds()
    }

    pub fn issue(
        &self,
        user: UserId,
        tenant: TenantId,
        role: Role,
        generation: i32,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: user,
            tid: tenant,
            role,
            generation,
            iat: now.timestamp(),
            exp: (now + self.ttl).timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?;
        if data.claims.exp + LEEWAY_SECS <= now.timestamp() {
            return Err(TokenError::Expired);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_follows_the_given_clock() {
        let keys = JwtKeys::new(&[7u8; 32], std::time::Duration::from_secs(600));
        let now = Utc::now();
        let token = keys
            .issue(UserId::generate(), TenantId::generate(), Role::Sales, 0, now)
            .expect("issue");
        assert!(keys.verify(&token, now + chrono::Duration::seconds(599)).is_ok());
        assert!(matches!(
            keys.verify(&token, now + chrono::Duration::seconds(700)),
            Err(TokenError::Expired)
        ));
    }

    #[test]
    fn another_key_is_rejected() {
        let keys = JwtKeys::new(&[7u8; 32], std::time::Duration::from_secs(600));
        let other = JwtKeys::new(&[8u8; 32], std::time::Duration::from_secs(600));
        let token = other
            .issue(UserId::generate(), TenantId::generate(), Role::Owner, 0, Utc::now())
            .expect("issue");
        assert!(keys.verify(&token, Utc::now()).is_err());
    }
}
