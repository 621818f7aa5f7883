-- The full-text index's triggers found a product's row by `product_id`, an UNINDEXED column:
-- every title or description update and every delete scanned the whole index (about 15 ms of
-- CPU per product at 100,000 products, so re-importing a large catalog took time quadratic in
-- its size), and the update trigger fired whenever an UPDATE named the columns, changed or not.
--
-- products_fts_rows maps each product to its full-text row id (the FTS5 table's own rowid,
-- which VACUUM keeps, unlike the products table's implicit one), so the triggers reach the row
-- with one primary-key probe; the update trigger now runs only when the searched text changed.
-- Searches still read product_id from the index itself, unchanged.
CREATE TABLE products_fts_rows (
    product_id TEXT PRIMARY KEY NOT NULL,
    fts_rowid  INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO products_fts_rows (product_id, fts_rowid) SELECT product_id, rowid FROM products_fts;

DROP TRIGGER products_fts_insert;
DROP TRIGGER products_fts_update;
DROP TRIGGER products_fts_delete;

CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (product_id, title, description) VALUES (new.id, new.title, new.description);
    INSERT INTO products_fts_rows (product_id, fts_rowid) VALUES (new.id, last_insert_rowid());
END;

CREATE TRIGGER products_fts_update AFTER UPDATE OF title, description ON products
WHEN old.title IS NOT new.title OR old.description IS NOT new.description BEGIN
    DELETE FROM products_fts
    WHERE rowid = (SELECT fts_rowid FROM products_fts_rows WHERE product_id = old.id);
    INSERT INTO products_fts (rowid, product_id, title, description)
    VALUES ((SELECT fts_rowid FROM products_fts_rows WHERE product_id = old.id), new.id, new.title,
            new.description);
END;

CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    DELETE FROM products_fts
    WHERE rowid = (SELECT fts_rowid FROM products_fts_rows WHERE product_id = old.id);
    DELETE FROM products_fts_rows WHERE product_id = old.id;
END;
