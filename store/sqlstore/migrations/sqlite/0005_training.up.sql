-- training: each year's plan, the sessions that run its courses, every
-- employee's progress in a course (attempts, retake, retraining,
-- commendation) and the career records of notes, goals and certificates.
-- Records are kept whole in doc as JSON, as in 0002 to 0004: decimals as
-- exact strings at whatever precision they have, instants as RFC 3339 in
-- UTC at microsecond precision. start_at is the session's start in the
-- fixed-width text of every SQLite instant, so text order is time order.

-- One plan per dealer and year.
CREATE TABLE training_plans (
    dealer_id TEXT    NOT NULL,
    year      INTEGER NOT NULL,
    state     TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL, -- the whole training.Plan as JSON
    PRIMARY KEY (dealer_id, year)
) STRICT;

CREATE TABLE training_sessions (
    dealer_id TEXT    NOT NULL,
    id        TEXT    NOT NULL,
    year      INTEGER NOT NULL,
    course_id TEXT    NOT NULL,
    start_at  TEXT    NOT NULL,
    state     TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL, -- the whole training.Session as JSON
    PRIMARY KEY (dealer_id, id)
) STRICT;

-- Sessions: a year's, by start then ID.
CREATE INDEX training_sessions_year ON training_sessions (dealer_id, year, start_at, id);

-- One record per employee, year and course: key is Progress.Key(), which
-- Progress orders by.
CREATE TABLE training_progress (
    dealer_id TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    year      INTEGER NOT NULL,
    course_id TEXT    NOT NULL,
    employee  TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL, -- the whole training.Progress as JSON
    PRIMARY KEY (dealer_id, key)
) STRICT;

CREATE INDEX training_progress_year ON training_progress (dealer_id, year, employee, key);

-- One career record per employee.
CREATE TABLE training_careers (
    dealer_id TEXT    NOT NULL,
    employee  TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    doc       TEXT    NOT NULL, -- the whole training.Career as JSON
    PRIMARY KEY (dealer_id, employee)
) STRICT;
