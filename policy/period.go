package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/servicelane/servicelane/org"
)

// Period is the month or the year a policy is evaluated for: Month from
// January to December names a month of Year; Month 0 names the whole
// Year. It is counted in the dealer's time zone, as [org.Month] is. As
// text (JSON) it is "2026-11" or "2026".
type Period struct {
	Year  int
	Month time.Month
}

// MonthPeriod is the period of month m.
func MonthPeriod(m org.Month) Period { return Period{Year: m.Year, Month: m.Month} }

// YearPeriod is the period of a year.
func YearPeriod(year int) Period { return Period{Year: year} }

// ParsePeriod reads "2026-11" (a month) or "2026" (a year).
func ParsePeriod(s string) (Period, error) {
	if len(s) == 4 && strings.Trim(s, "0123456789") == "" { // Atoi takes "+123" too
		y, err := strconv.Atoi(s)
		if p := YearPeriod(y); err == nil && p.Valid() {
			return p, nil
		}
	} else if m, err := org.ParseMonth(s); err == nil {
		return MonthPeriod(m), nil
	}
	return Period{}, fmt.Errorf("policy: parse period %q: want YYYY-MM or YYYY of years 0001 to 9999: %w", s, org.ErrInvalid)
}

// Kind is month or year.
func (p Period) Kind() PeriodKind {
	if p.Month == 0 {
		return Yearly
	}
	return Monthly
}

// Valid reports whether p is a month or a year of years 1 to 9999.
// CheckInput holds a period given as input to the years every input
// instant may have (1990 to 2099); the zero Period is left to the field's
// own rule.
func (p Period) CheckInput() (code, msg string, bad bool) {
	return org.CheckYear(p.Year, p == Period{})
}

func (p Period) Valid() bool {
	return p.Year >= 1 && p.Year <= 9999 && p.Month >= 0 && p.Month <= time.December
}

// String writes "2026-11" or "2026".
func (p Period) String() string {
	if p.Month == 0 {
		return fmt.Sprintf("%04d", p.Year)
	}
	return org.Month{Year: p.Year, Month: p.Month}.String()
}

// Start is the first instant of p in loc.
func (p Period) Start(loc *time.Location) time.Time {
	if p.Month == 0 {
		return org.Month{Year: p.Year, Month: time.January}.Start(loc)
	}
	return org.Month{Year: p.Year, Month: p.Month}.Start(loc)
}

// End is the first instant after p in loc: p is [Start, End).
func (p Period) End(loc *time.Location) time.Time {
	if p.Month == 0 {
		return org.Month{Year: p.Year, Month: time.December}.End(loc)
	}
	return org.Month{Year: p.Year, Month: p.Month}.End(loc)
}

// Contains reports whether instant t falls in p in loc.
func (p Period) Contains(t time.Time, loc *time.Location) bool {
	return !t.Before(p.Start(loc)) && t.Before(p.End(loc))
}

// MarshalText writes "2026-11" or "2026".
func (p Period) MarshalText() ([]byte, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("policy: period %d-%d is not a month or a year: %w", p.Year, p.Month, org.ErrInvalid)
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads "2026-11" or "2026".
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
