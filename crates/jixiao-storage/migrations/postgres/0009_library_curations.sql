-- The finance bureau's curation of a region's indicator library: one row per decision about an
-- entry (approve, edit, merge, retire, restore), never updated or deleted. An entry's current
-- state is its row with the highest version; the rows before it are its history. Every rebuild of
-- the harvested library applies the current states, so curation survives rebuilds.

CREATE TABLE library_curations (
    region_id BIGINT NOT NULL REFERENCES regions(id),
    template_id TEXT NOT NULL,
    entry_key TEXT NOT NULL,
    entry_unit TEXT NOT NULL,
    version BIGINT NOT NULL,
    action TEXT NOT NULL,
    body TEXT NOT NULL,
    user_id BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (region_id, template_id, entry_key, entry_unit, version)
);
