package org_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

// TestLeftAt: deactivating an employee records when they left, at the
// clock's now as stored (UTC, to the microsecond); reactivating clears it,
// and leaving again records the new time.
func TestLeftAt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	require.True(t, f.employee(t, "t1").LeftAt.IsZero(), "an employee added is active: no LeftAt")

	// Nanoseconds on the clock: LeftAt is truncated as every stored instant.
	f.clock.Advance(26*time.Hour + 1234567*time.Nanosecond)
	left := org.Now(f.clock)
	off := f.deactivate(t, "t1")
	assert.False(t, off.Active)
	assert.Equal(t, left, off.LeftAt, "LeftAt is the clock's now")
	assert.Equal(t, off.UpdatedAt, off.LeftAt, "the deactivation's own write")
	assert.Equal(t, time.UTC, off.LeftAt.Location())
	assert.Equal(t, off.LeftAt, f.employee(t, "t1").LeftAt, "the store keeps it")
	b, err := json.Marshal(off)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"left_at":"`+left.Format(time.RFC3339Nano)+`"`)

	f.clock.Advance(72 * time.Hour)
	on := f.reactivate(t, "t1")
	assert.True(t, on.Active)
	assert.True(t, on.LeftAt.IsZero(), "reactivating clears LeftAt, got %s", on.LeftAt)
	assert.True(t, f.employee(t, "t1").LeftAt.IsZero(), "the store clears it too")
	b, err = json.Marshal(on)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "left_at", "a zero LeftAt is left out of JSON")

	f.clock.Advance(24 * time.Hour)
	again := org.Now(f.clock)
	off = f.deactivate(t, "t1")
	assert.Equal(t, again, off.LeftAt, "LeftAt is the last deactivation")
	assert.Equal(t, again, f.employee(t, "t1").LeftAt)
	assert.True(t, f.employee(t, "a1").LeftAt.IsZero(), "others are untouched")
}

// TestEmployeeInMonth: an employee is in a month when they joined before it
// ended and, if they left, left after it began; one deactivated before
// LeftAt was kept counts by their last write, UpdatedAt.
func TestEmployeeInMonth(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	before := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	oct := time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC)
	nov := time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC)
	dec := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	at := func(joined time.Time, active bool, updated, left time.Time) org.Employee {
		return org.Employee{ID: "e1", Active: active, CreatedAt: joined, UpdatedAt: updated, LeftAt: left}
	}
	cases := []struct {
		name string
		e    org.Employee
		want bool
	}{
		{"joined after the month ended", at(dec, true, dec, time.Time{}), false},
		{"joined as the month ended", at(before, true, before, time.Time{}), false},
		{"joined in the month", at(nov, true, nov, time.Time{}), true},
		{"joined as the month began", at(from, true, from, time.Time{}), true},
		{"joined before the month, active", at(oct, true, oct, time.Time{}), true},
		{"left before the month began", at(oct.AddDate(0, -3, 0), false, oct, oct), false},
		{"left as the month began", at(oct, false, nov, from), false},
		{"left in the month", at(oct, false, nov, nov), true},
		{"left after the month", at(oct, false, dec, dec), true},
		{"joined and left in the month", at(nov, false, nov.Add(time.Hour), nov.Add(time.Hour)), true},
		{"joined after the month, then left", at(dec, false, dec.Add(time.Hour), dec.Add(time.Hour)), false},
		{"left in the month, written since", at(oct, false, dec, nov), true},
		{"left before the month, written in it", at(oct.AddDate(0, -3, 0), false, nov, oct), false},
		{"inactive, zero LeftAt: last written in the month", at(oct, false, nov, time.Time{}), true},
		{"inactive, zero LeftAt: last written before the month", at(oct.AddDate(0, -3, 0), false, oct, time.Time{}), false},
		{"inactive, zero LeftAt: last written as the month began", at(oct, false, from, time.Time{}), false},
		{"active counts whatever LeftAt says", at(oct.AddDate(0, -3, 0), true, oct, oct), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, c.e.InMonth(from, before))
		})
	}
}
