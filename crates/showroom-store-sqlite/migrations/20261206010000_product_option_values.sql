-- The option values each product offers, one row per (product, option, value) however many of its
-- variants carry it: what the listing's option facet counts and its option filter looks up, so
-- neither has to walk every variant of the filtered products (at 100,000 products a category's
-- facet joined 30,000 variants and counted distinct products per value).
--
-- name is the smallest spelling of the option's name among those variants (names match
-- case-insensitively through name_key), as the facet reports it. category_id and status are
-- copies of the product's, so a category's facet is one range of product_option_values_facet_idx
-- (at 100,000 products: 30,000 index entries counted instead of 10,000 products joined).
--
-- Triggers on variant_options and variants keep it in step, like the search index, so no write
-- path (the admin API, the import, a future bulk path) can forget it: an inserted option value
-- is added, and a removed one (or a removed variant) makes the store recount that one value of
-- that product from the variants that are left.
CREATE TABLE product_option_values (
    product_id  TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    category_id TEXT,
    status      TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    value       TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (product_id, name_key, value)
) WITHOUT ROWID;
-- The option facet of a category (every column it reads), and the option filter ("the products
-- of this category with Color = Oak").
CREATE INDEX product_option_values_facet_idx
    ON product_option_values (category_id, status, name_key, value, name, product_id);
CREATE INDEX product_option_values_lookup_idx
    ON product_option_values (name_key, value, category_id, status, product_id);

-- A category's products newest first (the listing's default order), carrying the columns the
-- other filters and the category and price facets read: a category's first page reads its 24
-- newest rows instead of sorting all of them, and its facets count index entries instead of
-- reading each product's whole row (its description, its JSON). It replaces the plain index on
-- category_id, whose every use it serves.
CREATE INDEX products_category_listing_idx
    ON products (category_id, status, created_at, id, available, price_min_minor);
DROP INDEX products_category_idx;

-- "WHERE true" keeps SQLite's parser from reading ON CONFLICT as a join constraint of the SELECT.
CREATE TRIGGER product_option_values_insert AFTER INSERT ON variant_options BEGIN
    INSERT INTO product_option_values (product_id, category_id, status, name_key, value, name)
    SELECT p.id, p.category_id, p.status, new.name_key, new.value, new.name
    FROM variants v JOIN products p ON p.id = v.product_id
    WHERE v.id = new.variant_id AND true
    ON CONFLICT (product_id, name_key, value) DO UPDATE SET name = MIN(name, excluded.name);
END;

-- Recounts the removed value of the variant's product from the variants still carrying it. When
-- the whole variant is being deleted its row is already gone here (nothing to recount); the
-- variants trigger below does it. CROSS JOIN fixes SQLite's join order: the product's variants
-- (variants_product_idx), then each one's options by primary key. Without statistics SQLite
-- started from variant_options_lookup_idx (every variant with that value: 25,000 rows at 100,000
-- products, ~70 ms per deleted row), and a re-import ran at a few products a second.
CREATE TRIGGER product_option_values_delete AFTER DELETE ON variant_options BEGIN
    DELETE FROM product_option_values
    WHERE product_id = (SELECT v.product_id FROM variants v WHERE v.id = old.variant_id)
      AND name_key = old.name_key AND value = old.value;
    INSERT INTO product_option_values (product_id, category_id, status, name_key, value, name)
    SELECT p.id, p.category_id, p.status, o.name_key, o.value, MIN(o.name)
    FROM variants v CROSS JOIN variant_options o CROSS JOIN products p
    WHERE v.product_id = (SELECT v2.product_id FROM variants v2 WHERE v2.id = old.variant_id)
      AND o.variant_id = v.id AND o.name_key = old.name_key AND o.value = old.value
      AND p.id = v.product_id
    GROUP BY p.id, o.name_key, o.value;
END;

-- An option row never changes in place (the store deletes and inserts), but if one did, recount
-- both the old and the new value.
CREATE TRIGGER product_option_values_update AFTER UPDATE ON variant_options BEGIN
    DELETE FROM product_option_values
    WHERE product_id IN (SELECT v.product_id FROM variants v WHERE v.id IN (old.variant_id, new.variant_id));
    INSERT INTO product_option_values (product_id, category_id, status, name_key, value, name)
    SELECT p.id, p.category_id, p.status, o.name_key, o.value, MIN(o.name)
    FROM products p JOIN variants v ON v.product_id = p.id JOIN variant_options o ON o.variant_id = v.id
    WHERE v.product_id IN (SELECT v2.product_id FROM variants v2 WHERE v2.id IN (old.variant_id, new.variant_id))
    GROUP BY p.id, o.name_key, o.value;
END;

-- A deleted (or moved) variant: recount every value of its product from the variants left, unless
-- the product itself is being deleted (its rows go with it).
CREATE TRIGGER product_option_values_variant_delete AFTER DELETE ON variants BEGIN
    DELETE FROM product_option_values WHERE product_id = old.product_id;
    INSERT INTO product_option_values (product_id, category_id, status, name_key, value, name)
    SELECT p.id, p.category_id, p.status, o.name_key, o.value, MIN(o.name)
    FROM products p JOIN variants v ON v.product_id = p.id JOIN variant_options o ON o.variant_id = v.id
    WHERE v.product_id = old.product_id
    GROUP BY p.id, o.name_key, o.value;
END;

CREATE TRIGGER product_option_values_variant_move AFTER UPDATE OF product_id ON variants BEGIN
    DELETE FROM product_option_values WHERE product_id IN (old.product_id, new.product_id);
    INSERT INTO product_option_values (product_id, category_id, status, name_key, value, name)
    SELECT p.id, p.category_id, p.status, o.name_key, o.value, MIN(o.name)
    FROM products p JOIN variants v ON v.product_id = p.id JOIN variant_options o ON o.variant_id = v.id
    WHERE v.product_id IN (old.product_id, new.product_id)
    GROUP BY p.id, o.name_key, o.value;
END;

-- A product's category or status copied where it changes.
CREATE TRIGGER product_option_values_product_update AFTER UPDATE OF category_id, status ON products
WHEN old.category_id IS NOT new.category_id OR old.status IS NOT new.status BEGIN
    UPDATE product_option_values SET category_id = new.category_id, status = new.status
    WHERE product_id = new.id;
END;

-- The products already stored.
INSERT INTO product_option_values (product_id, category_id, status, name_key, value, name)
SELECT p.id, p.category_id, p.status, o.name_key, o.value, MIN(o.name)
FROM products p JOIN variants v ON v.product_id = p.id JOIN variant_options o ON o.variant_id = v.id
GROUP BY p.id, o.name_key, o.value;
