-- The indicator library (指标库) of each region and template: the jixiao-library/1 JSON harvested
-- from the region's approved forms, rebuilt when a form is approved. `generation` grows with every
-- rebuild, so that each app server can tell whether the library it holds in memory is current
-- with one small query.

CREATE TABLE libraries (
    region_id BIGINT NOT NULL REFERENCES regions(id),
    template_id TEXT NOT NULL,
    generation BIGINT NOT NULL,
    forms BIGINT NOT NULL,
    entries BIGINT NOT NULL,
    built_at BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (region_id, template_id)
);

-- The approved forms of a region and template, read by every rebuild.
CREATE INDEX forms_region_template_approved ON forms(region_id, template_id) WHERE approved_version IS NOT NULL;
