package sqlstore

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// sqliteTimeLayout stores instants as fixed-width UTC text, so that text
// order is time order and indexes on times work.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// moneyScale is the number of decimals stored: the store contract promises
// 4 (and 20 before the point, which NUMERIC(24,4) holds).
const moneyScale = 4

// maxMoney bounds amounts to 20 digits before the point on every dialect,
// not just where NUMERIC(24,4) enforces it. Never modified.
var maxMoney = decimal.New(1, 24-moneyScale)

// timeArg is t as the dialect stores it: UTC at microsecond precision, as
// PostgreSQL keeps it; SQLite gets the fixed-width text.
func (s *Store) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if s.dialect == SQLite {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// optionalTimeArg is t as timeArg stores it, or, for the zero time (an
// instant not set, such as an active employee's LeftAt), the dialect's
// "none": the empty text on SQLite, whose instant columns are NOT NULL
// TEXT, and NULL on PostgreSQL. optionalInstant reads either back as the
// zero time.
func (s *Store) optionalTimeArg(t time.Time) any {
	if t.UTC().Truncate(time.Microsecond).IsZero() {
		if s.dialect == SQLite {
			return ""
		}
		return nil
	}
	return s.timeArg(t)
}

// moneyArg is d as text at the stored scale. Text, never float64: both
// SQLite TEXT and PostgreSQL NUMERIC take it without rounding through binary.
func moneyArg(d decimal.Decimal) string { return d.StringFixed(moneyScale) }

// moneyFits reports whether d is stored without rounding or overflow.
func moneyFits(d decimal.Decimal) bool {
	return d.Equal(d.Truncate(moneyScale)) && d.Abs().LessThan(maxMoney)
}

// timeFits reports whether t fits the SQLite layout's four-digit year; the
// same bound holds on PostgreSQL so both dialects accept the same values.
func timeFits(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 1 && y <= 9999
}

// instant scans a stored time, text from SQLite or a time.Time from
// PostgreSQL, into UTC.
type instant struct{ t *time.Time }

func (i instant) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*i.t = v.UTC()
		return nil
	case string:
		return i.parse(v)
	case []byte:
		return i.parse(string(v))
	}
	return fmt.Errorf("sqlstore: time stored as %T, want text or timestamp", src)
}

func (i instant) parse(s string) error {
	t, err := time.Parse(sqliteTimeLayout, s)
	if err != nil {
		return fmt.Errorf("sqlstore: stored time %q: %w", s, err)
	}
	*i.t = t.UTC()
	return nil
}

// optionalInstant scans a stored time that may be unset, as
// optionalTimeArg writes it: NULL or the empty text is the zero time;
// anything else is read as instant reads it.
type optionalInstant struct{ t *time.Time }

func (i optionalInstant) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*i.t = time.Time{}
		return nil
	case string:
		if v == "" {
			*i.t = time.Time{}
			return nil
		}
	case []byte:
		if len(v) == 0 {
			*i.t = time.Time{}
			return nil
		}
	}
	return instant(i).Scan(src)
}

// money scans a stored amount from its text form. Unlike decimal.Decimal's
// own Scan it refuses float64, so a column that rounds through binary is
// caught instead of read.
type money struct{ d *decimal.Decimal }

func (m money) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("sqlstore: amount stored as %T, want text", src)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("sqlstore: stored amount %q: %w", s, err)
	}
	*m.d = d
	return nil
}
