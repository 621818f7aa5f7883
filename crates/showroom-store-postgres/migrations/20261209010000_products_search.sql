-- What a search reads, in a narrow table of its own: the twin of the SQLite migration of the same
-- name. A search ranked by relevance orders every match (a one-word search matches thousands of
-- products at 100,000), reading for each its title_key and availability. From products, whose
-- rows carry the description, the options and the attributes, "chair" (6,183 matches) visited
-- 4,117 heap blocks; from this table 2,688 (with word positions), and no product row at all
-- unless another filter (category, price, option) needs one.
--
-- search is the full-text document that was products.search (title and description, the
-- 'simple' configuration, moved here with its GIN index), without word positions: no search asks
-- for a phrase or a proximity, and without them the table is 18 MB instead of 24 at 100,000
-- products. in_stock is available > 0, the only thing the ranking and the in-stock filter ask of
-- availability, so a sale rewrites this row only when it sells the last unit or a restock brings
-- the first one back. Triggers on products keep it in step, so no write path can forget it.
CREATE TABLE products_search (
    product_id TEXT COLLATE "C" PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    status     TEXT NOT NULL,
    in_stock   BOOLEAN NOT NULL,
    title_key  TEXT COLLATE "C" NOT NULL,
    search     tsvector NOT NULL
);

INSERT INTO products_search (product_id, status, in_stock, title_key, search)
SELECT id, status, available > 0, title_key, strip(search) FROM products;

CREATE INDEX products_search_match_idx ON products_search USING GIN (search);
-- Drops products_search_idx with it.
ALTER TABLE products DROP COLUMN search;

CREATE FUNCTION products_search_follow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO products_search (product_id, status, in_stock, title_key, search)
    VALUES (NEW.id, NEW.status, NEW.available > 0, NEW.title_key,
            strip(to_tsvector('simple', NEW.title || ' ' || NEW.description)));
    RETURN NULL;
END;
$$;

CREATE TRIGGER products_search_follow_insert
AFTER INSERT ON products
FOR EACH ROW EXECUTE FUNCTION products_search_follow_insert();

-- The document is recomputed only when the text changed.
CREATE FUNCTION products_search_follow_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE products_search
    SET status = NEW.status, in_stock = NEW.available > 0, title_key = NEW.title_key,
        search = CASE
            WHEN OLD.title IS DISTINCT FROM NEW.title
              OR OLD.description IS DISTINCT FROM NEW.description
            THEN strip(to_tsvector('simple', NEW.title || ' ' || NEW.description))
            ELSE search
        END
    WHERE product_id = NEW.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER products_search_follow_update
AFTER UPDATE OF title, description, status, available, title_key ON products
FOR EACH ROW
WHEN (OLD.title IS DISTINCT FROM NEW.title
      OR OLD.description IS DISTINCT FROM NEW.description
      OR OLD.status IS DISTINCT FROM NEW.status
      OR OLD.title_key IS DISTINCT FROM NEW.title_key
      OR (OLD.available > 0) IS DISTINCT FROM (NEW.available > 0))
EXECUTE FUNCTION products_search_follow_update();

ANALYZE products_search;
