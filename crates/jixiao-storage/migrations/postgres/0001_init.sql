-- jixiao schema, PostgreSQL dialect. Append-only: never edit an applied migration.
-- Times are Unix milliseconds (BIGINT); money is decimal TEXT; flags are 0/1 BIGINT.

CREATE TABLE regions (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE units (
    id BIGSERIAL PRIMARY KEY,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX units_region ON units(region_id);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    region_id BIGINT REFERENCES regions(id),
    unit_id BIGINT REFERENCES units(id),
    disabled BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE forms (
    id BIGSERIAL PRIMARY KEY,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    fiscal_year BIGINT NOT NULL,
    template_id TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    approved_version BIGINT,
    income_total TEXT,
    expenditure_total TEXT,
    errors BIGINT NOT NULL DEFAULT 0,
    warnings BIGINT NOT NULL DEFAULT 0,
    grades TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX forms_region_year_status ON forms(region_id, fiscal_year, status);
CREATE UNIQUE INDEX forms_unit_year ON forms(unit_id, fiscal_year);

CREATE TABLE form_versions (
    form_id BIGINT NOT NULL REFERENCES forms(id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    form_json TEXT NOT NULL,
    income_total TEXT,
    expenditure_total TEXT,
    errors BIGINT NOT NULL DEFAULT 0,
    warnings BIGINT NOT NULL DEFAULT 0,
    saved_by BIGINT REFERENCES users(id),
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (form_id, version)
);

CREATE TABLE indicators (
    form_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    table_kind TEXT NOT NULL,
    position BIGINT NOT NULL,
    level1 TEXT NOT NULL,
    level2 TEXT NOT NULL,
    name TEXT NOT NULL,
    target TEXT,
    comparator TEXT,
    target_number TEXT,
    unit_of_measure TEXT,
    basis TEXT,
    class TEXT,
    PRIMARY KEY (form_id, version, table_kind, position)
);
CREATE INDEX indicators_tree ON indicators(level1, level2, name);

CREATE TABLE reviews (
    id BIGSERIAL PRIMARY KEY,
    form_id BIGINT NOT NULL REFERENCES forms(id),
    version BIGINT NOT NULL,
    reviewer_id BIGINT NOT NULL REFERENCES users(id),
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    grades TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX reviews_form ON reviews(form_id);

CREATE TABLE comments (
    id BIGSERIAL PRIMARY KEY,
    form_id BIGINT NOT NULL REFERENCES forms(id),
    version BIGINT NOT NULL,
    review_id BIGINT REFERENCES reviews(id),
    path TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX comments_form ON comments(form_id);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    form_id BIGINT,
    user_id BIGINT,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_form ON audit_log(form_id, id);
