//! What the client trusts (root certificates) and how it proves who it is (a client
//! certificate for mutual TLS), turned into the TLS library's configuration.

use std::path::{Path, PathBuf};

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::Error;

/// Which root certificates the client trusts, before the extra CA files of
/// [`crate::ClientBuilder::ca_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TrustRoots {
    /// The operating system's trust store (default): what the machine's administrators
    /// installed, including the CA of a TLS-inspecting corporate proxy.
    #[default]
    System,
    /// The Mozilla root certificates bundled in the binary (`webpki-roots`), whatever the
    /// machine has installed. Needs the `rustls` TLS backend.
    Bundled,
    /// Only the certificates given with [`crate::ClientBuilder::ca_file`].
    CaFilesOnly,
}

/// The TLS settings gathered by the builder.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsOptions {
    pub(crate) roots: TrustRoots,
    pub(crate) ca_files: Vec<PathBuf>,
    pub(crate) identity: Option<(PathBuf, PathBuf)>,
}

/// Reads every certificate of a PEM file.
pub(crate) fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, Error> {
    let iter = CertificateDer::pem_file_iter(path).map_err(|e| pem_error(path, &e))?;
    let certs = iter
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_error(path, &e))?;
    if certs.is_empty() {
        return Err(Error::Config(format!(
            "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        )));
    }
    Ok(certs)
}

fn pem_error(path: &Path, e: &rustls_pki_types::pem::Error) -> Error {
    Error::Config(format!("could not read {}: {e}", path.display()))
}

#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
pub(crate) use rustls_backend::client_config;

#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
mod rustls_backend {
    use std::sync::Arc;

    use rustls::RootCertStore;
    use rustls_pki_types::PrivateKeyDer;
    use rustls_pki_types::pem::PemObject;

    use super::{TlsOptions, TrustRoots, read_certs};
    use crate::Error;

    /// The rustls configuration for `opts`; `https` says whether the endpoint needs TLS at
    /// all (an `http` endpoint gets an empty trust store instead of a failed system read).
    pub(crate) fn client_config(
        opts: &TlsOptions,
        https: bool,
    ) -> Result<rustls::ClientConfig, Error> {
        let mut roots = RootCertStore::empty();
        if https {
            match opts.roots {
                TrustRoots::System => {
                    let found = rustls_native_certs::load_native_certs();
                    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
                    if added == 0 && opts.ca_files.is_empty() {
                        let why = found
                            .errors
                            .first()
                            .map_or_else(|| "it is empty".to_owned(), ToString::to_string);
                        return Err(Error::Config(format!(
                            "no trusted root certificate: the system trust store could not be \
                             read ({why}); give a CA file or use the bundled roots"
                        )));
                    }
                }
                TrustRoots::Bundled => {
                    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
                }
                TrustRoots::CaFilesOnly => {}
            }
            for path in &opts.ca_files {
                for cert in read_certs(path)? {
                    roots.add(cert).map_err(|e| {
                        Error::Config(format!(
                            "{} holds a certificate that cannot be a trust anchor: {e}",
                            path.display()
                        ))
                    })?;
                }
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("could not set up rustls: {e}")))?
            .with_root_certificates(roots);
        match &opts.identity {
            None => Ok(builder.with_no_client_auth()),
            Some((cert, key)) => {
                let chain = read_certs(cert)?;
                let key = PrivateKeyDer::from_pem_file(key).map_err(|e| {
                    Error::Config(format!(
                        "could not read the private key in {}: {e}",
                        key.display()
                    ))
                })?;
                builder.with_client_auth_cert(chain, key).map_err(|e| {
                    Error::Config(format!(
                        "the client certificate {} and its key do not go together: {e}",
                        cert.display()
                    ))
                })
            }
        }
    }
}

#[cfg(feature = "native-tls")]
pub(crate) use native_backend::connector;

#[cfg(feature = "native-tls")]
mod native_backend {
    use super::{TlsOptions, TrustRoots, read_certs};
    use crate::Error;

    /// The native-tls connector for `opts`.
    pub(crate) fn connector(opts: &TlsOptions) -> Result<native_tls::TlsConnector, Error> {
        let mut b = native_tls::TlsConnector::builder();
        match opts.roots {
            TrustRoots::System => {}
            TrustRoots::Bundled => {
                return Err(Error::Config(
                    "the bundled root certificates need the rustls TLS backend; the native-tls \
                     backend trusts the system store (add a CA file for more)"
                        .to_owned(),
                ));
            }
            TrustRoots::CaFilesOnly => {
                b.disable_built_in_roots(true);
            }
        }
        for path in &opts.ca_files {
            for cert in read_certs(path)? {
                let cert = native_tls::Certificate::from_der(cert.as_ref()).map_err(|e| {
                    Error::Config(format!(
                        "{} holds an unusable certificate: {e}",
                        path.display()
                    ))
                })?;
                b.add_root_certificate(cert);
            }
        }
        if let Some((cert, key)) = &opts.identity {
            let read = |p: &std::path::Path| {
                std::fs::read(p)
                    .map_err(|e| Error::Config(format!("could not read {}: {e}", p.display())))
            };
            let identity =
                native_tls::Identity::from_pkcs8(&read(cert)?, &read(key)?).map_err(|e| {
                    Error::Config(format!(
                        "the client certificate {} and its key (PKCS#8 PEM) are unusable: {e}",
                        cert.display()
                    ))
                })?;
            b.identity(identity);
        }
        b.build()
            .map_err(|e| Error::Config(format!("could not set up native TLS: {e}")))
    }
}
