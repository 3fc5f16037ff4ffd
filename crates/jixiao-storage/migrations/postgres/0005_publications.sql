-- Public copies: each publication of a form is a fixed version, kept with its date, so that
-- publishing again after an adjustment adds a new public version and the old one stays
-- reachable. The public portal reads only this table (joined with form_versions and
-- indicators), never the forms' current state.

CREATE TABLE publications (
    id BIGSERIAL PRIMARY KEY,
    form_id BIGINT NOT NULL REFERENCES forms(id),
    version BIGINT NOT NULL,
    region_id BIGINT NOT NULL REFERENCES regions(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    fiscal_year BIGINT NOT NULL,
    unit_name TEXT NOT NULL,
    published_by BIGINT REFERENCES users(id),
    published_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX publications_form_version ON publications(form_id, version);
CREATE INDEX publications_region_year ON publications(region_id, fiscal_year, unit_id);

-- Forms published before this migration: their approved version, dated by the publish step.
INSERT INTO publications (form_id, version, region_id, unit_id, fiscal_year, unit_name, published_by, published_at)
SELECT f.id, COALESCE(f.approved_version, f.version), f.region_id, f.unit_id, f.fiscal_year, u.name,
       (SELECT a.user_id FROM audit_log a WHERE a.form_id = f.id AND a.action = 'publish' ORDER BY a.id DESC LIMIT 1),
       COALESCE((SELECT MAX(a.at) FROM audit_log a WHERE a.form_id = f.id AND a.action = 'publish'), f.updated_at)
FROM forms f JOIN units u ON u.id = f.unit_id
WHERE f.status = 'published';
