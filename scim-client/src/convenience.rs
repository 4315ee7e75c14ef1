//! Conveniences for the two core resource types, [`User`] and [`Group`]: look-ups the way a
//! provisioning client matches (RFC 7644 §3.4.2.2 filters), and the PATCH operations it sends
//! most (RFC 7644 §3.5.2).

use scim2_filter::{Filter, PatchPath};
use scim2_types::{Group, PatchOp, PatchOperation, Resource, User};
use serde_json::json;

use crate::{Client, Error, Query};

impl Client {
    /// The user whose `userName` equals `user_name` (`filter=userName eq "…"`), if any.
    ///
    /// # Errors
    /// [`Error::AmbiguousMatch`] when the endpoint returns more than one user; otherwise as
    /// [`Client::list`].
    pub async fn find_user_by_user_name(&self, user_name: &str) -> Result<Option<User>, Error> {
        self.find_one(Filter::eq("userName", user_name)).await
    }

    /// The user whose `externalId` equals `external_id`, if any.
    ///
    /// # Errors
    /// As [`Client::find_user_by_user_name`].
    pub async fn find_user_by_external_id(&self, external_id: &str) -> Result<Option<User>, Error> {
        self.find_one(Filter::eq("externalId", external_id)).await
    }

    /// The group whose `displayName` equals `display_name`, if any.
    ///
    /// # Errors
    /// As [`Client::find_user_by_user_name`].
    pub async fn find_group_by_display_name(
        &self,
        display_name: &str,
    ) -> Result<Option<Group>, Error> {
        self.find_one(Filter::eq("displayName", display_name)).await
    }

    /// The one resource matching `filter`, if any.
    ///
    /// # Errors
    /// [`Error::AmbiguousMatch`] when more than one matches; otherwise as [`Client::list`].
    pub async fn find_one<R: Resource>(&self, filter: Filter) -> Result<Option<R>, Error> {
        let text = filter.to_string();
        let mut page = self
            .list::<R>(&Query::new().filter(filter).count(2))
            .await?;
        let found = page.resources.len() as u64;
        if page.total_results > 1 || found > 1 {
            return Err(Error::AmbiguousMatch {
                endpoint: R::ENDPOINT,
                filter: text,
                count: page.total_results.max(found),
            });
        }
        Ok(page.resources.pop())
    }

    /// Sets a user's `active` flag: `PATCH` with `{"op":"replace","path":"active"}`.
    /// Returns the user when the endpoint answers with it (200), `None` for 204.
    ///
    /// # Errors
    /// As [`Client::patch`].
    pub async fn set_active(&self, user_id: &str, active: bool) -> Result<Option<User>, Error> {
        let op = PatchOp::new(vec![PatchOperation::replace(Some("active"), json!(active))]);
        self.patch::<User>(user_id, &op).await
    }

    /// Adds members to a group: one `add` of `members` with a value list.
    ///
    /// # Errors
    /// As [`Client::patch`].
    pub async fn add_members(
        &self,
        group_id: &str,
        member_ids: &[&str],
    ) -> Result<Option<Group>, Error> {
        let values: Vec<_> = member_ids.iter().map(|id| json!({"value": id})).collect();
        let op = PatchOp::new(vec![PatchOperation::add(Some("members"), json!(values))]);
        self.patch::<Group>(group_id, &op).await
    }

    /// Removes members from a group: one `remove` per member with the RFC value path
    /// `members[value eq "<id>"]` (RFC 7644 §3.5.2.2).
    ///
    /// # Errors
    /// As [`Client::patch`].
    pub async fn remove_members(
        &self,
        group_id: &str,
        member_ids: &[&str],
    ) -> Result<Option<Group>, Error> {
        let ops = member_ids
            .iter()
            .map(|id| {
                let path = PatchPath::value_path("members", Filter::eq("value", *id), None);
                PatchOperation::remove(&path.to_string())
            })
            .collect();
        self.patch::<Group>(group_id, &PatchOp::new(ops)).await
    }
}
