//! Opaque pagination cursors. A cursor carries the sort it was made for, the last row's sort key
//! and its id; decoding checks all three, so a cursor from another sort or a forged one is a
//! clean error, never a wrong page.

use serde::{Deserialize, Serialize};
use showroom_domain::DomainError;
use uuid::Uuid;

use crate::ProductSort;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cursor {
    pub sort: ProductSort,
    /// The sort key of the last row: an integer (time, price) or text (title).
    pub key: CursorKey,
    pub id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CursorKey {
    Int(i64),
    Text(String),
}

impl Cursor {
    /// URL-safe text: hex of a small JSON document.
    pub fn encode(&self) -> String {
        let json = serde_json::json!([self.sort.as_str(), self.key, self.id]);
        hex::encode(json.to_string())
    }

    pub fn decode(raw: &str) -> Result<Self, DomainError> {
        let bad = || DomainError("the cursor is not one this API returned".into());
        if raw.len() > 2048 {
            return Err(bad());
        }
        let bytes = hex::decode(raw).map_err(|_| bad())?;
        let (sort, key, id): (String, CursorKey, Uuid) =
            serde_json::from_slice(&bytes).map_err(|_| bad())?;
        let sort = ProductSort::parse(&sort).ok_or_else(bad)?;
        let key_fits = matches!(
            (sort, &key),
            (ProductSort::Title, CursorKey::Text(_))
                | (
                    ProductSort::Newest
                        | ProductSort::PriceAsc
                        | ProductSort::PriceDesc
                        | ProductSort::Relevance,
                    CursorKey::Int(_)
                )
        );
        if !key_fits {
            return Err(bad());
        }
        Ok(Self { sort, key, id })
    }
}

impl TryFrom<String> for Cursor {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::decode(&value)
    }
}

impl From<Cursor> for String {
    fn from(value: Cursor) -> Self {
        value.encode()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_forgeries_are_refused() {
        let cursor = Cursor {
            sort: ProductSort::Title,
            key: CursorKey::Text("Oak".into()),
            id: Uuid::nil(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        assert!(Cursor::decode("zz").is_err());
        assert!(Cursor::decode(&hex::encode(
            r#"["title",5,"00000000-0000-0000-0000-000000000000"]"#
        ))
        .is_err());
    }
}
