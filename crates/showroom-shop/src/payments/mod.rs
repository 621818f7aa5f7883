//! Payments through a [`PaymentProvider`]: the one seam between checkout and whoever moves the
//! money. The trait follows the shape of Stripe's PaymentIntents so that provider fits later:
//! [`authorize`](PaymentProvider::authorize) an amount on a card ([`CardNumber`]),
//! [`capture`](PaymentProvider::capture) it, [`refund`](PaymentProvider::refund) some or all of
//! it, and [`verify_webhook`](PaymentProvider::verify_webhook) the provider's asynchronous
//! notices.
//!
//! Nothing here knows HTTP or the database: checkout calls the provider *outside* the stock
//! transaction, bounded by its own timeout, and records the outcome through the order store.
//! Every call carries an idempotency key derived from the order, so a retried call never charges
//! twice at a provider that honours keys (Stripe does).
//!
//! The built-in [`TestProvider`] (`checkout.payment_provider = "test"`) answers by card number,
//! like Stripe's test mode; its cards are listed in [`test_provider`].

mod card;
pub mod test_provider;

use std::fmt;

use async_trait::async_trait;
use showroom_domain::Money;

pub use card::CardNumber;
pub use test_provider::TestProvider;

/// What checkout asks the provider to authorize.
#[derive(Debug, Clone, Copy)]
pub struct AuthorizeRequest<'a> {
    /// The shop's reference of the order (its number), shown in the provider's dashboard.
    pub order_ref: &'a str,
    pub amount: Money,
    /// The card to charge (the test provider answers by its number, see [`test_provider`]).
    pub card: &'a CardNumber,
    /// The same key for every attempt at paying the same order.
    pub idempotency_key: &'a str,
}

/// An amount the provider holds for the shop, not yet captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The provider's id of the payment (Stripe: the PaymentIntent id).
    pub payment_ref: String,
    pub amount: Money,
    /// The capture waits for the customer (3-D Secure, a bank app: Stripe's `requires_action`),
    /// possibly for minutes; otherwise it follows at once.
    pub awaits_customer: bool,
}

/// Money that moved: a capture or a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub payment_ref: String,
    pub amount: Money,
}

/// A webhook the provider signed, already verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    /// The provider's event type (`payment_intent.succeeded`, …).
    pub kind: String,
    pub payment_ref: String,
    /// The shop's reference of the order ([`AuthorizeRequest::order_ref`]) when the provider
    /// echoes it (Stripe: the PaymentIntent's metadata), so a payment the checkout never
    /// recorded still finds its order.
    pub order_ref: Option<String>,
}

/// Why a payment did not go through. Each has a stable code that the API answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The card issuer said no.
    #[error("the card was declined")]
    Declined,
    #[error("the card has insufficient funds")]
    InsufficientFunds,
    /// The provider failed to process the payment; trying again later may work.
    #[error("the payment could not be processed")]
    Processing,
    /// The provider did not answer within `checkout.payment_timeout_secs`.
    #[error("the payment provider did not answer in time")]
    Timeout,
    /// A webhook whose signature does not verify, or a malformed one.
    #[error("the webhook signature is invalid")]
    InvalidWebhook,
}

impl PaymentError {
    /// The stable machine code: `payment_declined`, `insufficient_funds`, `payment_error`,
    /// `payment_timeout`, `invalid_webhook`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Declined => "payment_declined",
            Self::InsufficientFunds => "insufficient_funds",
            Self::Processing => "payment_error",
            Self::Timeout => "payment_timeout",
            Self::InvalidWebhook => "invalid_webhook",
        }
    }

    /// The inverse of [`code`](Self::code), for failures read back from an order's history.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "payment_declined" => Self::Declined,
            "insufficient_funds" => Self::InsufficientFunds,
            "payment_error" => Self::Processing,
            "payment_timeout" => Self::Timeout,
            "invalid_webhook" => Self::InvalidWebhook,
            _ => return None,
        })
    }
}

#[async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    /// `test`, `stripe`, …; logged and shown in metrics.
    fn name(&self) -> &'static str;

    /// Reserves `amount` on the payment method. Calling it again with the same idempotency key
    /// returns the same authorization instead of a second one.
    async fn authorize(&self, request: AuthorizeRequest<'_>)
        -> Result<Authorization, PaymentError>;

    /// Takes the authorized money.
    async fn capture(&self, authorization: &Authorization) -> Result<Settlement, PaymentError>;

    /// Gives back `amount` (all or part) of a captured payment; `idempotency_key` names this
    /// refund, so a retried refund refunds once.
    async fn refund(
        &self,
        payment_ref: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<Settlement, PaymentError>;

    /// Whether every payment webhook of this provider names the order
    /// ([`WebhookEvent::order_ref`]). Only then may checkout skip recording a payment's
    /// authorization before its capture: a webhook about a payment whose capture the checkout
    /// never learned (the instance died, the provider answered late) still finds its order.
    fn webhooks_name_the_order(&self) -> bool {
        false
    }

    /// Checks a webhook's signature over its raw body; `headers` as received (names lowercase).
    fn verify_webhook(
        &self,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<WebhookEvent, PaymentError>;
}

impl fmt::Debug for dyn PaymentProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PaymentProvider({})", self.name())
    }
}
