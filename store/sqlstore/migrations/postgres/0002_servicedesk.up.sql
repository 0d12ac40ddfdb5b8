-- servicedesk: work orders, technician calendars, complaints and surveys.
-- Each record is kept whole in doc as JSON (amounts as exact decimal
-- strings, instants as RFC 3339 in UTC), so a field added to a record needs
-- no migration. doc is TEXT, not JSONB: JSONB would turn amounts into
-- numbers' canonical form and reorder keys. The other columns copy what
-- queries filter and sort on. IDs are COLLATE "C", so ORDER BY and the page
-- cursor follow byte order, as in 0001.

CREATE TABLE work_orders (
    dealer_id TEXT COLLATE "C" NOT NULL,
    id        TEXT COLLATE "C" NOT NULL,
    state     TEXT        NOT NULL,
    advisor   TEXT COLLATE "C" NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL,
    version   BIGINT      NOT NULL,
    doc       TEXT        NOT NULL, -- the whole servicedesk.WorkOrder as JSON
    PRIMARY KEY (dealer_id, id)
);

CREATE INDEX work_orders_opened_at ON work_orders (dealer_id, opened_at);
-- id last: an advisor's orders come out in the page order of WorkOrders.
CREATE INDEX work_orders_advisor ON work_orders (dealer_id, advisor, id);

-- One technician's bookings on one dealer-local day; the version on this
-- row is what keeps two bookings from taking the same slot.
CREATE TABLE calendar_days (
    dealer_id  TEXT COLLATE "C" NOT NULL,
    technician TEXT COLLATE "C" NOT NULL,
    day        TEXT COLLATE "C" NOT NULL, -- dealer-local date, 2026-11-02
    slots      TEXT   NOT NULL,           -- JSON array of servicedesk.Slot
    version    BIGINT NOT NULL,
    PRIMARY KEY (dealer_id, technician, day)
);

CREATE TABLE complaints (
    dealer_id TEXT COLLATE "C" NOT NULL,
    id        TEXT COLLATE "C" NOT NULL,
    state     TEXT        NOT NULL,
    advisor   TEXT COLLATE "C" NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL,
    version   BIGINT      NOT NULL,
    doc       TEXT        NOT NULL, -- the whole servicedesk.Complaint as JSON
    PRIMARY KEY (dealer_id, id)
);

CREATE INDEX complaints_opened_at ON complaints (dealer_id, opened_at);

-- At most one answer per work order.
CREATE TABLE surveys (
    dealer_id   TEXT COLLATE "C" NOT NULL,
    work_order  TEXT COLLATE "C" NOT NULL,
    advisor     TEXT COLLATE "C" NOT NULL,
    answered_at TIMESTAMPTZ NOT NULL,
    version     BIGINT      NOT NULL,
    doc         TEXT        NOT NULL, -- the whole servicedesk.Survey as JSON
    PRIMARY KEY (dealer_id, work_order)
);

CREATE INDEX surveys_answered_at ON surveys (dealer_id, answered_at);

-- A work order's timeline without scanning the dealer's whole trail.
CREATE INDEX events_subject ON events (dealer_id, subject, seq);
