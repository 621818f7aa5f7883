-- Search that forgives one typo per word. search_terms is the vocabulary of every product's
-- title and description (lowercased alphanumeric runs, as the store's tokenizer cuts them);
-- search_term_keys indexes each term under itself and each of its one-character deletions, so
-- the terms within one edit of a query word are found with one indexed IN over the word's own
-- deletions (the "symmetric delete" method): "chiar" and "chair" share the key "char".
--
-- The store adds the terms in the same transaction as every product write (create, update,
-- import); terms are never removed, because a stale term costs only a wasted candidate, and
-- counting uses per term would make every description edit rewrite many rows. The same tables
-- and the same SQL serve PostgreSQL, so both engines correct exactly alike.
CREATE TABLE search_terms (
    term TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

CREATE TABLE search_term_keys (
    key  TEXT NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (key, term)
) WITHOUT ROWID;

-- The products already stored: their terms come from the full-text index's own vocabulary.
CREATE VIRTUAL TABLE temp.products_fts_vocab USING fts5vocab(main, products_fts, 'row');
INSERT OR IGNORE INTO search_terms (term) SELECT term FROM temp.products_fts_vocab;
DROP TABLE temp.products_fts_vocab;

INSERT OR IGNORE INTO search_term_keys (key, term) SELECT term, term FROM search_terms;
WITH RECURSIVE positions (term, i) AS (
    SELECT term, 1 FROM search_terms
    UNION ALL
    SELECT term, i + 1 FROM positions WHERE i < length(term)
)
INSERT OR IGNORE INTO search_term_keys (key, term)
SELECT substr(term, 1, i - 1) || substr(term, i + 1), term FROM positions WHERE length(term) > 1;
