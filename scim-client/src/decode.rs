//! Reading response bodies: content types, JSON with error paths, SCIM error bodies.

use http::{HeaderMap, Method, StatusCode};
use scim2_types::{ListResponse, ScimError};
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{DecodeError, ResponseError, excerpt};
use crate::{Error, RawResponse, retry};

/// Decodes `body` as `T`, naming the JSON path of a failure and showing the body around it.
///
/// The body is decoded directly first; only a failure is decoded again with path tracking,
/// so that the common case pays nothing for it.
pub(crate) fn json<T: DeserializeOwned>(
    method: &Method,
    url: &Url,
    body: &[u8],
) -> Result<T, Error> {
    let first = match serde_json::from_slice(body) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    // Decode again, tracking the path.
    let mut de = serde_json::Deserializer::from_slice(body);
    let tracked: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let (path, inner) = match tracked {
        // Only trailing characters can fail the direct decode but not this one.
        Ok(_) => (".".to_owned(), first),
        Err(e) => (e.path().to_string(), e.into_inner()),
    };
    let at = byte_offset(body, inner.line(), inner.column());
    Err(Error::Decode(Box::new(DecodeError {
        method: method.clone(),
        url: url.to_string(),
        path,
        message: inner.to_string(),
        excerpt: excerpt(body, at.saturating_sub(40)),
    })))
}

/// The byte offset of a 1-based line and column (serde_json's error position).
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in body.split(|b| *b == b'\n').enumerate() {
        if i + 1 == line {
            return offset + column.saturating_sub(1).min(l.len());
        }
        offset += l.len() + 1;
    }
    0
}

/// Whether a media type is JSON: `application/scim+json`, `application/json`, any `+json`
/// suffix, with any parameters (`; charset=utf-8`).
pub(crate) fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Decodes a success response, refusing a declared non-JSON content type (an HTML login or
/// WAF page served with 200).
pub(crate) fn success<T: DeserializeOwned>(resp: &RawResponse) -> Result<T, Error> {
    if let Some(ct) = resp.headers.get(http::header::CONTENT_TYPE) {
        let text = ct.to_str().unwrap_or_default();
        if !is_json_media_type(text) {
            return Err(Error::UnexpectedContentType {
                method: resp.method.clone(),
                url: resp.url.to_string(),
                status: resp.status,
                content_type: text.to_owned(),
                excerpt: excerpt(&resp.body, 0),
            });
        }
    }
    json(&resp.method, &resp.url, &resp.body)
}

/// Turns a non-2xx response into [`Error::Response`] or [`Error::PreconditionFailed`],
/// parsing a SCIM Error body (RFC 7644 §3.12; `status` as a string or a number) and keeping an
/// excerpt of anything else.
pub(crate) fn error_response(resp: &RawResponse) -> Error {
    let parsed = serde_json::from_slice::<ScimError>(&resp.body).ok();
    let body_excerpt = match &parsed {
        Some(_) => None,
        None if resp.body.is_empty() => None,
        None => Some(excerpt(&resp.body, 0)),
    };
    let (scim_type, detail) = parsed.map_or((None, None), |e| (e.scim_type, e.detail));
    let r = Box::new(ResponseError {
        method: resp.method.clone(),
        url: resp.url.to_string(),
        status: resp.status,
        scim_type,
        detail,
        body_excerpt,
        retry_after: retry::retry_after(&resp.headers, std::time::SystemTime::now()),
        location: resp
            .headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        attempts: resp.attempts,
    });
    if resp.status == StatusCode::PRECONDITION_FAILED {
        Error::PreconditionFailed(r)
    } else {
        Error::Response(r)
    }
}

/// Decodes a success response holding a ListResponse (RFC 7644 §3.4.2), with
/// `scim2_types`' tolerant reading (`Resources` may be absent when there is no result; the
/// member names in any of the spellings endpoints use).
pub(crate) fn list<T: DeserializeOwned>(resp: &RawResponse) -> Result<ListResponse<T>, Error> {
    success(resp)
}

/// The `Content-Length` header, when present and valid.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        for ok in [
            "application/scim+json",
            "application/json",
            "application/scim+json; charset=utf-8",
            "Application/JSON;charset=UTF-8",
        ] {
            assert!(is_json_media_type(ok), "{ok}");
        }
        for bad in [
            "text/html",
            "text/plain; charset=utf-8",
            "application/xml",
            "",
        ] {
            assert!(!is_json_media_type(bad), "{bad}");
        }
    }

    #[test]
    fn decode_error_names_path_and_excerpt() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Page {
            #[serde(rename = "Resources")]
            resources: Vec<Item>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            active: bool,
        }
        let url = Url::parse("http://h/Users").unwrap();
        let body = br#"{"Resources":[{"active":true},
 {"active":"maybe"}]}"#;
        let e = json::<Page>(&Method::GET, &url, body).unwrap_err();
        let Error::Decode(d) = &e else { panic!("{e}") };
        assert_eq!(d.path, "Resources[1].active");
        assert!(d.excerpt.contains("maybe"), "{}", d.excerpt);
        assert!(e.to_string().contains("Resources[1].active"));

        let e = json::<Page>(&Method::GET, &url, br#"{"Resources":[]} trailing"#).unwrap_err();
        assert!(matches!(e, Error::Decode(_)), "{e}");
        let e = json::<Page>(&Method::GET, &url, b"<html>").unwrap_err();
        let Error::Decode(d) = &e else { panic!("{e}") };
        assert_eq!(d.path, ".");
    }
}
