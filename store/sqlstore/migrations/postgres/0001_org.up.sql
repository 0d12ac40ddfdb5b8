-- org: dealers, their rosters and their audit trails.
-- IDs are COLLATE "C" so that ORDER BY id and id > $n follow byte order, as
-- the store contract (and SQLite) do, whatever the database's locale. Event
-- data is TEXT, not JSONB, so it comes back byte for byte.

CREATE TABLE dealers (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name       TEXT        NOT NULL,
    time_zone  TEXT        NOT NULL,
    currency   TEXT        NOT NULL,
    version    BIGINT      NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE employees (
    dealer_id     TEXT COLLATE "C" NOT NULL,
    id            TEXT COLLATE "C" NOT NULL,
    name          TEXT          NOT NULL,
    role          TEXT          NOT NULL,
    department    TEXT          NOT NULL,
    supervisor_id TEXT COLLATE "C" NOT NULL,
    email         TEXT          NOT NULL,
    phone         TEXT          NOT NULL,
    skills        TEXT          NOT NULL, -- JSON array
    bonus_base    NUMERIC(24,4) NOT NULL,
    active        BOOLEAN       NOT NULL,
    version       BIGINT        NOT NULL,
    created_at    TIMESTAMPTZ   NOT NULL,
    updated_at    TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (dealer_id, id)
);

CREATE TABLE events (
    dealer_id   TEXT COLLATE "C" NOT NULL,
    seq         BIGINT      NOT NULL,
    id          TEXT        NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    actor_id    TEXT        NOT NULL,
    actor_role  TEXT        NOT NULL,
    type        TEXT        NOT NULL,
    subject     TEXT        NOT NULL,
    reason      TEXT        NOT NULL,
    data        TEXT,                 -- JSON as given, byte for byte; NULL when empty
    PRIMARY KEY (dealer_id, seq)
);

-- The last Seq handed out per dealer. Commit bumps it in the same
-- transaction that appends the events; its row lock makes one dealer's
-- commits take Seqs in commit order.
CREATE TABLE event_seq (
    dealer_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    last_seq  BIGINT NOT NULL
);
