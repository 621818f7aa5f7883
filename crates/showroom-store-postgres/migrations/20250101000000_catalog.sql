-- The catalog: categories in a tree, products with their options, variants with stock, and media.
--
-- This is the SQLite schema's twin, column for column, because one body of SQL
-- (showroom-store-sql) serves both engines through sqlx's Any driver. Hence the conventions:
-- ids are UUID v7 as TEXT, times are BIGINT Unix milliseconds, money is BIGINT minor units next to
-- a TEXT ISO 4217 currency, structured values (options, attributes) are JSON TEXT, and integers
-- are always BIGINT (the Any driver decodes i64, not INT4). Unique constraints are named after
-- the field they protect, because the store reports a violation as a conflict on that field.
--
-- Ids and the title sort key use COLLATE "C": bytewise order, the same as SQLite's default, so
-- both engines page through a listing in exactly the same order whatever the server's locale.

CREATE TABLE categories (
    id         TEXT COLLATE "C" PRIMARY KEY,
    slug       TEXT NOT NULL CONSTRAINT categories_slug_key UNIQUE,
    name       TEXT NOT NULL,
    parent_id  TEXT COLLATE "C" REFERENCES categories (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX categories_parent_idx ON categories (parent_id);

-- A product, plus its listing data: the price range, currency and available units derived from
-- its variants. The store recomputes those columns in the same transaction as every variant or
-- stock write, so a listing filters and sorts this one table. title_key is the lowercased title,
-- the sort key of "title A→Z".
--
-- search is the full-text document, generated from title and description so it can never fall
-- behind them. The 'simple' configuration lowercases without stemming or stop words: a shop's
-- product names are not English prose, and prefix search wants the words as typed.
CREATE TABLE products (
    id              TEXT COLLATE "C" PRIMARY KEY,
    slug            TEXT NOT NULL CONSTRAINT products_slug_key UNIQUE,
    title           TEXT NOT NULL,
    title_key       TEXT COLLATE "C" NOT NULL,
    description     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    category_id     TEXT COLLATE "C" REFERENCES categories (id),
    attributes      TEXT NOT NULL,
    options         TEXT NOT NULL,
    price_min_minor BIGINT,
    price_max_minor BIGINT,
    currency        TEXT,
    available       BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    search          tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || description)) STORED
);

-- One index per sort, each ending in id, the tie-breaker of keyset pagination. The price sorts
-- order by the cheapest variant and put products without a price last; these expressions are
-- exactly the ones the listing query orders by.
CREATE INDEX products_newest_idx ON products (created_at, id);
CREATE INDEX products_price_asc_idx ON products ((COALESCE(price_min_minor, 9223372036854775807)), id);
CREATE INDEX products_price_desc_idx ON products ((COALESCE(price_min_minor, -1)), id);
CREATE INDEX products_title_idx ON products (title_key, id);
CREATE INDEX products_category_idx ON products (category_id);
CREATE INDEX products_search_idx ON products USING GIN (search);

-- A sellable variant. on_hand never falls below zero nor below the units reserved by pending
-- orders: the store's conditional update refuses that, and these checks are the last line.
CREATE TABLE variants (
    id               TEXT COLLATE "C" PRIMARY KEY,
    product_id       TEXT COLLATE "C" NOT NULL REFERENCES products (id) ON DELETE CASCADE,
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
    variant_id TEXT COLLATE "C" NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (variant_id, name_key)
);
CREATE INDEX variant_options_lookup_idx ON variant_options (name_key, value);

-- A product's gallery: images and 3D models by content address, in position order (0 first, the
-- cover of the product card).
CREATE TABLE media (
    id         TEXT COLLATE "C" PRIMARY KEY,
    product_id TEXT COLLATE "C" NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('image', 'model')),
    asset_hash TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    alt        TEXT NOT NULL,
    position   BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT media_position_key UNIQUE (product_id, position)
);
