//! One integration-test binary for `showroom_assets::scene` and `showroom_assets::render`:
//! every real product model and every demo model becomes a poster that is non-blank, lies
//! inside the frame and is transparent in the corners; material variants give visibly
//! different posters; undecodable textures fall back to material factors.
//!
//! Set `SHOWROOM_RENDER_OUT=DIR` to also write the posters there, to look at them.

mod demo;
mod extensions;
mod models;
mod report;
mod support;
