-- The option values each product offers: the twin of the SQLite migration of the same name. One
-- row per (product, option, value) however many of its variants carry it, which the listing's
-- option facet counts and its option filter looks up, so neither walks every variant of the
-- filtered products (at 100,000 products a category's facet joined 30,000 variants and counted
-- distinct products per value).
--
-- name is the smallest spelling of the option's name among those variants (names match
-- case-insensitively through name_key), as the facet reports it. The columns keep the collations
-- of variant_options, so MIN and the facet's order are what they were. category_id and status are
-- copies of the product's, so a category's facet is one range of product_option_values_facet_idx
-- (at 100,000 products: 30,000 index entries counted instead of 10,000 products joined).
--
-- Triggers on variant_options and variants keep it in step, like the search document, so no write
-- path (the admin API, the import, a future bulk path) can forget it: an inserted option value is
-- added, and a removed one (or a removed variant) recounts that product's values from the
-- variants that are left.
CREATE TABLE product_option_values (
    product_id  TEXT COLLATE "C" NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    category_id TEXT COLLATE "C",
    status      TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    value       TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (product_id, name_key, value)
);
-- The option facet of a category (every column it reads, for index-only scans), and the option
-- filter ("the products of this category with Color = Oak").
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

-- Recounts every option value of one product from its variants (none when the product is gone).
CREATE FUNCTION recount_product_option_values(product TEXT) RETURNS void LANGUAGE sql AS $$
    DELETE FROM product_option_values WHERE product_id = product;
    INSERT INTO product_option_values (product_id, category_id, status, name_key, value, name)
    SELECT p.id, p.category_id, p.status, o.name_key, o.value, MIN(o.name)
    FROM products p JOIN variants v ON v.product_id = p.id
    JOIN variant_options o ON o.variant_id = v.id
    WHERE p.id = product
    GROUP BY p.id, o.name_key, o.value;
$$;

-- An inserted option value is added (or its name's smallest spelling kept); a removed or changed
-- one recounts its product. When the whole variant is being deleted, its row is already gone here
-- and the variants trigger below recounts instead.
CREATE FUNCTION product_option_values_follow_options() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO product_option_values (product_id, category_id, status, name_key, value, name)
        SELECT p.id, p.category_id, p.status, NEW.name_key, NEW.value, NEW.name
        FROM variants v JOIN products p ON p.id = v.product_id
        WHERE v.id = NEW.variant_id
        ON CONFLICT (product_id, name_key, value)
        DO UPDATE SET name = LEAST(product_option_values.name, EXCLUDED.name);
        RETURN NULL;
    END IF;
    PERFORM recount_product_option_values(v.product_id) FROM variants v
    WHERE v.id = OLD.variant_id;
    IF TG_OP = 'UPDATE' THEN
        PERFORM recount_product_option_values(v.product_id) FROM variants v
        WHERE v.id = NEW.variant_id AND NEW.variant_id <> OLD.variant_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER product_option_values_follow_options
AFTER INSERT OR UPDATE OR DELETE ON variant_options
FOR EACH ROW EXECUTE FUNCTION product_option_values_follow_options();

-- A deleted (or moved) variant recounts its product's values from the variants left.
CREATE FUNCTION product_option_values_follow_variants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM recount_product_option_values(OLD.product_id);
    IF TG_OP = 'UPDATE' THEN
        PERFORM recount_product_option_values(NEW.product_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER product_option_values_follow_variant_delete
AFTER DELETE ON variants
FOR EACH ROW EXECUTE FUNCTION product_option_values_follow_variants();

CREATE TRIGGER product_option_values_follow_variant_move
AFTER UPDATE OF product_id ON variants
FOR EACH ROW WHEN (OLD.product_id IS DISTINCT FROM NEW.product_id)
EXECUTE FUNCTION product_option_values_follow_variants();

-- A product's category or status copied where it changes.
CREATE FUNCTION product_option_values_follow_products() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE product_option_values SET category_id = NEW.category_id, status = NEW.status
    WHERE product_id = NEW.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER product_option_values_follow_products
AFTER UPDATE OF category_id, status ON products
FOR EACH ROW
WHEN (OLD.category_id IS DISTINCT FROM NEW.category_id OR OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION product_option_values_follow_products();

-- The products already stored.
INSERT INTO product_option_values (product_id, category_id, status, name_key, value, name)
SELECT p.id, p.category_id, p.status, o.name_key, o.value, MIN(o.name)
FROM products p JOIN variants v ON v.product_id = p.id JOIN variant_options o ON o.variant_id = v.id
GROUP BY p.id, o.name_key, o.value;

-- Statistics for the new table at once, so the planner does not guess its size and spread.
ANALYZE product_option_values;
