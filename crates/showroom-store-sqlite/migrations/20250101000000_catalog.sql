-- The catalog: categories in a tree, products with their options, variants with stock, and media.
--
-- Conventions shared with the PostgreSQL schema, so one body of SQL serves both engines:
-- ids are UUID v7 as TEXT, times are BIGINT Unix milliseconds, money is BIGINT minor units next to
-- a TEXT ISO 4217 currency, and structured values (options, attributes) are JSON TEXT. Unique
-- constraints are named after the field they protect, because the store reports a violation as a
-- conflict on that field.

-- Categories form a tree through parent_id. The store refuses moves that would make a cycle.
CREATE TABLE categories (
    id         TEXT PRIMARY KEY NOT NULL,
    slug       TEXT NOT NULL CONSTRAINT categories_slug_key UNIQUE,
    name       TEXT NOT NULL,
    parent_id  TEXT REFERENCES categories (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX categories_parent_idx ON categories (parent_id);

-- A product, plus its listing data: the price range, currency and available units derived from
-- its variants. The store recomputes those columns in the same transaction as every variant or
-- stock write, so a listing filters and sorts this one table. title_key is the lowercased title,
-- the sort key of "title A→Z".
CREATE TABLE products (
    id              TEXT PRIMARY KEY NOT NULL,
    slug            TEXT NOT NULL CONSTRAINT products_slug_key UNIQUE,
    title           TEXT NOT NULL,
    title_key       TEXT NOT NULL,
    description     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    category_id     TEXT REFERENCES categories (id),
    attributes      TEXT NOT NULL,
    options         TEXT NOT NULL,
    price_min_minor BIGINT,
    price_max_minor BIGINT,
    currency        TEXT,
    available       BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

-- One index per sort, each ending in id, the tie-breaker of keyset pagination. The price sorts
-- order by the cheapest variant and put products without a price last; these expressions are
-- exactly the ones the listing query orders by.
CREATE INDEX products_newest_idx ON products (created_at, id);
CREATE INDEX products_price_asc_idx ON products (COALESCE(price_min_minor, 9223372036854775807), id);
CREATE INDEX products_price_desc_idx ON products (COALESCE(price_min_minor, -1), id);
CREATE INDEX products_title_idx ON products (title_key, id);
CREATE INDEX products_category_idx ON products (category_id);

-- A sellable variant. on_hand never falls below zero nor below the units reserved by pending
-- orders: the store's conditional update refuses that, and these checks are the last line.
CREATE TABLE variants (
    id               TEXT PRIMARY KEY NOT NULL,
    product_id       TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    sku              TEXT NOT NULL CONSTRAINT variants_sku_key UNIQUE,
    price_minor      BIGINT NOT NULL CHECK (price_minor >= 0),
    currency         TEXT NOT NULL,
    compare_at_minor BIGINT,
    weight_grams     BIGINT,
    on_hand          BIGINT NOT NULL CHECK (on_hand >= 0),
    reserved         BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    created_at       BIGINT NOT NULL
);
CREATE INDEX variants_product_idx ON variants (product_id, created_at, id);

-- The option values a variant picks (Color = Oak), one row each so the listing can filter on
-- them. name_key is the lowercased name: option names match case-insensitively.
CREATE TABLE variant_options (
    variant_id TEXT NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (variant_id, name_key)
);
CREATE INDEX variant_options_lookup_idx ON variant_options (name_key, value);

-- A product's gallery: images and 3D models by content address, in position order (0 first, the
-- cover of the product card).
CREATE TABLE media (
    id         TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('image', 'model')),
    asset_hash TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    alt        TEXT NOT NULL,
    position   BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT media_position_key UNIQUE (product_id, position)
);

-- Full-text search over title and description. The FTS5 table keys its rows by product_id rather
-- than sharing the products rowid, because a table whose primary key is TEXT may renumber its
-- rowids on VACUUM. Triggers keep it in step with products, so no write path can forget it;
-- the update trigger fires only when the searched text changes.
CREATE VIRTUAL TABLE products_fts USING fts5 (
    product_id UNINDEXED,
    title,
    description,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (product_id, title, description) VALUES (new.id, new.title, new.description);
END;

CREATE TRIGGER products_fts_update AFTER UPDATE OF title, description ON products BEGIN
    DELETE FROM products_fts WHERE product_id = old.id;
    INSERT INTO products_fts (product_id, title, description) VALUES (new.id, new.title, new.description);
END;

CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    DELETE FROM products_fts WHERE product_id = old.id;
END;
