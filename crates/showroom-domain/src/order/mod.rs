//! Orders after checkout: their lifecycle as a pure state machine, and their human-friendly
//! numbers.
//!
//! - [`state`]: [`OrderState`] (the status stored with an order) and the [`OrderEvent`]s that
//!   move it;
//! - [`transition`](mod@transition): [`OrderProgress`] (state plus paid and refunded amounts and
//!   the shipment) and [`transition()`], which returns the next progress and the [`Effects`] the
//!   caller must carry out, or an [`IllegalTransition`];
//! - [`number`]: [`OrderNumber`], `SR-000123`.

pub mod number;
pub mod state;
pub mod transition;

#[cfg(test)]
mod tests;

pub use number::OrderNumber;
pub use state::{OrderEvent, OrderEventKind, OrderState, TrackingNumber};
pub use transition::{transition, CustomerNotice, Effects, IllegalTransition, OrderProgress};
