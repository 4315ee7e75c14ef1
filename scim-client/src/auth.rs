//! Authentication schemes: bearer token (RFC 6750), HTTP basic (RFC 7617), or a custom header.

use base64::Engine;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};

use std::sync::Arc;

use crate::oauth::OAuth;
use crate::{Error, Secret};

/// The `Authorization` value of a bearer token, marked sensitive.
pub(crate) fn bearer_value(token: &Secret) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
        Error::Config(
            "the access token contains characters not allowed in an HTTP header".to_owned(),
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// How the client authenticates each request.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    /// No credentials.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic base64(user:password)`.
    Basic { user: String, password: Secret },
    /// A custom header carrying the secret as its value.
    Header { name: HeaderName, value: Secret },
    /// `Authorization: Bearer <token>` with a token fetched by OAuth 2.0 client credentials.
    ClientCredentials(Arc<OAuth>),
}

impl Auth {
    /// The header to add, marked sensitive so that HTTP libraries do not print it.
    pub(crate) fn header(&self) -> Result<Option<(HeaderName, HeaderValue)>, Error> {
        let (name, text) = match self {
            Self::None | Self::ClientCredentials(_) => return Ok(None),
            Self::Bearer(t) => (AUTHORIZATION, format!("Bearer {}", t.expose())),
            Self::Basic { user, password } => {
                let raw = format!("{user}:{}", password.expose());
                let enc = base64::engine::general_purpose::STANDARD.encode(raw);
                (AUTHORIZATION, format!("Basic {enc}"))
            }
            Self::Header { name, value } => (name.clone(), value.expose().to_owned()),
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| {
            Error::Config(format!(
                "the credential for header {name} contains characters not allowed in an HTTP header"
            ))
        })?;
        value.set_sensitive(true);
        Ok(Some((name, value)))
    }

    /// The name of the header that carries the secret, if any.
    pub(crate) fn header_name(&self) -> Option<&HeaderName> {
        match self {
            Self::None => None,
            Self::Bearer(_) | Self::Basic { .. } | Self::ClientCredentials(_) => {
                Some(&AUTHORIZATION)
            }
            Self::Header { name, .. } => Some(name),
        }
    }
}
