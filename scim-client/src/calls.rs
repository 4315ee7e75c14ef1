//! Typed resource calls (RFC 7644 §3.3–§3.6) and discovery (§4).

use bytes::Bytes;
use http::Method;
use http::header::{HeaderValue, IF_MATCH};
use scim2_types::schema::Schema;
use scim2_types::{ListResponse, PatchOp, Resource, ResourceType, ServiceProviderConfig};
use serde::de::DeserializeOwned;
use url::Url;

use crate::client::Prepared;
use crate::{Client, Error, Projection, Query, RawResponse, decode};

impl Client {
    /// Sends a typed call and turns an error status into an [`Error`].
    async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<Bytes>,
        if_match: Option<&str>,
        idempotent: bool,
    ) -> Result<RawResponse, Error> {
        let mut headers = self.typed_headers(body.is_some());
        if let Some(version) = if_match {
            headers.insert(IF_MATCH, etag(version)?);
        }
        let resp = self
            .execute(Prepared {
                method,
                url,
                headers,
                body: body.unwrap_or_default(),
                idempotent,
            })
            .await?;
        if resp.status.is_success() {
            Ok(resp)
        } else {
            Err(decode::error_response(&resp))
        }
    }

    /// Creates a resource: `POST {endpoint}` (RFC 7644 §3.3). Returns the resource as stored.
    ///
    /// A POST is retried only when the connection could not be made, never after it may have
    /// reached the server.
    ///
    /// # Errors
    /// [`Error::Response`] for an error status (409 `uniqueness`...), transport errors, and
    /// [`Error::Decode`] when the answer is not an `R`.
    pub async fn create<R: Resource>(&self, resource: &R) -> Result<R, Error> {
        let url = self.inner.base.join(R::ENDPOINT)?;
        let resp = self
            .call(Method::POST, url, Some(encode(resource)?), None, false)
            .await?;
        decode::success(&resp)
    }

    /// Reads one resource: `GET {endpoint}/{id}` (RFC 7644 §3.4.1), with an optional
    /// attribute projection.
    ///
    /// # Errors
    /// [`Error::Response`] (404 when there is no such resource), transport and decode errors.
    pub async fn get<R: Resource>(&self, id: &str, projection: &Projection) -> Result<R, Error> {
        let mut url = self.inner.base.resource(R::ENDPOINT, id)?;
        set_query(&mut url, &projection.to_query_string());
        let resp = self.call(Method::GET, url, None, None, true).await?;
        decode::success(&resp)
    }

    /// Replaces a resource: `PUT {endpoint}/{id}` (RFC 7644 §3.5.1), the id taken from the
    /// resource.
    ///
    /// # Errors
    /// [`Error::MissingId`] when the resource has no id; otherwise as [`Client::get`].
    pub async fn replace<R: Resource>(&self, resource: &R) -> Result<R, Error> {
        self.put(resource, None).await
    }

    /// Like [`Client::replace`], sending `If-Match` with the resource's `meta.version`
    /// (RFC 7644 §3.14).
    ///
    /// # Errors
    /// [`Error::PreconditionFailed`] when the version is stale; [`Error::MissingVersion`] when
    /// the resource has none.
    pub async fn replace_if_match<R: Resource>(&self, resource: &R) -> Result<R, Error> {
        let version = resource.version().ok_or(Error::MissingVersion {
            resource_type: R::RESOURCE_TYPE,
        })?;
        self.put(resource, Some(version)).await
    }

    async fn put<R: Resource>(&self, resource: &R, if_match: Option<&str>) -> Result<R, Error> {
        let id = resource.id().ok_or(Error::MissingId {
            resource_type: R::RESOURCE_TYPE,
        })?;
        let url = self.inner.base.resource(R::ENDPOINT, id)?;
        let resp = self
            .call(Method::PUT, url, Some(encode(resource)?), if_match, true)
            .await?;
        decode::success(&resp)
    }

    /// Modifies a resource: `PATCH {endpoint}/{id}` (RFC 7644 §3.5.2). Returns the resource
    /// when the endpoint answers 200 with a body, `None` for 204 No Content (or an empty 200).
    ///
    /// # Errors
    /// As [`Client::get`]; error bodies carry the `scimType` (`invalidPath`, `noTarget`...).
    pub async fn patch<R: Resource>(&self, id: &str, op: &PatchOp) -> Result<Option<R>, Error> {
        self.patch_with::<R>(id, op, None).await
    }

    /// Like [`Client::patch`], sending `If-Match: <version>` (RFC 7644 §3.14).
    ///
    /// # Errors
    /// [`Error::PreconditionFailed`] when the version is stale; otherwise as
    /// [`Client::patch`].
    pub async fn patch_if_match<R: Resource>(
        &self,
        id: &str,
        version: &str,
        op: &PatchOp,
    ) -> Result<Option<R>, Error> {
        self.patch_with::<R>(id, op, Some(version)).await
    }

    async fn patch_with<R: Resource>(
        &self,
        id: &str,
        op: &PatchOp,
        if_match: Option<&str>,
    ) -> Result<Option<R>, Error> {
        let url = self.inner.base.resource(R::ENDPOINT, id)?;
        let resp = self
            .call(Method::PATCH, url, Some(encode(op)?), if_match, false)
            .await?;
        if resp.status == http::StatusCode::NO_CONTENT
            || resp.body.iter().all(u8::is_ascii_whitespace)
        {
            return Ok(None);
        }
        decode::success(&resp).map(Some)
    }

    /// Deletes a resource: `DELETE {endpoint}/{id}` (RFC 7644 §3.6).
    ///
    /// # Errors
    /// As [`Client::get`].
    pub async fn delete<R: Resource>(&self, id: &str) -> Result<(), Error> {
        self.delete_with::<R>(id, None).await
    }

    /// Like [`Client::delete`], sending `If-Match: <version>` (RFC 7644 §3.14).
    ///
    /// # Errors
    /// [`Error::PreconditionFailed`] when the version is stale; otherwise as
    /// [`Client::delete`].
    pub async fn delete_if_match<R: Resource>(&self, id: &str, version: &str) -> Result<(), Error> {
        self.delete_with::<R>(id, Some(version)).await
    }

    async fn delete_with<R: Resource>(
        &self,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), Error> {
        let url = self.inner.base.resource(R::ENDPOINT, id)?;
        self.call(Method::DELETE, url, None, if_match, true).await?;
        Ok(())
    }

    /// One page of a query: `GET {endpoint}?filter=…` (RFC 7644 §3.4.2). See
    /// [`Client::stream`] for all pages.
    ///
    /// # Errors
    /// As [`Client::get`].
    pub async fn list<R: Resource>(&self, query: &Query) -> Result<ListResponse<R>, Error> {
        let mut url = self.inner.base.join(R::ENDPOINT)?;
        set_query(&mut url, &query.to_query_string());
        let resp = self.call(Method::GET, url, None, None, true).await?;
        decode::list(&resp)
    }

    /// One page of a query sent as `POST {endpoint}/.search` (RFC 7644 §3.4.3). A search
    /// only reads, so it is retried like a GET.
    ///
    /// # Errors
    /// As [`Client::get`].
    pub async fn search<R: Resource>(&self, query: &Query) -> Result<ListResponse<R>, Error> {
        let url = self.inner.base.join(&format!("{}/.search", R::ENDPOINT))?;
        let body = encode(&query.to_search_request())?;
        let resp = self.call(Method::POST, url, Some(body), None, true).await?;
        decode::list(&resp)
    }

    /// `GET /ServiceProviderConfig` (RFC 7644 §4, RFC 7643 §5). Use
    /// [`Client::get_json`] for the raw JSON.
    ///
    /// # Errors
    /// As [`Client::get`].
    pub async fn service_provider_config(&self) -> Result<ServiceProviderConfig, Error> {
        self.get_json("/ServiceProviderConfig").await
    }

    /// `GET /Schemas` (RFC 7644 §4, RFC 7643 §7). A bare JSON array, which some endpoints
    /// send, is read as a list too, and so is a ListResponse without `totalResults`
    /// (django-scim2 sends one): its total is the number of `Resources`.
    ///
    /// # Errors
    /// As [`Client::get`].
    pub async fn schemas(&self) -> Result<ListResponse<Schema>, Error> {
        self.discovery_list("/Schemas").await
    }

    /// `GET /ResourceTypes` (RFC 7644 §4, RFC 7643 §6). A bare JSON array, or a ListResponse
    /// without `totalResults`, is read as a list (see [`Client::schemas`]).
    ///
    /// # Errors
    /// As [`Client::get`].
    pub async fn resource_types(&self) -> Result<ListResponse<ResourceType>, Error> {
        self.discovery_list("/ResourceTypes").await
    }

    /// `GET` any path under the base URL and decode the JSON answer as `T`
    /// (`serde_json::Value` for the raw document).
    ///
    /// # Errors
    /// As [`Client::get`].
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let url = self.inner.base.join(path)?;
        let resp = self.call(Method::GET, url, None, None, true).await?;
        decode::success(&resp)
    }

    async fn discovery_list<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<ListResponse<T>, Error> {
        let url = self.inner.base.join(path)?;
        let resp = self.call(Method::GET, url, None, None, true).await?;
        let is_array = resp
            .body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'[');
        if is_array {
            let items: Vec<T> = decode::success(&resp)?;
            let n = items.len() as u64;
            return Ok(ListResponse::new(items, n, 1));
        }
        let page: DiscoveryList<T> = decode::success(&resp)?;
        let total = page.total_results.unwrap_or(page.resources.len() as u64);
        let mut list = ListResponse::new(page.resources, total, page.start_index.unwrap_or(1));
        list.start_index = page.start_index;
        list.items_per_page = page.items_per_page;
        if let Some(schemas) = page.schemas {
            list.schemas = schemas;
        }
        Ok(list)
    }
}

/// A discovery ListResponse, read like [`ListResponse`] except that `totalResults` may be
/// absent: a client reading discovery needs the resources, not the count.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: DeserializeOwned"))]
struct DiscoveryList<T> {
    #[serde(default)]
    schemas: Option<Vec<String>>,
    #[serde(default, alias = "TotalResults", alias = "totalresults")]
    total_results: Option<u64>,
    #[serde(rename = "Resources", alias = "resources", default)]
    resources: Vec<T>,
    #[serde(default, alias = "StartIndex", alias = "startindex")]
    start_index: Option<u64>,
    #[serde(default, alias = "ItemsPerPage", alias = "itemsperpage")]
    items_per_page: Option<u64>,
}

/// Serializes a request body.
fn encode<T: serde::Serialize>(value: &T) -> Result<Bytes, Error> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(Error::Encode)
}

/// Sets a non-empty query string.
fn set_query(url: &mut Url, query: &str) {
    if !query.is_empty() {
        url.set_query(Some(query));
    }
}

/// The `If-Match` value for a `meta.version`: used as is when it is already an entity tag
/// (`W/"3694e05e9dff590"` or `"…"`, RFC 9110 §8.8.3), quoted otherwise.
fn etag(version: &str) -> Result<HeaderValue, Error> {
    let v = version.trim();
    let tag = if v.starts_with('"') || v.starts_with("W/\"") {
        v.to_owned()
    } else {
        format!("\"{v}\"")
    };
    HeaderValue::from_str(&tag)
        .map_err(|_| Error::Config(format!("{version:?} cannot be sent as an If-Match ETag")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_quoted_once() {
        assert_eq!(etag("W/\"abc\"").unwrap(), "W/\"abc\"");
        assert_eq!(etag("\"abc\"").unwrap(), "\"abc\"");
        assert_eq!(etag("abc").unwrap(), "\"abc\"");
        assert!(etag("a\nb").is_err());
    }
}
