-- appraisal: monthly cycles, the inputs (ratings) collected for them, each
-- employee's scored month, and the improvement plans after a failing one.
-- Records are kept whole in doc as JSON, as in 0002 and 0003: decimals as
-- exact strings at whatever precision they have (scores and shares carry 8
-- decimals, a mean of ratings 16), instants as RFC 3339 in UTC at
-- microsecond precision. month is the dealer month, "2026-11": fixed-width
-- text, so text order is month order.

-- One cycle per dealer month.
CREATE TABLE appraisal_cycles (
    dealer_id TEXT    NOT NULL,
    month     TEXT    NOT NULL,
    state     TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL, -- the whole appraisal.Cycle as JSON
    PRIMARY KEY (dealer_id, month)
) STRICT;

-- One rating per rater, source and KPI of a ratee: key is Input.Key(),
-- "ratee/rater/source/kpi", which Inputs orders by.
CREATE TABLE appraisal_inputs (
    dealer_id TEXT    NOT NULL,
    month     TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    ratee     TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL, -- the whole appraisal.Input as JSON
    PRIMARY KEY (dealer_id, month, key)
) STRICT;

-- key last: one ratee's inputs come out in the order Inputs returns.
CREATE INDEX appraisal_inputs_ratee ON appraisal_inputs (dealer_id, month, ratee, key);

-- One scored month per employee (the Computed result's Employee).
CREATE TABLE appraisals (
    dealer_id TEXT    NOT NULL,
    month     TEXT    NOT NULL,
    employee  TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL, -- the whole appraisal.Appraisal as JSON
    PRIMARY KEY (dealer_id, month, employee)
) STRICT;

-- History: one employee's months, oldest first.
CREATE INDEX appraisals_history ON appraisals (dealer_id, employee, month);

-- At most one improvement plan per employee and month.
CREATE TABLE appraisal_improvements (
    dealer_id TEXT    NOT NULL,
    month     TEXT    NOT NULL,
    employee  TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL, -- the whole appraisal.Improvement as JSON
    PRIMARY KEY (dealer_id, month, employee)
) STRICT;
