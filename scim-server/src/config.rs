//! The configuration of a SCIM server: its resource schemas, its tolerance [`Policy`] and its
//! limits. The discovery endpoints (RFC 7644 §4) are generated from it.

use scim2_filter::policy::Policy;
use scim2_types::schema::{ResourceSchemas, Schema};

use crate::store::ResourceKind;

/// The page size when a query gives no `count` (RFC 7644 §3.4.2.4), by default.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The largest page the server returns, by default (advertised as `filter.maxResults`).
pub const MAX_PAGE_SIZE: usize = 1000;
/// The largest request body, by default: 2 MiB (larger bodies get 413).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// What a [`ScimServer`](crate::ScimServer) serves and how tolerant it is.
///
/// By default: core User with the Enterprise User extension (RFC 7643 §4.1, §4.3), Group
/// (§4.2), [`Policy::entra_compatible`], pages of [`DEFAULT_PAGE_SIZE`] up to
/// [`MAX_PAGE_SIZE`], bodies up to [`MAX_BODY_BYTES`].
///
/// ```
/// use scim2_filter::policy::Policy;
/// use scim2_server::ServerConfig;
/// use scim2_types::schema::Schema;
///
/// let badge: Schema = serde_json::from_value(serde_json::json!({
///     "id": "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User",
///     "attributes": [{"name": "badge", "type": "string"}]
/// }))?;
/// let config = ServerConfig::new()
///     .with_user_extension(badge)
///     .with_policy(Policy::strict())
///     .with_page_sizes(50, 500);
/// assert_eq!(config.user_schemas().extensions.len(), 2);
/// assert_eq!(config.max_page_size(), 500);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ServerConfig {
    user_schemas: ResourceSchemas,
    group_schemas: ResourceSchemas,
    policy: Policy,
    default_page_size: usize,
    max_page_size: usize,
    max_body_bytes: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            user_schemas: ResourceSchemas::user(),
            group_schemas: ResourceSchemas::group(),
            policy: Policy::entra_compatible(),
            default_page_size: DEFAULT_PAGE_SIZE,
            max_page_size: MAX_PAGE_SIZE,
            max_body_bytes: MAX_BODY_BYTES,
        }
    }
}

impl ServerConfig {
    /// The default configuration (see the type's docs).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares a User extension schema (RFC 7643 §3.3, §7) besides the Enterprise User one.
    /// Its attributes are read, typed, projected and filtered like core attributes.
    #[must_use]
    pub fn with_user_extension(mut self, schema: Schema) -> Self {
        self.user_schemas.extensions.push(schema);
        self
    }

    /// Declares a Group extension schema (RFC 7643 §3.3, §7).
    #[must_use]
    pub fn with_group_extension(mut self, schema: Schema) -> Self {
        self.group_schemas.extensions.push(schema);
        self
    }

    /// The tolerance policy for request bodies and PATCH (`scim2_filter::policy`): strict
    /// RFC 7644, or Entra compatible (the default). POST and PUT read bodies by the same
    /// rules as PATCH (`string_booleans`, `complex_from_bare_value` for a bare `manager` id,
    /// `undeclared_attributes`).
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The page size without `count`, and the largest page (RFC 7644 §3.4.2.4). Both are at
    /// least 1; `default` is capped at `max`.
    #[must_use]
    pub fn with_page_sizes(mut self, default: usize, max: usize) -> Self {
        self.max_page_size = max.max(1);
        self.default_page_size = default.clamp(1, self.max_page_size);
        self
    }

    /// The largest request body in bytes (413 beyond).
    #[must_use]
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The schemas of `/Users` (core, Enterprise User, declared extensions).
    #[must_use]
    pub fn user_schemas(&self) -> &ResourceSchemas {
        &self.user_schemas
    }

    /// The schemas of `/Groups`.
    #[must_use]
    pub fn group_schemas(&self) -> &ResourceSchemas {
        &self.group_schemas
    }

    /// The schemas of `kind`.
    #[must_use]
    pub fn schemas(&self, kind: ResourceKind) -> &ResourceSchemas {
        match kind {
            ResourceKind::User => &self.user_schemas,
            ResourceKind::Group => &self.group_schemas,
        }
    }

    /// The tolerance policy.
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The page size without `count`.
    #[must_use]
    pub fn default_page_size(&self) -> usize {
        self.default_page_size
    }

    /// The largest page.
    #[must_use]
    pub fn max_page_size(&self) -> usize {
        self.max_page_size
    }

    /// The largest request body in bytes.
    #[must_use]
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }
}
