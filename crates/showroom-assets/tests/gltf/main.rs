//! One integration-test binary for `showroom_assets::gltf`: agreement with the Khronos
//! glTF-Validator on its own test files, the real product models, our demo models, and crafted
//! hostile inputs, and the validator's value rules. The fuzz test lives in its own binary (`gltf_fuzz.rs`).

mod demo;
mod draco;
mod hostile;
mod khronos;
mod models;
mod ranges;
mod support;
mod values;
