//! Shipping: a flat rate per method (`standard`, `express`, …) and an optional free-shipping
//! threshold.
//!
//! Shipping is free for every method when the goods after discount come to at least the
//! threshold, so a discount code cannot be used to reach free shipping with less in the cart. An
//! empty cart ships nothing and costs nothing. All rates are non-negative and in one currency,
//! checked when the table is built; the calculator then checks that currency against the cart's.

use std::collections::BTreeMap;

use super::error::same_currency;
use super::PricingError;
use crate::{Currency, DomainError, Money, Slug};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingRates {
    currency: Currency,
    methods: BTreeMap<Slug, Money>,
    free_from: Option<Money>,
}

impl ShippingRates {
    /// Rates in `currency`; `free_from` is the goods amount from which shipping is free.
    pub fn new(
        currency: Currency,
        methods: impl IntoIterator<Item = (Slug, Money)>,
        free_from: Option<Money>,
    ) -> Result<Self, DomainError> {
        let methods: BTreeMap<Slug, Money> = methods.into_iter().collect();
        for (method, rate) in &methods {
            if rate.currency != currency || rate.amount_minor < 0 {
                return Err(DomainError::new(format!(
                    "the rate of shipping method `{method}` is a non-negative amount in {currency}"
                )));
            }
        }
        if free_from.is_some_and(|m| m.currency != currency || m.amount_minor < 0) {
            return Err(DomainError::new(format!(
                "the free-shipping threshold is a non-negative amount in {currency}"
            )));
        }
        Ok(Self {
            currency,
            methods,
            free_from,
        })
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn methods(&self) -> impl Iterator<Item = (&Slug, Money)> {
        self.methods.iter().map(|(slug, rate)| (slug, *rate))
    }

    pub fn free_from(&self) -> Option<Money> {
        self.free_from
    }

    /// The price of shipping goods worth `goods` (after discount) with `method`.
    pub fn quote(&self, method: &Slug, goods: Money) -> Result<Money, PricingError> {
        let zero = Money {
            amount_minor: 0,
            currency: self.currency,
        };
        same_currency(
            || "the shipping rate table".to_owned(),
            goods.currency,
            zero,
        )?;
        let rate = self
            .methods
            .get(method)
            .ok_or_else(|| PricingError::UnknownShippingMethod {
                method: method.clone(),
            })?;
        let free = self
            .free_from
            .is_some_and(|threshold| goods.amount_minor >= threshold.amount_minor);
        Ok(if free { zero } else { *rate })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").unwrap()).unwrap()
    }

    fn slug(raw: &str) -> Slug {
        Slug::parse(raw).unwrap()
    }

    fn rates() -> ShippingRates {
        ShippingRates::new(
            Currency::parse("EUR").unwrap(),
            [(slug("standard"), eur(495)), (slug("express"), eur(1_290))],
            Some(eur(5_000)),
        )
        .unwrap()
    }

    #[test]
    fn charges_the_flat_rate_below_the_threshold_and_nothing_from_it() {
        assert_eq!(
            rates().quote(&slug("express"), eur(4_999)).unwrap(),
            eur(1_290)
        );
        assert_eq!(rates().quote(&slug("express"), eur(5_000)).unwrap(), eur(0));
        assert_eq!(
            rates().quote(&slug("standard"), eur(100)).unwrap(),
            eur(495)
        );
    }

    #[test]
    fn unknown_methods_and_other_currencies_are_named_in_the_error() {
        let error = rates().quote(&slug("drone"), eur(100)).unwrap_err();
        assert_eq!(error.to_string(), "there is no shipping method `drone`");
        let usd = Money::new(100, Currency::parse("USD").unwrap()).unwrap();
        let error = rates().quote(&slug("standard"), usd).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the shipping rate table is in EUR, but this cart is in USD"
        );
    }

    #[test]
    fn refuses_negative_or_foreign_rates() {
        let eur_currency = Currency::parse("EUR").unwrap();
        assert!(ShippingRates::new(eur_currency, [(slug("standard"), eur(-1))], None).is_err());
        let usd = Money::new(100, Currency::parse("USD").unwrap()).unwrap();
        assert!(ShippingRates::new(eur_currency, [(slug("standard"), usd)], None).is_err());
        assert!(ShippingRates::new(eur_currency, [], Some(usd)).is_err());
    }
}
