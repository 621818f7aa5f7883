//! One integration-test binary for `showroom_assets::usdz`: every demo model, every real product
//! model of the shared fixtures and a set of hand-made awkward scenes become USDZ packages that
//! keep the USDZ rules (stored, unencrypted, 64-byte aligned, the layer first, CRCs right), hold
//! every texture their layer references (at most 2048 px), carry the scene's geometry and
//! material variants, and come out the same every time. `pxr` opens them with Pixar's USD
//! (`usd-core`) and runs its ARKit compliance checker.
//!
//! Set `SHOWROOM_USDZ_OUT=DIR` to also write the packages there, to open them elsewhere.

mod demo;
mod hostile;
mod models;
mod pxr;
mod support;
