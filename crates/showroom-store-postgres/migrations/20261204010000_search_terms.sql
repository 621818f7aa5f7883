-- Search that forgives one typo per word: the twin of the SQLite migration of the same name.
-- search_terms is the vocabulary of every product's title and description; search_term_keys
-- indexes each term under itself and each of its one-character deletions, so the terms within
-- one edit of a query word are found with one indexed IN over the word's own deletions
-- ("chiar" and "chair" share the key "char").
--
-- Why not pg_trgm: trigram similarity of a short word and its typo is low ("chiar" and "chair"
-- share 2 of 10 trigrams, similarity 0.2, under the default 0.3 threshold), the extension is not
-- installable on every managed database, and this way both engines run the same SQL and correct
-- exactly alike. The store adds terms in the same transaction as every product write; terms are
-- never removed (a stale term costs only a wasted candidate).
CREATE TABLE search_terms (
    term TEXT COLLATE "C" PRIMARY KEY
);

CREATE TABLE search_term_keys (
    key  TEXT COLLATE "C" NOT NULL,
    term TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (key, term)
);

-- The products already stored: their terms come from the generated full-text document.
INSERT INTO search_terms (term)
SELECT DISTINCT unnest(tsvector_to_array(search)) FROM products
ON CONFLICT DO NOTHING;

INSERT INTO search_term_keys (key, term)
SELECT term, term FROM search_terms
UNION
SELECT substr(term, 1, i - 1) || substr(term, i + 1), term
FROM search_terms, generate_series(1, length(term)) AS i
WHERE length(term) > 1
ON CONFLICT DO NOTHING;
