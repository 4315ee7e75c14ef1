//! Which proxy, if any, a request goes through: the environment (`HTTPS_PROXY`, `HTTP_PROXY`,
//! `NO_PROXY` and their lower-case forms), an explicit proxy URL, or none.
//!
//! Matching follows curl's rules (implemented by `hyper_util::client::proxy::matcher`): an
//! `https` URL uses `HTTPS_PROXY`, an `http` URL `HTTP_PROXY`, `ALL_PROXY` is the fallback for
//! both, and a host listed in `NO_PROXY` (a domain and its subdomains, an IP address or a
//! CIDR range, `*` for every host) is reached directly.

use std::fmt;
use std::sync::Arc;

use hyper_util::client::proxy::matcher::{Intercept, Matcher};

use crate::Error;

/// The proxy setting of a [`crate::Client`].
///
/// The default is [`Proxy::from_env`]. Credentials in a proxy URL
/// (`http://user:password@proxy.example.com:3128`) are sent as `Proxy-Authorization: Basic`
/// and never printed: `Debug` shows the URL without them.
///
/// ```
/// use scim2_client::Proxy;
/// let proxy = Proxy::url("http://alice:s3cret@proxy.example.com:3128")?
///     .no_proxy("localhost,.internal.example.com,10.0.0.0/8");
/// let shown = format!("{proxy:?}");
/// assert!(shown.contains("proxy.example.com:3128") && !shown.contains("s3cret"));
/// # Ok::<(), scim2_client::Error>(())
/// ```
#[derive(Clone)]
pub struct Proxy {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Env,
    None,
    Url { url: String, no_proxy: String },
}

impl Proxy {
    /// The proxy named by the environment: `HTTPS_PROXY` for `https` URLs, `HTTP_PROXY` for
    /// `http` URLs, `ALL_PROXY` for both, except for the hosts in `NO_PROXY` (each also in
    /// lower case). The variables are read when the client is built.
    #[must_use]
    pub fn from_env() -> Self {
        Self { kind: Kind::Env }
    }

    /// No proxy, whatever the environment says.
    #[must_use]
    pub fn none() -> Self {
        Self { kind: Kind::None }
    }

    /// Every request goes through the proxy at `url` (`http://host:port`, optionally with
    /// `user:password@`); `https` requests are tunnelled with `CONNECT` (RFC 9110 §9.3.6).
    ///
    /// # Errors
    /// [`Error::Config`] when `url` is not an absolute `http` URL with a host (the message
    /// leaves the credentials out).
    pub fn url(url: &str) -> Result<Self, Error> {
        let parsed = url::Url::parse(url).map_err(|e| {
            Error::Config(format!(
                "the proxy URL {} is not a URL: {e}",
                crate::base_url::without_credentials(url)
            ))
        })?;
        if parsed.scheme() != "http" || parsed.host_str().is_none_or(str::is_empty) {
            return Err(Error::Config(format!(
                "the proxy URL {} must be http://host:port (an https:// or SOCKS proxy is not \
                 supported)",
                crate::base_url::without_credentials(url)
            )));
        }
        Ok(Self {
            kind: Kind::Url {
                url: url.to_owned(),
                no_proxy: String::new(),
            },
        })
    }

    /// Hosts reached directly although an explicit proxy is set, in `NO_PROXY` syntax
    /// (comma-separated domains, IP addresses, CIDR ranges; `*` for all). Has no effect on
    /// [`Proxy::from_env`] (which reads `NO_PROXY`) or [`Proxy::none`].
    #[must_use]
    pub fn no_proxy(mut self, hosts: &str) -> Self {
        if let Kind::Url { no_proxy, .. } = &mut self.kind {
            hosts.clone_into(no_proxy);
        }
        self
    }

    /// The matcher this setting stands for; `None` when no request can use a proxy.
    pub(crate) fn matcher(&self) -> Option<Arc<Matcher>> {
        let m = match &self.kind {
            Kind::None => return None,
            Kind::Env => Matcher::from_env(),
            Kind::Url { url, no_proxy } => Matcher::builder()
                .all(url.clone())
                .no(no_proxy.clone())
                .build(),
        };
        Some(Arc::new(m))
    }
}

impl Default for Proxy {
    fn default() -> Self {
        Self::from_env()
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Env => f.write_str("Proxy::from_env"),
            Kind::None => f.write_str("Proxy::none"),
            Kind::Url { url, no_proxy } => f
                .debug_struct("Proxy")
                .field("url", &crate::base_url::without_credentials(url))
                .field("no_proxy", no_proxy)
                .finish(),
        }
    }
}

/// The proxy URL of an intercept, as `scheme://host:port` (never with credentials).
pub(crate) fn shown(intercept: &Intercept) -> String {
    let uri = intercept.uri();
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = uri.host().unwrap_or_default();
    match uri.port_u16() {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> http::Uri {
        url.parse().unwrap()
    }

    #[test]
    fn explicit_proxy_with_exceptions() {
        let p = Proxy::url("http://u:pw@proxy.test:3128")
            .unwrap()
            .no_proxy("localhost,.corp.test");
        let m = p.matcher().unwrap();
        let i = m
            .intercept(&target("https://scim.example.com/scim"))
            .unwrap();
        assert_eq!(shown(&i), "http://proxy.test:3128");
        assert_eq!(i.basic_auth().unwrap(), "Basic dTpwdw==");
        assert!(m.intercept(&target("https://a.corp.test/x")).is_none());
        assert!(m.intercept(&target("http://localhost:8080/x")).is_none());
        assert!(!format!("{p:?} {i:?}").contains("pw"));
    }

    #[test]
    fn none_never_intercepts_and_bad_urls_are_refused() {
        assert!(Proxy::none().matcher().is_none());
        let e = Proxy::url("socks5://u:pw@proxy.test:1080")
            .unwrap_err()
            .to_string();
        assert!(e.contains("http://host:port") && !e.contains("pw"), "{e}");
        let e = Proxy::url("not a url").unwrap_err().to_string();
        assert!(e.contains("not a URL"), "{e}");
    }
}
