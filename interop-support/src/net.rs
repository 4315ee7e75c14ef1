//! Network fixtures for tests: a throw-away certificate authority, a TLS (optionally mutual
//! TLS) server for an axum router, and a small HTTP proxy that tunnels `CONNECT` and forwards
//! absolute-form requests. Everything listens on 127.0.0.1 only.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::RootCertStore;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A test CA with a server certificate for `127.0.0.1`/`localhost` and a client certificate,
/// written as PEM files into a fresh directory (removed on drop).
pub struct TestPki {
    dir: PathBuf,
    /// The CA certificate (PEM), to give as `--ca-file`.
    pub ca_file: PathBuf,
    /// The client certificate (PEM).
    pub client_cert: PathBuf,
    /// The client certificate's private key (PKCS#8 PEM).
    pub client_key: PathBuf,
    /// A client certificate from another CA, which the server must refuse (PEM).
    pub stranger_cert: PathBuf,
    /// Its private key (PKCS#8 PEM).
    pub stranger_key: PathBuf,
    ca_der: CertificateDer<'static>,
    server_der: CertificateDer<'static>,
    server_key: Vec<u8>,
}

fn new_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, name.to_owned());
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("CA key")).expect("CA cert")
}

fn leaf(names: &[&str], cn: &str, issuer: &Issuer<'_, KeyPair>) -> (rcgen::Certificate, KeyPair) {
    let names: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    let mut params = CertificateParams::new(names).expect("leaf params");
    params
        .distinguished_name
        .push(DnType::CommonName, cn.to_owned());
    let key = KeyPair::generate().expect("leaf key");
    let cert = params.signed_by(&key, issuer).expect("leaf cert");
    (cert, key)
}

impl TestPki {
    /// Generates the CA and certificates and writes the PEM files.
    ///
    /// # Panics
    /// When the files cannot be written (a test fixture).
    #[must_use]
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "scim-rs-pki-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("pki dir");
        let ca = new_ca("scim-rs test CA");
        let (server, server_key) = leaf(&["127.0.0.1", "localhost"], "scim endpoint", &ca);
        let (client, client_key) = leaf(&["client.test"], "scim client", &ca);
        let other = new_ca("some other CA");
        let (stranger, stranger_key) = leaf(&["stranger.test"], "stranger", &other);
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).expect("write pem");
            p
        };
        Self {
            ca_file: write("ca.pem", &ca.pem()),
            client_cert: write("client.pem", &client.pem()),
            client_key: write("client.key", &client_key.serialize_pem()),
            stranger_cert: write("stranger.pem", &stranger.pem()),
            stranger_key: write("stranger.key", &stranger_key.serialize_pem()),
            ca_der: ca.der().clone(),
            server_der: server.der().clone(),
            server_key: server_key.serialize_der(),
            dir,
        }
    }

    /// The directory holding the files.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn server_config(&self, require_client_cert: bool) -> rustls::ServerConfig {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .expect("protocol versions");
        let builder = if require_client_cert {
            let mut roots = RootCertStore::empty();
            roots.add(self.ca_der.clone()).expect("CA root");
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .expect("client verifier");
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key.clone()));
        builder
            .with_single_cert(vec![self.server_der.clone()], key)
            .expect("server cert")
    }
}

impl Default for TestPki {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestPki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Serves `router` over TLS on 127.0.0.1 with the server certificate of `pki`, requiring a
/// client certificate signed by the test CA when `require_client_cert`. Returns
/// `https://127.0.0.1:PORT`.
///
/// # Panics
/// When no port can be bound (a test fixture).
pub async fn serve_tls(router: axum::Router, pki: &TestPki, require_client_cert: bool) -> String {
    let acceptor =
        tokio_rustls::TlsAcceptor::from(Arc::new(pki.server_config(require_client_cert)));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let router = router.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper_util::service::TowerToHyperService::new(router);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    format!("https://{addr}")
}

/// A running test proxy.
#[derive(Clone)]
pub struct TestProxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    seen: Arc<Mutex<Vec<ProxyRequest>>>,
}

/// What the proxy received on one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRequest {
    /// The request line (`CONNECT 127.0.0.1:4433 HTTP/1.1`, `GET http://… HTTP/1.1`).
    pub line: String,
    /// The `Proxy-Authorization` header, if any.
    pub auth: Option<String>,
}

impl TestProxy {
    /// Starts a proxy on 127.0.0.1. With `basic` = `Some("user:password")`, a request
    /// without those credentials gets `407 Proxy Authentication Required`.
    ///
    /// # Panics
    /// When no port can be bound (a test fixture).
    pub async fn start(basic: Option<&str>) -> Self {
        use base64::Engine;
        let want = basic.map(|b| {
            let enc = base64::engine::general_purpose::STANDARD.encode(b.as_bytes());
            format!("Basic {enc}")
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                let want = want.clone();
                tokio::spawn(async move {
                    let _ = handle(tcp, want.as_deref(), &log).await;
                });
            }
        });
        Self {
            url: format!("http://{addr}"),
            seen,
        }
    }

    /// Everything received so far.
    ///
    /// # Panics
    /// When the log lock is poisoned.
    #[must_use]
    pub fn requests(&self) -> Vec<ProxyRequest> {
        self.seen.lock().expect("proxy log").clone()
    }
}

async fn handle(
    mut client: TcpStream,
    want: Option<&str>,
    log: &Mutex<Vec<ProxyRequest>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).await? == 0 || head.len() > 16 * 1024 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let line = lines.next().unwrap_or_default().to_owned();
    let auth = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("proxy-authorization"))
        .map(|(_, v)| v.trim().to_owned());
    log.lock()
        .map_err(|_| std::io::Error::other("poisoned"))?
        .push(ProxyRequest {
            line: line.clone(),
            auth: auth.clone(),
        });
    if want.is_some() && auth.as_deref() != want {
        client
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
            .await?;
        return Ok(());
    }
    let mut parts = line.split(' ');
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    if method == "CONNECT" {
        let Ok(mut upstream) = TcpStream::connect(target).await else {
            client
                .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                .await?;
            return Ok(());
        };
        client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await?;
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    } else {
        let authority = target
            .strip_prefix("http://")
            .and_then(|r| r.split('/').next())
            .unwrap_or_default()
            .to_owned();
        let mut upstream = TcpStream::connect(authority).await?;
        upstream.write_all(&head).await?;
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    }
    Ok(())
}
