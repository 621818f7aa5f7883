//! Reads the header of every image (from a file, a data URI or a bufferView) and records its
//! format and pixel size; the pixels themselves are never decoded.
//!
//! External images are read only up to [`MAX_IMAGE_HEADER_BYTES`], and base64 images are decoded
//! only as far as that prefix, so a 100 MB texture costs a few megabytes at most. A KTX2 image
//! used as a core texture source (rather than through `KHR_texture_basisu`) is a warning, like an
//! unknown format: viewers cannot show it, but the geometry is still usable.

use super::binary::Binary;
use super::document::Document;
use super::image_header::{sniff, ImageFormat, Sniff};
use super::json::{child, item};
use super::limits::MAX_IMAGE_HEADER_BYTES;
use super::problem::Validation;
use super::resource::{classify, decode_base64, Budget, ResolveError, Resolver, Uri};

/// What we learned about one image.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImageFacts {
    pub format: Option<ImageFormat>,
    pub size: Option<(u32, u32)>,
    /// Bytes of the encoded image (as stored), when known.
    pub bytes: u64,
}

/// Loads the start of one image: the bytes, whether they are the whole image, its real size.
fn head(
    uri: &str,
    at: &str,
    resolver: &dyn Resolver,
    budget: &mut Budget,
    report: &mut Validation,
) -> Option<(Vec<u8>, bool, u64)> {
    match classify(uri) {
        Uri::Data { payload, .. } => {
            let max_chars = (MAX_IMAGE_HEADER_BYTES as usize / 3) * 4;
            let prefix = payload.get(..max_chars.min(payload.len()))?;
            let complete = prefix.len() == payload.len();
            let Some(bytes) = decode_base64(prefix) else {
                report.error("INVALID_URI", at, "the data URI is not valid base64");
                return None;
            };
            Some((bytes, complete, payload.len() as u64 / 4 * 3))
        }
        Uri::Relative(path) => {
            let want = MAX_IMAGE_HEADER_BYTES.min(budget.remaining);
            match resolver.read(&path, want) {
                Ok(fetched) => {
                    budget.take(fetched.bytes.len() as u64);
                    let complete = fetched.bytes.len() as u64 >= fetched.total_len;
                    Some((fetched.bytes, complete, fetched.total_len))
                }
                Err(ResolveError::NotFound) => {
                    report.error("IO_ERROR", at, format!("`{path}` was not found"));
                    None
                }
                Err(e) => {
                    report.error("IO_ERROR", at, format!("`{path}` could not be read: {e}"));
                    None
                }
            }
        }
        Uri::Refused(reason) => {
            report.warning("NON_RELATIVE_URI", at, format!("`{uri}`: {reason}"));
            None
        }
        Uri::Invalid(reason) => {
            report.error("INVALID_URI", at, format!("`{uri}`: {reason}"));
            None
        }
    }
}

pub(crate) fn check(
    doc: &Document,
    binary: &Binary<'_>,
    resolver: &dyn Resolver,
    budget: &mut Budget,
    report: &mut Validation,
) -> Vec<ImageFacts> {
    let basisu_images: Vec<usize> = doc
        .textures
        .iter()
        .flat_map(|t| t.extension_sources.iter())
        .filter(|(name, _)| name == "KHR_texture_basisu")
        .map(|(_, image)| *image)
        .collect();
    let mut facts = Vec::with_capacity(doc.images.len());
    for (i, image) in doc.images.iter().enumerate() {
        let ptr = item("/images", i);
        let loaded = match (&image.uri, image.buffer_view) {
            (Some(uri), _) => head(uri, &child(&ptr, "uri"), resolver, budget, report),
            (None, Some(view)) => binary.view(view).map(|b| {
                let len = b.len().min(MAX_IMAGE_HEADER_BYTES as usize);
                (b[..len].to_vec(), true, b.len() as u64)
            }),
            (None, None) => None,
        };
        let Some((bytes, complete, total)) = loaded else {
            facts.push(ImageFacts::default());
            continue;
        };
        let mut fact = ImageFacts {
            bytes: total,
            ..ImageFacts::default()
        };
        match sniff(&bytes, complete) {
            Sniff::Image {
                format,
                width,
                height,
            } => {
                fact.format = Some(format);
                fact.size = Some((width, height));
            }
            Sniff::SizeUnknown(format) => fact.format = Some(format),
            Sniff::Unrecognized => report.warning(
                "IMAGE_UNRECOGNIZED_FORMAT",
                &ptr,
                "the image format is not recognized",
            ),
            Sniff::Invalid(reason) => report.error(
                "IMAGE_DATA_INVALID",
                &ptr,
                format!("invalid image data: {reason}"),
            ),
            Sniff::UnexpectedEnd => report.error(
                "IMAGE_UNEXPECTED_EOS",
                &ptr,
                "the image data ends too early",
            ),
        }
        if let (Some(format), Some(declared)) = (fact.format, &image.mime_type) {
            if format.mime_type() != declared {
                report.error(
                    "IMAGE_MIME_TYPE_INVALID",
                    &ptr,
                    format!(
                        "the data is {}, mimeType says {declared}",
                        format.mime_type()
                    ),
                );
            }
        }
        if fact.format == Some(ImageFormat::Ktx2) && !basisu_images.contains(&i) {
            report.warning(
                "IMAGE_UNRECOGNIZED_FORMAT",
                &ptr,
                "a KTX2 image used without KHR_texture_basisu: core glTF textures are PNG or JPEG",
            );
        }
        facts.push(fact);
    }
    facts
}
