-- Reading a scanned PDF by OCR takes seconds a page, past a request's time: the upload becomes
-- a job here, which any app server's worker claims (status 'queued' -> 'running'), reports its
-- progress on (pages_done of pages_total, heartbeat_at) and finishes ('done' with the form and
-- import report as JSON, or 'failed' with a message). The file is kept only until the job ends.
-- A running job whose heartbeat is older than the worker's limit was left by a server that
-- stopped, and is claimed again.

CREATE TABLE ocr_jobs (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    file_name TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    file BYTEA,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    pages_done BIGINT NOT NULL DEFAULT 0,
    pages_total BIGINT NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    worker TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    heartbeat_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX ocr_jobs_status ON ocr_jobs(status, id);
CREATE INDEX ocr_jobs_user ON ocr_jobs(user_id, id);
