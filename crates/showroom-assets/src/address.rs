//! The two halves of every object key, as types that cannot hold a bad value.
//!
//! A [`ContentAddress`] is always 64 lowercase hex digits (a SHA-256) and a [`FileName`] is always
//! one safe path segment, or two for a derived file kept under its pipeline revision
//! (`v2-1a2b3c4d/model.glb`, see [`FileName::in_revision`]), so a key built from them
//! (`assets/<hash[0..2]>/<hash>/<file_name>`) can never climb out of its folder or name another
//! object. Nothing else builds keys.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::AssetError;

/// The SHA-256 of an asset's original bytes, in lowercase hex: the asset's immutable address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentAddress(String);

impl ContentAddress {
    /// Parses a hash that came from outside (a URL, a database row).
    pub fn parse(hash: &str) -> Result<Self, AssetError> {
        let well_formed =
            hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if well_formed {
            Ok(Self(hash.to_owned()))
        } else {
            Err(AssetError::InvalidHash(format!(
                "expected 64 lowercase hex digits, got {:?}",
                truncate_for_message(hash)
            )))
        }
    }

    /// The address of these bytes.
    pub fn of(bytes: &[u8]) -> Self {
        Self(hex::encode(Sha256::digest(bytes)))
    }

    /// The address of bytes whose SHA-256 digest was computed incrementally.
    pub fn from_digest(digest: [u8; 32]) -> Self {
        Self(hex::encode(digest))
    }

    /// The hash as 64 lowercase hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The object key of `file_name` under this address.
    pub fn key(&self, file_name: &FileName) -> String {
        format!("assets/{}/{}/{}", &self.0[..2], self.0, file_name.0)
    }
}

impl fmt::Display for ContentAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ContentAddress {
    type Err = AssetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// One safe path segment: `[A-Za-z0-9._-]{1,128}`, not starting with a dot, without `..` —
/// or a revision segment and such a name (`v2-1a2b3c4d/model.glb`), built only by
/// [`FileName::in_revision`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileName(String);

impl FileName {
    /// Longest accepted name, in bytes.
    pub const MAX_LEN: usize = 128;

    /// Parses a file name that came from outside. Percent-encoded or separator-bearing names are
    /// refused rather than decoded: the HTTP layer decodes once, and we never decode again.
    pub fn parse(name: &str) -> Result<Self, AssetError> {
        let reason = if name.is_empty() {
            Some("it is empty")
        } else if name.len() > Self::MAX_LEN {
            Some("it is longer than 128 bytes")
        } else if name.starts_with('.') {
            Some("it starts with a dot")
        } else if name.contains("..") {
            Some("it contains `..`")
        } else if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        {
            Some("only letters, digits, `.`, `_` and `-` are allowed")
        } else {
            None
        };
        match reason {
            None => Ok(Self(name.to_owned())),
            Some(reason) => Err(AssetError::InvalidFileName(format!(
                "{:?}: {reason}",
                truncate_for_message(name)
            ))),
        }
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `name` kept under the pipeline revision `revision` (one safe segment, e.g.
    /// `v2-1a2b3c4d`): `revision/name`. Files derived by different pipeline revisions never share
    /// a key, so an address served as immutable never changes its bytes. `name` must be a plain
    /// name (one segment).
    pub fn in_revision(revision: &str, name: &FileName) -> Result<Self, AssetError> {
        let revision = Self::parse(revision)?;
        if name.revision().is_some() {
            return Err(AssetError::InvalidFileName(format!(
                "{:?} already names a revision",
                name.0
            )));
        }
        Ok(Self(format!("{}/{}", revision.0, name.0)))
    }

    /// The revision segment of a name built by [`FileName::in_revision`], if any.
    pub fn revision(&self) -> Option<&str> {
        self.0.split_once('/').map(|(revision, _)| revision)
    }

    /// The file's own name, without its revision segment (`model.glb` for
    /// `v2-1a2b3c4d/model.glb`).
    pub fn base(&self) -> &str {
        self.0.split_once('/').map_or(&self.0, |(_, base)| base)
    }
}

impl fmt::Display for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for FileName {
    type Err = AssetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Keeps error messages short when someone sends a megabyte of junk as a "name".
fn truncate_for_message(input: &str) -> &str {
    match input.char_indices().nth(80) {
        Some((cut, _)) => &input[..cut],
        None => input,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revisioned_name_is_two_safe_segments_and_knows_its_parts() {
        let name = FileName::parse("model.glb").unwrap();
        let kept = FileName::in_revision("v2-1a2b3c4d", &name).unwrap();
        assert_eq!(kept.as_str(), "v2-1a2b3c4d/model.glb");
        assert_eq!(kept.revision(), Some("v2-1a2b3c4d"));
        assert_eq!(kept.base(), "model.glb");
        assert_eq!(name.revision(), None);
        assert_eq!(name.base(), "model.glb");
        let hash = ContentAddress::of(b"hello");
        assert!(hash.key(&kept).ends_with("/v2-1a2b3c4d/model.glb"));
        assert!(FileName::in_revision("..", &name).is_err());
        assert!(FileName::in_revision("a/b", &name).is_err());
        assert!(FileName::in_revision("v3", &kept).is_err());
        assert!(
            FileName::parse("v2/model.glb").is_err(),
            "outside input stays one segment"
        );
    }

    #[test]
    fn key_layout_is_assets_prefix_hash_name() {
        let hash = ContentAddress::of(b"hello");
        let name = FileName::parse("model.glb").unwrap();
        assert_eq!(
            hash.key(&name),
            format!("assets/{}/{}/model.glb", &hash.as_str()[..2], hash)
        );
    }

    #[test]
    fn uppercase_and_short_hashes_are_refused() {
        let upper = "A".repeat(64);
        assert!(ContentAddress::parse(&upper).is_err());
        assert!(ContentAddress::parse("abc").is_err());
        assert!(ContentAddress::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn long_junk_is_truncated_in_messages() {
        let junk = "é".repeat(10_000);
        let message = FileName::parse(&junk).unwrap_err().to_string();
        assert!(message.len() < 400, "{message}");
    }
}
