//! Tax configuration and the tax contained in, or added to, one amount.
//!
//! A shop publishes its prices either **tax-exclusive** (US style: tax is added at checkout) or
//! **tax-inclusive** (EU style: the shelf price is what the shopper pays and the tax is the part
//! of it that goes to the state). [`PriceMode`] says which; every price in the shop uses it.
//!
//! Tax is computed **per line**, on the line amount after its share of the discount, and rounded
//! half away from zero once per line (see [`rate`](super::rate)):
//!
//! - exclusive: `tax = round(net × rate)`;
//! - inclusive: `tax = gross − round(gross ÷ (1 + rate))`.
//!
//! The two agree: pricing a net amount exclusively and the resulting gross inclusively yields the
//! very same tax, and from a gross price the two formulas differ by at most one minor unit
//! (property-tested in this module).
//!
//! Rates live in a [`TaxTable`]: a standard and a reduced rate per country, with default rates
//! for a destination not listed (or not known yet, before the shopper gives an address).
//! Shipping is not taxed in this version.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rate::{div_round_half_away, narrow, FULL_RATE};
use super::{BasisPoints, CountryCode};

/// Whether the shop's prices already contain tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceMode {
    TaxInclusive,
    TaxExclusive,
}

/// The tax category of a product, mapped to a rate per country by the [`TaxTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxClass {
    Standard,
    Reduced,
    /// Exempt or zero-rated goods: always 0 %.
    Zero,
}

/// The rates of one country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRates {
    pub standard: BasisPoints,
    pub reduced: BasisPoints,
}

impl TaxRates {
    pub const NONE: Self = Self {
        standard: BasisPoints::ZERO,
        reduced: BasisPoints::ZERO,
    };

    pub fn rate(&self, class: TaxClass) -> BasisPoints {
        match class {
            TaxClass::Standard => self.standard,
            TaxClass::Reduced => self.reduced,
            TaxClass::Zero => BasisPoints::ZERO,
        }
    }
}

/// The shop's tax configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxTable {
    pub mode: PriceMode,
    /// Rates for a destination that is unknown or not listed in `countries`.
    pub default: TaxRates,
    #[serde(default)]
    pub countries: BTreeMap<CountryCode, TaxRates>,
}

impl TaxTable {
    /// No tax anywhere, prices as they are.
    pub fn untaxed() -> Self {
        Self {
            mode: PriceMode::TaxExclusive,
            default: TaxRates::NONE,
            countries: BTreeMap::new(),
        }
    }

    pub fn rates_for(&self, country: Option<&CountryCode>) -> TaxRates {
        country
            .and_then(|code| self.countries.get(code))
            .copied()
            .unwrap_or(self.default)
    }
}

/// The tax of a line `amount` (net when exclusive, gross when inclusive) at `rate`.
pub fn tax_of(amount: i64, rate: BasisPoints, mode: PriceMode) -> i64 {
    match mode {
        PriceMode::TaxExclusive => rate.of(amount),
        PriceMode::TaxInclusive => {
            let scaled = i128::from(amount) * i128::from(FULL_RATE);
            let net = div_round_half_away(scaled, i128::from(FULL_RATE + rate.get()));
            amount - narrow(net)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MAX_MINOR_UNITS;
    use proptest::prelude::*;

    fn bp(value: u32) -> BasisPoints {
        BasisPoints::new(value).unwrap()
    }

    #[test]
    fn computes_exclusive_and_inclusive_tax() {
        // 19 % on 10.00 is 1.90; 11.90 gross contains exactly that.
        assert_eq!(tax_of(1_000, bp(1_900), PriceMode::TaxExclusive), 190);
        assert_eq!(tax_of(1_190, bp(1_900), PriceMode::TaxInclusive), 190);
        // 7 % on 0.05 is 0.0035 → 0.00; 8.25 % on 0.06 is 0.00495 → 0.00; 0.07 → 0.005775 → 0.01.
        assert_eq!(tax_of(5, bp(700), PriceMode::TaxExclusive), 0);
        assert_eq!(tax_of(7, bp(825), PriceMode::TaxExclusive), 1);
        assert_eq!(tax_of(0, bp(2_500), PriceMode::TaxInclusive), 0);
    }

    #[test]
    fn unlisted_countries_use_the_default_rates() {
        let de = CountryCode::parse("DE").unwrap();
        let table = TaxTable {
            mode: PriceMode::TaxInclusive,
            default: TaxRates {
                standard: bp(2_000),
                reduced: bp(500),
            },
            countries: BTreeMap::from([(
                de,
                TaxRates {
                    standard: bp(1_900),
                    reduced: bp(700),
                },
            )]),
        };
        assert_eq!(table.rates_for(Some(&de)).rate(TaxClass::Reduced), bp(700));
        let fr = CountryCode::parse("FR").unwrap();
        assert_eq!(table.rates_for(Some(&fr)).standard, bp(2_000));
        assert_eq!(
            table.rates_for(None).rate(TaxClass::Zero),
            BasisPoints::ZERO
        );
    }

    proptest! {
        #[test]
        fn exclusive_then_inclusive_gives_the_same_tax(net in 0i64..=MAX_MINOR_UNITS / 2, rate in 0u32..=FULL_RATE) {
            let tax = tax_of(net, bp(rate), PriceMode::TaxExclusive);
            let gross = net + tax;
            prop_assert_eq!(tax_of(gross, bp(rate), PriceMode::TaxInclusive), tax);
        }

        #[test]
        fn inclusive_and_exclusive_tax_agree_within_one_unit(gross in 0i64..=MAX_MINOR_UNITS, rate in 0u32..=FULL_RATE) {
            let included = tax_of(gross, bp(rate), PriceMode::TaxInclusive);
            let net = gross - included;
            let added = tax_of(net, bp(rate), PriceMode::TaxExclusive);
            prop_assert!((0..=gross).contains(&included));
            prop_assert!((added - included).abs() <= 1);
        }
    }
}
