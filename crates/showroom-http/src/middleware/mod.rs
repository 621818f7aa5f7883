//! The middleware stack, one layer per file. The order in which they wrap the router is decided
//! in `app.rs`, in one place.

pub mod admin_auth;
pub mod content_length;
pub mod csrf;
pub mod host;
pub mod panic;
pub mod request_metrics;
pub mod timeout;
