//! Which URLs the service may call. A webhook URL is chosen by a customer of the service, so
//! without these checks it would be a way to make the server request its own network
//! (loopback, private ranges, cloud metadata at 169.254.169.254). Names are checked when the
//! URL is registered and again at every connection, through the resolver the HTTP client
//! uses, so a name that later resolves to a private address is still refused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

pub const URL_MAX: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("not a valid URL")]
    Invalid,
    #[error("only http and https URLs are allowed")]
    Scheme,
    #[error("URLs with a user name or password are not allowed")]
    Credentials,
    #[error("loopback, private and link-local addresses are not allowed")]
    Private,
    #[error("at most {URL_MAX} characters")]
    TooLong,
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        // Carrier-grade NAT, 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7 and link-local fe80::/10.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        // Documentation 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

/// Parses and checks a webhook URL. With `allow_private`, only the scheme and form are checked
/// (for development and tests, where receivers run on localhost).
pub fn check(url: &str, allow_private: bool) -> Result<Url, TargetError> {
    if url.chars().count() > URL_MAX {
        return Err(TargetError::TooLong);
    }
    let parsed = Url::parse(url.trim()).map_err(|_| TargetError::Invalid)?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(TargetError::Scheme);
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(TargetError::Credentials);
    }
    let host = parsed.host().ok_or(TargetError::Invalid)?;
    if allow_private {
        return Ok(parsed);
    }
    let public = match host {
        url::Host::Ipv4(ip) => is_public_v4(ip),
        url::Host::Ipv6(ip) => is_public_v6(ip),
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            !(name == "localhost" || name.ends_with(".localhost") || name.ends_with(".local"))
        }
    };
    if public { Ok(parsed) } else { Err(TargetError::Private) }
}

/// The HTTP client's resolver: drops every non-public address a name resolves to.
#[derive(Debug, Clone)]
pub struct PublicOnlyResolver {
    pub allow_private: bool,
}

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(Box::new(TargetError::Private) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

pub fn client(allow_private: bool, timeout: std::time::Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(PublicOnlyResolver { allow_private }))
        // A redirect could lead anywhere; receivers must answer at the registered URL.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .user_agent(concat!("partsdesk-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_targets_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1/hook",
            "http://localhost:8080/hook",
            "http://10.0.0.5/hook",
            "http://192.168.1.1/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/hook",
            "http://[fd00::1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://100.64.0.1/hook",
        ] {
            assert_eq!(check(url, false), Err(TargetError::Private), "{url}");
            assert!(check(url, true).is_ok(), "{url}");
        }
        assert!(check("https://erp.example-shop.cn/partsdesk", false).is_ok());
        assert_eq!(check("ftp://example.com/x", false), Err(TargetError::Scheme));
        assert_eq!(
            check("https://user:pw@example.com/x", false),
            Err(TargetError::Credentials)
        );
        assert_eq!(check("not a url", false), Err(TargetError::Invalid));
    }
}
