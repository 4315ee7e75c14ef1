//! Reading machinery shared by the typed resources: case-insensitive attribute names
//! (RFC 7643 §2.1), Entra ID's string booleans, and unknown attributes kept as JSON.
//!
//! Every complex type reads its members in one pass over the JSON object, matching each key
//! ASCII case-insensitively against its attribute names; nothing is parsed twice. Keys that
//! name no known attribute are kept, with their values, in the type's `extra` map and written
//! back after the known attributes.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde_json::{Map, Value};

/// A value that can be read as (part of) a SCIM attribute, tolerating what SCIM clients send.
pub(crate) trait Attr<'de>: Sized {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// A [`DeserializeSeed`] that reads a `T` with its [`Attr`] rules.
pub(crate) struct Seed<T>(PhantomData<T>);

impl<T> Seed<T> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, T: Attr<'de>> DeserializeSeed<'de> for Seed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::read(d)
    }
}

impl<'de> Attr<'de> for String {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)
    }
}

impl<'de> Attr<'de> for u64 {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u64::deserialize(d)
    }
}

impl<'de> Attr<'de> for Value {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d)
    }
}

/// Booleans (RFC 7643 §2.3.2), also read from the strings `"True"`/`"False"` in any ASCII case:
/// Entra ID's non-compliant mode sends `"active": "False"` (docs/entra.md#disable).
impl<'de> Attr<'de> for bool {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct BoolVisitor;
        impl Visitor<'_> for BoolVisitor {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean (or the string \"true\" or \"false\")")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
                Ok(v)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
                parse_bool(v).ok_or_else(|| de::Error::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(BoolVisitor)
    }
}

/// `"true"`/`"false"` in any ASCII case.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `null` reads as absent (RFC 7643 §2.5: unassigned and null are equivalent).
impl<'de, T: Attr<'de>> Attr<'de> for Option<T> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OptVisitor<T>(PhantomData<T>);
        impl<'de, T: Attr<'de>> Visitor<'de> for OptVisitor<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::read(d).map(Some)
            }
        }
        d.deserialize_option(OptVisitor(PhantomData))
    }
}

impl<'de, T: Attr<'de>> Attr<'de> for Vec<T> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SeqVisitor<T>(PhantomData<T>);
        impl<'de, T: Attr<'de>> Visitor<'de> for SeqVisitor<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                // Multi-valued attributes mostly hold one or two values: hold the first two
                // before allocating, so that the list takes the room it needs (a growing
                // `Vec` would take room for four). Beyond that, grow as usual, with at most a
                // bounded pre-allocation (the size hint comes from the input).
                let Some(first) = seq.next_element_seed(Seed::<T>::new())? else {
                    return Ok(Vec::new());
                };
                let Some(second) = seq.next_element_seed(Seed::<T>::new())? else {
                    return Ok(vec![first]);
                };
                let Some(third) = seq.next_element_seed(Seed::<T>::new())? else {
                    return Ok(vec![first, second]);
                };
                let hint = seq.size_hint().unwrap_or(0).min(64);
                let mut out = Vec::with_capacity(hint.saturating_add(3).max(4));
                out.extend([first, second, third]);
                while let Some(item) = seq.next_element_seed(Seed::<T>::new())? {
                    out.push(item);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(SeqVisitor(PhantomData))
    }
}

/// Reads an object key without copying it when the input allows borrowing.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an attribute name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A complex value read member by member from a JSON object.
pub(crate) trait FromMap: Sized {
    /// What the error message says was expected.
    const EXPECTING: &'static str;
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// A [`Visitor`] for any [`FromMap`] type.
pub(crate) struct MapVisitor<T>(PhantomData<T>);

impl<T> MapVisitor<T> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, T: FromMap> Visitor<'de> for MapVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// Whether `key` looks like a schema URN (an extension container key, RFC 7643 §3.3).
pub(crate) fn is_urn(key: &str) -> bool {
    key.len() > 4 && key.as_bytes()[..4].eq_ignore_ascii_case(b"urn:")
}

/// The `schemas` list to write: `read` plus every URN in `required` that it lacks (compared
/// ASCII case-insensitively); `core` goes first when missing. Nothing read is dropped.
pub(crate) fn schemas_with<'a, 'r>(
    read: &'a [String],
    core: &str,
    required: impl Iterator<Item = &'r str> + Clone,
) -> Cow<'a, [String]> {
    let has = |list: &[String], urn: &str| list.iter().any(|s| s.eq_ignore_ascii_case(urn));
    if has(read, core) && required.clone().all(|u| has(read, u)) {
        return Cow::Borrowed(read);
    }
    let mut out = Vec::with_capacity(read.len() + 2);
    if !has(read, core) {
        out.push(core.to_owned());
    }
    out.extend(read.iter().cloned());
    for urn in required {
        if !has(&out, urn) {
            out.push(urn.to_owned());
        }
    }
    Cow::Owned(out)
}

/// Implements attribute reading and writing for a struct whose listed fields are all
/// `Option<_>`: `read_known` (case-insensitive key match, duplicate check) and `write_known`
/// (present fields in the listed order).
macro_rules! attributes {
    ($ty:ident { $($field:ident : $json:literal),* $(,)? }) => {
        impl $ty {
            /// Reads the value of `key` into its field when `key` names a known attribute.
            pub(crate) fn read_known<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                // The RFC spellings first, as one `match`; other spellings (RFC 7643 §2.1:
                // names are case-insensitive) by comparing each name, without copying the key.
                match key {
                    $(
                        $json => {
                            if self.$field.is_some() {
                                return Err(::serde::de::Error::duplicate_field($json));
                            }
                            self.$field = map.next_value_seed($crate::attr::Seed::new())?;
                            return Ok(true);
                        }
                    )*
                    _ => {}
                }
                $(
                    if key.eq_ignore_ascii_case($json) {
                        if self.$field.is_some() {
                            return Err(::serde::de::Error::duplicate_field($json));
                        }
                        self.$field = map.next_value_seed($crate::attr::Seed::new())?;
                        return Ok(true);
                    }
                )*
                Ok(false)
            }

            /// Writes the present known attributes, in canonical order and spelling.
            pub(crate) fn write_known<M: ::serde::ser::SerializeMap>(
                &self,
                map: &mut M,
            ) -> Result<(), M::Error> {
                $(
                    if let Some(v) = &self.$field {
                        map.serialize_entry($json, v)?;
                    }
                )*
                Ok(())
            }
        }
    };
}

/// [`attributes!`] plus `Deserialize`/`Serialize` for a complex type with an `extra` map of
/// unknown attributes.
macro_rules! complex_type {
    ($ty:ident, $expecting:literal { $($field:ident : $json:literal),* $(,)? }) => {
        $crate::attr::attributes!($ty { $($field: $json),* });

        impl $crate::attr::FromMap for $ty {
            const EXPECTING: &'static str = $expecting;
            fn from_map<'de, A: ::serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                let mut this = Self::default();
                while let Some(key) = map.next_key_seed($crate::attr::KeySeed)? {
                    if !this.read_known(&key, &mut map)? {
                        let value: ::serde_json::Value = map.next_value()?;
                        this.extra.insert(key.into_owned(), value);
                    }
                }
                Ok(this)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_map($crate::attr::MapVisitor::<Self>::new())
            }
        }

        impl<'de> $crate::attr::Attr<'de> for $ty {
            fn read<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <Self as ::serde::Deserialize>::deserialize(d)
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                let mut map = s.serialize_map(None)?;
                self.write_known(&mut map)?;
                for (k, v) in &self.extra {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    };
}

pub(crate) use attributes;
pub(crate) use complex_type;

/// Reads the value of attribute `name` into `slot`, which must still be empty (a second
/// occurrence, in any case, is a duplicate).
pub(crate) fn read_once<'de, T: Attr<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = map.next_value_seed(Seed::<Option<T>>::new())?;
    Ok(())
}

/// The members every resource reads the same way (RFC 7643 §3: `schemas`, `id`,
/// `externalId`), and where each resource keeps what no schema of its own defines.
pub(crate) struct CommonMembers<'r> {
    pub(crate) schemas: &'r mut Option<Vec<String>>,
    pub(crate) id: &'r mut Option<String>,
    pub(crate) external_id: &'r mut Option<String>,
    /// Extension objects (a URN key with an object value, RFC 7643 §3.3).
    pub(crate) extensions: &'r mut Map<String, Value>,
    /// Everything else, kept as read.
    pub(crate) extra: &'r mut Map<String, Value>,
}

impl CommonMembers<'_> {
    /// Reads `key` if it is `schemas`, `id` or `externalId` (any case); false otherwise.
    pub(crate) fn read<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        if key.eq_ignore_ascii_case("id") {
            read_once(self.id, "id", map)?;
        } else if key.eq_ignore_ascii_case("externalId") {
            read_once(self.external_id, "externalId", map)?;
        } else if key.eq_ignore_ascii_case("schemas") {
            read_once(self.schemas, "schemas", map)?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// Keeps a member that the resource does not define: an unknown extension object, or
    /// anything else as it was read.
    pub(crate) fn keep<'de, A: MapAccess<'de>>(
        &mut self,
        key: Cow<'de, str>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let value: Value = map.next_value()?;
        if is_urn(&key) && value.is_object() {
            self.extensions.insert(key.into_owned(), value);
        } else {
            self.extra.insert(key.into_owned(), value);
        }
        Ok(())
    }
}

/// Writes `schemas`, `id` and `externalId`, the members that open every resource.
pub(crate) fn write_head<M: SerializeMap>(
    map: &mut M,
    schemas: &[String],
    id: Option<&String>,
    external_id: Option<&String>,
) -> Result<(), M::Error> {
    map.serialize_entry("schemas", schemas)?;
    if let Some(id) = id {
        map.serialize_entry("id", id)?;
    }
    if let Some(external_id) = external_id {
        map.serialize_entry("externalId", external_id)?;
    }
    Ok(())
}

/// Writes the unknown extensions and the other kept members back, the last of a resource.
pub(crate) fn write_kept<M: SerializeMap>(
    map: &mut M,
    extensions: &Map<String, Value>,
    extra: &Map<String, Value>,
) -> Result<(), M::Error> {
    for (k, v) in extensions.iter().chain(extra) {
        map.serialize_entry(k, v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Email, User};

    /// Lists of every short length read back element for element; one or two values take
    /// exactly their room.
    #[test]
    fn lists_read_every_element_and_short_lists_take_their_room() {
        for n in 0..7 {
            let emails: Vec<Email> = (0..n).map(|i| Email::new(format!("u{i}@x.org"))).collect();
            let text = serde_json::json!({"userName": "u", "emails": emails}).to_string();
            let user: User = serde_json::from_str(&text).unwrap();
            let read = user.emails.unwrap();
            assert_eq!(read, emails, "{n} emails");
            if n <= 2 {
                assert_eq!(read.capacity(), n, "{n} emails");
            }
        }
    }

    #[test]
    fn a_bad_element_after_the_first_ones_names_its_index() {
        for bad in 0..5 {
            let emails: Vec<Value> = (0..5)
                .map(|i| {
                    if i == bad {
                        serde_json::json!({"value": "x", "primary": 7})
                    } else {
                        serde_json::json!({"value": "y"})
                    }
                })
                .collect();
            let text = serde_json::json!({"userName": "u", "emails": emails}).to_string();
            let err = User::from_json_str(&text).unwrap_err();
            assert_eq!(err.path(), format!("emails[{bad}].primary"));
        }
    }
}
