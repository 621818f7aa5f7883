//! Loads the bytes behind each buffer and checks that every bufferView and accessor range lies
//! inside them.
//!
//! Declared sizes are compared with limits and with real bytes before anything is read or
//! allocated: an external `.bin` is read through the [`Resolver`] with `byteLength` as the cap
//! (a file shorter than declared costs only its real size, a longer one is cut at the
//! declaration), a base64 payload is sized from its text before decoding, and a GLB's BIN chunk
//! is borrowed, never copied. Range arithmetic is done in `u128`, so no declared number can
//! overflow it. An accessor is *located* only when its whole byte range exists, and only
//! located accessors are ever read.
//!
//! A bufferView with `EXT_meshopt_compression` is decoded here, once, from its compressed range
//! (which must lie inside real bytes), after its declared decoded size passed the
//! decompression limits; every later check, the inspector and the scene decoder then read the
//! decoded bytes through [`Binary::view`] as if they had been stored plain. A buffer marked
//! `fallback` may have no bytes at all; a view into it that is not compressed is an error.

use std::borrow::Cow;

use super::document::{Document, MeshoptView};
use super::json::{child, item};
use super::limits::{MAX_DECOMPRESSED_BYTES, MAX_DECOMPRESSION_RATIO};
use super::meshopt::{self, DecodeError};
use super::problem::Validation;
use super::resource::{
    base64_decoded_len, classify, decode_base64, Budget, ResolveError, Resolver, Uri,
};

/// The loaded bytes of an asset's buffers and which ranges over them are usable.
pub(crate) struct Binary<'a> {
    pub buffers: Vec<Option<Cow<'a, [u8]>>>,
    /// Buffers whose URI we refused to follow.
    pub refused: Vec<bool>,
    /// BufferViews that fit their buffer's real bytes.
    views: Vec<Option<(usize, usize, usize)>>,
    /// The decoded bytes of `EXT_meshopt_compression` views, by view index.
    decoded: Vec<Option<Vec<u8>>>,
    /// Accessors whose whole range is inside real bytes: (view, first byte, stride).
    located: Vec<Option<Located>>,
    pub bytes_loaded: u64,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Located {
    view: usize,
    pub start: usize,
    pub stride: usize,
}

impl<'a> Binary<'a> {
    /// The bytes of a bufferView, when they exist.
    pub fn view(&self, index: usize) -> Option<&[u8]> {
        if let Some(Some(decoded)) = self.decoded.get(index) {
            return Some(decoded);
        }
        let (buffer, start, end) = (*self.views.get(index)?)?;
        self.buffers.get(buffer)?.as_deref()?.get(start..end)
    }

    /// The bytes of an accessor's bufferView from the accessor's first byte, and its stride.
    pub fn accessor(&self, index: usize) -> Option<(&[u8], usize)> {
        let located = (*self.located.get(index)?)?;
        Some((
            self.view(located.view)?.get(located.start..)?,
            located.stride,
        ))
    }
}

pub(crate) fn load<'a>(
    doc: &Document,
    bin: Option<&'a [u8]>,
    is_glb: bool,
    resolver: &dyn Resolver,
    budget: &mut Budget,
    report: &mut Validation,
) -> Binary<'a> {
    let mut binary = Binary {
        buffers: Vec::with_capacity(doc.buffers.len()),
        refused: vec![false; doc.buffers.len()],
        views: Vec::new(),
        decoded: Vec::new(),
        located: Vec::new(),
        bytes_loaded: 0,
    };
    for (i, buffer) in doc.buffers.iter().enumerate() {
        let ptr = item("/buffers", i);
        let data = match (&buffer.uri, is_glb && i == 0) {
            (None, true) => glb_buffer(bin, buffer.byte_length, &ptr, report),
            // A meshopt fallback buffer needs no bytes: its views are decoded from another.
            (None, false) if buffer.meshopt_fallback => None,
            (None, false) if is_glb => {
                report.error(
                    "BUFFER_MISSING_GLB_DATA",
                    &ptr,
                    "only the first buffer of a GLB may omit `uri`",
                );
                None
            }
            (None, false) => None,
            (Some(uri), _) => {
                let loaded = uri_buffer(uri, buffer.byte_length, &ptr, resolver, budget, report);
                binary.refused[i] = matches!(loaded, Err(true));
                loaded.ok()
            }
        };
        binary.bytes_loaded += data.as_ref().map_or(0, |d| d.len() as u64);
        binary.buffers.push(data);
    }
    decode_meshopt_views(doc, &mut binary, report);
    check_views(doc, &mut binary, report);
    check_accessors(doc, &mut binary, report);
    binary
}

fn glb_buffer<'a>(
    bin: Option<&'a [u8]>,
    declared: u64,
    ptr: &str,
    report: &mut Validation,
) -> Option<Cow<'a, [u8]>> {
    let Some(bin) = bin else {
        report.error(
            "BUFFER_MISSING_GLB_DATA",
            ptr,
            "the GLB has no BIN chunk for this buffer",
        );
        return None;
    };
    let actual = bin.len() as u64;
    if actual < declared {
        report.error(
            "BUFFER_BYTE_LENGTH_MISMATCH",
            ptr,
            format!("the buffer declares {declared} bytes, the BIN chunk holds {actual}"),
        );
    } else if actual - declared > 3 {
        report.warning(
            "BUFFER_GLB_CHUNK_TOO_BIG",
            ptr,
            format!(
                "the BIN chunk has {} bytes beyond the buffer",
                actual - declared
            ),
        );
    }
    Some(Cow::Borrowed(bin))
}

/// The bytes of a buffer with a `uri`; `Err(true)` when the URI was refused.
fn uri_buffer<'a>(
    uri: &str,
    declared: u64,
    ptr: &str,
    resolver: &dyn Resolver,
    budget: &mut Budget,
    report: &mut Validation,
) -> Result<Cow<'a, [u8]>, bool> {
    let at = child(ptr, "uri");
    match classify(uri) {
        Uri::Data { mime, payload } => {
            if !matches!(mime, "application/octet-stream" | "application/gltf-buffer") {
                report.error(
                    "BUFFER_DATA_URI_MIME_TYPE_INVALID",
                    &at,
                    format!("data URI media type `{mime}` is not application/octet-stream"),
                );
            }
            if !budget.take(base64_decoded_len(payload)) {
                report.error(
                    "RESOURCE_TOO_LARGE",
                    &at,
                    "the embedded buffer exceeds the size limit",
                );
                return Err(false);
            }
            let Some(bytes) = decode_base64(payload) else {
                report.error("INVALID_URI", &at, "the data URI is not valid base64");
                return Err(false);
            };
            if bytes.len() as u64 != declared {
                report.error(
                    "BUFFER_EMBEDDED_BYTELENGTH_MISMATCH",
                    ptr,
                    format!(
                        "the data URI holds {} bytes, byteLength is {declared}",
                        bytes.len()
                    ),
                );
            }
            Ok(Cow::Owned(bytes))
        }
        Uri::Relative(path) => {
            if declared > budget.remaining {
                report.error(
                    "RESOURCE_TOO_LARGE",
                    ptr,
                    format!("byteLength {declared} exceeds the size limit"),
                );
                return Err(false);
            }
            match resolver.read(&path, declared) {
                Ok(fetched) => {
                    budget.take(fetched.bytes.len() as u64);
                    if (fetched.bytes.len() as u64) < declared {
                        report.error(
                            "BUFFER_BYTE_LENGTH_MISMATCH",
                            ptr,
                            format!(
                                "`{path}` has {} bytes, byteLength is {declared}",
                                fetched.bytes.len()
                            ),
                        );
                    }
                    Ok(Cow::Owned(fetched.bytes))
                }
                Err(ResolveError::NotFound) => {
                    report.error("IO_ERROR", &at, format!("`{path}` was not found"));
                    Err(false)
                }
                Err(e) => {
                    report.error("IO_ERROR", &at, format!("`{path}` could not be read: {e}"));
                    Err(false)
                }
            }
        }
        Uri::Refused(reason) => {
            report.warning("NON_RELATIVE_URI", &at, format!("`{uri}`: {reason}"));
            Err(true)
        }
        Uri::Invalid(reason) => {
            report.error("INVALID_URI", &at, format!("`{uri}`: {reason}"));
            Err(false)
        }
    }
}

fn check_views(doc: &Document, binary: &mut Binary<'_>, report: &mut Validation) {
    for (i, view) in doc.buffer_views.iter().enumerate() {
        let ptr = item("/bufferViews", i);
        let range = view.buffer.and_then(|b| {
            let end = u128::from(view.byte_offset) + u128::from(view.byte_length);
            let declared = u128::from(doc.buffers[b].byte_length);
            if end > declared {
                report.error(
                    "BUFFER_VIEW_TOO_LONG",
                    &child(&ptr, "byteLength"),
                    format!("the view ends at byte {end}, buffer {b} has byteLength {declared}"),
                );
                return None;
            }
            if view.meshopt.is_some() {
                // Its bytes were decoded (or refused) by `decode_meshopt_views`.
                return None;
            }
            if doc.buffers[b].meshopt_fallback && binary.buffers[b].is_none() {
                report.error(
                    "MESHOPT_FALLBACK_READ",
                    &child(&ptr, "buffer"),
                    format!("buffer {b} is a meshopt fallback without bytes, and this view is not compressed"),
                );
                return None;
            }
            if binary.refused[b] {
                report.error(
                    "RESOURCE_REFUSED",
                    &child(&ptr, "buffer"),
                    format!("buffer {b} has a URI we do not follow"),
                );
            }
            let real = binary.buffers[b].as_ref()?.len() as u128;
            (end <= real).then_some((b, view.byte_offset as usize, end as usize))
        });
        binary.views.push(range);
    }
}

/// Decodes every compressed view whose source range exists, within the decompression limits.
fn decode_meshopt_views(doc: &Document, binary: &mut Binary<'_>, report: &mut Validation) {
    let mut remaining = MAX_DECOMPRESSED_BYTES;
    binary.decoded = doc
        .buffer_views
        .iter()
        .enumerate()
        .map(|(i, view)| {
            let ext = view.meshopt.as_ref()?;
            let at = child(&child(&item("/bufferViews", i), "extensions"), meshopt::EXTENSION);
            let encoded = compressed_range(doc, binary, ext, &at, report)?;
            let decoded_len = ext.byte_stride * ext.count;
            let ratio_ok = decoded_len / MAX_DECOMPRESSION_RATIO <= encoded.len() as u64;
            if decoded_len > remaining || !ratio_ok {
                report.error(
                    "RESOURCE_TOO_LARGE",
                    &at,
                    format!(
                        "{decoded_len} decoded bytes from {} compressed are over the decompression limits",
                        encoded.len()
                    ),
                );
                return None;
            }
            remaining -= decoded_len;
            match meshopt::decode(ext, encoded) {
                Ok(bytes) => Some(bytes),
                Err(DecodeError::Version(message)) => {
                    report.error("MESHOPT_UNSUPPORTED_VERSION", &at, message);
                    None
                }
                Err(DecodeError::Corrupt) => {
                    report.error(
                        "MESHOPT_DECODE_FAILED",
                        &at,
                        format!("the {:?} stream does not decode to {} elements", ext.mode, ext.count),
                    );
                    None
                }
            }
        })
        .collect();
}

/// The compressed bytes of a stream, when its range lies inside its buffer's real bytes.
fn compressed_range<'b>(
    doc: &Document,
    binary: &'b Binary<'_>,
    ext: &MeshoptView,
    at: &str,
    report: &mut Validation,
) -> Option<&'b [u8]> {
    let end = u128::from(ext.byte_offset) + u128::from(ext.byte_length);
    let declared = u128::from(doc.buffers[ext.buffer].byte_length);
    if end > declared {
        report.error(
            "BUFFER_VIEW_TOO_LONG",
            &child(at, "byteLength"),
            format!(
                "the compressed stream ends at byte {end}, buffer {} has byteLength {declared}",
                ext.buffer
            ),
        );
        return None;
    }
    let Some(bytes) = binary.buffers[ext.buffer].as_deref() else {
        report.error(
            "MESHOPT_DECODE_FAILED",
            &child(at, "buffer"),
            format!("buffer {} holds no bytes to decode", ext.buffer),
        );
        return None;
    };
    bytes
        .get(ext.byte_offset as usize..end as usize)
        .or_else(|| {
            report.error(
                "BUFFER_VIEW_TOO_LONG",
                &child(at, "byteLength"),
                format!(
                    "the compressed stream ends past the {} real bytes of its buffer",
                    bytes.len()
                ),
            );
            None
        })
}

fn check_accessors(doc: &Document, binary: &mut Binary<'_>, report: &mut Validation) {
    for (i, accessor) in doc.accessors.iter().enumerate() {
        let ptr = item("/accessors", i);
        let mut located = None;
        if let (Some((component, element)), Some(v)) = (accessor.format(), accessor.buffer_view) {
            let view = &doc.buffer_views[v];
            let element_size = element.element_size(component);
            let stride = view.byte_stride.unwrap_or(element_size);
            let size = component.size();
            if stride < element_size {
                report.error(
                    "ACCESSOR_SMALL_BYTESTRIDE",
                    &ptr,
                    format!("bufferView {v} has byteStride {stride}, less than the element size {element_size}"),
                );
            } else if !accessor.byte_offset.is_multiple_of(size) {
                report.error(
                    "ACCESSOR_OFFSET_ALIGNMENT",
                    &child(&ptr, "byteOffset"),
                    format!("byteOffset is not a multiple of {size}"),
                );
            } else if !(view.byte_offset + accessor.byte_offset).is_multiple_of(size) {
                report.error(
                    "ACCESSOR_TOTAL_OFFSET_ALIGNMENT",
                    &child(&ptr, "byteOffset"),
                    format!("the total offset is not a multiple of {size}"),
                );
            } else if accessor.count > 0 {
                let end = u128::from(accessor.byte_offset)
                    + u128::from(stride) * u128::from(accessor.count - 1)
                    + u128::from(element_size);
                if end > u128::from(view.byte_length) {
                    report.error(
                        "ACCESSOR_TOO_LONG",
                        &ptr,
                        format!(
                            "{} elements from byte {} need {end} bytes, bufferView {v} has {}",
                            accessor.count, accessor.byte_offset, view.byte_length
                        ),
                    );
                } else if binary.view(v).is_some() {
                    located = Some(Located {
                        view: v,
                        start: accessor.byte_offset as usize,
                        stride: stride as usize,
                    });
                }
            }
        }
        if let (Some(sparse), Some((component, element))) = (&accessor.sparse, accessor.format()) {
            let index_size = sparse.index_type.map_or(1, |t| t.size());
            let parts = [
                ("indices", &sparse.indices, index_size),
                ("values", &sparse.values, element.element_size(component)),
            ];
            for (name, range, unit) in parts {
                let Some(v) = range.buffer_view else { continue };
                let end =
                    u128::from(range.byte_offset) + u128::from(sparse.count) * u128::from(unit);
                if end > u128::from(doc.buffer_views[v].byte_length) {
                    report.error(
                        "ACCESSOR_TOO_LONG",
                        &child(&child(&ptr, "sparse"), name),
                        format!(
                            "sparse {name} need {end} bytes, bufferView {v} has {}",
                            doc.buffer_views[v].byte_length
                        ),
                    );
                }
            }
        }
        binary.located.push(located);
    }
}
