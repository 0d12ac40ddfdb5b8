-- training: each year's plan, the sessions that run its courses, every
-- employee's progress in a course (attempts, retake, retraining,
-- commendation) and the career records of notes, goals and certificates.
-- Records are kept whole in doc as JSON, as in 0002 to 0004: decimals as
-- exact strings at whatever precision they have, instants as RFC 3339 in
-- UTC at microsecond precision. doc is TEXT, not JSONB, which would turn
-- decimals into numbers. IDs and keys are COLLATE "C", so ORDER BY follows
-- byte order, as Go's string comparison does.

-- One plan per dealer and year.
CREATE TABLE training_plans (
    dealer_id TEXT COLLATE "C" NOT NULL,
    year      INTEGER NOT NULL,
    state     TEXT    NOT NULL,
    version   BIGINT  NOT NULL,
    doc       TEXT    NOT NULL, -- the whole training.Plan as JSON
    PRIMARY KEY (dealer_id, year)
);

CREATE TABLE training_sessions (
    dealer_id TEXT COLLATE "C" NOT NULL,
    id        TEXT COLLATE "C" NOT NULL,
    year      INTEGER     NOT NULL,
    course_id TEXT COLLATE "C" NOT NULL,
    start_at  TIMESTAMPTZ NOT NULL,
    state     TEXT        NOT NULL,
    version   BIGINT      NOT NULL,
    doc       TEXT        NOT NULL, -- the whole training.Session as JSON
    PRIMARY KEY (dealer_id, id)
);

-- Sessions: a year's, by start then ID.
CREATE INDEX training_sessions_year ON training_sessions (dealer_id, year, start_at, id);

-- One record per employee, year and course: key is Progress.Key(), which
-- Progress orders by.
CREATE TABLE training_progress (
    dealer_id TEXT COLLATE "C" NOT NULL,
    key       TEXT COLLATE "C" NOT NULL,
    year      INTEGER NOT NULL,
    course_id TEXT COLLATE "C" NOT NULL,
    employee  TEXT COLLATE "C" NOT NULL,
    version   BIGINT  NOT NULL,
    doc       TEXT    NOT NULL, -- the whole training.Progress as JSON
    PRIMARY KEY (dealer_id, key)
);

CREATE INDEX training_progress_year ON training_progress (dealer_id, year, employee, key);

-- One career record per employee.
CREATE TABLE training_careers (
    dealer_id TEXT COLLATE "C" NOT NULL,
    employee  TEXT COLLATE "C" NOT NULL,
    version   BIGINT NOT NULL,
    doc       TEXT   NOT NULL, -- the whole training.Career as JSON
    PRIMARY KEY (dealer_id, employee)
);
