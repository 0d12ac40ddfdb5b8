-- policy: each saved version of a dealer's reward and penalty policy, the
-- incidents and nominations recorded about employees, and the decisions
-- that evaluating a policy proposes and supervisors approve or reject.
-- Records are kept whole in doc as JSON, as in 0002 to 0005: decimals as
-- exact strings at whatever precision they have, instants as RFC 3339 in
-- UTC at microsecond precision. doc is TEXT, not JSONB, which would turn
-- decimals into numbers. IDs, keys and periods ("2026-11", "2026") are
-- COLLATE "C", so ORDER BY follows byte order, as Go's string comparison
-- does.

-- One row per saved version of a dealer's policy; policy_version is the
-- policy's own Version, version the row's optimistic version.
CREATE TABLE policies (
    dealer_id      TEXT COLLATE "C" NOT NULL,
    policy_version INTEGER     NOT NULL,
    policy_id      TEXT COLLATE "C" NOT NULL,
    active         BOOLEAN     NOT NULL,
    saved_at       TIMESTAMPTZ NOT NULL,
    version        BIGINT      NOT NULL,
    doc            TEXT        NOT NULL, -- the whole policy.StoredPolicy as JSON
    PRIMARY KEY (dealer_id, policy_version)
);

-- At most one active version per dealer. A switch is one commit that
-- writes the old version's deactivation before the new one's activation,
-- so this index never sees two.
CREATE UNIQUE INDEX policies_active ON policies (dealer_id) WHERE active;

CREATE TABLE policy_incidents (
    dealer_id   TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    employee    TEXT COLLATE "C" NOT NULL,
    happened_at TIMESTAMPTZ NOT NULL,
    version     BIGINT      NOT NULL,
    doc         TEXT        NOT NULL, -- the whole policy.IncidentRecord as JSON
    PRIMARY KEY (dealer_id, id)
);

-- Incidents: those of a period and its windows, by time then ID.
CREATE INDEX policy_incidents_at ON policy_incidents (dealer_id, happened_at, id);

CREATE TABLE policy_nominations (
    dealer_id TEXT COLLATE "C" NOT NULL,
    id        TEXT COLLATE "C" NOT NULL,
    period    TEXT COLLATE "C" NOT NULL,
    employee  TEXT COLLATE "C" NOT NULL,
    version   BIGINT NOT NULL,
    doc       TEXT   NOT NULL, -- the whole policy.NominationRecord as JSON
    PRIMARY KEY (dealer_id, id)
);

CREATE INDEX policy_nominations_period ON policy_nominations (dealer_id, period, id);

-- One decision per proposal key; period and employee are its proposal's.
CREATE TABLE policy_decisions (
    dealer_id TEXT COLLATE "C" NOT NULL,
    key       TEXT COLLATE "C" NOT NULL,
    period    TEXT COLLATE "C" NOT NULL,
    employee  TEXT COLLATE "C" NOT NULL,
    state     TEXT   NOT NULL,
    version   BIGINT NOT NULL,
    doc       TEXT   NOT NULL, -- the whole policy.Decision as JSON
    PRIMARY KEY (dealer_id, key)
);

-- Decisions: a period's, of everyone or of one employee, by key.
CREATE INDEX policy_decisions_period ON policy_decisions (dealer_id, period, key);
CREATE INDEX policy_decisions_employee ON policy_decisions (dealer_id, period, employee, key);
