//! Undoing the encodings attackers hide payloads behind, before any rule looks at the text.
//!
//! [`decode`] percent-decodes repeatedly (so `%252e` → `%2e` → `.`), understands IIS-style
//! `%u002e`, maps the overlong UTF-8 forms of `.`, `/` and `\` (`%c0%ae`, `%c0%af`, `%c1%9c`)
//! to the characters they pretend not to be, and in query strings and form bodies reads `+` as a
//! space. Malformed escapes (`50% off`) are kept as they are: decoding never fails, and a
//! request is never refused merely for being badly encoded.

use std::borrow::Cow;

/// How many rounds of percent-decoding a payload gets; three covers triple encoding, and
/// nothing legitimate is encoded more than once.
const ROUNDS: usize = 3;

/// Decodes `input` until it stops changing (at most [`ROUNDS`] times).
pub fn decode(input: &str, plus_is_space: bool) -> Cow<'_, str> {
    if !input
        .bytes()
        .any(|b| b == b'%' || (plus_is_space && b == b'+'))
    {
        return Cow::Borrowed(input);
    }
    let mut current = input.as_bytes().to_vec();
    for round in 0..ROUNDS {
        let next = normalize_overlong(decode_once(&current, plus_is_space && round == 0));
        if next == current {
            break;
        }
        current = next;
    }
    Cow::Owned(fold_lookalikes(
        String::from_utf8_lossy(&current).into_owned(),
    ))
}

/// Unicode look-alikes of `.`, `/` and `\` that some servers and libraries fold to ASCII.
fn fold_lookalikes(text: String) -> String {
    if text.is_ascii() {
        return text;
    }
    text.chars()
        .map(|c| match c {
            '\u{2215}' | '\u{2044}' | '\u{FF0F}' => '/',
            '\u{FF3C}' | '\u{2216}' => '\\',
            '\u{FF0E}' | '\u{2024}' => '.',
            other => other,
        })
        .collect()
}

/// True when `text` holds nothing but characters of plain paths and slugs, so no rule can
/// match it: the common case, checked first to keep the shield cheap.
pub fn is_plain(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'~'))
}

fn decode_once(input: &[u8], plus_is_space: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let byte = input[i];
        if byte == b'%' {
            if let Some(value) = hex_pair(input.get(i + 1..i + 3)) {
                out.push(value);
                i += 3;
                continue;
            }
            if matches!(input.get(i + 1), Some(b'u' | b'U')) {
                if let Some(c) = unicode_escape(input.get(i + 2..i + 6)) {
                    let mut buffer = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
                    i += 6;
                    continue;
                }
            }
        }
        out.push(if plus_is_space && byte == b'+' {
            b' '
        } else {
            byte
        });
        i += 1;
    }
    out
}

fn hex_pair(pair: Option<&[u8]>) -> Option<u8> {
    let pair = pair?;
    let text = std::str::from_utf8(pair).ok()?;
    u8::from_str_radix(text, 16).ok()
}

fn unicode_escape(digits: Option<&[u8]>) -> Option<char> {
    let text = std::str::from_utf8(digits?).ok()?;
    char::from_u32(u32::from_str_radix(text, 16).ok()?)
}

/// Overlong encodings are invalid UTF-8 that naive decoders still turn into `.`, `/`, `\`.
fn normalize_overlong(bytes: Vec<u8>) -> Vec<u8> {
    if !bytes.iter().any(|&b| b == 0xC0 || b == 0xC1 || b == 0xE0) {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let replaced = match &bytes[i..] {
            [0xC0, 0xAE, ..] => Some((b'.', 2)),
            [0xC0, 0xAF, ..] => Some((b'/', 2)),
            [0xC1, 0x9C, ..] => Some((b'\\', 2)),
            [0xE0, 0x80, 0xAE, ..] => Some((b'.', 3)),
            [0xE0, 0x80, 0xAF, ..] => Some((b'/', 3)),
            _ => None,
        };
        match replaced {
            Some((byte, len)) => {
                out.push(byte);
                i += len;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_double_and_triple_encoding_are_undone() {
        assert_eq!(decode("%2e%2e%2f", false), "../");
        assert_eq!(decode("%252e%252e%252f", false), "../");
        assert_eq!(decode("%25252e", false), ".");
        assert_eq!(decode("..%5c", false), "..\\");
    }

    #[test]
    fn iis_and_overlong_forms_become_what_they_hide() {
        assert_eq!(decode("%u002e%u002e/", false), "../");
        assert_eq!(decode("%c0%ae%c0%ae%c0%af", false), "../");
        assert_eq!(decode("%e0%80%ae", false), ".");
        assert_eq!(decode("%u002e%u002e%u2215", false), "../");
        assert_eq!(decode("%ef%bc%8e%ef%bc%8e%ef%bc%8f", false), "../");
    }

    #[test]
    fn malformed_escapes_stay_and_plus_is_a_space_in_queries_only() {
        assert_eq!(decode("50% off", true), "50% off");
        assert_eq!(decode("50%25+off", true), "50% off");
        assert_eq!(decode("%zz%", false), "%zz%");
        assert_eq!(decode("a+b", false), "a+b");
        assert_eq!(decode("oak+chair", true), "oak chair");
    }

    #[test]
    fn plain_slugs_and_paths_are_recognised() {
        assert!(is_plain("/api/v1/products/oak-chair"));
        assert!(!is_plain("/api/v1/products/../x"));
        assert!(!is_plain("q=1'"));
    }
}
