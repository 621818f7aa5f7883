//! Precompressed bodies, so a cached response costs no compression work however often it is
//! served. Two forms:
//!
//! - **One encoding per value** ([`encode`], [`decode`]), for the response cache: a storefront
//!   response rendered on a cache miss is compressed only in the encoding the request prefers
//!   ([`preferred`]) and cached under a key naming that encoding, so a miss never compresses
//!   for clients that did not ask (a shop's browsers all ask for brotli; a bench or a crawler
//!   for identity), and the cache holds only the encodings actually served. Value: one tag byte
//!   naming the encoding used, then the body. A value that does not decode is treated as a miss
//!   by the caller.
//! - **Three encodings framed together** ([`encode_frame`], [`pick`]), for the static files,
//!   compressed once at start-up: three little-endian `u32` lengths (identity, brotli, gzip)
//!   followed by the bodies; a request slices out the one it accepts.
//!
//! Bodies under [`MIN_COMPRESSED_LEN`] bytes are never compressed, in either form.

use std::cell::RefCell;
use std::io::Write;

use axum::http::{header, HeaderMap};
use bytes::{BufMut, Bytes, BytesMut};
use flate2::{Compress, Compression, Crc, FlushCompress, Status};

/// Below this size the encoding overhead outweighs the gain (the same threshold as the
/// on-the-fly compression layer).
pub const MIN_COMPRESSED_LEN: usize = 256;
const HEADER_LEN: usize = 12;

/// The encoding chosen for one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Brotli,
    Gzip,
}

impl Encoding {
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Self::Identity => None,
            Self::Brotli => Some("br"),
            Self::Gzip => Some("gzip"),
        }
    }

    /// A short name for cache keys.
    pub fn name(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Brotli => "br",
            Self::Gzip => "gzip",
        }
    }

    fn tag(self) -> u8 {
        match self {
            Self::Identity => b'i',
            Self::Brotli => b'b',
            Self::Gzip => b'g',
        }
    }

    fn from_tag(tag: u8) -> Option<Self> {
        [Self::Identity, Self::Brotli, Self::Gzip]
            .into_iter()
            .find(|encoding| encoding.tag() == tag)
    }
}

/// The encoding a response to `request` should have: brotli when accepted, else gzip, else
/// identity (`q=0` refuses a coding).
pub fn preferred(request: &HeaderMap) -> Encoding {
    accepted_encoding(request, true, true)
}

/// `json` in `wanted` (or plain when shorter than [`MIN_COMPRESSED_LEN`]), as one cacheable
/// value tagged with the encoding it has.
pub fn encode(json: &[u8], wanted: Encoding) -> Bytes {
    let (encoding, body) = match wanted {
        _ if json.len() < MIN_COMPRESSED_LEN => (Encoding::Identity, None),
        Encoding::Identity => (Encoding::Identity, None),
        Encoding::Brotli => (Encoding::Brotli, Some(brotli_of(json))),
        Encoding::Gzip => (Encoding::Gzip, Some(gzip_of(json))),
    };
    let body = body.as_deref().unwrap_or(json);
    let mut value = BytesMut::with_capacity(1 + body.len());
    value.put_u8(encoding.tag());
    value.extend_from_slice(body);
    value.freeze()
}

/// The body of a value [`encode`] made and the encoding it has, sliced without copying; `None`
/// when `value` is not such a value.
pub fn decode(value: &Bytes) -> Option<(Bytes, Encoding)> {
    let encoding = Encoding::from_tag(*value.first()?)?;
    Some((value.slice(1..), encoding))
}

/// Compresses `json` both ways and frames the three encodings into one cacheable value.
pub fn encode_frame(json: &[u8]) -> Bytes {
    let (br, gzip) = if json.len() < MIN_COMPRESSED_LEN {
        (Vec::new(), Vec::new())
    } else {
        (brotli_of(json), gzip_of(json))
    };
    let mut frame = BytesMut::with_capacity(HEADER_LEN + json.len() + br.len() + gzip.len());
    for part in [json, &br, &gzip] {
        frame.put_u32_le(part.len() as u32);
    }
    frame.extend_from_slice(json);
    frame.extend_from_slice(&br);
    frame.extend_from_slice(&gzip);
    frame.freeze()
}

/// The body in the best encoding the request accepts, sliced out of `frame` without copying.
/// `None` when the frame is malformed.
pub fn pick(frame: &Bytes, request: &HeaderMap) -> Option<(Bytes, Encoding)> {
    if frame.len() < HEADER_LEN {
        return None;
    }
    let length = |i: usize| {
        u32::from_le_bytes(frame[i * 4..i * 4 + 4].try_into().expect("4 bytes")) as usize
    };
    let (identity, br, gzip) = (length(0), length(1), length(2));
    if HEADER_LEN
        .checked_add(identity)?
        .checked_add(br)?
        .checked_add(gzip)?
        != frame.len()
    {
        return None;
    }
    let start = HEADER_LEN;
    let accepted = accepted_encoding(request, br > 0, gzip > 0);
    Some(match accepted {
        Encoding::Brotli => (
            frame.slice(start + identity..start + identity + br),
            accepted,
        ),
        Encoding::Gzip => (frame.slice(start + identity + br..), accepted),
        Encoding::Identity => (frame.slice(start..start + identity), accepted),
    })
}

/// Brotli when accepted, else gzip, else identity; `q=0` refuses a coding.
fn accepted_encoding(request: &HeaderMap, have_br: bool, have_gzip: bool) -> Encoding {
    let mut br = false;
    let mut gzip = false;
    for value in request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            if refused {
                continue;
            }
            match coding.as_str() {
                "br" => br = true,
                "gzip" | "x-gzip" => gzip = true,
                "*" => {
                    br = true;
                    gzip = true;
                }
                _ => {}
            }
        }
    }
    if br && have_br {
        Encoding::Brotli
    } else if gzip && have_gzip {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// Bodies up to this size (a product page is 1-3 KiB) are compressed with brotli's fast
/// quality, whose tables scale with the input; larger ones (lists, the category tree) with
/// [`LARGE_BODY_QUALITY`]. The encoder at quality 5 allocates and zeroes about a megabyte of
/// match tables whatever the input's size: for a 1.3 KiB product that was ~35 µs of the ~45 µs
/// spent compressing it on a cache miss, to save 70 of its ~560 bytes.
const SMALL_BODY_MAX: usize = 4096;
const SMALL_BODY_QUALITY: u32 = 1;
const LARGE_BODY_QUALITY: u32 = 5;

fn brotli_of(json: &[u8]) -> Vec<u8> {
    let quality = if json.len() <= SMALL_BODY_MAX {
        SMALL_BODY_QUALITY
    } else {
        LARGE_BODY_QUALITY
    };
    let mut out = Vec::with_capacity(json.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        writer.write_all(json).expect("writing to memory");
    }
    out
}

/// The gzip header `flate2::write::GzEncoder` writes: no name, no time, "unknown" system.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
const GZIP_LEVEL: u32 = 6;

thread_local! {
    /// One deflate state per thread, reset for each body: building one allocates and clears
    /// some 300 KiB, about as long as compressing a product page takes.
    static DEFLATE: RefCell<Compress> =
        RefCell::new(Compress::new(Compression::new(GZIP_LEVEL), false));
}

/// The same bytes as `GzEncoder` at level 6: header, raw deflate, CRC-32 and length.
fn gzip_of(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(GZIP_HEADER.len() + json.len() / 2 + 64);
    out.extend_from_slice(&GZIP_HEADER);
    DEFLATE.with_borrow_mut(|deflate| {
        deflate.reset();
        loop {
            let consumed = usize::try_from(deflate.total_in()).expect("fits in memory");
            out.reserve(json.len() / 4 + 64);
            let status = deflate
                .compress_vec(&json[consumed..], &mut out, FlushCompress::Finish)
                .expect("deflating into memory");
            if status == Status::StreamEnd {
                break;
            }
        }
    });
    let mut crc = Crc::new();
    crc.update(json);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // RFC 1952's ISIZE: the length modulo 2^32.
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use std::io::Read;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn every_encoding_decodes_to_the_same_json() {
        let json =
            serde_json::to_vec(&serde_json::json!({"items": vec!["oak chair"; 200]})).unwrap();
        let frame = encode_frame(&json);
        let (identity, encoding) = pick(&frame, &HeaderMap::new()).unwrap();
        assert_eq!(
            (identity.as_ref(), encoding),
            (json.as_slice(), Encoding::Identity)
        );

        let (br, encoding) = pick(&frame, &accepting("gzip, deflate, br")).unwrap();
        assert_eq!(encoding, Encoding::Brotli);
        let mut decoded = Vec::new();
        brotli::Decompressor::new(br.as_ref(), 4096)
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, json);

        let (gz, encoding) = pick(&frame, &accepting("gzip, br;q=0")).unwrap();
        assert_eq!(encoding, Encoding::Gzip);
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(gz.as_ref())
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, json);
    }

    #[test]
    fn brotli_decodes_to_the_same_json_at_either_quality() {
        let small =
            serde_json::to_vec(&serde_json::json!({"items": vec!["oak chair"; 100]})).unwrap();
        let large =
            serde_json::to_vec(&serde_json::json!({"items": vec!["oak chair"; 2000]})).unwrap();
        assert!(small.len() <= SMALL_BODY_MAX && large.len() > SMALL_BODY_MAX);
        for json in [small, large] {
            let frame = encode_frame(&json);
            let (br, encoding) = pick(&frame, &accepting("br")).unwrap();
            assert_eq!(encoding, Encoding::Brotli);
            assert!(br.len() < json.len() / 4);
            let mut decoded = Vec::new();
            brotli::Decompressor::new(br.as_ref(), 4096)
                .read_to_end(&mut decoded)
                .unwrap();
            assert_eq!(decoded, json);
        }
    }

    #[test]
    fn gzip_bytes_are_those_of_flate2s_encoder_whatever_came_before() {
        let reference = |json: &[u8]| {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            encoder.write_all(json).unwrap();
            encoder.finish().unwrap()
        };
        let large: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i * 7919).to_le_bytes())
            .collect();
        for json in [&b"{}"[..], b"{\"name\":\"oak chair\"}", &large, b"[1,2,3]"] {
            assert_eq!(gzip_of(json), reference(json));
        }
    }

    fn decoded(body: &[u8], encoding: Encoding) -> Vec<u8> {
        let mut out = Vec::new();
        match encoding {
            Encoding::Identity => out.extend_from_slice(body),
            Encoding::Brotli => {
                brotli::Decompressor::new(body, 4096)
                    .read_to_end(&mut out)
                    .unwrap();
            }
            Encoding::Gzip => {
                flate2::read::GzDecoder::new(body)
                    .read_to_end(&mut out)
                    .unwrap();
            }
        }
        out
    }

    #[test]
    fn a_value_holds_the_one_encoding_asked_for_and_decodes_to_the_json() {
        let json =
            serde_json::to_vec(&serde_json::json!({"items": vec!["oak chair"; 200]})).unwrap();
        for wanted in [Encoding::Identity, Encoding::Brotli, Encoding::Gzip] {
            let value = encode(&json, wanted);
            let (body, encoding) = decode(&value).unwrap();
            assert_eq!(encoding, wanted);
            if wanted != Encoding::Identity {
                assert!(body.len() < json.len() / 4, "{wanted:?} compresses");
            }
            assert_eq!(decoded(&body, encoding), json, "{wanted:?}");
        }
    }

    #[test]
    fn a_small_body_is_stored_plain_whatever_was_asked_and_untagged_values_are_refused() {
        let value = encode(b"{}", Encoding::Brotli);
        assert_eq!(
            decode(&value).unwrap(),
            (Bytes::from_static(b"{}"), Encoding::Identity)
        );
        assert!(decode(&Bytes::from_static(b"{\"not\":\"tagged\"}")).is_none());
        assert!(decode(&Bytes::new()).is_none());
    }

    #[test]
    fn the_preferred_encoding_follows_accept_encoding() {
        assert_eq!(preferred(&HeaderMap::new()), Encoding::Identity);
        assert_eq!(preferred(&accepting("gzip, deflate, br")), Encoding::Brotli);
        assert_eq!(preferred(&accepting("gzip, br;q=0")), Encoding::Gzip);
        assert_eq!(preferred(&accepting("*")), Encoding::Brotli);
        assert_eq!(preferred(&accepting("deflate")), Encoding::Identity);
    }

    #[test]
    fn small_bodies_are_stored_plain_and_bad_frames_are_refused() {
        let frame = encode_frame(b"{}");
        assert_eq!(
            pick(&frame, &accepting("br")).unwrap(),
            (Bytes::from_static(b"{}"), Encoding::Identity)
        );
        assert!(pick(
            &Bytes::from_static(b"{\"not\":\"a frame\"}"),
            &HeaderMap::new()
        )
        .is_none());
        assert!(pick(&Bytes::from_static(b"short"), &HeaderMap::new()).is_none());
    }
}
