-- Uploaded 3D assets and the queue that processes them.
--
-- An asset is keyed by the SHA-256 of its original upload: registering the same bytes again finds
-- this row. report is the pipeline's JSON report (validation, inspection, optimization, files).
CREATE TABLE assets (
    hash          TEXT PRIMARY KEY NOT NULL,
    original_name TEXT NOT NULL,
    format        TEXT NOT NULL CHECK (format IN ('glb', 'zip')),
    byte_size     BIGINT NOT NULL CHECK (byte_size >= 0),
    status        TEXT NOT NULL CHECK (status IN ('uploaded', 'processing', 'ready', 'failed')),
    progress      BIGINT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    stage         TEXT NOT NULL DEFAULT 'queued',
    failure       TEXT,
    report        TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX assets_newest_idx ON assets (created_at, hash);

-- One processing run of an asset. A claim is a lease: locked_by holds it until locked_until
-- (Unix ms); a running job whose lease expired belongs to a worker that died and is claimable
-- again. run_after delays a retried job (backoff). Finished jobs stay as history.
CREATE TABLE asset_jobs (
    id           TEXT PRIMARY KEY NOT NULL,
    asset_hash   TEXT NOT NULL REFERENCES assets (hash) ON DELETE CASCADE,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL CHECK (max_attempts >= 1),
    run_after    BIGINT NOT NULL,
    locked_by    TEXT,
    locked_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
-- The claim query scans only unfinished jobs, oldest due first.
CREATE INDEX asset_jobs_due_idx ON asset_jobs (state, run_after, created_at);
CREATE INDEX asset_jobs_asset_idx ON asset_jobs (asset_hash, state);
