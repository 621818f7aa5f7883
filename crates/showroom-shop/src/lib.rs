#![doc = include_str!("../README.md")]

pub mod accounts;
pub mod api_tokens;
pub mod carts;
pub mod catalog_cache;
pub mod catalog_file;
pub mod checkout;
mod error;
pub mod order_desk;
pub mod order_token;
mod passwords;
pub mod payment_webhook;
pub mod payments;
mod retry;
mod shop;
pub mod stock_freshness;
pub mod uploads;

pub use accounts::{Accounts, IssuedToken, LoginThrottle};
pub use carts::{CartOwner, CartQuote, Carts, Destination};
pub use catalog_cache::{invalidate_catalog, CacheNamespace};
pub use checkout::{
    Buyer, CartCheckout, Checkout, CheckoutDetails, CheckoutSettings, Placed, RequestedLine,
};
pub use error::{error_chain, FieldContext, ShopError};
pub use order_desk::{OrderDesk, RefundRequest, Refunded};
pub use order_token::{order_token, verify_order_token};
pub use payment_webhook::WebhookOutcome;
pub use payments::{CardNumber, PaymentError, PaymentProvider, TestProvider};
pub use retry::while_unavailable;
pub use shop::{Shop, ShopSettings};
pub use stock_freshness::StockFreshness;
pub use uploads::{UploadSettings, Uploads};
