//! Streaming an untrusted upload into the blob store without holding it in memory.
//!
//! The bytes go to a staging object (`uploads/<random>`) through a multipart write while their
//! SHA-256 is computed; only when the stream ends within the size limit is the staging object
//! moved to its content address (`assets/<hash[..2]>/<hash>/<file_name>`). So:
//! - memory stays at a few multipart chunks whatever the upload's size;
//! - an upload that is cut off, too large, or fails midway leaves nothing at any asset address
//!   (the staging object is aborted or deleted);
//! - the same bytes uploaded twice land at the same address, written once.

use bytes::Bytes;
use futures::{Stream, StreamExt};
use object_store::path::Path;
use object_store::WriteMultipart;
use sha2::{Digest, Sha256};

use crate::{AssetError, BlobStore, ContentAddress, FileName};

/// Multipart chunk size: S3's minimum part size, so memory per upload stays near this.
const CHUNK_BYTES: usize = 5 * 1024 * 1024;

/// How many leading bytes `name_for` sees: enough for `glTF` or `PK\x03\x04`.
pub const MAGIC_BYTES: usize = 4;

/// Stored name of an original `.glb` upload.
pub const ORIGINAL_GLB: &str = "original.glb";
/// Stored name of an original `.zip` upload (a `.gltf` with its files).
pub const ORIGINAL_ZIP: &str = "original.zip";

/// The kinds of model upload the pipeline takes, told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    Glb,
    Zip,
}

impl UploadKind {
    /// Judges an upload by its first [`MAGIC_BYTES`] bytes (a GLB starts with `glTF`, a zip
    /// with `PK\x03\x04`); the error says what to upload instead.
    pub fn sniff(magic: &[u8]) -> Result<Self, String> {
        if magic.starts_with(b"glTF") {
            Ok(Self::Glb)
        } else if magic.starts_with(b"PK\x03\x04") {
            Ok(Self::Zip)
        } else if magic.starts_with(&[0xEF, 0xBB, 0xBF])
            || magic
                .first()
                .is_some_and(|b| matches!(b, b'{' | b' ' | b'\n' | b'\r' | b'\t'))
        {
            Err(
                "a .gltf file must be uploaded as a .zip together with its .bin and texture files"
                    .into(),
            )
        } else {
            Err("not a 3D model: upload a .glb, or a .zip holding a .gltf with its files".into())
        }
    }

    /// The name the original is stored under, next to its derived files.
    pub fn original_file(self) -> FileName {
        let name = match self {
            Self::Glb => ORIGINAL_GLB,
            Self::Zip => ORIGINAL_ZIP,
        };
        FileName::parse(name).expect("constant file names are valid")
    }

    /// Names the stored original from its first bytes; for [`BlobStore::put_upload`].
    pub fn original_file_for(magic: &[u8]) -> Result<FileName, String> {
        Self::sniff(magic).map(Self::original_file)
    }
}

/// What a finished upload became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUpload {
    pub address: ContentAddress,
    pub size: u64,
    /// The name `name_for` gave it (`original.glb`, `original.zip`).
    pub file_name: FileName,
}

impl BlobStore {
    /// Streams `body` to the store under the SHA-256 of its bytes. `name_for` sees the first
    /// [`MAGIC_BYTES`] bytes (fewer for a shorter upload) and names the stored file, or refuses
    /// the upload with its reason ([`AssetError::Unsupported`]) before more is read.
    /// [`AssetError::TooLarge`] past `limit` bytes, [`AssetError::Empty`] for no bytes, and
    /// [`AssetError::Interrupted`] when the body stream fails; none of them leaves an object.
    pub async fn put_upload<S, E>(
        &self,
        body: S,
        limit: u64,
        name_for: impl Fn(&[u8]) -> Result<FileName, String> + Send,
    ) -> Result<StoredUpload, AssetError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let staging = Path::from(format!("uploads/{}", uuid::Uuid::new_v4().simple()));
        let upload = self.inner.put_multipart(&staging).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, CHUNK_BYTES);
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut magic = Vec::with_capacity(MAGIC_BYTES);
        let mut file_name = None;
        let mut body = std::pin::pin!(body);
        let outcome: Result<(), AssetError> = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| AssetError::Interrupted(e.to_string()))?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(AssetError::TooLarge { limit });
                }
                if magic.len() < MAGIC_BYTES {
                    let take = (MAGIC_BYTES - magic.len()).min(chunk.len());
                    magic.extend_from_slice(&chunk[..take]);
                    if magic.len() == MAGIC_BYTES {
                        file_name = Some(name_for(&magic).map_err(AssetError::Unsupported)?);
                    }
                }
                hasher.update(&chunk);
                writer.wait_for_capacity(2).await?;
                writer.put(chunk);
            }
            if size == 0 {
                return Err(AssetError::Empty);
            }
            if file_name.is_none() {
                file_name = Some(name_for(&magic).map_err(AssetError::Unsupported)?);
            }
            Ok(())
        }
        .await;
        if let Err(error) = outcome {
            writer.abort().await.ok();
            return Err(error);
        }
        writer.finish().await?;
        let file_name = file_name.expect("named once the first bytes arrived");
        let address = ContentAddress::from_digest(hasher.finalize().into());
        let target = Path::from(address.key(&file_name));
        if self.head(&address, &file_name).await?.is_none() {
            self.inner.rename(&staging, &target).await?;
        } else {
            self.inner.delete(&staging).await.ok();
        }
        Ok(StoredUpload {
            address,
            size,
            file_name,
        })
    }
}
