-- The unit type (单位类型: 行政单位, 参公事业单位, 公益一类事业单位, 公益二类事业单位, 其他) of each
-- unit, set by the system administrator; empty while not set. The indicator library counts its
-- entries' use per type, and its suggestions and range checks compare units of the same type.

ALTER TABLE units ADD COLUMN unit_type TEXT NOT NULL DEFAULT '';
