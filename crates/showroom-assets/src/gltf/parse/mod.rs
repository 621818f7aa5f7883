//! From JSON bytes to a [`Document`]: syntax, schema types, required properties, value ranges
//! and every index reference, in one linear pass over the JSON.
//!
//! The JSON is refused above [`MAX_JSON_BYTES`] before parsing; `serde_json` stops at 128 levels
//! of nesting, so a deeply nested file is an `INVALID_JSON` error, not a stack overflow. Array
//! lengths are counted first, so a reference can be checked against an array parsed later.

mod extensions;
mod geometry;
mod khr_ranges;
mod material;
mod meshopt;
mod scene;

use serde_json::Value;

use super::document::Document;
use super::json::Obj;
use super::limits::MAX_JSON_BYTES;
use super::problem::Validation;

/// How many items each top-level array has, for reference checks.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Counts {
    pub accessors: usize,
    pub buffers: usize,
    pub buffer_views: usize,
    pub cameras: usize,
    pub images: usize,
    pub materials: usize,
    pub meshes: usize,
    pub nodes: usize,
    pub samplers: usize,
    pub scenes: usize,
    pub skins: usize,
    pub textures: usize,
    pub variants: usize,
}

impl Counts {
    fn of(root: &Value) -> Self {
        let len = |key: &str| root.get(key).and_then(Value::as_array).map_or(0, Vec::len);
        let variants = root
            .pointer("/extensions/KHR_materials_variants/variants")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        Self {
            accessors: len("accessors"),
            buffers: len("buffers"),
            buffer_views: len("bufferViews"),
            cameras: len("cameras"),
            images: len("images"),
            materials: len("materials"),
            meshes: len("meshes"),
            nodes: len("nodes"),
            samplers: len("samplers"),
            scenes: len("scenes"),
            skins: len("skins"),
            textures: len("textures"),
            variants,
        }
    }
}

/// The entries of a top-level array, each an object or `None` (reported).
pub(crate) fn entries<'a>(
    root: &Obj<'a>,
    key: &str,
    report: &mut Validation,
) -> Vec<Option<Obj<'a>>> {
    root.items(key, report)
        .into_iter()
        .map(|(v, ptr)| Obj::new(v, ptr, report))
        .collect()
}

/// Each entry of a top-level array as `parse` reads it; an entry that is not an object
/// (reported by [`entries`]) becomes the default value, so that indices still line up.
pub(crate) fn parsed<'a, T: Default>(
    root: &Obj<'a>,
    key: &str,
    report: &mut Validation,
    mut parse: impl FnMut(&Obj<'a>, &mut Validation) -> T,
) -> Vec<T> {
    entries(root, key, report)
        .into_iter()
        .map(|o| o.map(|o| parse(&o, report)).unwrap_or_default())
        .collect()
}

/// Parses and checks the JSON; `None` when it is not a JSON object at all.
pub(crate) fn parse(json: &[u8], report: &mut Validation) -> Option<Document> {
    if json.len() > MAX_JSON_BYTES {
        report.error(
            "JSON_TOO_LARGE",
            "",
            format!(
                "the JSON is {} bytes, more than the {MAX_JSON_BYTES} we accept",
                json.len()
            ),
        );
        return None;
    }
    let value: Value = match serde_json::from_slice(json) {
        Ok(value) => value,
        Err(e) => {
            report.error("INVALID_JSON", "", format!("invalid JSON: {e}"));
            return None;
        }
    };
    let root = Obj::new(&value, String::new(), report)?;
    let counts = Counts::of(&value);
    let mut doc = Document::default();
    check_asset(&root, report);
    extensions::parse_lists(&root, &mut doc, report);
    geometry::parse(&root, &counts, &mut doc, report);
    material::parse(&root, &counts, &mut doc, report);
    scene::parse(&root, &counts, &mut doc, report);
    khr_ranges::check_lights(&root, report);
    extensions::check_declared(&value, &doc, report);
    Some(doc)
}

fn check_asset(root: &Obj<'_>, report: &mut Validation) {
    let Some(asset) = root.req_object("asset", report) else {
        return;
    };
    let Some(version) = asset.req_string("version", report) else {
        return;
    };
    let Some((major, minor)) = parse_version(version) else {
        report.error(
            "PATTERN_MISMATCH",
            &asset.at("version"),
            format!("`{version}` is not a version like `2.0`"),
        );
        return;
    };
    if major != 2 {
        report.error(
            "UNKNOWN_ASSET_MAJOR_VERSION",
            &asset.at("version"),
            format!("glTF {major}.{minor} is not glTF 2"),
        );
    } else if minor > 0 {
        report.warning(
            "UNKNOWN_ASSET_MINOR_VERSION",
            &asset.at("version"),
            format!("glTF 2.{minor} is newer than 2.0"),
        );
    }
    if let Some(min_version) = asset.string("minVersion", report) {
        match parse_version(min_version) {
            Some(min) if min > (major, minor) => report.error(
                "ASSET_MIN_VERSION_GREATER_THAN_VERSION",
                &asset.at("minVersion"),
                format!("minVersion {min_version} is greater than version {version}"),
            ),
            Some(_) => {}
            None => report.error(
                "PATTERN_MISMATCH",
                &asset.at("minVersion"),
                format!("`{min_version}` is not a version like `2.0`"),
            ),
        }
    }
}

fn parse_version(text: &str) -> Option<(u64, u64)> {
    let (major, minor) = text.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(major) || !digits(minor) {
        return None;
    }
    Some((major.parse().ok()?, minor.parse().ok()?))
}
