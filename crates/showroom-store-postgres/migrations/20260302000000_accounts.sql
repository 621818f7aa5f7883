-- Accounts: customers, staff, API tokens, sessions and the login throttle.
--
-- Emails are stored as typed (for mail) next to their lowercased key (for look-ups and
-- uniqueness), as orders do. Password hashes are PHC strings (`$argon2id$v=19$…`): the
-- algorithm and its parameters travel with each hash, so raising the cost later needs no
-- migration. Times are BIGINT Unix milliseconds, ids UUID v7 as TEXT.

CREATE TABLE customers (
    id            TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL CONSTRAINT customers_email_key UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- People who run the shop. role is admin (everything, including staff and API tokens) or staff
-- (catalog and orders). A deactivated member can no longer log in and their sessions stop
-- working at the next request.
CREATE TABLE staff (
    id            TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL CONSTRAINT staff_email_key UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
    active        BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- Tokens for automation. Only the SHA-256 of a token is kept (tokens are 256 random bits, so a
-- slow hash adds nothing); the plaintext is shown once, at creation. scopes is a space-separated
-- list (catalog, orders, discounts). A revoked token stays listed, with when it was revoked.
CREATE TABLE api_tokens (
    id           TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE,
    scopes       TEXT NOT NULL,
    created_by   TEXT,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

-- Sessions of the tower-sessions layer when they live in the database (the default; Redis holds
-- them instead when the cache is Redis). data is the session's JSON record. Expired rows are
-- never loaded and are deleted by a periodic sweep.
CREATE TABLE sessions (
    id         TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    data       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

-- Failed logins per key (`account:<email key>` or `ip:<address>`) in a fixed window: the
-- first failure after a window ends starts a new one. Shared by every instance, so the throttle
-- holds behind a load balancer.
CREATE TABLE login_failures (
    key             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    failures        BIGINT NOT NULL,
    window_start_at BIGINT NOT NULL
);

-- A customer's orders: set when a logged-in customer checks out, NULL for guests. Not a foreign
-- key, so that erasing a customer never touches the books.
ALTER TABLE orders ADD COLUMN customer_id TEXT;
CREATE INDEX orders_customer_idx ON orders (customer_id, number);
