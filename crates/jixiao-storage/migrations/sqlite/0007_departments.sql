-- Departments in charge (主管部门): a unit may belong to another unit of its region (教育局 over
-- its schools). Where the region asks for two review levels (department_review), a form of a unit
-- with a department in charge goes unit → department → finance bureau.

ALTER TABLE units ADD COLUMN department_id BIGINT REFERENCES units(id);
ALTER TABLE regions ADD COLUMN department_review BIGINT NOT NULL DEFAULT 0;
CREATE INDEX units_department ON units(department_id);
