#![doc = include_str!("../README.md")]

mod address;
mod blob_store;
pub mod bundle;
mod content_type;
pub mod demo;
mod error;
pub mod gltf;
pub mod optimize;
pub mod pipeline;
pub mod render;
pub mod scene;
mod store_url;
mod upload;
pub mod usdz;

pub use address::{ContentAddress, FileName};
pub use blob_store::{BlobMeta, BlobStore, BlobStream, IMMUTABLE_CACHE_CONTROL};
pub use content_type::content_type_for;
pub use error::AssetError;
pub use upload::{StoredUpload, UploadKind, MAGIC_BYTES, ORIGINAL_GLB, ORIGINAL_ZIP};
