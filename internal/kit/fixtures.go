package kit

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// What every kit's fixtures share.

// Taipei is the dealers' zone: the kits write instants in it where a
// store must read them back in UTC.
var Taipei = time.FixedZone("CST", 8*3600)

// Big is above 2^53: a float column, or a float on the way, loses it.
const Big = "12345678901234567.89"

// Amount parses one of a kit's constant decimals.
func Amount(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// Clock gives a kit's instants: T0, a fixed instant with microseconds
// written in UTC as the Service writes it (a store that drops either is
// caught), and whole minutes after it.
type Clock struct{ T0 time.Time }

// NewClock returns the clock whose T0 is 09:30:15.123456 in Taipei on the
// day given.
func NewClock(year int, month time.Month, day int) Clock {
	return Clock{time.Date(year, month, day, 9, 30, 15, 123456000, Taipei).UTC()}
}

// At is T0 plus some minutes.
func (c Clock) At(minutes int) time.Time { return c.T0.Add(time.Duration(minutes) * time.Minute) }

// Events returns n events of dealer d made by event, their IDs prefix-0,
// prefix-1, ...
func Events(d org.DealerID, prefix, subject string, n int, event func(d org.DealerID, id, subject string) org.Event) []org.Event {
	evs := make([]org.Event, n)
	for i := range evs {
		evs[i] = event(d, fmt.Sprintf("%s-%d", prefix, i), subject)
	}
	return evs
}

// Commit commits c for dealer d with commit, naming what failed.
func Commit[C any](ctx context.Context, commit func(context.Context, org.DealerID, C) error, d org.DealerID, c C, what string) error {
	if err := commit(ctx, d, c); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
