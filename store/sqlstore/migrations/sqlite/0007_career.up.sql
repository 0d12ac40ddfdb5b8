-- career: promotions and transfers (R5.5), proposed by an employee's
-- supervisor and decided by management; an approval changes the roster in
-- the same transaction. Moves are kept whole in doc as JSON, as in 0002 to
-- 0006: instants as RFC 3339 in UTC at microsecond precision, beside
-- copies of what queries select and order on. Times among them are TEXT in
-- the fixed-width layout of 0001, so text order is time order.

CREATE TABLE career_moves (
    dealer_id  TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    employee   TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    doc        TEXT    NOT NULL, -- the whole org.CareerMove as JSON
    PRIMARY KEY (dealer_id, id)
) STRICT;

-- An employee's career history, oldest first.
CREATE INDEX career_moves_employee ON career_moves (dealer_id, employee, created_at, id);
