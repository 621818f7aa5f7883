//! A zip writer of exactly what the USDZ specification allows: stored (uncompressed),
//! unencrypted entries whose data starts at a multiple of 64 bytes from the start of the
//! archive, so a reader can map the files in place.
//!
//! Each local file header is padded to the boundary with an extra field (id [`PADDING_ID`], not
//! one the zip specification assigns, so readers skip it like any unknown field). Sizes and CRC-32s
//! are known before each header is written, so no data descriptors are needed. Times are fixed
//! at 1980-01-01 00:00, so the same files give the same bytes.
//!
//! Guarantees: entries appear in the order given (USDZ requires the layer first); an archive
//! that would need ZIP64 (over 4 GiB, more than 65 535 entries, a name over 65 535 bytes) is
//! refused with [`UsdzError::TooLarge`] instead of being written wrong.

use super::UsdzError;

/// The required alignment of each file's data.
pub const ALIGNMENT: usize = 64;
/// The largest file (and archive) a zip without ZIP64 holds.
pub const MAX_FILE_LEN: u64 = u32::MAX as u64;
/// The extra-field id of the alignment padding.
pub const PADDING_ID: u16 = 0x1986;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
const LOCAL_HEADER_LEN: usize = 30;
/// Zip 2.0, the version that any reader supports.
const VERSION: u16 = 20;
/// MS-DOS date of 1980-01-01 (day 1, month 1, year 0 after 1980).
const DOS_DATE: u16 = (1 << 5) | 1;

/// Writes `entries` (path inside the archive, bytes) as a USDZ-conforming zip.
pub fn write(entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>, UsdzError> {
    let count = u16::try_from(entries.len()).map_err(|_| UsdzError::TooLarge)?;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = u32::try_from(out.len()).map_err(|_| UsdzError::TooLarge)?;
        let fields = Fields::of(name, data)?;
        let padding = padding(out.len() + LOCAL_HEADER_LEN + name.len());
        out.extend_from_slice(&LOCAL_HEADER.to_le_bytes());
        fields.write(&mut out, padding.len());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&padding);
        debug_assert_eq!(out.len() % ALIGNMENT, 0);
        out.extend_from_slice(data);

        central.extend_from_slice(&CENTRAL_HEADER.to_le_bytes());
        central.extend_from_slice(&VERSION.to_le_bytes()); // made by: MS-DOS, zip 2.0
        fields.write(&mut central, 0);
        central.extend_from_slice(&0u16.to_le_bytes()); // comment length
        central.extend_from_slice(&0u16.to_le_bytes()); // disk number
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = u32::try_from(out.len()).map_err(|_| UsdzError::TooLarge)?;
    let central_len = u32::try_from(central.len()).map_err(|_| UsdzError::TooLarge)?;
    central_offset
        .checked_add(central_len)
        .ok_or(UsdzError::TooLarge)?;
    out.extend_from_slice(&central);
    out.extend_from_slice(&END_OF_CENTRAL_DIRECTORY.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // this disk
    out.extend_from_slice(&0u16.to_le_bytes()); // disk of the central directory
    out.extend_from_slice(&count.to_le_bytes()); // entries on this disk
    out.extend_from_slice(&count.to_le_bytes()); // entries in all
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    Ok(out)
}

/// The fields that local and central headers share, from "version needed" to the extra length.
struct Fields {
    crc: u32,
    size: u32,
    name_len: u16,
}

impl Fields {
    fn of(name: &str, data: &[u8]) -> Result<Self, UsdzError> {
        Ok(Self {
            crc: crc32fast::hash(data),
            size: u32::try_from(data.len()).map_err(|_| UsdzError::TooLarge)?,
            name_len: u16::try_from(name.len()).map_err(|_| UsdzError::TooLarge)?,
        })
    }

    fn write(&self, out: &mut Vec<u8>, extra_len: usize) {
        out.extend_from_slice(&VERSION.to_le_bytes()); // version needed to extract
        out.extend_from_slice(&0u16.to_le_bytes()); // flags: no encryption, no descriptor
        out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        out.extend_from_slice(&0u16.to_le_bytes()); // time 00:00:00
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&self.crc.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes()); // compressed size
        out.extend_from_slice(&self.size.to_le_bytes()); // uncompressed size
        out.extend_from_slice(&self.name_len.to_le_bytes());
        // At most ALIGNMENT + 3 bytes, see `padding`.
        out.extend_from_slice(&(extra_len as u16).to_le_bytes());
    }
}

/// The extra field that moves data which would start at `unpadded` to the next multiple of
/// [`ALIGNMENT`]: empty when it is already aligned, else a field of at least its 4-byte header.
fn padding(unpadded: usize) -> Vec<u8> {
    let mut len = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
    if len == 0 {
        return Vec::new();
    }
    if len < 4 {
        len += ALIGNMENT;
    }
    let mut field = Vec::with_capacity(len);
    field.extend_from_slice(&PADDING_ID.to_le_bytes());
    field.extend_from_slice(&((len - 4) as u16).to_le_bytes());
    field.resize(len, 0);
    field
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_reaches_the_next_boundary_with_room_for_its_header() {
        for unpadded in 0..256 {
            let field = padding(unpadded);
            assert_eq!((unpadded + field.len()) % ALIGNMENT, 0, "at {unpadded}");
            assert!(field.is_empty() || field.len() >= 4);
        }
    }

    #[test]
    fn every_entry_starts_aligned() {
        let entries: Vec<(String, Vec<u8>)> = (0..5)
            .map(|i| {
                (
                    format!("f{}.bin", "x".repeat(i * 7)),
                    vec![i as u8; i * 13 + 1],
                )
            })
            .collect();
        let zip = write(&entries).unwrap();
        let mut at = 0;
        for (name, data) in &entries {
            let name_len = u16::from_le_bytes([zip[at + 26], zip[at + 27]]) as usize;
            let extra_len = u16::from_le_bytes([zip[at + 28], zip[at + 29]]) as usize;
            assert_eq!(&zip[at + 30..at + 30 + name_len], name.as_bytes());
            let start = at + 30 + name_len + extra_len;
            assert_eq!(start % ALIGNMENT, 0);
            assert_eq!(&zip[start..start + data.len()], &data[..]);
            at = start + data.len();
        }
    }
}
