-- Carts: what a shopper means to buy, before checkout.
--
-- A cart stores only which variants and how many; every read joins the lines to the variants'
-- current price, SKU, product status and stock, so nothing here can go stale. A guest's cart is
-- found by its id (kept in the session); a customer's cart by customer_id, at most one each (the
-- unique index; NULLs, the guest carts, do not collide). customer_id has no foreign key: the
-- accounts table arrives in its own migration, and a cart of a deleted account is harmless.
-- Times are BIGINT Unix milliseconds, ids UUIDs as TEXT, like every other table.
CREATE TABLE carts (
    id            TEXT PRIMARY KEY NOT NULL,
    customer_id   TEXT,
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
    cart_id    TEXT NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id TEXT NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    quantity   BIGINT NOT NULL CHECK (quantity > 0),
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (cart_id, variant_id)
);
