//! A checkout's input, as the shopper typed it (an API body, a form), parsed into a
//! [`NewOrder`] of domain types in one step. Each refusal is [`ShopError::Invalid`] naming the
//! field the way the API's JSON names it — `email`, `shipping_address`, `shipping_method`,
//! `discount_code`, `payment.card_number`, `lines`, `lines[2].quantity` — so an API answer and a
//! re-filled form point at the same place. Prices never come from the shopper: there is no field
//! for one.

use showroom_domain::{
    DiscountCode, Email, IdempotencyKey, Quantity, RawAddress, ShippingAddress, Slug,
};
use showroom_store::{NewOrder, NewOrderLine, MAX_ORDER_LINES};
use uuid::Uuid;

use super::Checkout;
use crate::error::{FieldContext, ShopError};
use crate::payments::CardNumber;

/// Who pays and where it goes, as typed.
#[derive(Debug, Clone, Default)]
pub struct CheckoutDetails {
    /// Where the confirmation goes; also the guest's name for the order.
    pub email: String,
    pub shipping_address: RawAddress,
    /// A configured shipping method (`standard`, `express`); `None` ships nothing.
    pub shipping_method: Option<String>,
    /// A test card number (see [`crate::payments::test_provider`]) or a real one.
    pub card_number: String,
}

/// Whose checkout this is, which scopes its idempotency key: the same key sent by someone else
/// names another checkout, so learning a buyer's key (and email and address) gives nothing back,
/// not even a hint that the key was used.
#[derive(Debug, Clone, Default)]
pub struct Buyer {
    /// The signed-in customer: their keys are theirs on every device.
    pub customer: Option<Uuid>,
    /// A guest's session id (their cookie is the client secret); `None` for an API client
    /// without a session, whose keys share one scope.
    pub session: Option<String>,
}

impl Buyer {
    fn scope(&self) -> String {
        match (&self.customer, &self.session) {
            (Some(customer), _) => format!("customer:{customer}"),
            (None, Some(session)) => format!("session:{session}"),
            (None, None) => "anonymous".to_owned(),
        }
    }

    /// The key as stored: a digest of the scope and the client's key.
    pub fn scoped_key(&self, key: &IdempotencyKey) -> IdempotencyKey {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(b"showroom-checkout-key:v1:")
            .chain_update(self.scope().as_bytes())
            .chain_update(b"\n")
            .chain_update(key.as_str().as_bytes())
            .finalize();
        IdempotencyKey::parse(&format!("scoped-{}", hex::encode(digest)))
            .unwrap_or_else(|_| unreachable!("71 visible ASCII characters make a key"))
    }
}

/// One line of a guest checkout, as asked for.
#[derive(Debug, Clone, Copy)]
pub struct RequestedLine {
    pub variant_id: Uuid,
    pub quantity: i64,
}

impl Checkout {
    /// Everything of an order but its lines (the cart's checkout takes the cart's), for `buyer`
    /// (the signed-in customer's order, or a guest's), with the card to pay with. The key is
    /// scoped to the buyer ([`Buyer::scoped_key`]). The first bad field is the error.
    pub fn order_details(
        &self,
        key: IdempotencyKey,
        buyer: &Buyer,
        details: CheckoutDetails,
    ) -> Result<(NewOrder, CardNumber), ShopError> {
        let email = Email::parse(&details.email).field("email")?;
        let shipping_address =
            ShippingAddress::new(details.shipping_address).field("shipping_address")?;
        let shipping_method = details
            .shipping_method
            .as_deref()
            .map(Slug::parse)
            .transpose()
            .field("shipping_method")?;
        let card = CardNumber::parse(&details.card_number).field("payment.card_number")?;
        let new = NewOrder {
            customer_id: buyer.customer,
            discount_code: None,
            idempotency_key: buyer.scoped_key(&key),
            email,
            shipping_address,
            currency: self.currency,
            lines: Vec::new(),
            shipping_method,
            pricing: self.settings.pricing.clone(),
        };
        Ok((new, card))
    }

    /// A guest checkout's order: the discount code, the details, then 1 to 100 lines of at least
    /// one unit each. The first bad field is the error.
    pub fn guest_order(
        &self,
        key: IdempotencyKey,
        buyer: &Buyer,
        details: CheckoutDetails,
        discount_code: Option<&str>,
        lines: &[RequestedLine],
    ) -> Result<(NewOrder, CardNumber), ShopError> {
        let discount_code = discount_code
            .map(DiscountCode::parse)
            .transpose()
            .field("discount_code")?;
        let (mut new, card) = self.order_details(key, buyer, details)?;
        if lines.is_empty() || lines.len() > MAX_ORDER_LINES {
            return Err(ShopError::invalid(
                "lines",
                format!("an order has 1 to {MAX_ORDER_LINES} lines"),
            ));
        }
        for (i, line) in lines.iter().enumerate() {
            let field = format!("lines[{i}].quantity");
            if line.quantity < 1 {
                return Err(ShopError::invalid(field, "a quantity is at least 1"));
            }
            let quantity = Quantity::new(line.quantity).field(&field)?;
            new.lines.push(NewOrderLine {
                variant_id: line.variant_id,
                quantity,
            });
        }
        new.discount_code = discount_code;
        Ok((new, card))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The topology failure tests (deploy/local/failure_tests.py `scoped_key`) compute the same.
    #[test]
    fn a_session_less_key_is_stored_as_its_documented_digest() {
        let key = IdempotencyKey::parse("retry-me-0001").unwrap();
        assert_eq!(
            Buyer::default().scoped_key(&key).as_str(),
            "scoped-96c1bd8579401f09010dd8078a23f4a3f5884712c7f3909a6913928269728725"
        );
    }

    #[test]
    fn one_key_names_a_different_checkout_for_each_buyer() {
        let key = IdempotencyKey::parse("retry-me-0001").unwrap();
        let alice = Buyer {
            customer: Some(Uuid::from_u128(1)),
            session: Some("s1".into()),
        };
        let alice_elsewhere = Buyer {
            customer: Some(Uuid::from_u128(1)),
            session: Some("s2".into()),
        };
        let guest = Buyer {
            customer: None,
            session: Some("s1".into()),
        };
        let other_guest = Buyer {
            customer: None,
            session: Some("s3".into()),
        };
        assert_eq!(alice.scoped_key(&key), alice_elsewhere.scoped_key(&key));
        assert_ne!(alice.scoped_key(&key), guest.scoped_key(&key));
        assert_ne!(guest.scoped_key(&key), other_guest.scoped_key(&key));
        assert_ne!(Buyer::default().scoped_key(&key), guest.scoped_key(&key));
        assert_eq!(
            guest.scoped_key(&key),
            guest.scoped_key(&key),
            "the same buyer's retry finds the same checkout"
        );
    }
}
