//! The SCIM base URL (RFC 7644 §1.3, "Base URI") and joining resource paths onto it.

use url::Url;

use crate::Error;

/// A normalised SCIM base URL: `http` or `https`, no query or fragment, and a path that ends in
/// exactly one `/`, so that resource paths join without `//` and without losing a segment.
///
/// ```
/// use scim2_client::BaseUrl;
/// let b = BaseUrl::parse("https://tenant.example.com/api/v2/scim").unwrap();
/// assert_eq!(b.join("/Users").unwrap().as_str(), "https://tenant.example.com/api/v2/scim/Users");
/// let b = BaseUrl::parse("https://addon-tenant.example.com/SCIM/v2/").unwrap();
/// assert_eq!(b.join("Users/.search").unwrap().as_str(),
///            "https://addon-tenant.example.com/SCIM/v2/Users/.search");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Parses and normalises a base URL.
    ///
    /// # Errors
    /// [`Error::InvalidBaseUrl`] when the text is not an absolute `http`/`https` URL, or has a
    /// query, a fragment or user credentials.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |reason: &str| Error::InvalidBaseUrl {
            url: without_credentials(text),
            reason: reason.to_owned(),
        };
        let mut url = Url::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(bad("the scheme must be http or https"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("there is no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("a base URL has no query or fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "credentials in the URL are not allowed; use the builder's auth methods",
            ));
        }
        let segments: Vec<String> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        let mut path = String::from("/");
        for s in &segments {
            path.push_str(s);
            path.push('/');
        }
        url.set_path(&path);
        Ok(Self(url))
    }

    /// The normalised URL (ending in `/`).
    #[must_use]
    pub fn as_url(&self) -> &Url {
        &self.0
    }

    /// The host name (for messages).
    #[must_use]
    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }

    /// Joins a relative resource path such as `/Users`, `Users/2819c223` or `/Users/.search`.
    ///
    /// Leading slashes and empty segments are dropped, so the result always stays under the
    /// base path. The text is used as already percent-encoded path text; use
    /// [`BaseUrl::resource`] to add an `id` that must be encoded.
    ///
    /// # Errors
    /// [`Error::InvalidPath`] when the path contains `?`, `#`, or a `.`/`..` segment.
    pub fn join(&self, path: &str) -> Result<Url, Error> {
        let mut url = self.0.clone();
        let mut p = url.path().to_owned();
        let mut first = true;
        for seg in path.split('/').filter(|s| !s.is_empty()) {
            if seg == "." || seg == ".." || seg.contains(['?', '#']) {
                return Err(Error::InvalidPath(path.to_owned()));
            }
            if !first {
                p.push('/');
            }
            p.push_str(seg);
            first = false;
        }
        url.set_path(&p);
        Ok(url)
    }

    /// The URL of one resource: `endpoint` joined, then `id` added as one percent-encoded
    /// segment (RFC 7644 §3.4.1).
    ///
    /// # Errors
    /// [`Error::InvalidPath`] when `id` is empty or the endpoint is invalid.
    pub fn resource(&self, endpoint: &str, id: &str) -> Result<Url, Error> {
        if id.is_empty() {
            return Err(Error::InvalidPath(format!("{endpoint}/ (empty id)")));
        }
        let mut url = self.join(endpoint)?;
        url.path_segments_mut()
            .map_err(|()| Error::InvalidPath(endpoint.to_owned()))?
            .push(id);
        Ok(url)
    }
}

/// `text` with the user information of its authority (`user:password@`) replaced by `***@`,
/// for messages and `Debug` output. Works on text that is not a valid URL too.
pub(crate) fn without_credentials(text: &str) -> String {
    let start = text.find("://").map_or(0, |i| i + 3);
    let rest = &text[start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => format!("{}***{}", &text[..start], &text[start + at..]),
        None => text.to_owned(),
    }
}

impl std::fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_joins() {
        for (base, path, want) in [
            (
                "https://tenant.example.com/api/v2/scim",
                "/Users",
                "https://tenant.example.com/api/v2/scim/Users",
            ),
            (
                "https://tenant.example.com/api/v2/scim/",
                "Users",
                "https://tenant.example.com/api/v2/scim/Users",
            ),
            (
                "https://addon-tenant.example.com/SCIM/v2//",
                "//Groups/",
                "https://addon-tenant.example.com/SCIM/v2/Groups",
            ),
            (
                "http://127.0.0.1:8080",
                "/Users",
                "http://127.0.0.1:8080/Users",
            ),
            ("http://127.0.0.1:8080/", "", "http://127.0.0.1:8080/"),
            (
                "http://h/scim",
                "/ServiceProviderConfig",
                "http://h/scim/ServiceProviderConfig",
            ),
        ] {
            let b = BaseUrl::parse(base).unwrap();
            assert_eq!(b.join(path).unwrap().as_str(), want, "{base} + {path}");
        }
    }

    #[test]
    fn resource_id_is_one_encoded_segment() {
        let b = BaseUrl::parse("http://h/scim/v2").unwrap();
        assert_eq!(
            b.resource("/Users", "a b/c?d").unwrap().as_str(),
            "http://h/scim/v2/Users/a%20b%2Fc%3Fd"
        );
        assert!(b.resource("/Users", "").is_err());
    }

    #[test]
    fn refuses_bad_bases_and_paths() {
        for bad in [
            "ftp://h/scim",
            "not a url",
            "http://h/scim?x=1",
            "http://h/#f",
            "http://u:p@h/scim",
            "/scim",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
        let b = BaseUrl::parse("http://h/scim").unwrap();
        assert!(b.join("/../admin").is_err());
        assert!(b.join("/Users?x").is_err());
    }

    #[test]
    fn refused_credentials_are_not_repeated() {
        for bad in [
            "https://admin:s3cr3t@h/scim",
            "https://s3cr3t@h/scim",
            "https://admin:s3cr3t@h/scim?x=1",
            "admin:s3cr3t@h/scim",
            "https://admin:s3cr3t@@ bad host/scim",
        ] {
            let e = BaseUrl::parse(bad).unwrap_err();
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(!text.contains("s3cr3t"), "{bad}: {text}");
                assert!(text.contains("***@"), "{bad}: {text}");
            }
        }
        let builder = crate::Client::builder("https://admin:s3cr3t@h/scim");
        let debug = format!("{builder:?}");
        assert!(
            !debug.contains("s3cr3t") && debug.contains("***@h"),
            "{debug}"
        );
        let e = builder.build().unwrap_err().to_string();
        assert!(!e.contains("s3cr3t"), "{e}");
        let e = BaseUrl::parse("http://h/scim?x=1").unwrap_err().to_string();
        assert!(e.contains("http://h/scim?x=1"), "{e}");
    }
}
