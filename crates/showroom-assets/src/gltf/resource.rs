//! Where the bytes behind a `uri` come from, and which URIs we refuse to follow.
//!
//! A `.gltf` names its buffers and images by URI. We accept exactly two kinds:
//!
//! - `data:` URIs with base64 payloads, whose decoded size is computed from the text length and
//!   checked against the remaining budget *before* decoding;
//! - relative paths without `..` segments, read through a [`Resolver`] (normally the directory
//!   of the `.gltf`, [`DirResolver`]).
//!
//! Anything else (a scheme such as `http:` or `file:`, an absolute path, a `..` segment) is never
//! read, so a merchant's upload cannot make the server fetch a URL or read a file outside the
//! upload. Reads are capped by the caller's `max_bytes`, so a file that is larger than claimed
//! costs no more memory than the claim allows.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

/// The bytes read for one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// At most the `max_bytes` that were asked for.
    pub bytes: Vec<u8>,
    /// The resource's real size, which may exceed `bytes.len()`.
    pub total_len: u64,
}

/// Why a resource could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    NotFound,
    Io(String),
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::NotFound => f.write_str("file not found"),
            ResolveError::Io(message) => f.write_str(message),
        }
    }
}

/// Reads the resources a `.gltf` refers to. `path` is already checked: relative, `/`-separated,
/// percent-decoded, without `.` or `..` segments.
pub trait Resolver {
    /// Reads at most `max_bytes` from the start of `path`.
    fn read(&self, path: &str, max_bytes: u64) -> Result<Fetched, ResolveError>;
}

/// A resolver for self-contained files (a GLB, or tests): every relative URI is not found.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoResources;

impl Resolver for NoResources {
    fn read(&self, _path: &str, _max_bytes: u64) -> Result<Fetched, ResolveError> {
        Err(ResolveError::NotFound)
    }
}

/// Reads resources from one directory (the directory of the `.gltf`).
#[derive(Debug, Clone)]
pub struct DirResolver {
    root: PathBuf,
}

impl DirResolver {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

impl Resolver for DirResolver {
    fn read(&self, path: &str, max_bytes: u64) -> Result<Fetched, ResolveError> {
        let mut full = self.root.clone();
        full.extend(path.split('/'));
        let file = File::open(&full).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ResolveError::NotFound,
            _ => ResolveError::Io(e.to_string()),
        })?;
        let metadata = file
            .metadata()
            .map_err(|e| ResolveError::Io(e.to_string()))?;
        if !metadata.is_file() {
            return Err(ResolveError::Io(format!("`{path}` is not a regular file")));
        }
        let total_len = metadata.len();
        let capacity = usize::try_from(total_len.min(max_bytes)).unwrap_or(0);
        let mut bytes = Vec::with_capacity(capacity);
        file.take(max_bytes)
            .read_to_end(&mut bytes)
            .map_err(|e| ResolveError::Io(e.to_string()))?;
        Ok(Fetched { bytes, total_len })
    }
}

/// What a `uri` property names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Uri<'a> {
    /// `data:<mime>;base64,<payload>`.
    Data { mime: &'a str, payload: &'a str },
    /// A checked relative path.
    Relative(String),
    /// A URI we never follow, with the reason.
    Refused(&'static str),
    /// Not a well-formed URI.
    Invalid(&'static str),
}

pub(crate) fn classify(uri: &str) -> Uri<'_> {
    if let Some(rest) = uri
        .strip_prefix("data:")
        .or_else(|| uri.strip_prefix("DATA:"))
    {
        let Some((header, payload)) = rest.split_once(',') else {
            return Uri::Invalid("a data URI without a comma");
        };
        let Some(mime) = header.strip_suffix(";base64") else {
            return Uri::Invalid("only base64 data URIs are supported");
        };
        return Uri::Data { mime, payload };
    }
    let before_path = uri.split(['/', '?', '#']).next().unwrap_or("");
    if before_path.contains(':') {
        return Uri::Refused("an external URI (with a scheme) is never fetched");
    }
    if uri.starts_with('/') || uri.starts_with('\\') {
        return Uri::Refused("an absolute path is never read");
    }
    let Some(decoded) = percent_decode(uri.split(['?', '#']).next().unwrap_or("")) else {
        return Uri::Invalid("malformed percent-encoding");
    };
    let mut segments = Vec::new();
    for segment in decoded.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => return Uri::Refused("a `..` segment would leave the asset's directory"),
            s if s.contains('\0') => return Uri::Invalid("a NUL byte in a path"),
            s => segments.push(s),
        }
    }
    if segments.is_empty() {
        return Uri::Invalid("an empty path");
    }
    Uri::Relative(segments.join("/"))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The decoded size of a base64 payload, computed from its length alone.
pub(crate) fn base64_decoded_len(payload: &str) -> u64 {
    (payload.len() as u64).div_ceil(4) * 3
}

/// Decodes a base64 payload (padding optional). Call only after checking
/// [`base64_decoded_len`] against the budget.
pub(crate) fn decode_base64(payload: &str) -> Option<Vec<u8>> {
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    ENGINE.decode(payload.trim_end()).ok()
}

/// The bytes still allowed to be read or decoded for this asset.
#[derive(Debug)]
pub(crate) struct Budget {
    pub remaining: u64,
}

impl Budget {
    /// Reserves `n` bytes; false (and nothing reserved) when they do not fit.
    pub fn take(&mut self, n: u64) -> bool {
        if n > self.remaining {
            return false;
        }
        self.remaining -= n;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_accepted_and_escapes_refused() {
        assert_eq!(classify("a%20b/c.bin"), Uri::Relative("a b/c.bin".into()));
        assert_eq!(classify("./c.bin"), Uri::Relative("c.bin".into()));
        assert!(matches!(classify("http://x/y.bin"), Uri::Refused(_)));
        assert!(matches!(classify("file:///etc/passwd"), Uri::Refused(_)));
        assert!(matches!(classify("/etc/passwd"), Uri::Refused(_)));
        assert!(matches!(classify("a/../../x.bin"), Uri::Refused(_)));
        assert!(matches!(classify("%2e%2e/x.bin"), Uri::Refused(_)));
        assert!(matches!(classify("C:\\x.bin"), Uri::Refused(_)));
    }

    #[test]
    fn data_uris_decode_after_a_size_check() {
        let Uri::Data { mime, payload } = classify("data:application/octet-stream;base64,AAEC")
        else {
            panic!("not a data URI");
        };
        assert_eq!(mime, "application/octet-stream");
        assert_eq!(base64_decoded_len(payload), 3);
        assert_eq!(decode_base64(payload), Some(vec![0, 1, 2]));
    }
}
