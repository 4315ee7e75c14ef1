//! Resolving a PATCH path (RFC 7644 §3.5.2 `PATH`) against the resource's schemas: which
//! attribute of which schema, which sub-attribute, and which value filter.

use scim2_types::schema::ResourceSchemas;
use scim2_types::schema::{Schema, SchemaAttribute, common_attributes};
use scim2_types::urn;

use super::report::OpError;
use crate::ast::{AttrPath, Filter, PatchPath};
use crate::policy::Policy;

/// What an operation works with: the schemas and the tolerance policy.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'s> {
    pub(crate) schemas: &'s ResourceSchemas,
    pub(crate) policy: &'s Policy,
}

/// Where an attribute's value lives in the resource: at the top level (core and common
/// attributes), or in the object keyed by an extension's URN (RFC 7643 §3.3).
#[derive(Clone, Copy)]
pub(crate) enum Scope<'s> {
    Core,
    Extension(&'s Schema),
}

/// A resolved attribute target: the top-level attribute, its optional value filter and its
/// optional sub-attribute (from `name.sub` or from `name[filter].sub`).
#[derive(Clone, Copy)]
pub(crate) struct Target<'s, 'p> {
    pub(crate) scope: Scope<'s>,
    pub(crate) def: &'s SchemaAttribute,
    pub(crate) filter: Option<&'p Filter>,
    pub(crate) sub: Option<&'s SchemaAttribute>,
}

impl Target<'_, '_> {
    /// The canonical path of what the target changes, without the filter
    /// (`emails.value`, `urn:…:enterprise:2.0:User:manager`).
    pub(crate) fn display(&self) -> String {
        let mut out = match self.scope {
            Scope::Core => String::new(),
            Scope::Extension(ext) => format!("{}:", ext.id),
        };
        out.push_str(&self.def.name);
        if let Some(sub) = self.sub {
            out.push('.');
            out.push_str(&sub.name);
        }
        out
    }
}

/// A resolved PATCH path.
pub(crate) enum Resolved<'s, 'p> {
    /// The path is an extension schema URN itself: the whole extension object.
    Extension(&'s Schema),
    /// An attribute.
    Target(Target<'s, 'p>),
}

/// Resolves a parsed PATCH path.
pub(crate) fn resolve<'s, 'p>(
    path: &'p PatchPath,
    ctx: Ctx<'s>,
) -> Result<Resolved<'s, 'p>, OpError> {
    let (attr_path, filter, trailing) = match path {
        PatchPath::Attr(a) => (a, None, None),
        PatchPath::Value {
            value_path,
            sub_attr,
        } => (
            &value_path.attr,
            Some(value_path.filter.as_ref()),
            sub_attr.as_deref(),
        ),
    };
    if filter.is_none()
        && attr_path.sub_attr.is_none()
        && let Some(ext) = extension_named(&attr_path.to_string(), ctx.schemas)
    {
        return Ok(Resolved::Extension(ext));
    }
    let (scope, def) = resolve_attr(attr_path, ctx).map_err(OpError::invalid_path)?;
    let sub_name = match (attr_path.sub_attr.as_deref(), trailing) {
        (Some(_), Some(_)) => {
            return Err(OpError::invalid_path(format!(
                "{path}: a value path takes one sub-attribute"
            )));
        }
        (a, b) => a.or(b),
    };
    let sub = match sub_name {
        None => None,
        Some(name) => Some(sub_attribute(def, name).map_err(OpError::invalid_path)?),
    };
    Ok(Resolved::Target(Target {
        scope,
        def,
        filter,
        sub,
    }))
}

/// The extension schema whose URN is `text` (ASCII case-insensitive).
pub(crate) fn extension_named<'s>(text: &str, schemas: &'s ResourceSchemas) -> Option<&'s Schema> {
    schemas.extensions.iter().find(|s| urn::eq(&s.id, text))
}

/// Resolves the attribute part of a path (RFC 7644 §3.10): a URN-qualified name against that
/// schema, an unqualified one against the core schema, then the common attributes, then (when
/// the policy allows it) the extensions.
pub(crate) fn resolve_attr<'s>(
    path: &AttrPath,
    ctx: Ctx<'s>,
) -> Result<(Scope<'s>, &'s SchemaAttribute), String> {
    let schemas = ctx.schemas;
    if let Some(uri) = &path.uri {
        let schema = schemas
            .schema(uri)
            .ok_or_else(|| format!("{path}: unknown schema {uri:?}"))?;
        if urn::eq(&schema.id, &schemas.core.id) {
            return core_attribute(schemas, &path.name)
                .map(|a| (Scope::Core, a))
                .ok_or_else(|| format!("{path}: {uri} has no attribute {:?}", path.name));
        }
        return schema
            .top_attribute(&path.name)
            .map(|a| (Scope::Extension(schema), a))
            .ok_or_else(|| format!("{path}: {uri} has no attribute {:?}", path.name));
    }
    if let Some(a) = core_attribute(schemas, &path.name) {
        return Ok((Scope::Core, a));
    }
    let in_extension = schemas.extensions.iter().find_map(|s| {
        s.top_attribute(&path.name)
            .map(|a| (Scope::Extension(s), a))
    });
    match in_extension {
        Some(found) if ctx.policy.unqualified_extension_attributes => Ok(found),
        Some((Scope::Extension(s), _)) => Err(format!(
            "{path}: {:?} is an attribute of {}; qualify it with the schema URN",
            path.name, s.id
        )),
        _ => Err(format!("{path}: unknown attribute {:?}", path.name)),
    }
}

fn core_attribute<'s>(schemas: &'s ResourceSchemas, name: &str) -> Option<&'s SchemaAttribute> {
    schemas.core.top_attribute(name).or_else(|| {
        common_attributes()
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    })
}

/// The sub-attribute `name` of `def`.
pub(crate) fn sub_attribute<'s>(
    def: &'s SchemaAttribute,
    name: &str,
) -> Result<&'s SchemaAttribute, String> {
    def.sub_attribute(name).ok_or_else(|| {
        if def.sub_attributes.is_empty() {
            format!("{} has no sub-attributes (asked for {name:?})", def.name)
        } else {
            format!("{} has no sub-attribute {name:?}", def.name)
        }
    })
}

/// Reads a path-less value key (RFC 7644 §3.5.2.1, §3.5.2.3) as an attribute path: a plain
/// attribute name; with [`Policy::pathless_dotted_keys`] a dotted `name.sub`; with
/// [`Policy::pathless_urn_keys`] a URN-qualified `urn:…:name[.sub]`.
pub(crate) fn pathless_key(key: &str, ctx: Ctx<'_>) -> Result<AttrPath, OpError> {
    let ids: Vec<&str> = std::iter::once(ctx.schemas.core.id.as_str())
        .chain(ctx.schemas.extensions.iter().map(|s| s.id.as_str()))
        .collect();
    if let Some((id, rest)) = urn::split_qualified(key, &ids) {
        if !ctx.policy.pathless_urn_keys {
            return Err(OpError::invalid_value(format!(
                "value key {key:?} is URN-qualified; RFC 7644 expects {{\"{id}\": {{…}}}} \
                 (Policy::pathless_urn_keys)"
            )));
        }
        let (name, sub) = split_dotted(rest, key)?;
        return Ok(AttrPath::with_uri(id, name, sub));
    }
    if key.contains('.') {
        if !ctx.policy.pathless_dotted_keys {
            return Err(OpError::invalid_value(format!(
                "value key {key:?} is a dotted path; RFC 7644 expects attribute names \
                 (Policy::pathless_dotted_keys)"
            )));
        }
        let (name, sub) = split_dotted(key, key)?;
        return Ok(AttrPath::new(name, sub));
    }
    Ok(AttrPath::new(key, None))
}

fn split_dotted<'k>(text: &'k str, key: &str) -> Result<(&'k str, Option<&'k str>), OpError> {
    match text.split_once('.') {
        None => Ok((text, None)),
        Some((name, sub)) if !name.is_empty() && !sub.is_empty() && !sub.contains('.') => {
            Ok((name, Some(sub)))
        }
        Some(_) => Err(OpError::invalid_value(format!(
            "value key {key:?} is not an attribute path"
        ))),
    }
}
