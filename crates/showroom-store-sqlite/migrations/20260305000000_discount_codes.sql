-- Discount codes, and which one an order used.
--
-- code is the domain's normalized form (uppercase), so `spring-10` and `SPRING-10` are one
-- code. A code is a percentage (basis_points) or a fixed amount (amount_minor in currency),
-- never both. times_used is counted by the checkout transaction with a conditional update
-- (times_used < usage_limit), so concurrent checkouts cannot use a limited code more often than
-- its limit. A cancelled order does not give its use back: the shopper got the offer once.
CREATE TABLE discount_codes (
    code           TEXT PRIMARY KEY NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('percentage', 'fixed')),
    basis_points   BIGINT CHECK (basis_points BETWEEN 0 AND 10000),
    amount_minor   BIGINT CHECK (amount_minor > 0),
    currency       TEXT,
    minimum_minor  BIGINT CHECK (minimum_minor >= 0),
    expires_at     BIGINT,
    usage_limit    BIGINT CHECK (usage_limit >= 0),
    times_used     BIGINT NOT NULL DEFAULT 0 CHECK (times_used >= 0),
    active         BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     BIGINT NOT NULL,
    CHECK ((kind = 'percentage' AND basis_points IS NOT NULL AND amount_minor IS NULL)
        OR (kind = 'fixed' AND amount_minor IS NOT NULL AND currency IS NOT NULL
            AND basis_points IS NULL))
);

ALTER TABLE orders ADD COLUMN discount_code TEXT;
