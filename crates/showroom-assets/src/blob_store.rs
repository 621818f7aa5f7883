//! Content-addressed, immutable blob storage on top of `object_store`.
//!
//! Every object lives at `assets/<hash[0..2]>/<hash>/<file_name>`: the original upload under the
//! SHA-256 of its bytes, and the files derived from it (optimized `model.glb`, `poster.png`,
//! `model.usdz`) next to it under the same hash. Keys are built only from a parsed
//! [`ContentAddress`] and [`FileName`], never from raw strings.
//!
//! Guarantees:
//! - a put is all-or-nothing (local: staged file + rename; S3: single PUT or completed upload),
//!   so readers see the old object, the new one, or nothing — never half of one;
//! - putting the same bytes twice yields the same address and writes once;
//! - "not found" is `Ok(None)`, not an error, so the HTTP layer can answer 404 without guessing;
//! - [`BlobStore::get_stream`] reads an object (or a range of it) chunk by chunk as it is
//!   consumed, so serving a large file holds one chunk in memory, not the file;
//! - on backends that keep metadata (S3, memory) objects carry their `Content-Type` and an
//!   immutable `Cache-Control`, so a CDN in front of the bucket serves them right.

use std::ops::Range;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, GetOptions, GetRange, ObjectStore, PutOptions, PutPayload,
};

use crate::store_url::{self, Backend};
use crate::{content_type_for, AssetError, ContentAddress, FileName};

/// `Cache-Control` for content-addressed objects: their bytes never change.
pub const IMMUTABLE_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// A prefix nothing is ever written under; listing it is the readiness probe.
const PING_PREFIX: &str = "health";

/// An object's bytes, chunk by chunk, from [`BlobStore::get_stream`].
pub type BlobStream = BoxStream<'static, Result<Bytes, AssetError>>;

/// What `head` tells about a stored object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    /// Size in bytes.
    pub size: u64,
    /// When the object was written.
    pub last_modified: SystemTime,
    /// The backend's entity tag, when it has one.
    pub e_tag: Option<String>,
}

/// Content-addressed storage of assets and their derived files. Cheap to clone.
#[derive(Debug, Clone)]
pub struct BlobStore {
    pub(crate) inner: Arc<dyn ObjectStore>,
    backend: Backend,
}

impl BlobStore {
    /// `file`, `memory` or `s3`.
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// Opens the store a URL names: `file://<dir>`, `memory://` or `s3://<bucket>[/<prefix>]`.
    /// See the crate README for the environment variables S3 reads.
    pub fn from_url(url: &str) -> Result<Self, AssetError> {
        let (inner, backend) = store_url::open(url)?;
        Ok(Self { inner, backend })
    }

    /// Stores an original upload under the SHA-256 of its bytes, as `file_name`, and returns
    /// the address. If that object already exists it is not written again.
    pub async fn put_asset(
        &self,
        file_name: &FileName,
        bytes: Bytes,
    ) -> Result<ContentAddress, AssetError> {
        let address = ContentAddress::of(&bytes);
        if self.head(&address, file_name).await?.is_none() {
            self.put_file(&address, file_name, bytes).await?;
        }
        Ok(address)
    }

    /// Stores a file derived from the asset at `address` (e.g. `poster.png`), replacing any
    /// earlier version; derivations are deterministic, so a retried job writes the same bytes.
    pub async fn put_file(
        &self,
        address: &ContentAddress,
        file_name: &FileName,
        bytes: Bytes,
    ) -> Result<(), AssetError> {
        let options = PutOptions {
            attributes: self.attributes_for(file_name),
            ..PutOptions::default()
        };
        self.inner
            .put_opts(&key(address, file_name), PutPayload::from(bytes), options)
            .await?;
        Ok(())
    }

    /// The whole object, or `None` if there is none.
    pub async fn get(
        &self,
        address: &ContentAddress,
        file_name: &FileName,
    ) -> Result<Option<Bytes>, AssetError> {
        let result = match self.inner.get(&key(address, file_name)).await {
            Ok(result) => result,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(Some(result.bytes().await?))
    }

    /// Bytes `range` of the object, or `None` if there is no object. An `end` past the object's
    /// size is clamped to it (as HTTP `Range` does); an empty range or a `start` at or past the
    /// end is [`AssetError::InvalidRange`] (HTTP 416). Resolve suffix ranges (`bytes=-500`)
    /// against [`BlobStore::head`] first.
    pub async fn get_range(
        &self,
        address: &ContentAddress,
        file_name: &FileName,
        range: Range<u64>,
    ) -> Result<Option<Bytes>, AssetError> {
        if range.start >= range.end {
            return Err(AssetError::InvalidRange { range, size: 0 });
        }
        // Checking the size first costs one extra round trip but gives every backend the same,
        // exact semantics; the backends disagree about out-of-bounds ranges otherwise.
        let Some(meta) = self.head(address, file_name).await? else {
            return Ok(None);
        };
        if range.start >= meta.size {
            return Err(AssetError::InvalidRange {
                range,
                size: meta.size,
            });
        }
        let clamped = range.start..range.end.min(meta.size);
        match self
            .inner
            .get_range(&key(address, file_name), clamped)
            .await
        {
            Ok(bytes) => Ok(Some(bytes)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The object's bytes `range` (the whole object when `None`) as a stream of chunks read as
    /// they are consumed, or `None` if there is no object: a reader holds one chunk at a time,
    /// whatever the object's size. `range` must lie inside the object (resolve it against
    /// [`BlobStore::head`] first); an empty one is [`AssetError::InvalidRange`].
    pub async fn get_stream(
        &self,
        address: &ContentAddress,
        file_name: &FileName,
        range: Option<Range<u64>>,
    ) -> Result<Option<BlobStream>, AssetError> {
        if let Some(range) = &range {
            if range.start >= range.end {
                return Err(AssetError::InvalidRange {
                    range: range.clone(),
                    size: 0,
                });
            }
        }
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        match self.inner.get_opts(&key(address, file_name), options).await {
            Ok(result) => Ok(Some(result.into_stream().map_err(AssetError::from).boxed())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Size and modification time of the object, or `None` if there is none.
    pub async fn head(
        &self,
        address: &ContentAddress,
        file_name: &FileName,
    ) -> Result<Option<BlobMeta>, AssetError> {
        match self.inner.head(&key(address, file_name)).await {
            Ok(meta) => Ok(Some(BlobMeta {
                size: meta.size,
                last_modified: meta.last_modified.into(),
                e_tag: meta.e_tag,
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Readiness: lists an always-empty prefix, which succeeds on an empty store but fails when
    /// the bucket is missing, credentials are wrong or the endpoint is unreachable.
    pub async fn ping(&self) -> Result<(), AssetError> {
        self.inner
            .list_with_delimiter(Some(&Path::from(PING_PREFIX)))
            .await?;
        Ok(())
    }

    fn attributes_for(&self, file_name: &FileName) -> Attributes {
        let mut attributes = Attributes::new();
        if self.backend.stores_attributes() {
            attributes.insert(
                Attribute::ContentType,
                content_type_for(file_name.as_str()).into(),
            );
            attributes.insert(Attribute::CacheControl, IMMUTABLE_CACHE_CONTROL.into());
        }
        attributes
    }
}

fn key(address: &ContentAddress, file_name: &FileName) -> Path {
    // Both halves are already restricted to `[A-Za-z0-9._-]`, so `Path::from` sees exactly the
    // segments we built and nothing needs escaping.
    Path::from(address.key(file_name))
}
