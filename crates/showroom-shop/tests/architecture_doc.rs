//! `docs/architecture.md` walks through the code by naming functions (`name()` in backticks).
//! This test keeps it honest: every function it names must be declared somewhere in `crates/`,
//! so a rename that leaves the guide behind fails here instead of misleading the next engineer.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `` `name()` `` in the text: an identifier, then `()`, between backticks.
fn named_functions(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|span| span.strip_suffix("()"))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .map(str::to_owned)
        .collect()
}

fn rust_sources(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

/// Whether `source` declares `fn name` (followed by its parameters or generics).
fn declares(source: &str, name: &str) -> bool {
    let needle = format!("fn {name}");
    source.match_indices(&needle).any(|(at, _)| {
        matches!(
            source[at + needle.len()..].chars().next(),
            Some('(') | Some('<')
        )
    })
}

#[test]
fn every_function_named_in_the_architecture_doc_exists() {
    let doc = std::fs::read_to_string(workspace().join("docs/architecture.md"))
        .expect("docs/architecture.md exists");
    let names = named_functions(&doc);
    assert!(
        names.len() >= 20,
        "the guide names its functions as `name()`: found only {names:?}"
    );
    let mut sources = Vec::new();
    rust_sources(&workspace().join("crates"), &mut sources);
    let missing: Vec<&String> = names
        .iter()
        .filter(|name| !sources.iter().any(|source| declares(source, name)))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/architecture.md names functions that do not exist: {missing:?}"
    );
}

#[test]
fn a_renamed_function_would_be_caught() {
    let names = named_functions("calls `place_order()` then `no_such_function_anywhere()`");
    assert_eq!(names, ["place_order", "no_such_function_anywhere"]);
    assert!(declares("pub async fn place_order(&self)", "place_order"));
    assert!(!declares(
        "pub async fn place_order_impl(&self)",
        "place_order"
    ));
    assert!(!declares(
        "fn place_order_later()",
        "no_such_function_anywhere"
    ));
}
