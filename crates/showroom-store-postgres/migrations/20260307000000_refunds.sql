-- Refunds, and finding an order by the payment provider's reference. The SQLite schema's twin,
-- with ids in COLLATE "C" like the catalog's.
--
-- A refund is written in two steps around the provider's call (see showroom_store::refunds):
-- first a 'pending' row, with the order row locked, whose amount counts against what is left to
-- refund; then 'succeeded' (together with the order's new refunded_minor and a history entry) or
-- 'failed'. So concurrent refunds cannot together exceed what was paid, and a process that dies
-- mid-refund leaves a pending row that a retry with the same key resumes.
--
-- key is the caller's idempotency key, unique per order. kind 'cancellation' is the full refund
-- that cancels an unshipped order; 'refund' changes only the money. actor is stored like
-- order_events.actor. Money is BIGINT minor units next to a TEXT currency, times Unix ms.
CREATE TABLE order_refunds (
    id            TEXT COLLATE "C" PRIMARY KEY,
    order_id      TEXT COLLATE "C" NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    key           TEXT COLLATE "C" NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('refund', 'cancellation')),
    amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
    currency      TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
    reason        TEXT,
    actor         TEXT NOT NULL,
    provider_ref  TEXT,
    failure       TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    CONSTRAINT order_refunds_key UNIQUE (order_id, key)
);

-- The provider's webhooks name a payment, not an order. Checkout records the reference as soon as
-- the payment is authorized, so this index finds pending orders too.
CREATE INDEX orders_payment_ref_idx ON orders (payment_ref) WHERE payment_ref IS NOT NULL;
