//! Typed reading of the glTF JSON, one property at a time, with a problem for every value of the
//! wrong type and every reference out of range.
//!
//! [`Obj`] wraps one JSON object and its JSON pointer. Its getters return `None` when a property
//! is absent or unusable, after recording why (`TYPE_MISMATCH`, `UNDEFINED_PROPERTY`,
//! `INVALID_INDEX`, `UNRESOLVED_REFERENCE`, `VALUE_NOT_IN_RANGE`, ...). A reference getter
//! returns an index only when it is inside the target array, so code after parsing can index
//! without further checks. Integers may be written as floats (`1.0`, `1e0`), as the spec allows.

use serde_json::{Map, Value};

use super::problem::Validation;

/// Largest integer a JSON number can carry exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// `base` + `/` + `key`, with `~` and `/` escaped as RFC 6901 asks.
pub(crate) fn child(base: &str, key: &str) -> String {
    let key = key.replace('~', "~0").replace('/', "~1");
    format!("{base}/{key}")
}

pub(crate) fn item(base: &str, index: usize) -> String {
    format!("{base}/{index}")
}

/// A non-negative integer, also when written as a float with no fraction. Values above 2^53
/// are refused, so sums of two declared numbers can never overflow a `u64`.
pub(crate) fn as_uint(value: &Value) -> Option<u64> {
    if let Some(n) = value.as_u64() {
        return (n as f64 <= MAX_SAFE_INTEGER).then_some(n);
    }
    let f = value.as_f64()?;
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= MAX_SAFE_INTEGER).then_some(f as u64)
}

fn is_negative_integer(value: &Value) -> bool {
    value.as_f64().is_some_and(|f| f < 0.0 && f.fract() == 0.0)
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn mismatch(report: &mut Validation, pointer: &str, value: &Value, expected: &str) {
    report.error(
        "TYPE_MISMATCH",
        pointer,
        format!("expected {expected}, found {}", type_name(value)),
    );
}

/// Resolves one reference value into `target` (an array of `count` items).
pub(crate) fn reference(
    value: &Value,
    pointer: &str,
    target: &str,
    count: usize,
    report: &mut Validation,
) -> Option<usize> {
    let Some(index) = as_uint(value) else {
        if is_negative_integer(value) {
            report.error(
                "INVALID_INDEX",
                pointer,
                "an index must be a non-negative integer",
            );
        } else {
            mismatch(report, pointer, value, "an index (integer)");
        }
        return None;
    };
    if index >= count as u64 {
        report.error(
            "UNRESOLVED_REFERENCE",
            pointer,
            format!("{target}[{index}] does not exist ({count} defined)"),
        );
        return None;
    }
    Some(index as usize)
}

/// One JSON object of the document and where it is.
#[derive(Clone)]
pub(crate) struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub ptr: String,
}

impl<'a> Obj<'a> {
    /// The object at `pointer`, or `None` after a `TYPE_MISMATCH`.
    pub fn new(value: &'a Value, ptr: String, report: &mut Validation) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Self { map, ptr }),
            other => {
                mismatch(report, &ptr, other, "an object");
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    pub fn at(&self, key: &str) -> String {
        child(&self.ptr, key)
    }

    fn required<T>(&self, key: &str, found: Option<T>, report: &mut Validation) -> Option<T> {
        if self.map.get(key).is_none() {
            report.error(
                "UNDEFINED_PROPERTY",
                &self.ptr,
                format!("property `{key}` must be defined"),
            );
        }
        found
    }

    /// Reports `UNDEFINED_PROPERTY` when `key` is absent; true when present.
    pub fn require(&self, key: &str, report: &mut Validation) -> bool {
        self.required(key, Some(()), report).is_some() && self.map.contains_key(key)
    }

    pub fn uint(&self, key: &str, report: &mut Validation) -> Option<u64> {
        let value = self.get(key)?;
        let found = as_uint(value);
        if found.is_none() {
            if is_negative_integer(value) {
                report.error("VALUE_NOT_IN_RANGE", &self.at(key), "must not be negative");
            } else {
                mismatch(report, &self.at(key), value, "an integer");
            }
        }
        found
    }

    pub fn req_uint(&self, key: &str, report: &mut Validation) -> Option<u64> {
        let found = self.uint(key, report);
        self.required(key, found, report)
    }

    pub fn number(&self, key: &str, report: &mut Validation) -> Option<f64> {
        self.typed(key, report, "a number", |v| {
            v.as_f64().filter(|f| f.is_finite())
        })
    }

    /// A number that must lie in `lo..=hi` (or `lo<..=hi` when `lo_open`).
    pub fn number_in(
        &self,
        key: &str,
        lo: f64,
        hi: f64,
        lo_open: bool,
        report: &mut Validation,
    ) -> Option<f64> {
        let n = self.number(key, report)?;
        let low_ok = if lo_open { n > lo } else { n >= lo };
        if !low_ok || n > hi {
            report.error(
                "VALUE_NOT_IN_RANGE",
                &self.at(key),
                format!("value {n} is out of range"),
            );
            return None;
        }
        Some(n)
    }

    pub fn req_number(&self, key: &str, report: &mut Validation) -> Option<f64> {
        let found = self.number(key, report);
        self.required(key, found, report)
    }

    pub fn boolean(&self, key: &str, report: &mut Validation) -> Option<bool> {
        self.typed(key, report, "a boolean", Value::as_bool)
    }

    pub fn string(&self, key: &str, report: &mut Validation) -> Option<&'a str> {
        self.typed(key, report, "a string", Value::as_str)
    }

    /// `key`'s value read by `read`; a present value it cannot read is reported as not
    /// `expected` (e.g. "a string"). Absent is `None` without a report.
    fn typed<T>(
        &self,
        key: &str,
        report: &mut Validation,
        expected: &str,
        read: impl FnOnce(&'a Value) -> Option<T>,
    ) -> Option<T> {
        let value = self.get(key)?;
        let found = read(value);
        if found.is_none() {
            mismatch(report, &self.at(key), value, expected);
        }
        found
    }

    pub fn req_string(&self, key: &str, report: &mut Validation) -> Option<&'a str> {
        let found = self.string(key, report);
        self.required(key, found, report)
    }

    /// An array; `EMPTY_ENTITY` when it is present but empty and `non_empty` is asked.
    /// The items of the array at `key`, each with its JSON pointer: none when the array is
    /// missing or not an array (reported); an empty one is also an `EMPTY_ENTITY` error.
    pub fn items(&self, key: &str, report: &mut Validation) -> Vec<(&'a Value, String)> {
        let Some(items) = self.array(key, true, report) else {
            return Vec::new();
        };
        let base = self.at(key);
        items
            .iter()
            .enumerate()
            .map(|(i, v)| (v, item(&base, i)))
            .collect()
    }

    pub fn array(
        &self,
        key: &str,
        non_empty: bool,
        report: &mut Validation,
    ) -> Option<&'a [Value]> {
        let value = self.get(key)?;
        let Some(items) = value.as_array() else {
            mismatch(report, &self.at(key), value, "an array");
            return None;
        };
        if non_empty && items.is_empty() {
            report.error("EMPTY_ENTITY", &self.at(key), "the array must not be empty");
        }
        Some(items)
    }

    pub fn req_array(&self, key: &str, report: &mut Validation) -> Option<&'a [Value]> {
        let found = self.array(key, true, report);
        self.required(key, found, report)
    }

    pub fn object(&self, key: &str, report: &mut Validation) -> Option<Obj<'a>> {
        Obj::new(self.get(key)?, self.at(key), report)
    }

    pub fn req_object(&self, key: &str, report: &mut Validation) -> Option<Obj<'a>> {
        let found = self.object(key, report);
        self.required(key, found, report)
    }

    /// An array of finite numbers whose length is one of `lengths`.
    pub fn numbers(
        &self,
        key: &str,
        lengths: &[usize],
        report: &mut Validation,
    ) -> Option<Vec<f64>> {
        let items = self.array(key, false, report)?;
        if !lengths.is_empty() && !lengths.contains(&items.len()) {
            report.error(
                "ARRAY_LENGTH_NOT_IN_LIST",
                &self.at(key),
                format!("length {} is not one of {lengths:?}", items.len()),
            );
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, value) in items.iter().enumerate() {
            match value.as_f64().filter(|f| f.is_finite()) {
                Some(n) => out.push(n),
                None => {
                    mismatch(report, &item(&self.at(key), i), value, "a number");
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Numbers of a fixed length whose every component lies in `lo..=hi`.
    pub fn numbers_in(
        &self,
        key: &str,
        len: usize,
        lo: f64,
        hi: f64,
        report: &mut Validation,
    ) -> Option<Vec<f64>> {
        let values = self.numbers(key, &[len], report)?;
        let mut ok = true;
        for (i, n) in values.iter().enumerate() {
            if *n < lo || *n > hi {
                report.error(
                    "VALUE_NOT_IN_RANGE",
                    &item(&self.at(key), i),
                    format!("value {n} is out of range {lo}..={hi}"),
                );
                ok = false;
            }
        }
        ok.then_some(values)
    }

    pub fn reference(
        &self,
        key: &str,
        target: &str,
        count: usize,
        report: &mut Validation,
    ) -> Option<usize> {
        reference(self.get(key)?, &self.at(key), target, count, report)
    }

    pub fn req_reference(
        &self,
        key: &str,
        target: &str,
        count: usize,
        report: &mut Validation,
    ) -> Option<usize> {
        let found = self.reference(key, target, count, report);
        self.required(key, found, report)
    }

    /// An array of references; the unresolved ones are reported and left out.
    pub fn references(
        &self,
        key: &str,
        target: &str,
        count: usize,
        report: &mut Validation,
    ) -> Vec<usize> {
        self.items(key, report)
            .into_iter()
            .filter_map(|(v, ptr)| reference(v, &ptr, target, count, report))
            .collect()
    }

    /// A string that should be one of `allowed`: `VALUE_NOT_IN_LIST` (a warning, as unknown
    /// enum values may come from a newer spec) otherwise.
    pub fn enum_str(
        &self,
        key: &str,
        allowed: &[&str],
        report: &mut Validation,
    ) -> Option<&'a str> {
        let s = self.string(key, report)?;
        if !allowed.contains(&s) {
            report.warning(
                "VALUE_NOT_IN_LIST",
                &self.at(key),
                format!("`{s}` is not one of {allowed:?}"),
            );
            return None;
        }
        Some(s)
    }
}
