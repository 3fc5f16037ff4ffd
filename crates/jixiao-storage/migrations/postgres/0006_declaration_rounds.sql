-- Declaration rounds (填报任务): the same rounds as monitoring and self-evaluation, of kind
-- 'declaration' (month 0). A declaration round covers chosen units (round_units); closing it
-- stops new submissions, and a reviewer may reopen one unit after the close. Reminders sent from
-- the round board are notices a unit sees at its next visit.

ALTER TABLE rounds ADD COLUMN closed_at BIGINT;
ALTER TABLE rounds ADD COLUMN closed_by BIGINT REFERENCES users(id);

CREATE TABLE round_units (
    round_id BIGINT NOT NULL REFERENCES rounds(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    reopened_at BIGINT,
    reopened_by BIGINT REFERENCES users(id),
    PRIMARY KEY (round_id, unit_id)
);
CREATE INDEX round_units_unit ON round_units(unit_id);

CREATE TABLE notices (
    id BIGSERIAL PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    round_id BIGINT REFERENCES rounds(id),
    body TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notices_unit ON notices(unit_id, read_at);
