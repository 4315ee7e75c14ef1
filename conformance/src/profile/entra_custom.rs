//! Custom extension attributes: an admin can map directory attributes into a custom extension
//! (`urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attr>`); Entra then sends them
//! in the create body (without the extension's URN in `schemas`) and in PATCH, as
//! `"Replace"` on the URN-qualified path (legacy dialect) or in a path-less `"replace"` keyed
//! by the URN-qualified name (`aadOptscim062020`)
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes>).
//!
//! The check is part of a run only when the mapping in use has such rows
//! ([`applies`]); the default mapping has none.

use serde_json::{Value, json};

use super::entra::read_user;
use super::{Check, check, wire};
use crate::check::Requirement::Must;
use crate::dialect::Dialect::Legacy;
use crate::evidence::{ms, rfc};
use crate::mapping::Mapping;
use crate::model::UserModel;
use crate::session::{CheckBody, CheckError, Cx};
use crate::{ensure, fail};
use scim2_types::ResourceKind::User;

/// The check's id.
pub const CUSTOM_EXTENSION: &str = "entra.user.custom-extension";

/// The custom extension checks.
#[must_use]
pub fn checks() -> Vec<Check> {
    vec![USER_CUSTOM_EXTENSION]
}

/// Whether `check_id` belongs in a run with `mapping` (the custom extension check only when
/// the mapping has custom extension rows).
#[must_use]
pub fn applies(check_id: &str, mapping: &Mapping) -> bool {
    check_id != CUSTOM_EXTENSION || !mapping.custom_extension_rows().is_empty()
}

/// A value different from `v` of the same type.
fn changed(v: &Value, round: &str) -> Value {
    match v {
        Value::Bool(b) => Value::Bool(!b),
        Value::Number(n) => json!(n.as_i64().unwrap_or(0) + 1),
        Value::String(s) => json!(format!("{s}-{round}")),
        other => other.clone(),
    }
}

/// `entra.user.custom-extension`.
const USER_CUSTOM_EXTENSION: Check = check!(custom_extension, "entra.user.custom-extension", "users", Must,
"Custom extension attributes of the mapping: created, PATCHed on the URN path (\"Replace\") and path-less (\"replace\" with URN keys), read back",
docs: Some("custom-extensions"), sends: true,
sources: [
    ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes"),
    ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
    rfc(7643, "3.3", Must),
    rfc(7644, "3.5.2", Must),
],
faults: [CustomExtensionPatchRejected],
writes: true, dialect: None, needs: [Patch]);

async fn custom_extension(cx: Cx) -> CheckBody {
    let rows: Vec<(String, crate::mapping::TargetPath)> = cx
        .session()
        .mapping
        .custom_extension_rows()
        .iter()
        .map(|r| (r.target.to_string(), r.target.clone()))
        .collect();
    if rows.is_empty() {
        return Err(CheckError::Skip(
            "the mapping has no custom extension rows".into(),
        ));
    }
    let (id, body, _) = cx.create_user("cext", None).await?;
    let mut model = UserModel::from_sent(&body);
    let verify = |after: &'static str, model: &UserModel, actual: &Value| -> CheckBody {
        let mm = model.mismatches_touched(actual);
        ensure!(
            mm.is_empty(),
            "after {after}, GET /Users/{id} differs: {}",
            mm.join("; ")
        );
        Ok(())
    };
    let created = read_user(&cx, &id).await?;
    for (path, t) in &rows {
        let sent = t.get(&body);
        let got = t.get(&created);
        ensure!(
            sent.is_none() || got == sent,
            "GET /Users/{id}: {path} is {got:?}, the create sent {sent:?}"
        );
    }
    // Legacy: one "Replace" per attribute, on the URN-qualified path.
    let changes: Vec<(&str, Value)> = rows
        .iter()
        .map(|(path, t)| {
            let v = t
                .get(&body)
                .map_or_else(|| json!("set"), |v| changed(v, "legacy"));
            (path.as_str(), v)
        })
        .collect();
    let legacy = wire::replace(Legacy, &changes);
    model.apply(&legacy).map_err(CheckError::Error)?;
    cx.patch(User, &id, legacy).await?;
    verify(
        "the legacy \"Replace\" on the URN paths",
        &model,
        &read_user(&cx, &id).await?,
    )?;
    // Flagged: one path-less "replace" keyed by the URN-qualified names.
    let mut folded = serde_json::Map::new();
    for (path, t) in &rows {
        let current = model.expected(t).cloned().unwrap_or(json!("set"));
        folded.insert(path.clone(), changed(&current, "flagged"));
    }
    let flagged = wire::replace_pathless(folded);
    model.apply(&flagged).map_err(CheckError::Error)?;
    cx.patch(User, &id, flagged).await?;
    let after = read_user(&cx, &id).await?;
    verify("the path-less \"replace\" with URN keys", &model, &after)?;
    for (path, t) in &rows {
        if t.get(&after).is_none() {
            fail!("GET /Users/{id} has no {path} after the PATCHes");
        }
    }
    Ok(())
}
