//! What the validator reports: one [`Problem`] per finding, collected into a [`Validation`].
//!
//! Every problem carries a stable `code` (the Khronos glTF-Validator code where one matches), a
//! [`Severity`], a JSON pointer into the document (empty for the file as a whole, e.g. the GLB
//! header) and a plain-English message. The collector keeps at most
//! [`MAX_PROBLEMS`](super::limits::MAX_PROBLEMS) problems in memory, so a hostile file with a
//! million bad references cannot grow the report without bound; the counts stay exact.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::limits::MAX_PROBLEMS;

/// Errors the scene decoder and the optimizer repair rather than refuse: a scene listing a
/// node that is some node's child (drawn once, under its root ancestor).
pub const REPAIRABLE: &[&str] = &["SCENE_NON_ROOT_NODE"];

/// How bad a problem is. Only errors make an asset unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding about an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable machine-readable code, e.g. `ACCESSOR_INDEX_OOB` (borrowed when we found the
    /// problem, owned when it was read back from a stored report).
    pub code: Cow<'static, str>,
    pub severity: Severity,
    /// JSON pointer to the offending value, e.g. `/meshes/0/primitives/1/indices`.
    pub pointer: String,
    pub message: String,
}

impl Problem {
    /// True for the codes in [`REPAIRABLE`].
    pub fn is_repairable(&self) -> bool {
        REPAIRABLE.contains(&self.code.as_ref())
    }
}

/// `CODE at /pointer: message`, as reports and warnings quote a problem.
impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}: {}", self.code, self.pointer, self.message)
    }
}

/// The outcome of validating one asset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    /// The problems found, in the order they were found (at most `MAX_PROBLEMS`).
    pub problems: Vec<Problem>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// True when more problems were found than are listed.
    pub truncated: bool,
}

impl Validation {
    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// The first error that makes the document unusable for drawing and optimizing: any error
    /// but the [`REPAIRABLE`] ones; or, when errors were found beyond the listed problems
    /// (which cannot be known to be repairable), the first listed problem.
    pub fn blocking_error(&self) -> Option<&Problem> {
        let listed = self
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .find(|p| !p.is_repairable());
        listed.or_else(|| {
            self.problems
                .first()
                .filter(|_| self.truncated && self.errors > 0)
        })
    }

    /// The listed problems with `code`.
    pub fn with_code<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Problem> + 'a {
        self.problems.iter().filter(move |p| p.code == code)
    }

    /// The problems that are [repairable](Problem::is_repairable).
    pub fn repairable(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_repairable())
    }

    pub(crate) fn push(
        &mut self,
        code: &'static str,
        severity: Severity,
        pointer: &str,
        message: String,
    ) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
        if self.problems.len() >= MAX_PROBLEMS {
            self.truncated = true;
            return;
        }
        self.problems.push(Problem {
            code: Cow::Borrowed(code),
            severity,
            pointer: pointer.to_owned(),
            message,
        });
    }

    pub(crate) fn error(&mut self, code: &'static str, pointer: &str, message: impl Into<String>) {
        self.push(code, Severity::Error, pointer, message.into());
    }

    pub(crate) fn warning(
        &mut self,
        code: &'static str,
        pointer: &str,
        message: impl Into<String>,
    ) {
        self.push(code, Severity::Warning, pointer, message.into());
    }

    pub(crate) fn info(&mut self, code: &'static str, pointer: &str, message: impl Into<String>) {
        self.push(code, Severity::Info, pointer, message.into());
    }
}
