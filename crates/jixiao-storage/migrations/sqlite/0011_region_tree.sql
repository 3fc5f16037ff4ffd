-- Regions under regions (a province over its cities, a city over its counties): the finance
-- reviewers of a region read the summary of its whole subtree. NULL for a region at the top.

ALTER TABLE regions ADD COLUMN parent_id BIGINT REFERENCES regions(id);
CREATE INDEX regions_parent ON regions(parent_id);
