package sqlstore_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// TestMoneyRoundTrip writes amounts a float64 or a SQLite NUMERIC column
// would round, and reads them back exactly.
func TestMoneyRoundTrip(t *testing.T) {
	t.Parallel()
	amounts := []string{
		"12345678901234567.89", // above 2^53: a float64 rounds it
		"12.50",                // trailing zero
		"0",
		"-42.1234",
		"-12345678901234567.8901",
		"99999999999999999999.9999", // the largest NUMERIC(24,4)
	}
	eachBackend(t, func(t *testing.T, b backend) {
		s, db := b.newStore(t, true)
		d := dealer("d1")
		commit(t, s, "d1", org.Change{Dealer: &d})
		for i, amount := range amounts {
			e := employee("d1", org.EmployeeID("e"+string(rune('a'+i))))
			e.BonusBase = decimal.RequireFromString(amount)
			commit(t, s, "d1", org.Change{Employees: []org.Employee{e}})

			got, err := s.Employee(t.Context(), "d1", e.ID)
			require.NoError(t, err)
			require.True(t, got.BonusBase.Equal(e.BonusBase), "%s: got %s", amount, got.BonusBase)
		}
		if b.dialect == sqlstore.SQLite {
			// The stored text is at the fixed scale, so it compares and
			// reads the same everywhere.
			var raw string
			require.NoError(t, db.QueryRowContext(t.Context(),
				`SELECT bonus_base FROM employees WHERE id = 'eb'`).Scan(&raw))
			require.Equal(t, "12.5000", raw)
		}
	})
}

// TestMoneyRefused: amounts the columns cannot hold are refused, not
// rounded.
func TestMoneyRefused(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		for _, amount := range []string{"0.00001", "100000000000000000000", "-100000000000000000000.5"} {
			e := employee("d1", "e1")
			e.BonusBase = decimal.RequireFromString(amount)
			err := s.Commit(t.Context(), "d1", org.Change{Employees: []org.Employee{e}})
			require.ErrorIs(t, err, org.ErrInvalid, amount)
			_, err = s.Employee(t.Context(), "d1", "e1")
			require.ErrorIs(t, err, org.ErrNotFound, amount)
		}
	})
}

// TestTimeRoundTrip: instants come back equal, to the microsecond, in UTC,
// whatever zone they were written in.
func TestTimeRoundTrip(t *testing.T) {
	t.Parallel()
	taipei := time.FixedZone("CST", 8*3600)
	cases := []struct {
		name      string
		in, want  time.Time
		wantValid bool
	}{
		{"micros in another zone", time.Date(2026, 11, 25, 7, 4, 5, 123456000, taipei), time.Date(2026, 11, 24, 23, 4, 5, 123456000, time.UTC), true},
		{"nanos are truncated", time.Date(2026, 1, 2, 3, 4, 5, 999999999, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 999999000, time.UTC), true},
		{"zero time", time.Time{}, time.Time{}, true},
		{"last microsecond of 9999", time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC), true},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, false},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		for i, c := range cases {
			id := org.EmployeeID("e" + string(rune('a'+i)))
			e := employee("d1", id)
			e.CreatedAt, e.UpdatedAt = c.in, c.in
			ev := event("d1", string(id))
			ev.At = c.in
			err := s.Commit(t.Context(), "d1", org.Change{Employees: []org.Employee{e}, Events: []org.Event{ev}})
			if !c.wantValid {
				require.ErrorIs(t, err, org.ErrInvalid, c.name)
				continue
			}
			require.NoError(t, err, c.name)

			got, err := s.Employee(t.Context(), "d1", id)
			require.NoError(t, err)
			for _, at := range []time.Time{got.CreatedAt, got.UpdatedAt} {
				require.True(t, at.Equal(c.want), "%s: got %v, want %v", c.name, at, c.want)
				require.Equal(t, time.UTC, at.Location(), c.name)
			}
		}
		evs, err := s.Events(t.Context(), "d1", 0, 100)
		require.NoError(t, err)
		require.Len(t, evs, 4)
		for _, ev := range evs {
			c := cases[ev.ID[1]-'a']
			require.True(t, ev.At.Equal(c.want), "%s: event at %v, want %v", c.name, ev.At, c.want)
			require.Equal(t, time.UTC, ev.At.Location(), c.name)
		}
	})
}

// TestRecordRoundTrip reads back every field of a dealer, an employee and
// an event, including what is easy to lose: nil against empty skills, and
// event data byte for byte.
func TestRecordRoundTrip(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		d := dealer("d1")
		full := employee("d1", "e1")
		full.SupervisorID, full.Phone, full.Skills = "s1", "+886 2 1234 5678", []string{"EV", "hybrid", "對準"}
		bare := employee("d1", "e2")
		bare.Skills, bare.Email, bare.Active = nil, "", false
		empty := employee("d1", "e3")
		empty.Skills = []string{}
		withData := event("d1", "x1")
		withData.Data = []byte("{\"b\": 2,\n  \"a\":\"é\"}") // spacing and key order kept
		withData.Reason = "onboarding"
		noData := event("d1", "x2")
		noData.Data = nil
		commit(t, s, "d1", org.Change{Dealer: &d, Employees: []org.Employee{full, bare, empty},
			Events: []org.Event{withData, noData}})

		gotD, err := s.Dealer(t.Context(), "d1")
		require.NoError(t, err)
		require.Equal(t, d, gotD)
		for _, want := range []org.Employee{full, bare, empty} {
			got, err := s.Employee(t.Context(), "d1", want.ID)
			require.NoError(t, err)
			require.True(t, got.BonusBase.Equal(want.BonusBase))
			got.BonusBase = want.BonusBase
			require.Equal(t, want, got)
		}
		evs, err := s.Events(t.Context(), "d1", 0, 10)
		require.NoError(t, err)
		withData.Seq, noData.Seq = 1, 2
		require.Equal(t, []org.Event{withData, noData}, evs)
	})
}
