-- Security (等保 level 3): the finance side sees a document from its first arrival on; the audit
-- log records the client and chains each row's hash to the one before; passwords carry their
-- change time, history and a forced change; sessions an idle time; failed logins are counted per
-- account and client address; the security policy is a setting.

ALTER TABLE forms ADD COLUMN reached_finance_at BIGINT;
UPDATE forms SET reached_finance_at = COALESCE(first_submitted_at, updated_at)
 WHERE status IN ('submitted', 'returned', 'approved', 'published') OR approved_version IS NOT NULL;
ALTER TABLE reports ADD COLUMN reached_finance_at BIGINT;
UPDATE reports SET reached_finance_at = COALESCE(first_submitted_at, updated_at)
 WHERE status IN ('submitted', 'returned', 'approved', 'published');

ALTER TABLE audit_log ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);
-- The chain's head (last sequence number and hash) and base (the last row archived and removed:
-- the chain goes on from its hash).
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    base_seq BIGINT NOT NULL,
    base_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, base_seq, base_hash) VALUES (1, 0, '', 0, '');

ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = created_at;
ALTER TABLE users ADD COLUMN last_login_at BIGINT;
ALTER TABLE users ADD COLUMN last_login_address TEXT;
CREATE TABLE password_history (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, changed_at);

ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
ALTER TABLE sessions ADD COLUMN previous_login_at BIGINT;
ALTER TABLE sessions ADD COLUMN previous_login_address TEXT;
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';

CREATE TABLE login_failures (
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    failures BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL,
    PRIMARY KEY (username, address)
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id)
);
