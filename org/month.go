package org

import (
	"fmt"
	"github.com/servicelane/servicelane/internal/validate"
	"time"
)

// Month is a calendar month. Appraisal cycles (R6.2), monthly figures and
// rewards are counted per Month in the dealer's time zone: the month starts
// at local midnight on the 1st, wherever that falls in UTC.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf is the month that instant t falls in, in loc.
func MonthOf(t time.Time, loc *time.Location) Month {
	lt := t.In(loc)
	return Month{Year: lt.Year(), Month: lt.Month()}
}

// ParseMonth reads "2026-11".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	m := Month{Year: t.Year(), Month: t.Month()}
	if err != nil || !m.Valid() {
		return Month{}, fmt.Errorf("org: parse month %q: want YYYY-MM of years 0001 to 9999: %w", s, ErrInvalid)
	}
	return m, nil
}

// String writes "2026-11".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Valid reports whether m names a real month of years 1 to 9999.
// CheckInput holds a month given as input to the bounds every input
// instant has (validate.TimeFrom to TimeBefore: the years 1990 to 2099);
// the zero Month, "not given", is left to the field's own rule.
func (m Month) CheckInput() (code, msg string, bad bool) {
	return CheckYear(m.Year, m == Month{})
}

// CheckYear is the input bound of a period's year: 1990 to 2099, or zero
// when the period is not given. policy.Period checks itself with it.
func CheckYear(year int, zero bool) (code, msg string, bad bool) {
	from, before := validate.TimeFrom.Year(), validate.TimeBefore.Year()
	if zero || (year >= from && year < before) {
		return "", "", false
	}
	return CodeRange, fmt.Sprintf("must be in the years %d to %d", from, before-1), true
}

func (m Month) Valid() bool {
	return m.Year >= 1 && m.Year <= 9999 && m.Month >= time.January && m.Month <= time.December
}

// Start is the first instant of m in loc: local midnight on the 1st, or,
// where a zone change skips or repeats that midnight, the first instant
// whose local date is the 1st.
func (m Month) Start(loc *time.Location) time.Time {
	t := time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, loc)
	if MonthOf(t, loc) == m && MonthOf(t.Add(-time.Nanosecond), loc) != m {
		return t // the usual case
	}
	// Search the instants around t: no zone offset moves by more than 26
	// hours, so lo is in the month before and hi in m.
	lo, hi := t.Add(-26*time.Hour), t.Add(26*time.Hour)
	for hi.Sub(lo) > time.Nanosecond {
		mid := lo.Add(hi.Sub(lo) / 2)
		if MonthOf(mid, loc) == m {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// End is the first instant after m in loc: the range of m is [Start, End).
func (m Month) End(loc *time.Location) time.Time { return m.Next().Start(loc) }

// Contains reports whether instant t falls in m in loc.
func (m Month) Contains(t time.Time, loc *time.Location) bool {
	return !t.Before(m.Start(loc)) && t.Before(m.End(loc))
}

// Next is the month after m.
func (m Month) Next() Month { return m.Add(1) }

// Prev is the month before m.
func (m Month) Prev() Month { return m.Add(-1) }

// Add moves m by n months, forward or back.
func (m Month) Add(n int) Month {
	i := m.Year*12 + int(m.Month-1) + n
	return Month{Year: i / 12, Month: time.Month(i%12 + 1)}
}

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || (m.Year == o.Year && m.Month < o.Month)
}

// MarshalText writes "2026-11".
func (m Month) MarshalText() ([]byte, error) {
	if !m.Valid() {
		return nil, fmt.Errorf("org: month %d-%d is not a calendar month: %w", m.Year, m.Month, ErrInvalid)
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads "2026-11".
func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
