//! Case-insensitive access to JSON object members (RFC 7643 §2.1: attribute names are
//! case-insensitive). Writes keep the spelling a resource already uses and otherwise use the
//! schema's canonical spelling.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The key of `map` that matches `name` ASCII case-insensitively (exact match first).
pub(crate) fn key_of(map: &Map<String, Value>, name: &str) -> Option<String> {
    if map.contains_key(name) {
        return Some(name.to_owned());
    }
    map.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

/// The member named `name`, ASCII case-insensitively.
pub(crate) fn get<'m>(map: &'m Map<String, Value>, name: &str) -> Option<&'m Value> {
    crate::eval::get_ci(map, name)
}

/// The member named `name`, mutable, ASCII case-insensitively.
pub(crate) fn get_mut<'m>(map: &'m mut Map<String, Value>, name: &str) -> Option<&'m mut Value> {
    let key = key_of(map, name)?;
    map.get_mut(&key)
}

/// Sets the member named `canonical` (matched case-insensitively; an existing key keeps its
/// spelling). Returns whether the stored value changed.
pub(crate) fn set(map: &mut Map<String, Value>, canonical: &str, value: Value) -> bool {
    match key_of(map, canonical) {
        Some(key) => {
            let slot = map.entry(key).or_insert(Value::Null);
            if *slot == value {
                false
            } else {
                *slot = value;
                true
            }
        }
        None => {
            map.insert(canonical.to_owned(), value);
            true
        }
    }
}

/// The member named `canonical` as a mutable slot, inserting `default()` under the canonical
/// spelling when absent.
pub(crate) fn entry<'m>(
    map: &'m mut Map<String, Value>,
    canonical: &str,
    default: impl FnOnce() -> Value,
) -> &'m mut Value {
    let key = key_of(map, canonical).unwrap_or_else(|| canonical.to_owned());
    map.entry(key).or_insert_with(default)
}

/// Removes every member whose name matches `name` case-insensitively; returns the first.
pub(crate) fn remove(map: &mut Map<String, Value>, name: &str) -> Option<Value> {
    let keys: Vec<String> = map
        .keys()
        .filter(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .collect();
    let mut first = None;
    for k in keys {
        let v = map.remove(&k);
        if first.is_none() {
            first = v;
        }
    }
    first
}

/// A canonical text for `value` in which object keys are lower-cased and sorted, so that two
/// values equal up to key case and key order get the same text. Used to detect duplicate
/// values in multi-valued attributes (RFC 7644 §3.5.2.1: "If the target location already
/// contains the value specified, no changes SHOULD be made").
pub(crate) fn canonical_text(value: &Value) -> String {
    fn normalise(value: &Value) -> Value {
        match value {
            Value::Object(m) => {
                let sorted: BTreeMap<String, Value> = m
                    .iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), normalise(v)))
                    .collect();
                Value::Object(sorted.into_iter().collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
            other => other.clone(),
        }
    }
    normalise(value).to_string()
}

/// Deep equality with object keys compared ASCII case-insensitively.
pub(crate) fn equal_ci(a: &Value, b: &Value) -> bool {
    canonical_text(a) == canonical_text(b)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn case_insensitive_access_keeps_spelling() {
        let mut m = json!({"UserName": "a"}).as_object().cloned().unwrap();
        assert_eq!(get(&m, "username"), Some(&json!("a")));
        assert!(set(&mut m, "userName", json!("b")));
        assert!(!set(&mut m, "userName", json!("b")));
        assert_eq!(m, *json!({"UserName": "b"}).as_object().unwrap());
        assert!(set(&mut m, "nickName", json!("n")));
        assert!(m.contains_key("nickName"));
        assert_eq!(remove(&mut m, "USERNAME"), Some(json!("b")));
        assert!(get(&m, "userName").is_none());
    }

    #[test]
    fn canonical_text_ignores_key_case_and_order() {
        assert!(equal_ci(
            &json!({"Value": "x", "type": "work"}),
            &json!({"type": "work", "value": "x"})
        ));
        assert!(!equal_ci(&json!({"value": "x"}), &json!({"value": "X"})));
    }
}
