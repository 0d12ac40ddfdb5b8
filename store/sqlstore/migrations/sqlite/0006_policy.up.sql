-- policy: each saved version of a dealer's reward and penalty policy, the
-- incidents and nominations recorded about employees, and the decisions
-- that evaluating a policy proposes and supervisors approve or reject.
-- Records are kept whole in doc as JSON, as in 0002 to 0005: decimals as
-- exact strings at whatever precision they have, instants as RFC 3339 in
-- UTC at microsecond precision, beside copies of what queries select and
-- order on. Times among them are TEXT in the fixed-width layout of 0001,
-- so text order is time order; a period is "2026-11" or "2026".

-- One row per saved version of a dealer's policy; policy_version is the
-- policy's own Version, version the row's optimistic version.
CREATE TABLE policies (
    dealer_id      TEXT    NOT NULL,
    policy_version INTEGER NOT NULL,
    policy_id      TEXT    NOT NULL,
    active         INTEGER NOT NULL, -- 0 or 1
    saved_at       TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    doc            TEXT    NOT NULL, -- the whole policy.StoredPolicy as JSON
    PRIMARY KEY (dealer_id, policy_version)
) STRICT;

-- At most one active version per dealer. A switch is one commit that
-- writes the old version's deactivation before the new one's activation,
-- so this index never sees two.
CREATE UNIQUE INDEX policies_active ON policies (dealer_id) WHERE active;

CREATE TABLE policy_incidents (
    dealer_id   TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    employee    TEXT    NOT NULL,
    happened_at TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    doc         TEXT    NOT NULL, -- the whole policy.IncidentRecord as JSON
    PRIMARY KEY (dealer_id, id)
) STRICT;

-- Incidents: those of a period and its windows, by time then ID.
CREATE INDEX policy_incidents_at ON policy_incidents (dealer_id, happened_at, id);

CREATE TABLE policy_nominations (
    dealer_id TEXT    NOT NULL,
    id        TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    employee  TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL, -- the whole policy.NominationRecord as JSON
    PRIMARY KEY (dealer_id, id)
) STRICT;

CREATE INDEX policy_nominations_period ON policy_nominations (dealer_id, period, id);

-- One decision per proposal key; period and employee are its proposal's.
CREATE TABLE policy_decisions (
    dealer_id TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    employee  TEXT    NOT NULL,
    state     TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL, -- the whole policy.Decision as JSON
    PRIMARY KEY (dealer_id, key)
) STRICT;

-- Decisions: a period's, of everyone or of one employee, by key.
CREATE INDEX policy_decisions_period ON policy_decisions (dealer_id, period, key);
CREATE INDEX policy_decisions_employee ON policy_decisions (dealer_id, period, employee, key);
