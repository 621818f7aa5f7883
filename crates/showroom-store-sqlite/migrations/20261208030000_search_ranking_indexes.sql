-- What ranking a search reads, in two narrow indexes. Relevance orders every match (a one-word
-- search matches thousands of products at 100,000), so each match's cost counts:
--
-- products_fts_rows_by_fts_rowid maps the full-text index's row ids back to products. A search
-- reads each match's product_id through it instead of from the FTS5 content table, whose rows
-- carry the whole title and description (at 100,000 products: 4 ms instead of 9 ms for 6,000
-- matches). The matches come in row id order, so its pages are read in order.
--
-- products_search_rank_idx carries every column the ranking reads (status, available, title_key),
-- so matches are ranked from index entries, and only the page's rows are read whole.
CREATE INDEX products_fts_rows_by_fts_rowid ON products_fts_rows (fts_rowid, product_id);
CREATE INDEX products_search_rank_idx ON products (id, status, available, title_key);
