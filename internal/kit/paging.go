package kit

import (
	"context"
	"fmt"
	"slices"

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

// PageKeys are the keys Pages writes: in no order, and byte order is not
// the order a person or a collation would pick (upper case before "_"
// before lower case, "k-10" before "k-9").
var PageKeys = []string{"k-9", "a", "B", "k-10", "_x", "A", "Z", "k-1", "b", "k-2"}

// Pages commits one record per PageKeys (commit, with the records mk
// makes), then pages through list by 3 and reads one page of 1 after
// "k-10" and one after the last key: each record once, in byte order, no
// page longer than its Limit, nothing after the last.
func Pages[T any, K ~string](what string, commit func(recs []T) error, mk func(key K) T, key func(T) K, list func(after K, limit int) ([]T, error)) error {
	var recs []T
	for _, k := range PageKeys {
		recs = append(recs, mk(K(k)))
	}
	if err := commit(recs); err != nil {
		return fmt.Errorf("seed %s: %w", what, err)
	}
	want := slices.Sorted(slices.Values(PageKeys))
	got, err := Page(what+" by 3", 3, "", key, list)
	if err != nil {
		return err
	}
	if keys := Keys(got, key); !slices.Equal(keys, want) {
		return fmt.Errorf("paging %s by 3 gave %q, want %q (byte order, each once)", what, keys, want)
	}
	one, err := list("k-10", 1)
	if err != nil {
		return err
	}
	if len(one) != 1 || key(one[0]) != "k-2" {
		return fmt.Errorf("%s after k-10, Limit 1: got %q, want k-2 only", what, Keys(one, key))
	}
	last := want[len(want)-1]
	none, err := list(K(last), 5)
	if err != nil {
		return err
	}
	if len(none) != 0 {
		return fmt.Errorf("%s after the last key %s: got %q, want none", what, last, Keys(none, key))
	}
	return nil
}

// Filter is one query of a list and the keys it must return, in order.
type Filter[Q any] struct {
	Name string
	Q    Q
	Want []string
}

// Filters runs each query with list and fails on the first whose keys are
// not the ones it wants, in order.
func Filters[T, Q any, K ~string](what string, cases []Filter[Q], key func(T) K, list func(q Q) ([]T, error)) error {
	for _, c := range cases {
		got, err := list(c.Q)
		if err != nil {
			return fmt.Errorf("%s %s: %w", what, c.Name, err)
		}
		if keys := Keys(got, key); !slices.Equal(keys, c.Want) {
			return fmt.Errorf("%s %s = %q, want %q", what, c.Name, keys, c.Want)
		}
	}
	return nil
}

// Query is the Filter name, of q, that wants the keys want, in order.
func Query[Q any](name string, q Q, want ...string) Filter[Q] {
	return Filter[Q]{Name: name, Q: q, Want: want}
}
