-- Everyday journeys: internal sign-off per region, people's offices, comments resolved by the
-- next submission, and when a form was first submitted (the finance side sees it from then on).

ALTER TABLE regions ADD COLUMN unit_sign_off BIGINT NOT NULL DEFAULT 0;

ALTER TABLE users ADD COLUMN office TEXT NOT NULL DEFAULT '';

ALTER TABLE comments ADD COLUMN resolved_version BIGINT;

ALTER TABLE forms ADD COLUMN first_submitted_at BIGINT;
UPDATE forms SET first_submitted_at =
    (SELECT MIN(a.at) FROM audit_log a WHERE a.form_id = forms.id AND a.action = 'submit');
