//! Which endpoint a request path names (RFC 7644 §3.2), and the methods it allows.

use http::{Method, StatusCode};
use scim2_types::ScimError;

use crate::error::{error, invalid_syntax};
use crate::store::ResourceKind;

/// An endpoint of the SCIM API, relative to its base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `/Users`, `/Groups`.
    Collection(ResourceKind),
    /// `/Users/{id}`.
    Resource(ResourceKind, String),
    /// `/.search` (`None`) or `/Users/.search`.
    Search(Option<ResourceKind>),
    /// `/ServiceProviderConfig`.
    ServiceProviderConfig,
    /// `/Schemas`, `/Schemas/{id}`.
    Schemas(Option<String>),
    /// `/ResourceTypes`, `/ResourceTypes/{id}`.
    ResourceTypes(Option<String>),
    /// `/Bulk` (RFC 7644 §3.7; not supported).
    Bulk,
}

impl Route {
    /// The route of `path` (trailing slashes ignored, segments percent-decoded).
    ///
    /// # Errors
    /// 404 for a path that names no endpoint; 400 for a segment that is not UTF-8.
    pub(crate) fn parse(path: &str) -> Result<Self, ScimError> {
        let trimmed = path.trim_end_matches('/');
        let mut segments = Vec::new();
        for raw in trimmed
            .split('/')
            .skip(usize::from(trimmed.starts_with('/')))
        {
            let decoded = percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .map_err(|_| invalid_syntax(format!("the path segment `{raw}` is not UTF-8")))?;
            segments.push(decoded.into_owned());
        }
        let kind = |s: &str| match s {
            "Users" => Some(ResourceKind::User),
            "Groups" => Some(ResourceKind::Group),
            _ => None,
        };
        let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
        let route = match parts.as_slice() {
            [".search"] => Some(Self::Search(None)),
            ["ServiceProviderConfig"] => Some(Self::ServiceProviderConfig),
            ["Schemas"] => Some(Self::Schemas(None)),
            ["Schemas", id] => Some(Self::Schemas(Some((*id).to_owned()))),
            ["ResourceTypes"] => Some(Self::ResourceTypes(None)),
            ["ResourceTypes", id] => Some(Self::ResourceTypes(Some((*id).to_owned()))),
            ["Bulk"] => Some(Self::Bulk),
            [k] => kind(k).map(Self::Collection),
            [k, ".search"] => kind(k).map(|k| Self::Search(Some(k))),
            [k, id] if !id.is_empty() => kind(k).map(|k| Self::Resource(k, (*id).to_owned())),
            _ => None,
        };
        route.ok_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                None,
                format!("no SCIM endpoint at {path}"),
            )
        })
    }

    /// The methods the endpoint answers (for 405 and `Allow`).
    pub(crate) fn allowed(&self) -> &'static [Method] {
        match self {
            Self::Collection(_) => &[Method::GET, Method::POST],
            Self::Resource(..) => &[Method::GET, Method::PUT, Method::PATCH, Method::DELETE],
            Self::Search(_) | Self::Bulk => &[Method::POST],
            Self::ServiceProviderConfig | Self::Schemas(_) | Self::ResourceTypes(_) => {
                &[Method::GET]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_routes() {
        assert_eq!(
            Route::parse("/Users/").ok(),
            Some(Route::Collection(ResourceKind::User))
        );
        assert_eq!(
            Route::parse("/Groups/a%20b").ok(),
            Some(Route::Resource(ResourceKind::Group, "a b".into()))
        );
        assert_eq!(Route::parse("/.search").ok(), Some(Route::Search(None)));
        assert_eq!(Route::parse("/Me").map_err(|e| e.status).err(), Some(404));
        assert_eq!(
            Route::parse("/Users/%FF").map_err(|e| e.status).err(),
            Some(400)
        );
        assert_eq!(
            Route::parse("/Users/a/b").map_err(|e| e.status).err(),
            Some(404)
        );
    }
}
