//! Country codes for tax, shipping and addresses: the 249 codes officially assigned by
//! ISO 3166-1 alpha-2, uppercased (`de` → `DE`). `ZZ`, `XK` or `UK` are two letters but no
//! country, and are refused with a message naming the code. Whether a country is one the shop
//! sells to is configuration, not syntax.
//!
//! [`CountryCode::parse`] is the way in for everything a person typed. Addresses stored before
//! the list was enforced only promised two letters; [`CountryCode::restore`] reads those back
//! without refusing them, so an old order never becomes unreadable.

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// ISO 3166-1 alpha-2, officially assigned codes (the ISO 3166 Maintenance Agency's list, as in
/// Debian's `iso-codes`), sorted so a lookup is a binary search.
const ASSIGNED: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// An officially assigned ISO 3166-1 alpha-2 code, in either case, spaces around ignored.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let code = Self::restore(raw)?;
        if ASSIGNED.binary_search(&code.as_str()).is_err() {
            return Err(DomainError::new(format!(
                "`{}` is not an ISO 3166-1 country code (like `DE` or `US`)",
                code.as_str()
            )));
        }
        Ok(code)
    }

    /// Any two ASCII letters, uppercased: for values stored before [`CountryCode::parse`]
    /// checked the ISO list. Never use it on input.
    pub fn restore(raw: &str) -> Result<Self, DomainError> {
        match raw.trim().as_bytes() {
            &[a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(DomainError::new(format!(
                "`{raw}` is not a two-letter country code like `DE` or `US`"
            ))),
        }
    }

    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str().to_owned()
    }
}

parsed_from_string!(CountryCode);
display_as_str!(CountryCode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn uppercases_two_letters_and_refuses_the_rest() {
        assert_eq!(CountryCode::parse(" de ").unwrap().as_str(), "DE");
        for bad in ["", "D", "DEU", "D1", "ü1", "--"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn two_letters_that_name_no_country_are_refused() {
        for bad in ["ZZ", "zz", "XK", "UK", "EU", "AA", "QZ"] {
            let message = CountryCode::parse(bad).unwrap_err().0;
            assert!(message.contains("ISO 3166-1"), "{bad}: {message}");
        }
        for good in ["GB", "us", "DE", "AX", "SS", "ZW", "AD"] {
            assert!(CountryCode::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn restore_reads_back_any_two_letters_stored_before_the_list() {
        assert_eq!(CountryCode::restore("zz").unwrap().as_str(), "ZZ");
        assert!(CountryCode::restore("ZZZ").is_err());
    }

    #[test]
    fn the_table_is_sorted_unique_and_matches_the_iso_codes_package_when_installed() {
        assert_eq!(ASSIGNED.len(), 249);
        assert!(ASSIGNED.windows(2).all(|pair| pair[0] < pair[1]));
        let path = "/usr/share/iso-codes/json/iso_3166-1.json";
        let Ok(text) = std::fs::read_to_string(path) else {
            println!("skipping: {path} is not installed (Debian iso-codes)");
            return;
        };
        let document: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut codes: Vec<&str> = document["3166-1"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|entry| entry["alpha_2"].as_str())
            .collect();
        codes.sort_unstable();
        assert_eq!(codes, ASSIGNED);
    }

    proptest! {
        #[test]
        fn parsed_codes_round_trip(raw in "\\PC{0,4}") {
            if let Ok(code) = CountryCode::parse(&raw) {
                prop_assert_eq!(CountryCode::parse(code.as_str()).unwrap(), code);
            }
        }
    }
}
