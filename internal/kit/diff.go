package kit

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// MostDiffs is how many differences Differ.Err lists before it only
// counts the rest.
const MostDiffs = 8

// Differ collects the differences between a record read back from a store
// and the one written, each named by its path in the record
// ("jobs[0].lines[1].amount"), so that one failure names every field a
// store lost, not only the first.
//
// A kit compares whole records with Deep (deep.go), which walks them by
// reflection; Eq (==), Amount (by decimal value: 12.5 is 12.50) and
// Instant (the same instant, read back in UTC) are its comparisons, and a
// kit's own for what Deep cannot judge.
type Differ struct {
	what  string
	diffs []string
}

// NewDiffer returns an empty Differ for the record that format and args
// name: "work order d1/wo-1".
func NewDiffer(format string, args ...any) *Differ {
	return &Differ{what: fmt.Sprintf(format, args...)}
}

// Add records a difference at path, described by format and args.
func (d *Differ) Add(path, format string, args ...any) {
	d.diffs = append(d.diffs, path+": "+fmt.Sprintf(format, args...))
}

// Err returns nil when no difference was added, and otherwise an error
// naming the record and listing the first MostDiffs differences:
// "work order d1/wo-1 reads back different: state: got ..., want ...".
func (d *Differ) Err() error {
	if len(d.diffs) == 0 {
		return nil
	}
	list, more := d.diffs, ""
	if len(list) > MostDiffs {
		list, more = list[:MostDiffs], fmt.Sprintf("; and %d more", len(d.diffs)-MostDiffs)
	}
	return fmt.Errorf("%s reads back different: %s%s", d.what, strings.Join(list, "; "), more)
}

// Eq adds a difference at path when got != want, showing both as Go
// values (%#v).
func Eq[T comparable](d *Differ, path string, got, want T) {
	if got != want {
		d.Add(path, "got %#v, want %#v", got, want)
	}
}

// Amount adds a difference at path when got and want are not the same
// number: decimals compare with Equal, so 12.5 and 12.50 are alike.
func (d *Differ) Amount(path string, got, want decimal.Decimal) {
	if !got.Equal(want) {
		d.Add(path, "got %s, want %s", got, want)
	}
}

// Instant adds the difference SameInstant finds at path, if any.
func (d *Differ) Instant(path string, got, want time.Time) {
	if err := SameInstant(got, want); err != nil {
		d.Add(path, "%v", err)
	}
}

// SameInstant returns nil when got is the instant want, read back in UTC,
// and otherwise an error showing both to the nanosecond. A zero want needs
// a zero got, in any zone: a store keeps "not set" as not set.
func SameInstant(got, want time.Time) error {
	switch {
	case want.IsZero() && !got.IsZero():
		return fmt.Errorf("got %s, want the zero time", got.Format(time.RFC3339Nano))
	case want.IsZero():
		return nil
	case !got.Equal(want):
		return fmt.Errorf("got %s, want %s", got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	case got.Location() != time.UTC:
		return fmt.Errorf("got zone %s (%s), want UTC", got.Location(), got.Format(time.RFC3339Nano))
	}
	return nil
}

// DiffEvent compares an event read back with the one written, every
// field but Seq, which the store assigns. Data must read back byte for
// byte.
func DiffEvent(got, want org.Event) error {
	d := NewDiffer("event %s/%s", want.DealerID, want.ID)
	Eq(d, "dealer_id", got.DealerID, want.DealerID)
	Eq(d, "id", got.ID, want.ID)
	d.Instant("at", got.At, want.At)
	Eq(d, "actor", got.Actor, want.Actor)
	Eq(d, "type", got.Type, want.Type)
	Eq(d, "subject", got.Subject, want.Subject)
	Eq(d, "reason", got.Reason, want.Reason)
	if string(got.Data) != string(want.Data) {
		d.Add("data", "got %s, want %s (byte for byte)", got.Data, want.Data)
	}
	return d.Err()
}

// DiffEvents compares two runs of events, Seq included, and returns every
// event that differs; runs of different lengths are one error listing
// both runs' IDs.
func DiffEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %d %s", what, len(got), EventIDs(got), len(want), EventIDs(want))
	}
	var errs []error
	for i := range want {
		if err := DiffEvent(got[i], want[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s, event %d: %w", what, i, err))
		} else if got[i].Seq != want[i].Seq {
			errs = append(errs, fmt.Errorf("%s, event %d (%s): Seq %d, want %d", what, i, want[i].ID, got[i].Seq, want[i].Seq))
		}
	}
	return errors.Join(errs...)
}

// SameEvents compares two runs of events without their Seq, for events
// whose Seq the kit cannot know, and returns the first that differs.
func SameEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %s", what, len(got), EventIDs(got), EventIDs(want))
	}
	for i := range want {
		if err := DiffEvent(got[i], want[i]); err != nil {
			return fmt.Errorf("%s, event %d: %w", what, i, err)
		}
	}
	return nil
}

// EventIDs writes a run of events as their IDs and Seqs, for a message:
// "[ev-1@1 ev-2@2]".
func EventIDs(evs []org.Event) string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = fmt.Sprintf("%s@%d", ev.ID, ev.Seq)
	}
	return "[" + strings.Join(ids, " ") + "]"
}

// Keys returns the key of each of xs, in order.
func Keys[T any, K ~string](xs []T, key func(T) K) []string {
	keys := make([]string, len(xs))
	for i, x := range xs {
		keys[i] = string(key(x))
	}
	return keys
}

// FirstDiff returns the first index at which a and b differ: the length
// of the shorter when one begins the other.
func FirstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// LongList is how many keys SameKeys shows whole; past it, a message
// shows the counts and the keys around the first difference.
const LongList = 20

// SameKeys returns nil when got and want hold records of the same keys in
// the same order, and otherwise an error showing both lists of keys, or,
// for lists longer than LongList, their lengths and the keys around the
// first difference.
func SameKeys[T any, K ~string](what string, got, want []T, key func(T) K) error {
	g, w := Keys(got, key), Keys(want, key)
	if slices.Equal(g, w) {
		return nil
	}
	if len(g) <= LongList && len(w) <= LongList {
		return fmt.Errorf("%s = %q, want %q", what, g, w)
	}
	i := FirstDiff(g, w)
	return fmt.Errorf("%s: got %d records, want %d, or in another order: first difference at %d: got %s; want %s",
		what, len(g), len(w), i, around(g, i), around(w, i))
}

// around shows the keys of list from two before i to two after, with
// "..." where the list goes on: ... "k3" "k4" "k5" "k6" "k7" ...
func around(list []string, i int) string {
	from, to := max(i-2, 0), min(i+3, len(list))
	if from >= to {
		return "no records"
	}
	s := strings.Trim(fmt.Sprintf("%q", list[from:to]), "[]")
	if from > 0 {
		s = "... " + s
	}
	if to < len(list) {
		s += " ..."
	}
	return s
}

// DiffList compares a list read back with the records it must hold, in
// order: first their keys (see SameKeys), then, when those match, each
// record with diff, returning every record that differs.
func DiffList[T any, K ~string](what string, got, want []T, key func(T) K, diff func(got, want T) error) error {
	if err := SameKeys(what, got, want, key); err != nil {
		return err
	}
	var errs []error
	for i := range want {
		if err := diff(got[i], want[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s, element %d: %w", what, i, err))
		}
	}
	return errors.Join(errs...)
}

// Then returns err when it is not nil, and otherwise what next returns:
// a read's error first, then the check of what it read.
func Then(err error, next func() error) error {
	if err != nil {
		return err
	}
	return next()
}
