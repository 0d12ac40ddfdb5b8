-- billing: price book versions, settlements, issued documents and their
-- numbering series. Records are kept whole in doc as JSON, as in 0002
-- (amounts as exact decimal strings, instants as RFC 3339 in UTC), beside
-- copies of what queries filter and sort on, and of what the constraints
-- below need. IDs are COLLATE "C", so ORDER BY and the page cursor follow
-- byte order.

-- One row per stored version of a dealer's price book; book_version is the
-- book's own Version ("2026-11"), version the row's optimistic version.
CREATE TABLE price_books (
    dealer_id    TEXT COLLATE "C" NOT NULL,
    book_version TEXT COLLATE "C" NOT NULL,
    active       BOOLEAN     NOT NULL,
    saved_at     TIMESTAMPTZ NOT NULL,
    version      BIGINT      NOT NULL,
    doc          TEXT        NOT NULL, -- the whole billing.StoredPriceBook as JSON
    PRIMARY KEY (dealer_id, book_version)
);

-- At most one active version per dealer. A switch is one commit that
-- writes the old version's deactivation before the new one's activation,
-- so this index never sees two.
CREATE UNIQUE INDEX price_books_active ON price_books (dealer_id) WHERE active;

-- Settlements by idempotency key.
CREATE TABLE settlements (
    dealer_id  TEXT COLLATE "C" NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    advisor    TEXT COLLATE "C" NOT NULL,
    settled_at TIMESTAMPTZ NOT NULL,
    version    BIGINT      NOT NULL,
    doc        TEXT        NOT NULL, -- the whole billing.Settlement as JSON
    PRIMARY KEY (dealer_id, key)
);

CREATE INDEX settlements_settled_at ON settlements (dealer_id, settled_at);

-- Issued invoices, receipts and credit notes.
CREATE TABLE documents (
    dealer_id  TEXT COLLATE "C" NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    work_order TEXT COLLATE "C" NOT NULL,
    kind       TEXT        NOT NULL,
    issued_at  TIMESTAMPTZ NOT NULL,
    series     TEXT COLLATE "C" NOT NULL,
    number     BIGINT      NOT NULL,
    version    BIGINT      NOT NULL,
    doc        TEXT        NOT NULL, -- the whole billing.Document as JSON
    PRIMARY KEY (dealer_id, id),
    -- Numbers are gapless and unique per series (R3.4d). The series row's
    -- version is what hands out each number once; this is the second line
    -- of defence, should two documents ever claim one number.
    UNIQUE (dealer_id, series, number)
);

-- id last: a work order's documents come out in the page order of Documents.
CREATE INDEX documents_work_order ON documents (dealer_id, work_order, id);
CREATE INDEX documents_issued_at ON documents (dealer_id, issued_at);

-- Numbering series: next is the number the next document gets.
CREATE TABLE series (
    dealer_id TEXT COLLATE "C" NOT NULL,
    name      TEXT COLLATE "C" NOT NULL,
    next      BIGINT NOT NULL,
    version   BIGINT NOT NULL,
    PRIMARY KEY (dealer_id, name)
);
