-- billing: price book versions, settlements, issued documents and their
-- numbering series. Records are kept whole in doc as JSON, as in 0002
-- (amounts as exact decimal strings, instants as RFC 3339 in UTC), beside
-- copies of what queries filter and sort on, and of what the constraints
-- below need; times among them are TEXT in the fixed-width layout of 0001,
-- so text order is time order.

-- One row per stored version of a dealer's price book; book_version is the
-- book's own Version ("2026-11"), version the row's optimistic version.
CREATE TABLE price_books (
    dealer_id    TEXT    NOT NULL,
    book_version TEXT    NOT NULL,
    active       INTEGER NOT NULL, -- 0 or 1
    saved_at     TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    doc          TEXT    NOT NULL, -- the whole billing.StoredPriceBook as JSON
    PRIMARY KEY (dealer_id, book_version)
) STRICT;

-- At most one active version per dealer. A switch is one commit that
-- writes the old version's deactivation before the new one's activation,
-- so this index never sees two.
CREATE UNIQUE INDEX price_books_active ON price_books (dealer_id) WHERE active;

-- Settlements by idempotency key.
CREATE TABLE settlements (
    dealer_id  TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    advisor    TEXT    NOT NULL,
    settled_at TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    doc        TEXT    NOT NULL, -- the whole billing.Settlement as JSON
    PRIMARY KEY (dealer_id, key)
) STRICT;

CREATE INDEX settlements_settled_at ON settlements (dealer_id, settled_at);

-- Issued invoices, receipts and credit notes.
CREATE TABLE documents (
    dealer_id  TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    work_order TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    issued_at  TEXT    NOT NULL,
    series     TEXT    NOT NULL,
    number     INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    doc        TEXT    NOT NULL, -- the whole billing.Document as JSON
    PRIMARY KEY (dealer_id, id),
    -- Numbers are gapless and unique per series (R3.4d). The series row's
    -- version is what hands out each number once; this is the second line
    -- of defence, should two documents ever claim one number.
    UNIQUE (dealer_id, series, number)
) STRICT;

-- id last: a work order's documents come out in the page order of Documents.
CREATE INDEX documents_work_order ON documents (dealer_id, work_order, id);
CREATE INDEX documents_issued_at ON documents (dealer_id, issued_at);

-- Numbering series: next is the number the next document gets.
CREATE TABLE series (
    dealer_id TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    next      INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    PRIMARY KEY (dealer_id, name)
) STRICT;
