package org_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the machine has installed

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/org"
)

func month(y int, m time.Month) org.Month { return org.Month{Year: y, Month: m} }

func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestMonthString(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		m    org.Month
		want string
	}{
		{month(2026, time.November), "2026-11"},
		{month(2026, time.January), "2026-01"},
		{month(1, time.January), "0001-01"},
		{month(9999, time.December), "9999-12"},
	} {
		t.Run(c.want, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, c.m.String())
			got, err := org.ParseMonth(c.want)
			require.NoError(t, err)
			assert.Equal(t, c.m, got)
		})
	}
}

func TestParseMonthErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, in string }{
		{"empty", ""},
		{"year_only", "2026"},
		{"month_13", "2026-13"},
		{"month_00", "2026-00"},
		{"one_digit_month", "2026-1"},
		{"two_digit_year", "26-11"},
		{"slash", "2026/11"},
		{"with_day", "2026-11-01"},
		{"leading_space", " 2026-11"},
		{"trailing_space", "2026-11 "},
		{"month_first", "11-2026"},
		{"plus_sign", "+2026-11"},
		{"negative_year", "-001-01"},
		{"full_width_digits", "２０２６-11"},
		// Valid covers years 1 to 9999; a month that cannot be marshalled
		// back must not be parsed either.
		{"year_0000_is_not_a_calendar_month", "0000-01"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m, err := org.ParseMonth(c.in)
			require.ErrorIs(t, err, org.ErrInvalid, "ParseMonth(%q) = %v", c.in, m)
			assert.Equal(t, org.Month{}, m)
			var u org.Month
			require.ErrorIs(t, u.UnmarshalText([]byte(c.in)), org.ErrInvalid)
			assert.Equal(t, org.Month{}, u, "a failed UnmarshalText changed the month")
		})
	}
}

func TestMonthAdd(t *testing.T) {
	t.Parallel()
	nov := month(2026, time.November)
	for _, c := range []struct {
		name string
		m    org.Month
		n    int
		want org.Month
	}{
		{"zero", nov, 0, nov},
		{"next", nov, 1, month(2026, time.December)},
		{"into_next_year", nov, 2, month(2027, time.January)},
		{"more_than_a_year", nov, 14, month(2028, time.January)},
		{"ten_years", nov, 120, month(2036, time.November)},
		{"back_within_year", nov, -10, month(2026, time.January)},
		{"back_into_last_year", nov, -11, month(2025, time.December)},
		{"back_from_january", month(2026, time.January), -1, month(2025, time.December)},
		{"back_two_years_and_one", month(2026, time.January), -25, month(2023, time.December)},
		{"back_exactly_a_year", month(2026, time.December), -12, month(2025, time.December)},
		{"to_the_first_month", month(2, time.March), -14, month(1, time.January)},
		{"to_the_last_month", month(9998, time.October), 14, month(9999, time.December)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, c.m.Add(c.n))
		})
	}
	assert.Equal(t, month(2027, time.January), month(2026, time.December).Next())
	assert.Equal(t, month(2025, time.December), month(2026, time.January).Prev())
}

func TestMonthValid(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		m    org.Month
		want bool
	}{
		{month(2026, time.November), true},
		{month(1, time.January), true},
		{month(9999, time.December), true},
		{month(0, time.December), false},
		{month(10000, time.January), false},
		{month(2026, 0), false},
		{month(2026, 13), false},
		{org.Month{}, false},
	} {
		assert.Equal(t, c.want, c.m.Valid(), "%d-%d", c.m.Year, c.m.Month)
	}
}

// TestMonthInZone: a month is counted in the dealer's time zone (R6.2).
// 2026-11-30T16:30Z is already December in Taipei (UTC+8), still November
// in UTC.
func TestMonthInZone(t *testing.T) {
	t.Parallel()
	taipei := loadZone(t, "Asia/Taipei")
	nov, dec := month(2026, time.November), month(2026, time.December)
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return tm
	}

	t.Run("start_and_end", func(t *testing.T) {
		t.Parallel()
		assert.True(t, dec.Start(taipei).Equal(utc("2026-11-30T16:00:00Z")))
		assert.True(t, dec.End(taipei).Equal(utc("2026-12-31T16:00:00Z")))
		assert.True(t, nov.Start(time.UTC).Equal(utc("2026-11-01T00:00:00Z")))
		assert.True(t, nov.End(time.UTC).Equal(utc("2026-12-01T00:00:00Z")))
		assert.Equal(t, taipei, dec.Start(taipei).Location())
	})

	for _, c := range []struct {
		name      string
		at        string
		inTaipei  org.Month
		inUTC     org.Month
		taipeiDec bool // dec.Contains(at, taipei)
		utcNov    bool // nov.Contains(at, UTC)
	}{
		{"december_in_Taipei_november_in_UTC", "2026-11-30T16:30:00Z", dec, nov, true, true},
		{"last_instant_of_november_in_Taipei", "2026-11-30T15:59:59.999999999Z", nov, nov, false, true},
		{"first_instant_of_december_in_Taipei", "2026-11-30T16:00:00Z", dec, nov, true, true},
		{"first_instant_of_december_in_UTC", "2026-12-01T00:00:00Z", dec, dec, true, false},
		{"first_instant_of_january_in_Taipei", "2026-12-31T16:00:00Z", month(2027, time.January), dec, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			at := utc(c.at)
			assert.Equal(t, c.inTaipei, org.MonthOf(at, taipei))
			assert.Equal(t, c.inUTC, org.MonthOf(at, time.UTC))
			assert.Equal(t, c.taipeiDec, dec.Contains(at, taipei))
			assert.Equal(t, c.utcNov, nov.Contains(at, time.UTC))
			assert.True(t, c.inTaipei.Contains(at, taipei))
			assert.False(t, c.inTaipei.Prev().Contains(at, taipei))
			assert.False(t, c.inTaipei.Next().Contains(at, taipei))
		})
	}
}

// TestMonthWhereLocalMidnightIsSkipped: in zones whose clocks jump forward
// at 00:00 on the 1st of a month (Paraguay, Cuba, London in 1847), or fall
// back from 01:00 to 00:00 on the 1st (Gaza, 2004), the month's range must still be
// the instants whose local date is in the month: every instant in exactly
// one month, and the same month MonthOf names.
func TestMonthWhereLocalMidnightIsSkipped(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		zone string
		m    org.Month
	}{
		{"America/Asuncion", month(2023, time.October)},
		{"America/Asuncion", month(2017, time.October)},
		{"America/Havana", month(2012, time.April)},
		{"Asia/Gaza", month(2004, time.September)},
		{"Europe/London", month(1847, time.December)}, // LMT to GMT, 75 s skipped at midnight
	} {
		t.Run(strings.ReplaceAll(c.zone, "/", "_")+"_"+c.m.String(), func(t *testing.T) {
			t.Parallel()
			loc := loadZone(t, c.zone)
			start, end := c.m.Start(loc), c.m.End(loc)
			assert.Equal(t, c.m, org.MonthOf(start, loc), "Start %s", start)
			assert.Equal(t, c.m.Prev(), org.MonthOf(start.Add(-time.Nanosecond), loc), "just before Start %s", start)
			assert.Equal(t, c.m, org.MonthOf(end.Add(-time.Nanosecond), loc), "just before End %s", end)
			assert.Equal(t, c.m.Next(), org.MonthOf(end, loc), "End %s", end)
		})
	}
}

func TestMonthText(t *testing.T) {
	t.Parallel()

	t.Run("marshal", func(t *testing.T) {
		t.Parallel()
		b, err := month(2026, time.November).MarshalText()
		require.NoError(t, err)
		assert.Equal(t, "2026-11", string(b))
		var m org.Month
		require.NoError(t, m.UnmarshalText(b))
		assert.Equal(t, month(2026, time.November), m)
	})

	for _, m := range []org.Month{month(0, time.January), month(2026, 0), month(2026, 13), month(10000, time.January), {}} {
		t.Run("refuses_"+m.String(), func(t *testing.T) {
			t.Parallel()
			b, err := m.MarshalText()
			require.ErrorIs(t, err, org.ErrInvalid)
			assert.Nil(t, b)
			_, err = json.Marshal(m)
			require.ErrorIs(t, err, org.ErrInvalid)
		})
	}

	t.Run("JSON_round_trip", func(t *testing.T) {
		t.Parallel()
		type figures struct {
			Month org.Month         `json:"month"`
			Prev  *org.Month        `json:"prev,omitempty"`
			Sales map[org.Month]int `json:"sales"`
		}
		in := figures{
			Month: month(2026, time.November),
			Prev:  ptr(month(2026, time.October)),
			Sales: map[org.Month]int{month(2026, time.October): 3, month(2025, time.December): 7},
		}
		b, err := json.Marshal(in)
		require.NoError(t, err)
		assert.JSONEq(t, `{"month":"2026-11","prev":"2026-10","sales":{"2025-12":7,"2026-10":3}}`, string(b))
		var out figures
		require.NoError(t, json.Unmarshal(b, &out))
		assert.Equal(t, in, out)
	})

	for _, c := range []struct{ name, in string }{
		{"bad_month", `{"month":"2026-13"}`},
		{"bad_key", `{"sales":{"2026-1":1}}`},
	} {
		t.Run("JSON_refuses_"+c.name, func(t *testing.T) {
			t.Parallel()
			var out struct {
				Month org.Month         `json:"month"`
				Sales map[org.Month]int `json:"sales"`
			}
			require.ErrorIs(t, json.Unmarshal([]byte(c.in), &out), org.ErrInvalid)
		})
	}

	t.Run("JSON_refuses_a_number", func(t *testing.T) {
		t.Parallel()
		var m org.Month
		require.Error(t, json.Unmarshal([]byte(`202611`), &m))
	})
}

// Months are numbered from 0 (0001-01) to lastIndex (9999-12).
const lastIndex = 9999*12 - 1

func index(m org.Month) int { return (m.Year-1)*12 + int(m.Month) - 1 }

var anyMonth = rapid.Custom(func(t *rapid.T) org.Month {
	return month(rapid.IntRange(1, 9999).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month")))
})

// Zones without a transition at local midnight on the 1st of a month (see
// TestMonthWhereLocalMidnightIsSkipped for those that have one), including
// half-hour, 45-minute and half-hour-DST offsets.
var zoneNames = []string{
	"UTC", "Asia/Taipei", "America/New_York", "Australia/Lord_Howe",
	"Asia/Kathmandu", "Pacific/Chatham", "America/St_Johns", "Asia/Tehran",
}

func anyZone(t *testing.T) *rapid.Generator[*time.Location] {
	locs := make([]*time.Location, 0, len(zoneNames)+1)
	for _, name := range zoneNames {
		locs = append(locs, loadZone(t, name))
	}
	locs = append(locs, time.FixedZone("UTC-12", -12*3600))
	return rapid.SampledFrom(locs)
}

func TestMonthAddProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := anyMonth.Draw(t, "m")
		n := rapid.IntRange(-index(m), lastIndex-index(m)).Draw(t, "n")
		got := m.Add(n)
		if !got.Valid() || index(got) != index(m)+n {
			t.Fatalf("%s.Add(%d) = %d-%d, want month number %d", m, n, got.Year, got.Month, index(m)+n)
		}
		if back := got.Add(-n); back != m {
			t.Fatalf("%s.Add(%d).Add(%d) = %s", m, n, -n, back)
		}
		k := rapid.IntRange(-index(got), lastIndex-index(got)).Draw(t, "k")
		if a, b := got.Add(k), m.Add(n+k); a != b {
			t.Fatalf("%s.Add(%d).Add(%d) = %s, Add(%d) = %s", m, n, k, a, n+k, b)
		}
	})
}

func TestMonthNextPrevProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := anyMonth.Draw(t, "m")
		if got := m.Next().Prev(); got != m {
			t.Fatalf("%s.Next().Prev() = %s", m, got)
		}
		if got := m.Prev().Next(); got != m {
			t.Fatalf("%s.Prev().Next() = %s", m, got)
		}
		if m.Next() != m.Add(1) || m.Prev() != m.Add(-1) {
			t.Fatalf("%s: Next %s, Prev %s, Add(±1) %s %s", m, m.Next(), m.Prev(), m.Add(1), m.Add(-1))
		}
	})
}

func TestMonthOrderProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		a, b := anyMonth.Draw(t, "a"), anyMonth.Draw(t, "b")
		if a.Before(b) != (index(a) < index(b)) {
			t.Fatalf("%s.Before(%s) = %v", a, b, a.Before(b))
		}
		if a.Before(b) && b.Before(a) {
			t.Fatalf("%s and %s are each before the other", a, b)
		}
		if a.Before(a) {
			t.Fatalf("%s is before itself", a)
		}
		if a.Before(b) != a.Start(time.UTC).Before(b.Start(time.UTC)) {
			t.Fatalf("%s.Before(%s) = %v disagrees with their starts", a, b, a.Before(b))
		}
		if a.Before(b) != (a.String() < b.String()) {
			t.Fatalf("%s.Before(%s) = %v disagrees with their text", a, b, a.Before(b))
		}
		if index(a) < lastIndex {
			n := rapid.IntRange(1, lastIndex-index(a)).Draw(t, "n")
			if !a.Before(a.Add(n)) || a.Add(n).Before(a) {
				t.Fatalf("%s is not before %s.Add(%d) = %s", a, a, n, a.Add(n))
			}
		}
	})
}

func TestMonthTextProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := anyMonth.Draw(t, "m")
		b, err := m.MarshalText()
		if err != nil {
			t.Fatalf("%s.MarshalText: %v", m, err)
		}
		var got org.Month
		if err := got.UnmarshalText(b); err != nil || got != m {
			t.Fatalf("UnmarshalText(%q) = %s, %v; want %s", b, got, err, m)
		}
	})
}

func TestMonthZoneProperties(t *testing.T) {
	t.Parallel()
	zones := anyZone(t)
	rapid.Check(t, func(t *rapid.T) {
		m := anyMonth.Draw(t, "m")
		loc := zones.Draw(t, "zone")
		start, end := m.Start(loc), m.End(loc)
		if !start.Before(end) {
			t.Fatalf("%s in %s: Start %s is not before End %s", m, loc, start, end)
		}
		if got := org.MonthOf(start, loc); got != m {
			t.Fatalf("%s in %s: MonthOf(Start %s) = %s", m, loc, start, got)
		}
		if got := org.MonthOf(end.Add(-time.Nanosecond), loc); got != m {
			t.Fatalf("%s in %s: MonthOf(End-1ns, %s) = %s", m, loc, end, got)
		}
		if !end.Equal(m.Next().Start(loc)) {
			t.Fatalf("%s in %s: End %s is not the next month's Start %s", m, loc, end, m.Next().Start(loc))
		}
		if !m.Contains(start, loc) || m.Contains(end, loc) {
			t.Fatalf("%s in %s: range is not [Start, End)", m, loc)
		}
	})
}

// TestMonthOfProperties: every instant falls in the month MonthOf names.
func TestMonthOfProperties(t *testing.T) {
	t.Parallel()
	zones := anyZone(t)
	from := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	to := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	rapid.Check(t, func(t *rapid.T) {
		at := time.Unix(rapid.Int64Range(from, to).Draw(t, "unix"), rapid.Int64Range(0, 999999999).Draw(t, "ns"))
		loc := zones.Draw(t, "zone")
		m := org.MonthOf(at, loc)
		if !m.Contains(at, loc) {
			t.Fatalf("%s is in %s in %s, which does not contain it", at, m, loc)
		}
		if m.Prev().Contains(at, loc) || m.Next().Contains(at, loc) {
			t.Fatalf("%s is also in a neighbour of %s in %s", at, m, loc)
		}
	})
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-11", "0001-01", "9999-12", "2026-13", "2026-00", "2026-1", "", "0000-00", "２０２６-11", "2026-11\x00", "-2026-11"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := org.ParseMonth(s)
		if err != nil {
			if m != (org.Month{}) {
				t.Fatalf("ParseMonth(%q) failed but returned %v", s, m)
			}
			return
		}
		if m.String() != s {
			t.Fatalf("ParseMonth(%q) = %s: accepted a form other than YYYY-MM", s, m)
		}
		again, err := org.ParseMonth(m.String())
		if err != nil || again != m {
			t.Fatalf("ParseMonth(%q) = %s, %v; want %s", m.String(), again, err, m)
		}
	})
}
