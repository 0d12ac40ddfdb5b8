package sqlstore

import (
	"strconv"
	"strings"
)

// Dialect names the SQL database behind a *sql.DB. The zero value is no
// dialect: [New] rejects it.
type Dialect int

// The databases sqlstore supports.
const (
	// SQLite, opened with modernc.org/sqlite and a DSN from [SQLiteDSN].
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL, opened with github.com/jackc/pgx/v5/stdlib.
	Postgres
)

// String returns "sqlite" or "postgres".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

func (d Dialect) valid() bool { return d == SQLite || d == Postgres }

// rebind turns the ? placeholders every query here is written with into the
// $1, $2, ... that PostgreSQL wants, so each query is written once. No query
// in this package has a ? inside a string literal, so a plain scan is enough.
func (d Dialect) rebind(query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for _, r := range query {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}
