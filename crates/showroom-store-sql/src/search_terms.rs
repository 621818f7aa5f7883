//! Typo-tolerant search: the vocabulary of product text and the correction of query words by it.
//!
//! Every product write calls [`remember`] with the product's title and description, in its own
//! transaction, so the vocabulary (`search_terms`) never lacks a searchable word. Each new term is
//! also stored under each of its one-character deletions (`search_term_keys`), so [`correct`]
//! finds every term within one edit of a query word with a single indexed lookup of the word and
//! its own deletions (symmetric delete), then keeps the true one-edit ones (insertion, deletion,
//! substitution or two neighbours swapped).
//!
//! A query word that some stored word begins with is searched as typed (a prefix, as before);
//! only a word nothing begins with is replaced by its one-typo neighbours.

use std::collections::BTreeSet;

use sqlx::AnyConnection;

use crate::error::db;
use crate::rows;
use crate::sql::{in_list, Arg, Sql};

/// Words shorter than this are never corrected: one edit away from a two-letter word is half the
/// dictionary.
const MIN_CORRECTED_CHARS: usize = 3;
/// At most this many corrections per word, the closest in spelling order.
const MAX_ALTERNATIVES: usize = 8;
/// Words of one product remembered at most (a 20,000-character description stops here).
const MAX_REMEMBERED: usize = 2_000;
const MAX_TERM_CHARS: usize = 64;
/// Rows per multi-row INSERT: two values each, well under both engines' placeholder limits.
const ROWS_PER_INSERT: usize = 400;

/// One word of a query as it is searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerm {
    /// The word as typed, or the stored words one typo away from it.
    pub alternatives: Vec<String>,
    /// Whether the alternatives match as prefixes (the word as typed) or whole words
    /// (corrections).
    pub prefix: bool,
}

/// Lowercased alphanumeric runs of `text`, as search words are cut.
fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().count() <= MAX_TERM_CHARS)
}

/// `word` without each one of its characters in turn.
fn deletions(word: &str) -> BTreeSet<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len())
        .map(|skip| {
            chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}

/// Whether `a` becomes `b` with at most one insertion, deletion, substitution or swap of two
/// neighbouring characters.
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let first_diff = short
        .iter()
        .zip(long.iter())
        .position(|(x, y)| x != y)
        .unwrap_or(short.len());
    if short.len() == long.len() {
        let i = first_diff;
        i == short.len()
            || short[i + 1..] == long[i + 1..]
            || (i + 1 < short.len()
                && short[i] == long[i + 1]
                && short[i + 1] == long[i]
                && short[i + 2..] == long[i + 2..])
    } else {
        short[first_diff..] == long[first_diff + 1..]
    }
}

/// Adds the words of `texts` to the vocabulary (and their deletion keys), inside the caller's
/// transaction. Words already known cost one read; new ones are inserted in sorted order, so two
/// concurrent writers take their locks in the same order.
pub(crate) async fn remember(
    conn: &mut AnyConnection,
    texts: &[&str],
) -> Result<(), showroom_store::StoreError> {
    let words: BTreeSet<String> = texts
        .iter()
        .flat_map(|t| words_of(t))
        .take(MAX_REMEMBERED)
        .collect();
    if words.is_empty() {
        return Ok(());
    }
    let mut known = BTreeSet::new();
    let all: Vec<&String> = words.iter().collect();
    for chunk in all.chunks(ROWS_PER_INSERT) {
        let mut sql = Sql::default();
        let list = in_list(&mut sql, chunk.iter().map(|w| (*w).clone()));
        sql.push(&format!(
            "SELECT term FROM search_terms WHERE term IN ({list})"
        ));
        for row in sql.query().fetch_all(&mut *conn).await.map_err(db)? {
            known.insert(rows::get::<String>(&row, "term")?);
        }
    }
    let new: Vec<&String> = words.difference(&known).collect();
    if new.is_empty() {
        return Ok(());
    }
    insert_pairs(
        conn,
        "search_terms (term)",
        new.iter().map(|t| vec![(*t).clone()]),
    )
    .await?;
    let keys: BTreeSet<(String, String)> = new
        .iter()
        .flat_map(|term| {
            let mut keys = deletions(term);
            keys.insert((*term).clone());
            keys.into_iter().map(move |key| (key, (*term).clone()))
        })
        .filter(|(key, _)| !key.is_empty())
        .collect();
    insert_pairs(
        conn,
        "search_term_keys (key, term)",
        keys.into_iter().map(|(k, t)| vec![k, t]),
    )
    .await
}

/// [`remember`] for many writes at once (the catalog import), each write's texts one entry of
/// `each`: the vocabulary ends the same as with one call per write, in fewer statements. Writes
/// are grouped while their words together stay within what one call keeps, so no group loses a
/// word that its own call would have kept; a write with more words than that goes alone.
pub(crate) async fn remember_each(
    conn: &mut AnyConnection,
    each: &[Vec<&str>],
) -> Result<(), showroom_store::StoreError> {
    let mut group: Vec<&str> = Vec::new();
    let mut words = 0;
    for texts in each {
        let count: usize = texts.iter().map(|t| words_of(t).count()).sum();
        if words + count > MAX_REMEMBERED && !group.is_empty() {
            remember(conn, &group).await?;
            group.clear();
            words = 0;
        }
        group.extend(texts.iter().copied());
        words += count;
    }
    if !group.is_empty() {
        remember(conn, &group).await?;
    }
    Ok(())
}

/// Multi-row `INSERT … ON CONFLICT DO NOTHING` of `rows` (each as many values as the columns).
async fn insert_pairs(
    conn: &mut AnyConnection,
    table: &str,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), showroom_store::StoreError> {
    let rows: Vec<Vec<String>> = rows.collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = Sql::default();
        let values: Vec<String> = chunk
            .iter()
            .map(|row| {
                let cells: Vec<String> =
                    row.iter().map(|v| sql.arg(Arg::Text(v.clone()))).collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        let text = format!(
            "INSERT INTO {table} VALUES {} ON CONFLICT DO NOTHING",
            values.join(", ")
        );
        sql.push(&text);
        sql.query().execute(&mut *conn).await.map_err(db)?;
    }
    Ok(())
}

/// The query's words as searched: each as typed when a stored word begins with it (or it is too
/// short to correct, or nothing is one typo away), else the stored words one typo away.
pub(crate) async fn correct(
    conn: &mut AnyConnection,
    words: &[String],
) -> Result<Vec<SearchTerm>, showroom_store::StoreError> {
    let mut terms = Vec::with_capacity(words.len());
    for word in words {
        let as_typed = SearchTerm {
            alternatives: vec![word.clone()],
            prefix: true,
        };
        if word.chars().count() < MIN_CORRECTED_CHARS || begins_a_term(conn, word).await? {
            terms.push(as_typed);
            continue;
        }
        let mut keys = deletions(word);
        keys.insert(word.clone());
        let mut sql = Sql::default();
        let list = in_list(&mut sql, keys);
        sql.push(&format!(
            "SELECT DISTINCT term FROM search_term_keys WHERE key IN ({list}) ORDER BY term"
        ));
        let mut found = Vec::new();
        for row in sql.query().fetch_all(&mut *conn).await.map_err(db)? {
            let term: String = rows::get(&row, "term")?;
            if within_one_edit(word, &term) && found.len() < MAX_ALTERNATIVES {
                found.push(term);
            }
        }
        terms.push(if found.is_empty() {
            as_typed
        } else {
            SearchTerm {
                alternatives: found,
                prefix: false,
            }
        });
    }
    Ok(terms)
}

/// Whether some stored word begins with `word`: a range over the term index (both engines compare
/// these columns bytewise, and U+10FFFF sorts after every other character).
async fn begins_a_term(
    conn: &mut AnyConnection,
    word: &str,
) -> Result<bool, showroom_store::StoreError> {
    let found = sqlx::query("SELECT term FROM search_terms WHERE term >= $1 AND term < $2 LIMIT 1")
        .bind(word)
        .bind(format!("{word}\u{10FFFF}"))
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    Ok(found.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_means_one_insertion_deletion_substitution_or_swap() {
        for (a, b) in [
            ("chiar", "chair"),
            ("chir", "chair"),
            ("chaair", "chair"),
            ("chaor", "chair"),
            ("hcair", "chair"),
            ("chair", "chair"),
            ("chai", "chair"),
        ] {
            assert!(within_one_edit(a, b), "{a} → {b}");
            assert!(within_one_edit(b, a), "{b} → {a}");
        }
        for (a, b) in [
            ("chr", "chair"),
            ("cahri", "chair"),
            ("xhaiy", "chair"),
            ("table", "chair"),
        ] {
            assert!(!within_one_edit(a, b), "{a} ↛ {b}");
        }
    }

    #[test]
    fn a_typo_and_its_word_share_a_deletion_key() {
        let shared = |a: &str, b: &str| {
            let (mut ka, mut kb) = (deletions(a), deletions(b));
            ka.insert(a.into());
            kb.insert(b.into());
            ka.intersection(&kb).next().is_some()
        };
        assert!(shared("chiar", "chair"));
        assert!(shared("chai", "chair"));
        assert!(shared("chaor", "chair"));
        assert!(!shared("table", "chair"));
    }
}
