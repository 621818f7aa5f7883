//! Where an order ships: a [`ShippingAddress`] whose every field is trimmed, bounded and free of
//! control characters, with a [`CountryCode`] that tax and shipping rules can key on. Postal-code
//! and street formats differ too much between countries to check here; the carrier's label
//! printer is the final judge, and a bound on length keeps hostile input small.

use serde::{Deserialize, Serialize};

use crate::pricing::CountryCode;
use crate::DomainError;

/// The longest any one address field may be, in characters.
pub const MAX_ADDRESS_FIELD: usize = 200;

/// A postal address for a shipment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawAddress", into = "RawAddress")]
pub struct ShippingAddress {
    name: String,
    line1: String,
    line2: Option<String>,
    postal_code: String,
    city: String,
    country: CountryCode,
}

/// The unchecked shape, as it travels in JSON; every way in goes through [`ShippingAddress::new`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawAddress {
    pub name: String,
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

impl ShippingAddress {
    /// Checks every field; the error names the first bad one.
    pub fn new(raw: RawAddress) -> Result<Self, DomainError> {
        let line2 = match raw.line2.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(line) => Some(field(line, "the second address line", 1)?),
        };
        Ok(Self {
            name: field(&raw.name, "the recipient's name", 1)?,
            line1: field(&raw.line1, "the street address", 1)?,
            line2,
            postal_code: field(&raw.postal_code, "the postal code", 0)?,
            city: field(&raw.city, "the city", 1)?,
            country: CountryCode::parse(&raw.country)?,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn line1(&self) -> &str {
        &self.line1
    }
    pub fn line2(&self) -> Option<&str> {
        self.line2.as_deref()
    }
    pub fn postal_code(&self) -> &str {
        &self.postal_code
    }
    pub fn city(&self) -> &str {
        &self.city
    }
    pub fn country(&self) -> CountryCode {
        self.country
    }
}

fn field(raw: &str, what: &str, min: usize) -> Result<String, DomainError> {
    let trimmed = raw.trim();
    let count = trimmed.chars().count();
    if count < min || count > MAX_ADDRESS_FIELD {
        return Err(DomainError::new(format!(
            "{what} has {min} to {MAX_ADDRESS_FIELD} characters"
        )));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(DomainError::new(format!(
            "{what} cannot contain line breaks or control characters"
        )));
    }
    Ok(trimmed.to_owned())
}

impl TryFrom<RawAddress> for ShippingAddress {
    type Error = DomainError;
    fn try_from(raw: RawAddress) -> Result<Self, Self::Error> {
        Self::new(raw)
    }
}

impl From<ShippingAddress> for RawAddress {
    fn from(address: ShippingAddress) -> Self {
        Self {
            name: address.name,
            line1: address.line1,
            line2: address.line2,
            postal_code: address.postal_code,
            city: address.city,
            country: address.country.as_str().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn raw() -> RawAddress {
        RawAddress {
            name: " Ada Lovelace ".into(),
            line1: "12 St James's Square".into(),
            line2: Some("  ".into()),
            postal_code: "SW1Y 4JH".into(),
            city: "London".into(),
            country: "gb".into(),
        }
    }

    #[test]
    fn fields_are_trimmed_and_blank_optional_lines_dropped() {
        let address = ShippingAddress::new(raw()).unwrap();
        assert_eq!(address.name(), "Ada Lovelace");
        assert_eq!(address.line2(), None);
        assert_eq!(address.country().as_str(), "GB");
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut empty_city = raw();
        empty_city.city = " ".into();
        assert!(ShippingAddress::new(empty_city)
            .unwrap_err()
            .0
            .contains("city"));
        let mut broken = raw();
        broken.line1 = "a\r\nb".into();
        assert!(ShippingAddress::new(broken)
            .unwrap_err()
            .0
            .contains("street"));
        let mut long = raw();
        long.name = "x".repeat(MAX_ADDRESS_FIELD + 1);
        assert!(ShippingAddress::new(long).is_err());
        let mut country = raw();
        country.country = "GBR".into();
        assert!(ShippingAddress::new(country).is_err());
    }

    proptest! {
        #[test]
        fn json_round_trips_whatever_was_accepted(name in "\\PC{0,40}", city in "\\PC{0,40}") {
            let candidate = RawAddress { name, city, ..raw() };
            if let Ok(address) = ShippingAddress::new(candidate) {
                let json = serde_json::to_string(&address).unwrap();
                prop_assert_eq!(serde_json::from_str::<ShippingAddress>(&json).unwrap(), address);
            }
        }
    }
}
