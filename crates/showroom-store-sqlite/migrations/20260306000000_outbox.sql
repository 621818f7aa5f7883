-- The mail outbox: customer mail about an order, written by the same transaction as the order
-- change it is about, so a mail exists if and only if that change committed. A background sender
-- claims due rows, sends them and marks them.
--
-- kind is the domain's CustomerNotice name. The subject and both bodies are rendered when the row
-- is written, from the order as it stood then: a later change (a refund) is a mail of its own and
-- never rewrites one already queued. Times are BIGINT Unix milliseconds, the id a UUID v7 as TEXT.
--
-- Delivery state lives in three columns. A claim adds one to attempts and moves next_attempt_at
-- to the end of the sender's lease, so no other sender takes the row meanwhile and a sender that
-- dies gives it back when the lease runs out. A failed attempt records last_error and sets
-- next_attempt_at to the retry time, or to NULL when the sender gives up; sent_at marks success
-- (and next_attempt_at becomes NULL). A row is never deleted: staff can see what was sent, and
-- what could not be.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    order_id        TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('order_confirmed', 'order_shipped',
                        'order_cancelled', 'refund_issued')),
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at BIGINT,
    sent_at         BIGINT,
    last_error      TEXT
);

-- The sender's claim scans only rows still waiting, soonest due first; sent and abandoned rows
-- stay out of the index, so it stays as small as the backlog.
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at)
    WHERE sent_at IS NULL AND next_attempt_at IS NOT NULL;

-- An order's mail, for the admin view and the tests.
CREATE INDEX outbox_order_idx ON outbox (order_id, created_at);
