//! How to reach one endpoint, as every command takes it: the URL, where the token comes
//! from, what TLS trusts and presents, the proxy, and the timeouts.
//!
//! `run`, `cleanup` and `replay` take the options as `--url`, `--token-env`, `--ca-file`…;
//! `compare` takes the same options twice, as `--from`, `--from-token-env`, `--from-ca-file`…
//! and `--to`, `--to-token-env`, `--to-ca-file`…. Each form resolves to one [`EndpointSpec`],
//! which [`EndpointSpec::resolve`] checks into an [`Endpoint`] (or a typed [`EndpointError`]) the
//! same way for every command; the commands build their clients from that.

use std::path::PathBuf;
use std::time::Duration;

use scim2_client::{ClientBuilder, ClientCredentials, Proxy, Secret, TrustRoots};

use crate::token::{OpaqueExpiry, Token, TokenError, parse_expiry};

/// `--trust-roots` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RootsArg {
    /// The operating system's trust store (default).
    #[default]
    System,
    /// The Mozilla roots bundled in the binary (rustls builds only).
    Bundled,
    /// Only the certificates of `--ca-file`.
    CaFilesOnly,
}

impl From<RootsArg> for TrustRoots {
    fn from(r: RootsArg) -> Self {
        match r {
            RootsArg::System => Self::System,
            RootsArg::Bundled => Self::Bundled,
            RootsArg::CaFilesOnly => Self::CaFilesOnly,
        }
    }
}

/// Why one endpoint's options cannot be used: a usage error (exit code 2) of `run`, `cleanup`,
/// `replay` and `compare` alike. Each message names the flag to change, never a token or a
/// password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// No URL was given.
    #[error("{flag} URL is required")]
    MissingUrl {
        /// The URL flag (`--url`, `--from`, `--to`).
        flag: &'static str,
    },
    /// The URL has no scheme (`tenant.example.com/scim/v2`).
    #[error("{flag} needs a scheme: https://host/scim/v2 (got {url:?})")]
    NoScheme {
        /// The URL flag.
        flag: &'static str,
        /// The text given.
        url: String,
    },
    /// The URL does not parse.
    #[error("{flag} {url:?} is not a URL: {reason}")]
    BadUrl {
        /// The URL flag.
        flag: &'static str,
        /// The text given.
        url: String,
        /// Why it does not parse.
        reason: url::ParseError,
    },
    /// A scheme other than `http` and `https`.
    #[error("{flag} must be http(s), not {scheme}:")]
    Scheme {
        /// The URL flag.
        flag: &'static str,
        /// The scheme given.
        scheme: String,
    },
    /// `user:password@` in the URL: it would be printed in reports and visible on the
    /// command line.
    #[error(
        "{flag}: the URL carries credentials; pass the token through {token_flag} instead \
         (URLs are printed in reports)"
    )]
    Credentials {
        /// The URL flag.
        flag: &'static str,
        /// The flag that names the token's variable (`--token-env`, `--from-token-env`).
        token_flag: String,
    },
    /// A query string in the base URL (such as Entra's `?aadOptscim062020` feature flag): a
    /// SCIM base URL has none (RFC 7644 §1.3), and resource paths are joined onto it.
    #[error(
        "{flag} must not carry a query string (leave Entra's ?aadOptscim062020 flag out{hint})",
        hint = dialect_hint(flag)
    )]
    Query {
        /// The URL flag.
        flag: &'static str,
    },
    /// A fragment (`#…`) in the base URL.
    #[error("{flag} must not carry a fragment (#…)")]
    Fragment {
        /// The URL flag.
        flag: &'static str,
    },
    /// `http://` for a host that is not loopback, without `--insecure-http`.
    #[error(
        "refusing http:// for {host}: the bearer token would travel unencrypted; use https:// \
         or pass --insecure-http"
    )]
    CleartextHttp {
        /// The URL flag.
        flag: &'static str,
        /// The host.
        host: String,
    },
    /// The token's variable or file could not be read, or holds no token.
    #[error("{flag}: {source} (or pass {no_auth_flag} for an endpoint without authentication)")]
    Token {
        /// `--token-env` or `--token-file` (with the command's prefix).
        flag: String,
        /// The command's `--no-auth` flag.
        no_auth_flag: String,
        /// What went wrong.
        source: TokenError,
    },
    /// `--token-expires` is not a date.
    #[error("{flag}: {reason}")]
    TokenExpires {
        /// The flag.
        flag: String,
        /// What is wrong with the date.
        reason: String,
    },
    /// A flag that only works with another one (`--proxy-auth-env` without `--proxy`,
    /// `--oauth-token-url` without `--oauth-client-id`).
    #[error("{flag} needs {needs}")]
    Needs {
        /// The flag given.
        flag: String,
        /// The flag it needs.
        needs: String,
    },
    /// Two flags that go together, one given without the other.
    #[error("{flag} and {other} go together")]
    Together {
        /// One flag.
        flag: String,
        /// The other.
        other: String,
    },
    /// OAuth client credentials without the client secret.
    #[error("{flag} needs the client secret in {env_flag} VAR or {file_flag} PATH")]
    OAuthSecret {
        /// `--oauth-token-url` (with the prefix).
        flag: String,
        /// `--oauth-secret-env`.
        env_flag: String,
        /// `--oauth-secret-file`.
        file_flag: String,
    },
    /// A secret (OAuth client secret, proxy credentials) could not be read.
    #[error("{flag}: {source}")]
    Secret {
        /// The flag that names its variable or file.
        flag: String,
        /// What went wrong (names the variable or file, never the value).
        source: Box<scim2_client::Error>,
    },
    /// `--proxy` is not a URL.
    #[error("{flag}: not a URL: {reason}")]
    ProxyUrl {
        /// `--proxy` (with the prefix).
        flag: String,
        /// Why it does not parse.
        reason: url::ParseError,
    },
    /// `--proxy` carries `user:password`.
    #[error(
        "{flag}: the URL carries credentials; put `user:password` in an environment variable \
         and name it with {env_flag} (command lines are visible to other users)"
    )]
    ProxyCredentials {
        /// `--proxy` (with the prefix).
        flag: String,
        /// `--proxy-auth-env` (with the prefix).
        env_flag: String,
    },
    /// The proxy credential variable does not hold `user:password`.
    #[error("{flag}: ${var} must hold user:password")]
    ProxyAuthFormat {
        /// `--proxy-auth-env` (with the prefix).
        flag: String,
        /// The variable.
        var: String,
    },
    /// The proxy URL cannot carry credentials.
    #[error("{flag}: this URL cannot carry credentials")]
    ProxyCannotCarry {
        /// `--proxy` (with the prefix).
        flag: String,
    },
    /// The proxy URL is not usable (scheme, host).
    #[error("{flag}: {source}")]
    Proxy {
        /// `--proxy` (with the prefix).
        flag: String,
        /// Why.
        source: Box<scim2_client::Error>,
    },
    /// The client could not be built from these options (an unreadable or invalid CA file or
    /// client certificate, TLS initialisation).
    #[error("{flag}: {source}")]
    Client {
        /// The URL flag.
        flag: &'static str,
        /// Why.
        source: Box<scim2_client::Error>,
    },
}

/// The end of [`EndpointError::Query`]'s message: `run`, `cleanup` and `replay` (`--url`)
/// choose Entra's PATCH dialect with `--dialect` instead of the URL's feature flag.
fn dialect_hint(flag: &str) -> &'static str {
    if flag == "--url" {
        "; choose the dialect with --dialect"
    } else {
        ""
    }
}

/// Whether `http://` is acceptable for this URL's host without `--insecure-http`: loopback
/// only (RFC 6761 §6.3).
/// `url` with any `user:password@` of its authority (RFC 3986 §3.2.1) replaced by `***@`, for
/// messages about a URL that did not parse: the text may still carry a password.
fn without_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_owned(),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// One endpoint's options, checked: what a command needs to build its client.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The base URL (without a trailing `/`).
    pub url: String,
    /// The bearer token, when one is sent.
    pub token: Option<Token>,
    /// Proxy, trust, client certificate, connect timeout, OAuth.
    pub network: Network,
    /// What `--token-expires` says about an opaque token.
    pub expiry: OpaqueExpiry,
}

/// One endpoint's options, independent of the flag spelling.
#[derive(Debug, Clone, Default)]
pub struct EndpointSpec {
    /// The flag prefix as the user typed it (`""`, `"from-"`, `"to-"`), for messages.
    pub prefix: &'static str,
    /// The flag that gives the URL (`--url`, `--from`, `--to`).
    pub url_flag: &'static str,
    /// The base URL.
    pub url: Option<String>,
    /// The environment variable holding the token.
    pub token_env: Option<String>,
    /// The file holding the token.
    pub token_file: Option<PathBuf>,
    /// Send no token.
    pub no_auth: bool,
    /// `--token-expires`: when the (opaque) token expires, as given.
    pub token_expires: Option<String>,
    /// Which roots to trust.
    pub trust_roots: RootsArg,
    /// Extra CA certificates (PEM files).
    pub ca_files: Vec<PathBuf>,
    /// Client certificate (PEM).
    pub client_cert: Option<PathBuf>,
    /// Client certificate key (PEM).
    pub client_key: Option<PathBuf>,
    /// Explicit proxy URL (no credentials).
    pub proxy: Option<String>,
    /// Environment variable with the proxy's `user:password`.
    pub proxy_auth_env: Option<String>,
    /// Use no proxy at all.
    pub no_proxy: bool,
    /// Per-request timeout in seconds.
    pub timeout: Option<u64>,
    /// Connect timeout in seconds.
    pub connect_timeout: Option<u64>,
    /// Allow `http://` for a host that is not loopback.
    pub insecure_http: bool,
    /// OAuth 2.0 client credentials: the token endpoint.
    pub oauth_token_url: Option<String>,
    /// OAuth 2.0 client credentials: the client id.
    pub oauth_client_id: Option<String>,
    /// OAuth 2.0 client credentials: the environment variable holding the client secret.
    pub oauth_secret_env: Option<String>,
    /// OAuth 2.0 client credentials: the file holding the client secret.
    pub oauth_secret_file: Option<PathBuf>,
    /// OAuth 2.0 client credentials: the scope asked for.
    pub oauth_scope: Option<String>,
}

/// The network settings of an endpoint's client: proxy, trust, client certificate,
/// connect timeout. The default uses the environment's proxy and the system trust store.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// The proxy (credentials inside, never printed).
    pub proxy: Proxy,
    /// Which roots to trust.
    pub trust_roots: TrustRoots,
    /// Extra CA certificates (PEM files).
    pub ca_files: Vec<PathBuf>,
    /// Client certificate and key (PEM files).
    pub identity: Option<(PathBuf, PathBuf)>,
    /// Connect timeout (the client's default when absent).
    pub connect_timeout: Option<Duration>,
    /// OAuth 2.0 client credentials, used instead of a bearer token when set.
    pub oauth: Option<ClientCredentials>,
}

impl Network {
    /// For the built-in endpoint on loopback: no proxy, whatever the environment says.
    #[must_use]
    pub fn direct() -> Self {
        Self {
            proxy: Proxy::none(),
            ..Self::default()
        }
    }

    /// Applies the OAuth client credentials, if any, to a client builder.
    pub(crate) fn apply_auth(&self, b: ClientBuilder) -> ClientBuilder {
        match &self.oauth {
            Some(c) => b.oauth_client_credentials(c.clone()),
            None => b,
        }
    }

    /// Applies these settings (not the credentials) to a client builder.
    pub(crate) fn apply(&self, mut b: ClientBuilder) -> ClientBuilder {
        b = b.proxy(self.proxy.clone()).trust_roots(self.trust_roots);
        for f in &self.ca_files {
            b = b.ca_file(f);
        }
        if let Some((cert, key)) = &self.identity {
            b = b.client_identity_files(cert, key);
        }
        if let Some(t) = self.connect_timeout {
            b = b.connect_timeout(t);
        }
        b
    }
}

impl EndpointSpec {
    fn flag(&self, name: &str) -> String {
        format!("--{}{name}", self.prefix)
    }

    /// Checks every option and reads the token: the base URL ([`EndpointSpec::base_url`]),
    /// the token ([`EndpointSpec::token`]), the network settings ([`EndpointSpec::network`])
    /// and `--token-expires`. `run` and `compare` go through here alike, so that they accept
    /// and refuse the same things.
    ///
    /// # Errors
    /// The first [`EndpointError`] found.
    pub fn resolve(
        &self,
        default_env: Option<&str>,
        allow_http: bool,
    ) -> Result<Endpoint, EndpointError> {
        let url = self.base_url(allow_http)?;
        let token = self.token(default_env)?;
        let network = self.network()?;
        let expiry = self.opaque_expiry()?;
        Ok(Endpoint {
            url,
            token,
            network,
            expiry,
        })
    }

    /// The base URL, checked: absolute `http(s)` without credentials, query or fragment, and
    /// `http://` only for loopback unless `--insecure-http` (or `allow_http`) says otherwise.
    /// A trailing `/` is removed.
    ///
    /// # Errors
    /// [`EndpointError`] naming the URL flag and the reason.
    pub fn base_url(&self, allow_http: bool) -> Result<String, EndpointError> {
        let flag = self.url_flag;
        let url = self
            .url
            .as_deref()
            .ok_or(EndpointError::MissingUrl { flag })?;
        let parsed = url::Url::parse(url).map_err(|reason| match reason {
            url::ParseError::RelativeUrlWithoutBase => EndpointError::NoScheme {
                flag,
                url: without_userinfo(url),
            },
            reason => EndpointError::BadUrl {
                flag,
                url: without_userinfo(url),
                reason,
            },
        })?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(EndpointError::Credentials {
                flag,
                token_flag: self.flag("token-env"),
            });
        }
        match parsed.scheme() {
            "https" => {}
            "http" if allow_http || self.insecure_http || is_loopback(&parsed) => {}
            "http" => {
                return Err(EndpointError::CleartextHttp {
                    flag,
                    host: parsed.host_str().unwrap_or_default().to_owned(),
                });
            }
            scheme => {
                return Err(EndpointError::Scheme {
                    flag,
                    scheme: scheme.to_owned(),
                });
            }
        }
        if parsed.query().is_some() {
            return Err(EndpointError::Query { flag });
        }
        if parsed.fragment().is_some() {
            return Err(EndpointError::Fragment { flag });
        }
        Ok(url.trim_end_matches('/').to_owned())
    }

    /// The token: `--token-file`, else `--token-env` (else `default_env` when given), unless
    /// `--no-auth`. `Ok(None)` when no token is to be sent.
    ///
    /// # Errors
    /// [`EndpointError::Token`] naming the flag and the variable or file, never the token.
    pub fn token(&self, default_env: Option<&str>) -> Result<Option<Token>, EndpointError> {
        if self.no_auth || self.oauth_token_url.is_some() {
            return Ok(None);
        }
        let fail = |flag: &str, source: TokenError| EndpointError::Token {
            flag: self.flag(flag),
            no_auth_flag: self.flag("no-auth"),
            source,
        };
        if let Some(p) = &self.token_file {
            return Token::from_file(p)
                .map(Some)
                .map_err(|e| fail("token-file", e));
        }
        match self.token_env.as_deref().or(default_env) {
            Some(var) => Token::from_env(var)
                .map(Some)
                .map_err(|e| fail("token-env", e)),
            None => Ok(None),
        }
    }

    /// `--token-expires`, or that an opaque token's expiry is unknown.
    ///
    /// # Errors
    /// [`EndpointError::TokenExpires`] when the date does not parse.
    pub fn opaque_expiry(&self) -> Result<OpaqueExpiry, EndpointError> {
        match &self.token_expires {
            Some(t) => parse_expiry(t).map(OpaqueExpiry::At).map_err(|reason| {
                EndpointError::TokenExpires {
                    flag: self.flag("token-expires"),
                    reason,
                }
            }),
            None => Ok(OpaqueExpiry::Unknown),
        }
    }

    /// The per-request timeout, or `default`.
    #[must_use]
    pub fn timeout_or(&self, default: Duration) -> Duration {
        self.timeout.map_or(default, Duration::from_secs)
    }

    /// The network settings.
    ///
    /// # Errors
    /// [`EndpointError`] for a proxy URL with credentials or an unreadable proxy credential
    /// variable, a client certificate without its key, an invalid proxy URL, or incomplete
    /// OAuth client credentials.
    pub fn network(&self) -> Result<Network, EndpointError> {
        let proxy = match (&self.proxy, self.no_proxy) {
            (_, true) => Proxy::none(),
            (None, false) => {
                if self.proxy_auth_env.is_some() {
                    return Err(EndpointError::Needs {
                        flag: self.flag("proxy-auth-env"),
                        needs: self.flag("proxy"),
                    });
                }
                Proxy::from_env()
            }
            (Some(url), false) => self.explicit_proxy(url)?,
        };
        let identity = match (&self.client_cert, &self.client_key) {
            (Some(c), Some(k)) => Some((c.clone(), k.clone())),
            (None, None) => None,
            _ => {
                return Err(EndpointError::Together {
                    flag: self.flag("client-cert"),
                    other: self.flag("client-key"),
                });
            }
        };
        Ok(Network {
            proxy,
            trust_roots: self.trust_roots.into(),
            ca_files: self.ca_files.clone(),
            identity,
            connect_timeout: self.connect_timeout.map(Duration::from_secs),
            oauth: self.oauth()?,
        })
    }

    /// The OAuth client credentials, when `--oauth-token-url` is given.
    fn oauth(&self) -> Result<Option<ClientCredentials>, EndpointError> {
        let Some(url) = &self.oauth_token_url else {
            return Ok(None);
        };
        let id = self
            .oauth_client_id
            .as_deref()
            .ok_or_else(|| EndpointError::Needs {
                flag: self.flag("oauth-token-url"),
                needs: self.flag("oauth-client-id"),
            })?;
        let secret_err = |flag: &str| {
            let flag = self.flag(flag);
            move |source| EndpointError::Secret {
                flag,
                source: Box::new(source),
            }
        };
        let secret = match (&self.oauth_secret_file, &self.oauth_secret_env) {
            (Some(p), _) => Secret::from_file(p).map_err(secret_err("oauth-secret-file"))?,
            (None, Some(v)) => Secret::from_env(v).map_err(secret_err("oauth-secret-env"))?,
            (None, None) => {
                return Err(EndpointError::OAuthSecret {
                    flag: self.flag("oauth-token-url"),
                    env_flag: self.flag("oauth-secret-env"),
                    file_flag: self.flag("oauth-secret-file"),
                });
            }
        };
        let mut c = ClientCredentials::new(url.clone(), id, secret);
        if let Some(s) = &self.oauth_scope {
            c = c.scope(s.clone());
        }
        Ok(Some(c))
    }

    fn explicit_proxy(&self, text: &str) -> Result<Proxy, EndpointError> {
        let flag = self.flag("proxy");
        let mut url = url::Url::parse(text).map_err(|reason| EndpointError::ProxyUrl {
            flag: flag.clone(),
            reason,
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EndpointError::ProxyCredentials {
                flag,
                env_flag: self.flag("proxy-auth-env"),
            });
        }
        if let Some(var) = &self.proxy_auth_env {
            let env_flag = self.flag("proxy-auth-env");
            let creds = Secret::from_env(var).map_err(|source| EndpointError::Secret {
                flag: env_flag.clone(),
                source: Box::new(source),
            })?;
            let (user, password) =
                creds
                    .expose()
                    .split_once(':')
                    .ok_or_else(|| EndpointError::ProxyAuthFormat {
                        flag: env_flag,
                        var: var.clone(),
                    })?;
            if url.set_username(user).is_err() || url.set_password(Some(password)).is_err() {
                return Err(EndpointError::ProxyCannotCarry { flag });
            }
        }
        let no_proxy = ["NO_PROXY", "no_proxy"]
            .iter()
            .find_map(|v| std::env::var(v).ok())
            .unwrap_or_default();
        Proxy::url(url.as_str())
            .map(|p| p.no_proxy(&no_proxy))
            .map_err(|source| EndpointError::Proxy {
                flag,
                source: Box::new(source),
            })
    }
}

/// Declares a clap argument group for one endpoint with the given flag spelling.
macro_rules! endpoint_args {
    (
        $(#[$meta:meta])* $name:ident, url = $url:literal, required = $req:literal,
        prefix = $p:literal, id = $id:literal
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, clap::Args)]
        pub struct $name {
            /// The endpoint's base URL (`https://tenant.example.com/scim/v2`).
            #[arg(long = $url, id = concat!($id, "url"), value_name = "URL", required = $req)]
            pub url: Option<String>,
            /// Environment variable holding the bearer token.
            #[arg(long = concat!($p, "token-env"), id = concat!($id, "token_env"),
                  value_name = "VAR")]
            pub token_env: Option<String>,
            /// File holding the bearer token (first line).
            #[arg(long = concat!($p, "token-file"), id = concat!($id, "token_file"),
                  value_name = "PATH", conflicts_with = concat!($id, "no_auth"))]
            pub token_file: Option<PathBuf>,
            /// Send no Authorization header.
            #[arg(long = concat!($p, "no-auth"), id = concat!($id, "no_auth"))]
            pub no_auth: bool,
            /// When the token expires, for a token that does not say (an opaque token):
            /// `2026-12-31` or `2026-12-31T18:00:00Z`.
            #[arg(long = concat!($p, "token-expires"), id = concat!($id, "token_expires"),
                  value_name = "DATE")]
            pub token_expires: Option<String>,
            /// Which root certificates to trust (default: the system's).
            #[arg(long = concat!($p, "trust-roots"), id = concat!($id, "trust_roots"),
                  value_enum, default_value_t = RootsArg::System)]
            pub trust_roots: RootsArg,
            /// Also trust the CA certificates of this PEM file (repeatable).
            #[arg(long = concat!($p, "ca-file"), id = concat!($id, "ca_file"),
                  value_name = "PEM")]
            pub ca_file: Vec<PathBuf>,
            /// Client certificate for mutual TLS (PEM, with intermediates).
            #[arg(long = concat!($p, "client-cert"), id = concat!($id, "client_cert"),
                  value_name = "PEM", requires = concat!($id, "client_key"))]
            pub client_cert: Option<PathBuf>,
            /// The client certificate's private key (PEM, PKCS#8).
            #[arg(long = concat!($p, "client-key"), id = concat!($id, "client_key"),
                  value_name = "PEM", requires = concat!($id, "client_cert"))]
            pub client_key: Option<PathBuf>,
            /// Proxy URL (`http://proxy.example.com:3128`); default: HTTPS_PROXY/HTTP_PROXY
            /// and NO_PROXY from the environment.
            #[arg(long = concat!($p, "proxy"), id = concat!($id, "proxy"), value_name = "URL",
                  conflicts_with = concat!($id, "no_proxy"))]
            pub proxy: Option<String>,
            /// Environment variable holding the proxy's `user:password`.
            #[arg(long = concat!($p, "proxy-auth-env"), id = concat!($id, "proxy_auth_env"),
                  value_name = "VAR")]
            pub proxy_auth_env: Option<String>,
            /// Connect directly, ignoring HTTPS_PROXY/HTTP_PROXY.
            #[arg(long = concat!($p, "no-proxy"), id = concat!($id, "no_proxy"))]
            pub no_proxy: bool,
            /// Per-request timeout in seconds.
            #[arg(long = concat!($p, "timeout"), id = concat!($id, "timeout"), value_name = "SECS",
                  value_parser = clap::value_parser!(u64).range(1..=3600))]
            pub timeout: Option<u64>,
            /// Connect timeout in seconds (default 10).
            #[arg(long = concat!($p, "connect-timeout"), id = concat!($id, "connect_timeout"),
                  value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=600))]
            pub connect_timeout: Option<u64>,
            /// Allow http:// for a host that is not loopback (the token would travel in clear).
            #[arg(long = concat!($p, "insecure-http"), id = concat!($id, "insecure_http"))]
            pub insecure_http: bool,
            /// OAuth 2.0 client credentials instead of a bearer token: the token endpoint.
            #[arg(long = concat!($p, "oauth-token-url"), id = concat!($id, "oauth_token_url"),
                  value_name = "URL", requires = concat!($id, "oauth_client_id"),
                  conflicts_with_all = [concat!($id, "token_env"), concat!($id, "token_file")])]
            pub oauth_token_url: Option<String>,
            /// The OAuth client id.
            #[arg(long = concat!($p, "oauth-client-id"), id = concat!($id, "oauth_client_id"),
                  value_name = "ID", requires = concat!($id, "oauth_token_url"))]
            pub oauth_client_id: Option<String>,
            /// Environment variable holding the OAuth client secret.
            #[arg(long = concat!($p, "oauth-secret-env"), id = concat!($id, "oauth_secret_env"),
                  value_name = "VAR", requires = concat!($id, "oauth_token_url"))]
            pub oauth_secret_env: Option<String>,
            /// File holding the OAuth client secret.
            #[arg(long = concat!($p, "oauth-secret-file"), id = concat!($id, "oauth_secret_file"),
                  value_name = "PATH", requires = concat!($id, "oauth_token_url"))]
            pub oauth_secret_file: Option<PathBuf>,
            /// The OAuth scope to ask for.
            #[arg(long = concat!($p, "oauth-scope"), id = concat!($id, "oauth_scope"),
                  value_name = "SCOPE", requires = concat!($id, "oauth_token_url"))]
            pub oauth_scope: Option<String>,
        }

        impl $name {
            /// These options, independent of their spelling.
            #[must_use]
            pub fn spec(&self) -> EndpointSpec {
                EndpointSpec {
                    prefix: $p,
                    url_flag: concat!("--", $url),
                    url: self.url.clone(),
                    token_env: self.token_env.clone(),
                    token_file: self.token_file.clone(),
                    no_auth: self.no_auth,
                    token_expires: self.token_expires.clone(),
                    trust_roots: self.trust_roots,
                    ca_files: self.ca_file.clone(),
                    client_cert: self.client_cert.clone(),
                    client_key: self.client_key.clone(),
                    proxy: self.proxy.clone(),
                    proxy_auth_env: self.proxy_auth_env.clone(),
                    no_proxy: self.no_proxy,
                    timeout: self.timeout,
                    connect_timeout: self.connect_timeout,
                    insecure_http: self.insecure_http,
                    oauth_token_url: self.oauth_token_url.clone(),
                    oauth_client_id: self.oauth_client_id.clone(),
                    oauth_secret_env: self.oauth_secret_env.clone(),
                    oauth_secret_file: self.oauth_secret_file.clone(),
                    oauth_scope: self.oauth_scope.clone(),
                }
            }
        }
    };
}

endpoint_args!(
    /// The endpoint options of `run`, `cleanup` and `replay`.
    EndpointArgs, url = "url", required = false, prefix = "", id = ""
);
endpoint_args!(
    /// The old endpoint's options in `compare` (`--from`, `--from-token-env`…).
    FromEndpointArgs, url = "from", required = true, prefix = "from-", id = "from_"
);
endpoint_args!(
    /// The new endpoint's options in `compare` (`--to`, `--to-token-env`…).
    ToEndpointArgs, url = "to", required = true, prefix = "to-", id = "to_"
);

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn a_url_that_does_not_parse_is_quoted_without_its_password() {
        assert_eq!(
            without_userinfo("https://admin:hunter2@host:99999/scim"),
            "https://***@host:99999/scim"
        );
        assert_eq!(
            without_userinfo("pw@host/scim?a=b@c"),
            "***@host/scim?a=b@c"
        );
        assert_eq!(without_userinfo("https://host/a@b"), "https://host/a@b");
        let spec = EndpointSpec {
            url: Some("https://admin:hunter2@host:99999/scim".into()),
            ..EndpointSpec::default()
        };
        let err = spec.base_url(false).expect_err("a bad port");
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
    }

    #[derive(Debug, Parser)]
    struct Two {
        #[command(flatten)]
        from: FromEndpointArgs,
        #[command(flatten)]
        to: ToEndpointArgs,
    }

    #[test]
    fn prefixed_forms_parse_apart() {
        let t = Two::try_parse_from([
            "x",
            "--from",
            "https://a.example.com/scim",
            "--from-ca-file",
            "a.pem",
            "--to",
            "https://b.example.com/scim",
            "--to-no-proxy",
            "--to-token-file",
            "tok",
            "--to-timeout",
            "5",
        ])
        .unwrap();
        let (f, t) = (t.from.spec(), t.to.spec());
        assert_eq!(f.url.as_deref(), Some("https://a.example.com/scim"));
        assert_eq!(f.ca_files, vec![PathBuf::from("a.pem")]);
        assert!(!f.no_proxy && t.no_proxy);
        assert_eq!(t.token_file, Some(PathBuf::from("tok")));
        assert_eq!(
            t.timeout_or(Duration::from_secs(60)),
            Duration::from_secs(5)
        );
        assert_eq!(
            f.timeout_or(Duration::from_secs(60)),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn proxy_credentials_stay_off_the_command_line() {
        let spec = EndpointSpec {
            proxy: Some("http://u:pw@proxy.example.com:3128".into()),
            ..EndpointSpec::default()
        };
        let e = spec.network().unwrap_err().to_string();
        assert!(e.contains("--proxy-auth-env") && !e.contains("pw@"), "{e}");
        let spec = EndpointSpec {
            client_cert: Some("c.pem".into()),
            ..EndpointSpec::default()
        };
        assert!(
            spec.network()
                .unwrap_err()
                .to_string()
                .contains("--client-key")
        );
        let spec = EndpointSpec {
            prefix: "to-",
            proxy_auth_env: Some("P".into()),
            ..EndpointSpec::default()
        };
        assert_eq!(
            spec.network().unwrap_err().to_string(),
            "--to-proxy-auth-env needs --to-proxy"
        );
        let spec = EndpointSpec {
            prefix: "from-",
            oauth_token_url: Some("https://login.example.com/token".into()),
            oauth_client_id: Some("id".into()),
            ..EndpointSpec::default()
        };
        let e = spec.network().unwrap_err().to_string();
        assert!(e.contains("--from-oauth-secret-env"), "{e}");
        // With OAuth, no bearer token is read (not even the default variable).
        assert!(
            spec.token(Some("SCIM2_SURELY_UNSET_VAR"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn base_urls_are_checked_into_typed_errors() {
        let spec = |url: &str| EndpointSpec {
            url_flag: "--to",
            prefix: "to-",
            url: Some(url.into()),
            ..EndpointSpec::default()
        };
        let check = |url: &str| spec(url).base_url(false);
        assert_eq!(
            check("https://t.example/scim/v2/").unwrap(),
            "https://t.example/scim/v2"
        );
        for ok in [
            "http://localhost:8080/scim",
            "http://127.0.0.1/scim",
            "http://[::1]/scim",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        assert!(spec("http://t.example/scim").base_url(true).is_ok());
        let insecure = EndpointSpec {
            insecure_http: true,
            ..spec("http://t.example/scim")
        };
        assert!(insecure.base_url(false).is_ok());
        assert!(matches!(
            EndpointSpec::default().base_url(false),
            Err(EndpointError::MissingUrl { .. })
        ));
        assert!(matches!(
            check("t.example/scim"),
            Err(EndpointError::NoScheme { flag: "--to", .. })
        ));
        assert!(matches!(
            check("https://[::1"),
            Err(EndpointError::BadUrl { .. })
        ));
        assert!(matches!(
            check("ftp://t.example"),
            Err(EndpointError::Scheme { .. })
        ));
        assert!(matches!(
            check("http://t.example/scim"),
            Err(EndpointError::CleartextHttp { .. })
        ));
        assert!(matches!(
            check("https://t.example/?x=1"),
            Err(EndpointError::Query { .. })
        ));
        assert!(matches!(
            check("https://t.example/#x"),
            Err(EndpointError::Fragment { .. })
        ));
        let e = check("https://u:pw@t.example/scim").unwrap_err();
        assert!(
            matches!(&e, EndpointError::Credentials { token_flag, .. } if token_flag == "--to-token-env")
        );
        assert!(!e.to_string().contains("pw"), "{e}");
    }
}
