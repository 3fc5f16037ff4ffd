-- After approval: rounds (监控、自评任务) opened by the finance bureau, and the monitoring reports
-- and self-evaluations they hand to units, versioned like forms. Each report keeps the approved
-- declaration version it is measured against; its light (monitoring) or total and grade
-- (self-evaluation) of the current version are columns for the round board.

CREATE TABLE rounds (
    id BIGSERIAL PRIMARY KEY,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    kind TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    month BIGINT NOT NULL,
    deadline TEXT NOT NULL,
    opened_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX rounds_region_kind_year_month ON rounds(region_id, kind, fiscal_year, month);

CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES rounds(id),
    region_id BIGINT NOT NULL REFERENCES regions(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    declaration_id BIGINT NOT NULL REFERENCES forms(id),
    declaration_version BIGINT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    colour TEXT,
    total TEXT,
    grade TEXT,
    errors BIGINT NOT NULL DEFAULT 0,
    warnings BIGINT NOT NULL DEFAULT 0,
    first_submitted_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX reports_round_unit ON reports(round_id, unit_id);
CREATE INDEX reports_unit ON reports(unit_id, kind, fiscal_year);

CREATE TABLE report_versions (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    doc_json TEXT NOT NULL,
    saved_by BIGINT REFERENCES users(id),
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (report_id, version)
);

CREATE TABLE report_reviews (
    id BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports(id),
    version BIGINT NOT NULL,
    reviewer_id BIGINT NOT NULL REFERENCES users(id),
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX report_reviews_report ON report_reviews(report_id);

ALTER TABLE audit_log ADD COLUMN report_id BIGINT;
CREATE INDEX audit_log_report ON audit_log(report_id, id);
