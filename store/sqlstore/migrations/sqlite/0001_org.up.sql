-- org: dealers, their rosters and their audit trails.
-- Times are TEXT in the fixed-width UTC layout 2006-01-02T15:04:05.000000Z so
-- that they sort as text; money is TEXT at scale 4, because a NUMERIC or REAL
-- column would round 12345678901234567.89. STRICT makes SQLite refuse a value
-- of the wrong type instead of storing it quietly.

CREATE TABLE dealers (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    time_zone  TEXT    NOT NULL,
    currency   TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

CREATE TABLE employees (
    dealer_id     TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    department    TEXT    NOT NULL,
    supervisor_id TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    skills        TEXT    NOT NULL, -- JSON array
    bonus_base    TEXT    NOT NULL, -- decimal at scale 4
    active        INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    PRIMARY KEY (dealer_id, id)
) STRICT;

CREATE TABLE events (
    dealer_id   TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    id          TEXT    NOT NULL,
    occurred_at TEXT    NOT NULL,
    actor_id    TEXT    NOT NULL,
    actor_role  TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    data        TEXT,             -- JSON as given, byte for byte; NULL when empty
    PRIMARY KEY (dealer_id, seq)
) STRICT;

-- The last Seq handed out per dealer. Commit bumps it in the same
-- transaction that appends the events, so Seqs have no gaps or duplicates.
CREATE TABLE event_seq (
    dealer_id TEXT    NOT NULL PRIMARY KEY,
    last_seq  INTEGER NOT NULL
) STRICT;
