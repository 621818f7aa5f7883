//! One integration-test binary for `showroom_assets::optimize`: every real product model and
//! every demo model is optimized, and both outputs are read back by our own validator,
//! inspector, scene decoder and renderer; hostile and invalid inputs are refused without a panic;
//! meshopt-compressed streams are decoded (and broken ones refused) by the validator.
//!
//! Set `SHOWROOM_OPTIMIZE_OUT=DIR` to also write the optimized files there.

mod demo;
mod features;
mod hostile;
mod meshopt;
mod models;
mod support;
