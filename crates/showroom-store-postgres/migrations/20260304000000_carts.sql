-- Carts: the SQLite schema's twin, column for column (one body of SQL serves both engines).
--
-- A cart stores only which variants and how many; every read joins the lines to the variants'
-- current price, SKU, product status and stock, so nothing here can go stale. A guest's cart is
-- found by its id (kept in the session); a customer's cart by customer_id, at most one each (the
-- unique index; NULLs, the guest carts, do not collide: two logins creating the customer's cart
-- at once wait on this index and one of them wins). customer_id has no foreign key: the accounts
-- table arrives in its own migration, and a cart of a deleted account is harmless. Times are
-- BIGINT Unix milliseconds, ids UUIDs as TEXT with COLLATE "C" like the catalog's.
CREATE TABLE carts (
    id            TEXT COLLATE "C" PRIMARY KEY,
    customer_id   TEXT COLLATE "C",
    discount_code TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX carts_customer_key ON carts (customer_id);
-- The sweeper deletes guest carts untouched for a while, oldest first.
CREATE INDEX carts_guest_updated_idx ON carts (updated_at) WHERE customer_id IS NULL;

-- One line per variant and cart; quantity is always positive (setting 0 deletes the line).
-- Deleting a cart deletes its lines, and so does deleting the variant: a cart never names a
-- variant that is gone.
CREATE TABLE cart_lines (
    cart_id    TEXT COLLATE "C" NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id TEXT COLLATE "C" NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    quantity   BIGINT NOT NULL CHECK (quantity > 0),
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (cart_id, variant_id)
);
