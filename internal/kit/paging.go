package kit

import (
	"context"
	"fmt"

	"github.com/servicelane/servicelane/org"
)

// MaxPages bounds every paging loop of the kits, so that a store ignoring
// After fails a check instead of hanging it.
const MaxPages = 50

// Page reads a whole list one page of limit at a time, starting after
// start, and checks what every page must be: at most limit long, keys
// strictly increasing past the cursor. It stops after MaxPages.
func Page[T any, K ~string](what string, limit int, start K, key func(T) K, read func(after K, limit int) ([]T, error)) ([]T, error) {
	var all []T
	after := start
	for n := 0; n < MaxPages; n++ {
		list, err := read(after, limit)
		if err != nil {
			return all, fmt.Errorf("%s, page %d after %q: %w", what, n, after, err)
		}
		if len(list) > limit {
			return all, fmt.Errorf("%s, page %d: %d results, more than Limit %d", what, n, len(list), limit)
		}
		for i, x := range list {
			k := key(x)
			if k <= after {
				return all, fmt.Errorf("%s, page %d: result %d is %q, not after %q (byte order)", what, n, i, k, after)
			}
			after = k
		}
		all = append(all, list...)
		if len(list) < limit {
			return all, nil
		}
	}
	return all, fmt.Errorf("%s: still more after %d pages of %d: does the store ignore After?", what, MaxPages, limit)
}

// EventReader reads a dealer's audit trail: org.Store's Events method.
type EventReader interface {
	Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error)
}

// AllEvents reads a dealer's whole trail from r, checking that every page
// is at most org.MaxPage long and that Seq increases. It stops after
// MaxPages.
func AllEvents(ctx context.Context, r EventReader, d org.DealerID) ([]org.Event, error) {
	var all []org.Event
	var after int64
	for n := 0; n < MaxPages; n++ {
		list, err := r.Events(ctx, d, after, org.MaxPage)
		if err != nil {
			return all, fmt.Errorf("events of %s after %d: %w", d, after, err)
		}
		if len(list) > org.MaxPage {
			return all, fmt.Errorf("events of %s after %d: %d events, more than the limit %d", d, after, len(list), org.MaxPage)
		}
		for _, ev := range list {
			if ev.Seq <= after {
				return all, fmt.Errorf("events of %s after %d: event %s has Seq %d, not above the previous", d, after, ev.ID, ev.Seq)
			}
			after = ev.Seq
		}
		all = append(all, list...)
		if len(list) < org.MaxPage {
			return all, nil
		}
	}
	return all, fmt.Errorf("events of %s: still more after %d pages: does the store ignore the cursor?", d, MaxPages)
}
