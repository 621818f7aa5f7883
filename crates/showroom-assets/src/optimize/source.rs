//! The input side of the optimizer: the acceptance policy and the validated parts it reads.
//!
//! [`Source::read`] runs our validator and accepts exactly what the scene decoder accepts: no
//! error except `SCENE_NON_ROOT_NODE`, which the output repairs (see [`nodes`](super::nodes))
//! and the report records. When the problem list was truncated with errors in it, the input is
//! refused, because an unlisted error cannot be known to be repairable. Everything later reads
//! only through the [`Parts`] the validator built: accessor ranges it located, decoded meshopt
//! views, and the JSON it type-checked (with whole numbers written as floats turned into
//! integers, as the validator reads them).

use serde_json::Value;

use super::OptimizeError;
use crate::gltf::{self, Format, Inspection, Parts, Resolver, Severity, Validation};

/// A validated input document.
pub(crate) struct Source<'a> {
    pub parts: Parts<'a>,
    pub json: Value,
    pub inspection: Inspection,
    /// What the output repairs, one line each.
    pub repairs: Vec<String>,
    /// Validation warnings of the input, carried into the report.
    pub warnings: Vec<String>,
}

/// Largest integer a JSON number carries exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Rewrites whole numbers written as floats (`1.0`, `1e0`, which glTF allows for integer
/// properties and the validator accepts) as integers, so every later `as_u64` reads an index
/// the way the validator did. Non-integral numbers are left alone; glTF does not distinguish
/// `1.0` from `1` anywhere.
fn integers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER)
            {
                *value = if f >= 0.0 {
                    Value::from(f as u64)
                } else {
                    Value::from(f as i64)
                };
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integers_as_integers),
        Value::Object(map) => map.values_mut().for_each(integers_as_integers),
        _ => {}
    }
}

impl<'a> Source<'a> {
    pub fn read(
        bytes: &'a [u8],
        format: Format,
        resolver: &dyn Resolver,
    ) -> Result<Self, OptimizeError> {
        let mut validation = Validation::default();
        let Some(parts) = gltf::analyze_parts(bytes, format, resolver, &mut validation) else {
            return Err(OptimizeError::Unreadable(validation));
        };
        if let Some(first) = validation.blocking_error() {
            let first = format!("{} {}: {}", first.code, first.pointer, first.message);
            return Err(OptimizeError::Invalid { validation, first });
        }
        let repairs = validation
            .repairable()
            .map(|p| format!("{p}; the scene now lists the node's root ancestor"))
            .collect();
        let warnings = validation
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .map(|p| format!("input {p}"))
            .collect();
        let mut json: Value = serde_json::from_slice(parts.json)
            .map_err(|_| OptimizeError::Unreadable(validation.clone()))?;
        integers_as_integers(&mut json);
        let inspection = gltf::build_inspection(&parts.analysis, format, validation.errors);
        Ok(Self {
            parts,
            json,
            inspection,
            repairs,
            warnings,
        })
    }

    pub fn doc(&self) -> &gltf::Document {
        &self.parts.analysis.doc
    }
}
