-- ranges: when an employee left, and covering indexes for a month's records.
--
-- employees.left_at is org.Employee.LeftAt: when the employee was last
-- deactivated, NULL while they are active (and for those deactivated before
-- this migration, whom a month-end counts by their last write, updated_at).
--
-- The time-range indexes of 0002 and 0003 held (dealer_id, instant) only.
-- A range query (a month's work orders, complaints, surveys, settlements
-- or documents) returns its page in key order, which is not the index's
-- order, so the page's keys must be sorted; without the key in the index,
-- each row had to be fetched from the table, whole document and all, to
-- learn its key. Ending each index in the key makes it covering: the
-- range's keys are selected and sorted from the index alone (an index-only
-- scan), and only the page's documents are read, by key. The indexes keep
-- their names. Building them locks each table against writes while it runs,
-- as any migration here does: apply it at deploy time.

ALTER TABLE employees ADD COLUMN left_at TIMESTAMPTZ;

DROP INDEX work_orders_opened_at;
CREATE INDEX work_orders_opened_at ON work_orders (dealer_id, opened_at, id);

DROP INDEX complaints_opened_at;
CREATE INDEX complaints_opened_at ON complaints (dealer_id, opened_at, id);

DROP INDEX surveys_answered_at;
CREATE INDEX surveys_answered_at ON surveys (dealer_id, answered_at, work_order);

DROP INDEX settlements_settled_at;
CREATE INDEX settlements_settled_at ON settlements (dealer_id, settled_at, key);

DROP INDEX documents_issued_at;
CREATE INDEX documents_issued_at ON documents (dealer_id, issued_at, id);
