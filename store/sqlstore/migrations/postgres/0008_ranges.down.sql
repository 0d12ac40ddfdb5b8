DROP INDEX documents_issued_at;
CREATE INDEX documents_issued_at ON documents (dealer_id, issued_at);

DROP INDEX settlements_settled_at;
CREATE INDEX settlements_settled_at ON settlements (dealer_id, settled_at);

DROP INDEX surveys_answered_at;
CREATE INDEX surveys_answered_at ON surveys (dealer_id, answered_at);

DROP INDEX complaints_opened_at;
CREATE INDEX complaints_opened_at ON complaints (dealer_id, opened_at);

DROP INDEX work_orders_opened_at;
CREATE INDEX work_orders_opened_at ON work_orders (dealer_id, opened_at);

ALTER TABLE employees DROP COLUMN left_at;
