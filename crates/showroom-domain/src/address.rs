//! Where an order ships: a [`ShippingAddress`] whose every field is trimmed, bounded and free of
//! control characters, with a [`CountryCode`] that tax and shipping rules can key on. Postal-code
//! and street formats differ too much between countries to check here; the carrier's label
//! printer is the final judge, and a bound on length keeps hostile input small.
//!
//! A refusal is an [`AddressError`] naming the field (`country`, `city`, ...) so the edge can
//! point at it. Stored addresses are read back through serde with [`CountryCode::restore`], so one
//! saved before the ISO country list was enforced still loads.

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

/// Why an address was refused, and which of its fields (`name`, `line1`, `line2`,
/// `postal_code`, `city`, `country`) is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AddressError {
    pub field: &'static str,
    pub message: String,
}

impl From<AddressError> for DomainError {
    fn from(error: AddressError) -> Self {
        DomainError::new(error.message)
    }
}

impl ShippingAddress {
    /// Checks every field; the error names the first bad one.
    pub fn new(raw: RawAddress) -> Result<Self, AddressError> {
        let country = CountryCode::parse(&raw.country).map_err(|e| AddressError {
            field: "country",
            message: e.0,
        })?;
        Self::with_country(raw, country)
    }

    /// Every field but the country checked as [`ShippingAddress::new`] does.
    fn with_country(raw: RawAddress, country: CountryCode) -> Result<Self, AddressError> {
        let line2 = match raw.line2.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(line) => Some(field(line, "line2", "the second address line", 1)?),
        };
        Ok(Self {
            name: field(&raw.name, "name", "the recipient's name", 1)?,
            line1: field(&raw.line1, "line1", "the street address", 1)?,
            line2,
            postal_code: field(&raw.postal_code, "postal_code", "the postal code", 0)?,
            city: field(&raw.city, "city", "the city", 1)?,
            country,
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

fn field(raw: &str, name: &'static str, what: &str, min: usize) -> Result<String, AddressError> {
    let refuse = |message: String| AddressError {
        field: name,
        message,
    };
    let trimmed = raw.trim();
    let count = trimmed.chars().count();
    if count < min || count > MAX_ADDRESS_FIELD {
        return Err(refuse(format!(
            "{what} has {min} to {MAX_ADDRESS_FIELD} characters"
        )));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(refuse(format!(
            "{what} cannot contain line breaks or control characters"
        )));
    }
    Ok(trimmed.to_owned())
}

/// Reading a stored address back: the fields are checked again, the country only for its shape.
impl TryFrom<RawAddress> for ShippingAddress {
    type Error = AddressError;
    fn try_from(raw: RawAddress) -> Result<Self, Self::Error> {
        let country = CountryCode::restore(&raw.country).map_err(|e| AddressError {
            field: "country",
            message: e.0,
        })?;
        Self::with_country(raw, country)
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
        assert_eq!(ShippingAddress::new(empty_city).unwrap_err().field, "city");
        let mut broken = raw();
        broken.line1 = "a\r\nb".into();
        let error = ShippingAddress::new(broken).unwrap_err();
        assert_eq!(error.field, "line1");
        assert!(error.message.contains("street"), "{error}");
        let mut long = raw();
        long.name = "x".repeat(MAX_ADDRESS_FIELD + 1);
        assert!(ShippingAddress::new(long).is_err());
        let mut country = raw();
        country.country = "GBR".into();
        assert!(ShippingAddress::new(country).is_err());
        let mut nowhere = raw();
        nowhere.country = "ZZ".into();
        assert_eq!(ShippingAddress::new(nowhere).unwrap_err().field, "country");
    }

    #[test]
    fn an_address_stored_with_an_unassigned_country_still_reads_back() {
        let stored = r#"{"name":"A","line1":"1 Road","line2":null,"postal_code":"1","city":"C","country":"ZZ"}"#;
        let address: ShippingAddress = serde_json::from_str(stored).unwrap();
        assert_eq!(address.country().as_str(), "ZZ");
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
