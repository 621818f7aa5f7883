//! A list setting that reads the same from a TOML file and from the environment.
//!
//! In `showroom.toml` a list is an array (`trusted_proxies = ["10.0.0.0/8"]`); in the environment
//! it arrives as one string, so `SHOWROOM_SHIELD__TRUSTED_PROXIES=10.0.0.0/8,192.168.0.0/16` must
//! mean the same. [`deserialize`] accepts both: an array of strings, or one string split on
//! commas, each item trimmed, empty items dropped (so `""` is the empty list).

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::Deserializer;

/// Use with `#[serde(deserialize_with = "crate::list::deserialize")]` on a `Vec<String>`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    deserializer.deserialize_any(ListVisitor)
}

struct ListVisitor;

impl<'de> Visitor<'de> for ListVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of strings, or one comma-separated string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(split(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<String>()? {
            items.extend(split(&item));
        }
        Ok(items)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

fn split(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(deserialize_with = "super::deserialize")]
        items: Vec<String>,
    }

    fn parse(json: &str) -> Vec<String> {
        serde_json::from_str::<Holder>(json).unwrap().items
    }

    #[test]
    fn an_array_and_a_comma_separated_string_mean_the_same() {
        let expected = vec!["10.0.0.0/8".to_owned(), "192.168.0.0/16".to_owned()];
        assert_eq!(
            parse(r#"{"items": ["10.0.0.0/8", "192.168.0.0/16"]}"#),
            expected
        );
        assert_eq!(
            parse(r#"{"items": "10.0.0.0/8, 192.168.0.0/16"}"#),
            expected
        );
        assert_eq!(
            parse(r#"{"items": " 10.0.0.0/8,,192.168.0.0/16 ,"}"#),
            expected
        );
    }

    #[test]
    fn an_empty_string_is_the_empty_list() {
        assert!(parse(r#"{"items": ""}"#).is_empty());
        assert!(parse(r#"{"items": []}"#).is_empty());
    }
}
