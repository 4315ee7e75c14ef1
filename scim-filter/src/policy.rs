//! The tolerated deviations from RFC 7644 §3.5.2, named one by one.
//!
//! A [`Policy`] decides how [`patch::apply`](crate::patch::apply) treats the forms that real
//! clients send but that RFC 7644 does not define (or defines differently). Each field names
//! exactly one deviation, says which client sends it and where that is documented (the
//! repository's `docs/entra.md`, which cites Microsoft's pages and the public observations), and what [`Policy::strict`] does instead.
//!
//! Two presets exist:
//! - [`Policy::strict`]: RFC 7644 as written; every field is `false`.
//! - [`Policy::entra_compatible`] (also [`Default`]): what an endpoint must accept to work with
//!   Microsoft Entra ID's provisioning service in both of its PATCH dialects (legacy and
//!   `aadOptscim062020`, docs/entra.md#patch-dialects); every field is `true`.
//!
//! No other part of the crate tolerates a deviation on its own: when a field is `false`, the
//! input it describes is an error with the `scimType` given in the field's documentation.
//!
//! ```
//! use scim2_filter::policy::Policy;
//! let mut p = Policy::entra_compatible();
//! assert_eq!(p, Policy::default());
//! // An endpoint that must never honour Entra's legacy member-removal form:
//! p.remove_members_by_value_list = false;
//! assert_ne!(p, Policy::strict());
//! assert!(!Policy::strict().string_booleans);
//! ```

/// The set of tolerated deviations used when applying PATCH requests.
///
/// Construct it from a preset and switch single fields; the struct is `non_exhaustive` so that
/// new deviations can be added without breaking callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[allow(clippy::struct_excessive_bools)] // one flag per named deviation is the point
pub struct Policy {
    /// Accept `op` names in any ASCII case (`"Add"`, `"Replace"`, `"Remove"`).
    ///
    /// Source: Entra's legacy dialect capitalises every op (docs/entra.md#patch-value-paths, the dialect table
    /// "op casing"; Microsoft: "Don't require a case-sensitive match on structural elements
    /// … in particular PATCH op"). RFC 7644 §3.5.2 spells them `"add"`, `"remove"`,
    /// `"replace"`. Strict: any other spelling is `invalidSyntax`.
    pub case_insensitive_op_names: bool,

    /// Store the strings `"True"` / `"False"` (any ASCII case) given for a `boolean` attribute
    /// as the JSON booleans `true` / `false`.
    ///
    /// Source: Entra's default `active` mapping produces a string, and the legacy dialect
    /// disables a user with `{"op":"Replace","path":"active","value":"False"}` (docs/entra.md#disable,
    /// the dialect table, row "Disable user"); roles paths such as `roles[primary eq "True"]`
    /// (docs/entra.md#default-mapping).
    /// The same strings compared with a boolean sub-attribute in a PATCH value filter are
    /// read as booleans, so `roles[primary eq "True"].value` selects `"primary": true`.
    /// RFC 7643 §2.3.2 booleans are JSON literals. Strict: a string for a boolean is
    /// `invalidValue` (and such a filter matches no boolean).
    pub string_booleans: bool,

    /// A `remove` whose path is a multi-valued attribute without a filter (`members`) and that
    /// carries a `value` array removes only the listed values, not the whole attribute. A
    /// listed value selects the stored values whose sub-attributes equal every sub-attribute it
    /// gives (so `{"value": "u1091"}` selects member `u1091`); a single object is read as a
    /// one-element list; an empty list removes nothing.
    ///
    /// Source: Entra's legacy (default) member removal
    /// `{"op":"Remove","path":"members","value":[{"value":"u1091"}]}` (docs/entra.md#group-members-remove, the
    /// dialect table, row "Remove group member"). RFC 7644 §3.5.2.2 defines `remove` by `path` alone: "If the
    /// target location is a multi-valued attribute and no filter is specified, the attribute
    /// and all values are removed". Strict: follows the RFC, which empties the group (the
    /// behaviour that made naive servers wipe groups, docs/entra.md#group-members-remove).
    pub remove_members_by_value_list: bool,

    /// `add` or `replace` on a value path (`emails[type eq "work"].value`) that matches no
    /// element creates the element from the filter's `eq` terms plus the value
    /// (`{"type": "work", "value": …}`). The created element is an ordinary element of the
    /// working copy, so later operations of the same request with the same filter
    /// (`addresses[type eq "work"].formatted`, `.locality`, `.region`) land in this one element
    /// instead of creating several.
    ///
    /// Source: every Entra attribute mapping to a typed element (docs/entra.md#patch-value-paths
    /// and #default-mapping, with the public observations cited there for creation and for the
    /// one-element rule). RFC 7644 §3.5.2.3: "If the target location is a
    /// multi-valued attribute for which a value selection filter ("valuePath") has been
    /// supplied and no record match was made, the service provider SHALL indicate failure by
    /// returning HTTP status code 400 and a "scimType" error code of "noTarget"." Strict:
    /// `noTarget` for `replace` and for `add` (which the RFC does not define on a value path).
    /// A filter that is not a conjunction of `eq` terms on sub-attributes is `noTarget` in
    /// both modes.
    pub create_element_on_value_path_miss: bool,

    /// A path-less `add` / `replace` whose value object has dotted keys
    /// (`"name.givenName": "Kkom"`) applies each to that sub-attribute.
    ///
    /// Source: Entra's `aadOptscim062020` dialect folds attribute updates into one path-less
    /// replace (docs/entra.md#patch-value-paths "Flagged multi-attribute replace", the dialect table "Replace several
    /// attributes"), and the same form is observed from non-flagged tenants (docs/entra.md#patch-value-paths, "Observed
    /// path-less forms"). RFC 7644 §3.5.2.1/§3.5.2.3: the value holds attributes, whose names
    /// (`ATTRNAME`, RFC 7644 §3.10) contain no dot. Strict: a dotted key is `invalidValue`.
    pub pathless_dotted_keys: bool,

    /// A path-less `add` / `replace` whose value object has URN-qualified attribute keys
    /// (`"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "1111"`)
    /// applies each to that attribute of that schema.
    ///
    /// Source: the same Entra dialect (docs/entra.md#patch-value-paths "Flagged multi-attribute replace"; the
    /// public observations listed there). RFC 7644 §3.5.2 only allows an
    /// extension's attributes as members of an object keyed by the bare schema URN
    /// (`{"urn:…:enterprise:2.0:User": {"employeeNumber": "1111"}}`), which both modes accept.
    /// Strict: a URN-qualified attribute key is `invalidValue`.
    pub pathless_urn_keys: bool,

    /// A bare string given for a single-valued complex attribute that has a `value`
    /// sub-attribute (the enterprise `manager`) is stored as `{"value": "<string>"}`.
    ///
    /// Source: Entra links managers with
    /// `{"op":"Add","path":"urn:…:enterprise:2.0:User:manager","value":"<id>"}` (docs/entra.md#manager
    /// "Observed add/change form") and has sent `"manager": "<id>"` on create (§2.4). RFC 7643
    /// §4.3 defines `manager` as complex. Strict: a string for a complex attribute is
    /// `invalidValue`.
    pub complex_from_bare_value: bool,

    /// A one-element array given for a single-valued attribute is taken as that element.
    ///
    /// Source: Microsoft's documented manager add form
    /// `{"op":"Add","path":"manager","value":[{"$ref":"…","value":"…"}]}` (docs/entra.md#manager,
    /// MS-SCIM Example 5). RFC 7643 §2.4: a single-valued attribute holds one value, not an
    /// array. Strict: an array for a single-valued attribute is `invalidValue`.
    pub single_element_array_for_single_valued: bool,

    /// A value filter on a single-valued complex attribute (`manager[value eq "id"]`) selects
    /// that attribute when the filter matches it, and selects nothing otherwise.
    ///
    /// Source: the observed manager removal
    /// `{"op":"remove","path":"manager[value eq \"manager-id\"]"}` (docs/entra.md#manager "Observed
    /// removal form"). RFC 7644 §3.5.2 uses value filters to select values of multi-valued
    /// attributes ("If the target location is a multi-valued attribute and a complex filter
    /// is specified…", §3.5.2.2). Strict: such a path is `invalidPath`.
    pub value_filter_on_single_valued: bool,

    /// Extension attributes may be addressed without their schema URN when the name is unique
    /// (`"path": "manager"` for the enterprise `manager`).
    ///
    /// Source: the manager forms of docs/entra.md#manager (`"path": "manager"` in MS-SCIM Example 5,
    /// `manager[value eq …]` in the observed removal). RFC 7644 §3.10: clients "MAY omit core
    /// schema attribute URN prefixes but SHOULD fully qualify extended attributes with the
    /// associated schema extension URN". Strict: an unqualified name that only an extension
    /// defines is `invalidPath`.
    pub unqualified_extension_attributes: bool,

    /// An element of the User's `roles` given as `{"value": "<JSON object text>"}` is the role
    /// that the text encodes: the decoded object's `value`, `display` (Entra writes
    /// `displayName`), `type` and `primary` become the element's sub-attributes. Its `id`
    /// (Entra's app role id, which the `roles` sub-attributes of RFC 7643 §4.1.2 do not have)
    /// is not stored; any other member is `invalidValue` as in any role.
    ///
    /// Source: Entra's legacy dialect sends PATCH `roles` values as JSON-encoded strings,
    /// `{"op":"Add","path":"roles","value":[{"value":"{\"id\":\"…\",\"value\":\"25\",
    /// \"displayName\":\"Role1234\"}"}]}`, while its POST sends role objects (docs/entra.md#patch-dialects
    /// table row "Roles (PATCH vs POST)", §4.1 roles section). RFC 7643 §4.1.2: `roles.value`
    /// is a string. Strict: the text is stored as the role's `value`, as given.
    pub json_encoded_role_values: bool,

    /// An attribute the schemas do not declare (an attribute of an extension schema the
    /// endpoint does not know, such as `urn:ietf:params:scim:schemas:extension:Contoso:2.0:User:badge`,
    /// given as a path or as a path-less value key; or an unknown sub-attribute of a declared
    /// complex attribute) is written as a simple attribute typed after the value given, where
    /// a tolerant endpoint's POST and PUT store it (an extension's attributes in the object
    /// keyed by its URN). Unqualified unknown top-level attributes stay `invalidPath`.
    ///
    /// Source: Entra's custom attribute mappings send attributes of a custom extension
    /// (`urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:CustomAttribute`)
    /// in POST and in PATCH, and leave the extension's URN out of `schemas`
    /// (<https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes>).
    /// An endpoint that stores such attributes on POST but refuses them in PATCH makes every
    /// later update of them fail. RFC 7644 §3.5.2: "the attribute … MUST be defined"; an
    /// endpoint that declares its extension schemas (RFC 7643 §7) can refuse the others.
    /// Strict: `invalidPath` (and `invalidValue` for an unknown path-less key).
    pub undeclared_attributes: bool,
}

impl Policy {
    /// RFC 7644 §3.5.2 as written: no deviation is tolerated.
    #[must_use]
    pub const fn strict() -> Self {
        Self {
            case_insensitive_op_names: false,
            string_booleans: false,
            remove_members_by_value_list: false,
            create_element_on_value_path_miss: false,
            pathless_dotted_keys: false,
            pathless_urn_keys: false,
            complex_from_bare_value: false,
            single_element_array_for_single_valued: false,
            value_filter_on_single_valued: false,
            unqualified_extension_attributes: false,
            json_encoded_role_values: false,
            undeclared_attributes: false,
        }
    }

    /// Every deviation that Microsoft Entra ID's provisioning service sends, in either PATCH
    /// dialect (docs/entra.md#patch-dialects: "A server should accept the union"). This is the [`Default`].
    #[must_use]
    pub const fn entra_compatible() -> Self {
        Self {
            case_insensitive_op_names: true,
            string_booleans: true,
            remove_members_by_value_list: true,
            create_element_on_value_path_miss: true,
            pathless_dotted_keys: true,
            pathless_urn_keys: true,
            complex_from_bare_value: true,
            single_element_array_for_single_valued: true,
            value_filter_on_single_valued: true,
            unqualified_extension_attributes: true,
            json_encoded_role_values: true,
            undeclared_attributes: true,
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::entra_compatible()
    }
}

#[cfg(test)]
mod tests {
    use super::Policy;

    #[test]
    fn presets_differ_in_every_field() {
        // Each field is a deviation: strict has none, entra_compatible has all.
        let s = Policy::strict();
        let e = Policy::entra_compatible();
        let pairs = [
            (s.case_insensitive_op_names, e.case_insensitive_op_names),
            (s.string_booleans, e.string_booleans),
            (
                s.remove_members_by_value_list,
                e.remove_members_by_value_list,
            ),
            (
                s.create_element_on_value_path_miss,
                e.create_element_on_value_path_miss,
            ),
            (s.pathless_dotted_keys, e.pathless_dotted_keys),
            (s.pathless_urn_keys, e.pathless_urn_keys),
            (s.complex_from_bare_value, e.complex_from_bare_value),
            (
                s.single_element_array_for_single_valued,
                e.single_element_array_for_single_valued,
            ),
            (
                s.value_filter_on_single_valued,
                e.value_filter_on_single_valued,
            ),
            (
                s.unqualified_extension_attributes,
                e.unqualified_extension_attributes,
            ),
            (s.json_encoded_role_values, e.json_encoded_role_values),
            (s.undeclared_attributes, e.undeclared_attributes),
        ];
        assert!(pairs.iter().all(|&(a, b)| !a && b));
        assert_eq!(Policy::default(), e);
    }
}
