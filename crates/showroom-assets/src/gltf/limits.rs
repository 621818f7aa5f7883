//! The fixed bounds that keep validation of an untrusted file cheap.
//!
//! Every size declared inside a file is compared with these limits and with the bytes that
//! really exist before anything is allocated, so memory follows the real input, not its claims.

/// Largest JSON document (a `.gltf` file or a GLB JSON chunk) we parse.
pub const MAX_JSON_BYTES: usize = 64 * 1024 * 1024;

/// Largest main file `AssetFile::open` reads.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// Total bytes of resources (buffers and images, after base64 decoding) read for one asset.
pub const MAX_RESOURCE_BYTES: u64 = 1024 * 1024 * 1024;

/// Bytes of an external image we read: enough for any header, without reading whole textures.
/// The header sniffer knows when it stopped at this cut rather than at the real end.
pub const MAX_IMAGE_HEADER_BYTES: u64 = 4 * 1024 * 1024;

/// Bytes of accessor data scanned by the per-element checks (min/max, finite, index range).
/// Past this budget the remaining data checks are skipped with a warning; structure checks
/// still run on every accessor.
pub const MAX_SCANNED_ACCESSOR_BYTES: u64 = 512 * 1024 * 1024;

/// Problems kept in a report; the counts stay exact beyond it.
pub const MAX_PROBLEMS: usize = 1000;

/// Total bytes that `EXT_meshopt_compression` streams of one asset may decode to. Checked from
/// the declared `count × byteStride` before the decoder allocates anything.
pub const MAX_DECOMPRESSED_BYTES: u64 = 1024 * 1024 * 1024;

/// How many times larger than its compressed bytes one stream may claim to decode to. The
/// meshopt codecs cannot go past about 64× (vertex data) or 12× (indices), so a stream claiming
/// more is a bomb, refused before its output is allocated.
pub const MAX_DECOMPRESSION_RATIO: u64 = 256;

/// Elements an accessor without a bufferView (all zeros but its sparse values) may declare
/// before a decoder allocates them: such a count is not backed by any bytes.
pub const MAX_UNBACKED_ELEMENTS: usize = 32 * 1024 * 1024;
