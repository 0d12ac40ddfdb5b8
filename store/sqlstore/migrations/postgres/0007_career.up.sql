-- career: promotions and transfers (R5.5), proposed by an employee's
-- supervisor and decided by management; an approval changes the roster in
-- the same transaction. Moves are kept whole in doc as JSON, as in 0002 to
-- 0006: instants as RFC 3339 in UTC at microsecond precision. doc is TEXT,
-- not JSONB, which would reformat it. IDs are COLLATE "C", so ORDER BY
-- follows byte order, as Go's string comparison does.

CREATE TABLE career_moves (
    dealer_id  TEXT COLLATE "C" NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    employee   TEXT COLLATE "C" NOT NULL,
    state      TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    version    BIGINT      NOT NULL,
    doc        TEXT        NOT NULL, -- the whole org.CareerMove as JSON
    PRIMARY KEY (dealer_id, id)
);

-- An employee's career history, oldest first.
CREATE INDEX career_moves_employee ON career_moves (dealer_id, employee, created_at, id);
