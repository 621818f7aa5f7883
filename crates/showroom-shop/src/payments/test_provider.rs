//! The built-in `test` payment provider: real end to end (authorize, capture, refund, webhooks)
//! without a network, answering by card number the way Stripe's test mode does. Spaces and
//! dashes in the number are ignored.
//!
//! | card number           | outcome                                                         |
//! |-----------------------|-----------------------------------------------------------------|
//! | `4242 4242 4242 4242` | succeeds                                                        |
//! | `4000 0000 0000 0002` | declined (`payment_declined`)                                   |
//! | `4000 0000 0000 9995` | insufficient funds (`insufficient_funds`)                       |
//! | `4000 0000 0000 0119` | processing error (`payment_error`)                              |
//! | `4000 0000 0000 3220` | never answers in time: sleeps an hour, so checkout's            |
//! |                       | `payment_timeout_secs` cuts it (`payment_timeout`)              |
//! | `4000 0000 0000 5126` | succeeds, but every refund of it fails (`payment_error`)        |
//! | `4000 0000 0000 3063` | authorized, then waits for the cardholder (3-D Secure): the     |
//! |                       | capture answers only once a signed `payment_intent.succeeded`   |
//! |                       | webhook for it has reached this provider (the cardholder        |
//! |                       | confirmed), racing that webhook to record it; otherwise never   |
//! | any other number      | declined (`payment_declined`)                                   |
//!
//! Payment references are derived from the idempotency key (`pi_test_<24 hex>`, or
//! `pi_test_norefund_<24 hex>` for the card whose refunds fail), so the same key authorizes the
//! same payment again, as a provider that honours keys would. Webhooks carry
//! `{"type": "...", "payment_ref": "...", "order_ref": "SR-000042"}` signed with HMAC-SHA256 under
//! [`WEBHOOK_SECRET`] in the `showroom-test-signature` header (hex). `order_ref`, the order
//! number checkout authorized the payment for, is what a real provider echoes from the payment's
//! metadata; checkout relies on it (see [`PaymentProvider::webhooks_name_the_order`]) and records
//! a payment's authorization only when its capture waits for the cardholder. A webhook without it
//! is still accepted and finds only orders whose payment reference is recorded.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use showroom_domain::Money;

use crate::payment_webhook::PAYMENT_SUCCEEDED;

use super::{
    Authorization, AuthorizeRequest, PaymentError, PaymentProvider, Settlement, WebhookEvent,
};

pub const CARD_SUCCESS: &str = "4242424242424242";
pub const CARD_DECLINED: &str = "4000000000000002";
pub const CARD_INSUFFICIENT_FUNDS: &str = "4000000000009995";
pub const CARD_PROCESSING_ERROR: &str = "4000000000000119";
pub const CARD_TIMEOUT: &str = "4000000000003220";
pub const CARD_REFUND_FAILS: &str = "4000000000005126";
pub const CARD_AWAITS_CONFIRMATION: &str = "4000000000003063";

/// The prefix of payments made with [`CARD_AWAITS_CONFIRMATION`].
const AWAITING_PREFIX: &str = "pi_test_3ds_";

/// The prefix of payments made with [`CARD_REFUND_FAILS`]: the provider remembers the card by
/// its payment, as a real one does.
const NO_REFUND_PREFIX: &str = "pi_test_norefund_";

/// The shared secret of the test provider's webhooks (public on purpose: it is for tests).
pub const WEBHOOK_SECRET: &str = "whsec_showroom_test";
pub const SIGNATURE_HEADER: &str = "showroom-test-signature";

/// How long the timeout card hangs: far past any sensible payment timeout.
const HANG: Duration = Duration::from_secs(3600);

/// How often a capture waiting for the cardholder looks for the confirmation.
const CONFIRMATION_POLL: Duration = Duration::from_millis(20);

#[derive(Debug, Clone, Default)]
pub struct TestProvider {
    /// Payments awaiting the cardholder whose success webhook this provider has verified
    /// (shared by the clones: one provider, one memory).
    confirmed: Arc<Mutex<HashSet<String>>>,
}

impl TestProvider {
    pub fn new() -> Self {
        Self::default()
    }

    fn is_confirmed(&self, payment_ref: &str) -> bool {
        self.confirmed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(payment_ref)
    }
}

fn derived_ref(prefix: &str, key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    format!("{prefix}{}", &hex::encode(digest)[..24])
}

fn signature(body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    mac
}

/// Signs a webhook body the way the test provider does, for tests that send one.
pub fn sign_webhook(body: &[u8]) -> String {
    hex::encode(signature(body).finalize().into_bytes())
}

#[async_trait]
impl PaymentProvider for TestProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    async fn authorize(
        &self,
        request: AuthorizeRequest<'_>,
    ) -> Result<Authorization, PaymentError> {
        match request.card.digits() {
            CARD_SUCCESS => Ok(Authorization {
                payment_ref: derived_ref("pi_test_", request.idempotency_key),
                amount: request.amount,
                awaits_customer: false,
            }),
            CARD_REFUND_FAILS => Ok(Authorization {
                payment_ref: derived_ref(NO_REFUND_PREFIX, request.idempotency_key),
                amount: request.amount,
                awaits_customer: false,
            }),
            CARD_AWAITS_CONFIRMATION => Ok(Authorization {
                payment_ref: derived_ref(AWAITING_PREFIX, request.idempotency_key),
                amount: request.amount,
                awaits_customer: true,
            }),
            CARD_INSUFFICIENT_FUNDS => Err(PaymentError::InsufficientFunds),
            CARD_PROCESSING_ERROR => Err(PaymentError::Processing),
            CARD_TIMEOUT => {
                tokio::time::sleep(HANG).await;
                Err(PaymentError::Timeout)
            }
            _ => Err(PaymentError::Declined),
        }
    }

    async fn capture(&self, authorization: &Authorization) -> Result<Settlement, PaymentError> {
        if authorization.payment_ref.starts_with(AWAITING_PREFIX) {
            let confirmed = async {
                while !self.is_confirmed(&authorization.payment_ref) {
                    tokio::time::sleep(CONFIRMATION_POLL).await;
                }
            };
            if tokio::time::timeout(HANG, confirmed).await.is_err() {
                return Err(PaymentError::Timeout);
            }
        }
        Ok(Settlement {
            payment_ref: authorization.payment_ref.clone(),
            amount: authorization.amount,
        })
    }

    async fn refund(
        &self,
        payment_ref: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<Settlement, PaymentError> {
        if payment_ref.starts_with(NO_REFUND_PREFIX) {
            return Err(PaymentError::Processing);
        }
        Ok(Settlement {
            payment_ref: derived_ref("re_test_", idempotency_key),
            amount,
        })
    }

    fn webhooks_name_the_order(&self) -> bool {
        true
    }

    fn verify_webhook(
        &self,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<WebhookEvent, PaymentError> {
        let sig = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(SIGNATURE_HEADER))
            .and_then(|(_, value)| hex::decode(value.trim()).ok())
            .ok_or(PaymentError::InvalidWebhook)?;
        signature(body)
            .verify_slice(&sig)
            .map_err(|_| PaymentError::InvalidWebhook)?;
        #[derive(serde::Deserialize)]
        struct Body {
            #[serde(rename = "type")]
            kind: String,
            payment_ref: String,
            #[serde(default)]
            order_ref: Option<String>,
        }
        let parsed: Body =
            serde_json::from_slice(body).map_err(|_| PaymentError::InvalidWebhook)?;
        if parsed.kind == PAYMENT_SUCCEEDED && parsed.payment_ref.starts_with(AWAITING_PREFIX) {
            self.confirmed
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(parsed.payment_ref.clone());
        }
        Ok(WebhookEvent {
            kind: parsed.kind,
            payment_ref: parsed.payment_ref,
            order_ref: parsed.order_ref,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::CardNumber;
    use showroom_domain::Currency;

    fn request(card: &CardNumber) -> AuthorizeRequest<'_> {
        AuthorizeRequest {
            order_ref: "SR-000001",
            amount: Money::new(1000, Currency::parse("USD").unwrap()).unwrap(),
            card,
            idempotency_key: "order-1",
        }
    }

    fn card(raw: &str) -> CardNumber {
        CardNumber::parse(raw).unwrap()
    }

    #[tokio::test]
    async fn each_test_card_gives_its_documented_outcome() {
        let provider = TestProvider::new();
        let ok = provider
            .authorize(request(&card("4242 4242 4242 4242")))
            .await
            .unwrap();
        assert!(ok.payment_ref.starts_with("pi_test_"));
        assert!(
            !ok.awaits_customer,
            "a plain card's capture follows at once"
        );
        let awaiting = provider
            .authorize(request(&card(CARD_AWAITS_CONFIRMATION)))
            .await
            .unwrap();
        assert!(
            awaiting.awaits_customer,
            "the 3-D Secure card waits for the cardholder"
        );
        assert_eq!(
            provider
                .authorize(request(&card("4242-4242-4242-4242")))
                .await
                .unwrap(),
            ok
        );
        for (number, error) in [
            (CARD_DECLINED, PaymentError::Declined),
            (CARD_INSUFFICIENT_FUNDS, PaymentError::InsufficientFunds),
            (CARD_PROCESSING_ERROR, PaymentError::Processing),
            ("4111111111111111", PaymentError::Declined),
        ] {
            assert_eq!(provider.authorize(request(&card(number))).await, Err(error));
        }
        let no_refund = provider
            .authorize(request(&card(CARD_REFUND_FAILS)))
            .await
            .unwrap();
        assert_eq!(
            provider
                .refund(&no_refund.payment_ref, no_refund.amount, "r-1")
                .await,
            Err(PaymentError::Processing)
        );
        assert!(provider
            .refund(&ok.payment_ref, ok.amount, "r-2")
            .await
            .is_ok());
        let slow = tokio::time::timeout(
            Duration::from_millis(50),
            provider.authorize(request(&card(CARD_TIMEOUT))),
        )
        .await;
        assert!(
            slow.is_err(),
            "the timeout card must outlast a payment timeout"
        );
    }

    #[test]
    fn webhooks_verify_only_with_the_right_signature() {
        let provider = TestProvider::new();
        let body = br#"{"type":"payment_intent.succeeded","payment_ref":"pi_test_1"}"#;
        let headers = vec![(SIGNATURE_HEADER.to_owned(), sign_webhook(body))];
        let event = provider.verify_webhook(&headers, body).unwrap();
        assert_eq!(event.payment_ref, "pi_test_1");
        assert_eq!(event.order_ref, None, "order_ref is optional");
        let naming = br#"{"type":"payment_intent.succeeded","payment_ref":"pi_test_1","order_ref":"SR-000042"}"#;
        let headers = vec![(SIGNATURE_HEADER.to_owned(), sign_webhook(naming))];
        let event = provider.verify_webhook(&headers, naming).unwrap();
        assert_eq!(event.order_ref.as_deref(), Some("SR-000042"));
        let forged = vec![(SIGNATURE_HEADER.to_owned(), sign_webhook(b"other"))];
        assert_eq!(
            provider.verify_webhook(&forged, body),
            Err(PaymentError::InvalidWebhook)
        );
        assert_eq!(
            provider.verify_webhook(&[], body),
            Err(PaymentError::InvalidWebhook)
        );
    }
}
