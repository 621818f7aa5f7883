-- Orders: what a checkout sold, at what price, and everything that happened to it since.
--
-- A checkout writes all of these in one transaction together with the stock reservation
-- (variants.reserved), so an order never exists without its reservation and never the other way
-- round. Money follows the catalog's convention (BIGINT minor units next to a TEXT currency),
-- times are BIGINT Unix milliseconds, ids are UUID v7 as TEXT.

-- Order numbers come from this single counter row. SQLite runs one writer at a time
-- (BEGIN IMMEDIATE), so incrementing it inside the checkout transaction is both unique and
-- contention-free; PostgreSQL uses a sequence instead. A rolled-back checkout rolls its increment
-- back too, so on SQLite numbers have no gaps, but nothing relies on that.
CREATE TABLE order_counter (
    id         BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    last_value BIGINT NOT NULL
);
INSERT INTO order_counter (id, last_value) VALUES (1, 0);

-- One order. The state column holds the domain's OrderState names. reserved_until is the end of
-- the payment hold while the order is pending_payment and NULL afterwards, so the sweeper's index
-- holds only orders that still reserve stock. email is the address as typed (for mail),
-- email_key its lowercased form (for look-ups). shipping_address is the domain's address as JSON.
CREATE TABLE orders (
    id               TEXT PRIMARY KEY NOT NULL,
    number           BIGINT NOT NULL CONSTRAINT orders_number_key UNIQUE,
    state            TEXT NOT NULL CHECK (state IN ('pending_payment', 'paid', 'fulfilled',
                         'cancelled', 'partially_refunded', 'refunded')),
    email            TEXT NOT NULL,
    email_key        TEXT NOT NULL,
    shipping_address TEXT NOT NULL,
    shipping_method  TEXT,
    currency         TEXT NOT NULL,
    price_mode       TEXT NOT NULL CHECK (price_mode IN ('tax_inclusive', 'tax_exclusive')),
    subtotal_minor   BIGINT NOT NULL CHECK (subtotal_minor >= 0),
    discount_minor   BIGINT NOT NULL CHECK (discount_minor >= 0),
    shipping_minor   BIGINT NOT NULL CHECK (shipping_minor >= 0),
    tax_minor        BIGINT NOT NULL CHECK (tax_minor >= 0),
    total_minor      BIGINT NOT NULL CHECK (total_minor >= 0),
    refunded_minor   BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
    tracking_number  TEXT,
    payment_ref      TEXT,
    reserved_until   BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX orders_email_idx ON orders (email_key, number);
CREATE INDEX orders_reservation_idx ON orders (reserved_until) WHERE reserved_until IS NOT NULL;

-- The lines as sold: title, SKU and unit price are copies, so editing or deleting the product
-- later changes no order. variant_id is therefore not a foreign key either; releasing stock
-- skips a variant that no longer exists.
CREATE TABLE order_lines (
    order_id         TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position         BIGINT NOT NULL,
    variant_id       TEXT NOT NULL,
    product_id       TEXT NOT NULL,
    title            TEXT NOT NULL,
    sku              TEXT NOT NULL,
    unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    subtotal_minor   BIGINT NOT NULL,
    discount_minor   BIGINT NOT NULL,
    tax_minor        BIGINT NOT NULL,
    total_minor      BIGINT NOT NULL,
    PRIMARY KEY (order_id, position)
);

-- The idempotency keys of checkouts. The checkout inserts its key first, before it touches any
-- stock: a second call with the same key finds the row (or, on PostgreSQL, waits for the first
-- call's transaction to end and then finds it) and returns that order instead of reserving
-- anything. The order row is written later in the same transaction, hence no foreign key.
-- fingerprint is the normalized email and lines, so a key reused for another checkout is refused.
CREATE TABLE checkout_keys (
    key         TEXT PRIMARY KEY NOT NULL,
    order_id    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Every state change of an order, appended in the same transaction as the change: who (actor,
-- see showroom_store::Actor), when, what (placed or the domain's event name), from which state to
-- which, and a note (payment reference, decline reason).
CREATE TABLE order_events (
    id         TEXT PRIMARY KEY NOT NULL,
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    what       TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    note       TEXT
);
CREATE INDEX order_events_order_idx ON order_events (order_id, at, id);
