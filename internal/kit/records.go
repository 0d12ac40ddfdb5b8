package kit

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/shopspring/decimal"
)

// The round trip and not-found rules of a record kind, written once
// (issue 17): a kind that declares their sentences (Record.RoundTrip,
// Record.NotFound) gets <Label>RoundTrip and <Label>NotFound.

// checkRoundTrip writes record 1 with every field set and record 2 bare,
// reads each back by key and through every read, then replaces the full
// one with a bare one and the bare one with a full one and reads them
// again: a store keeping a record's slices in tables of their own must
// delete the rows an update drops.
func (r *Record[S, C, T]) checkRoundTrip(ctx context.Context, dm *Domain[S, C], s S) error {
	full, bare := r.Full("d1", 1), r.Make("d1", 2)
	var c C
	r.add(&c, full)
	r.add(&c, bare)
	dm.putSingles(&c, "d1", fresh)
	if err := dm.commit(ctx, s, "d1", c, fmt.Sprintf("commit a %s with every field set and a bare one", r.Name)); err != nil {
		return err
	}
	if err := r.readBack(ctx, s, full, bare); err != nil {
		return err
	}
	shrunk, grown := r.make("d1", 1, update), r.Full("d1", 2)
	r.rekey(&shrunk, full)
	r.rekey(&grown, bare)
	*r.Version(&grown) = 2
	var u C
	r.add(&u, shrunk)
	r.add(&u, grown)
	if err := dm.commit(ctx, s, "d1", u, fmt.Sprintf("update both %ss to Version 2", r.Name)); err != nil {
		return err
	}
	if err := r.readBack(ctx, s, shrunk, grown); err != nil {
		return fmt.Errorf("after replacing the full %s by a bare one and the bare one by a full one: %w", r.Name, err)
	}
	return nil
}

// readBack reads each of want by key and through every read of the kind,
// and diffs what comes back.
func (r *Record[S, C, T]) readBack(ctx context.Context, s S, want ...T) error {
	var errs []error
	for _, w := range want {
		got, err := r.Get(ctx, s, "d1", w)
		if err != nil {
			return fmt.Errorf("read %s %s: %w", r.Name, r.Key(w), err)
		}
		if err := r.Diff(got, w); err != nil {
			errs = append(errs, fmt.Errorf("reading it by key: %w", err))
		}
		for _, rd := range r.Reads {
			list, err := rd.Of(ctx, s, "d1", w)
			if err != nil {
				return fmt.Errorf("%s of %s %s: %w", rd.Name, r.Name, r.Key(w), err)
			}
			// A read lists what would hold w (ActivePriceBook: w when it
			// is active); the kit's own list checks prove what each lists.
			for _, g := range list {
				if r.Key(g) == r.Key(w) {
					if err := r.Diff(g, w); err != nil {
						errs = append(errs, fmt.Errorf("reading it in %s: %w", rd.Name, err))
					}
				}
			}
		}
	}
	return errors.Join(errs...)
}

// checkNotFound stores records 1 and 2 (and, where the kind can set its
// key, record 3 under a key in both cases), then reads record 4, never
// stored, and every key near theirs: each must be ErrNotFound.
func (r *Record[S, C, T]) checkNotFound(ctx context.Context, dm *Domain[S, C], s S) error {
	stored := []T{r.Make("d1", 1), r.Make("d1", 2)}
	missing := []T{r.Make("d1", 4)}
	if r.SetKey != nil {
		// A key with letters, so a case-blind store shows
		// even where the kind's keys are digits (price book versions).
		x := r.Make("d1", 3)
		r.SetKey(&x, "kit-"+r.Key(x))
		stored = append(stored, x)
		for _, x := range stored {
			for _, k := range nearKeys(r.Key(x)) {
				y := x
				r.SetKey(&y, k)
				missing = append(missing, y)
			}
		}
	}
	var c C
	for _, x := range stored {
		r.add(&c, x)
	}
	dm.putSingles(&c, "d1", fresh) // the dealer's records exist: only the kind's key is missing
	if err := dm.commit(ctx, s, "d1", c, fmt.Sprintf("commit %d %ss", len(stored), r.Name)); err != nil {
		return err
	}
	var keys []string
	for _, x := range stored {
		keys = append(keys, fmt.Sprintf("%q", r.Key(x)))
	}
	for _, x := range missing {
		_, err := r.Get(ctx, s, "d1", x)
		if err := ExpectErr(err, org.ErrNotFound, fmt.Sprintf("reading %s %q by key, stored %s", r.Name, r.Key(x), strings.Join(keys, ", "))); err != nil {
			return err
		}
	}
	return nil
}

// recordChecks are the kind's round trip and not-found checks, where it
// declares them.
func (r *Record[S, C, T]) recordChecks(dm *Domain[S, C]) []Shared[S] {
	var cs []Shared[S]
	if r.RoundTrip != "" {
		cs = append(cs, Shared[S]{Name: r.Label + "RoundTrip", Rule: r.RoundTrip,
			Run: func(ctx context.Context, s S) error { return r.checkRoundTrip(ctx, dm, s) }})
	}
	if r.NotFound != "" {
		cs = append(cs, Shared[S]{Name: r.Label + "NotFound", Rule: r.NotFound,
			Run: func(ctx context.Context, s S) error { return r.checkNotFound(ctx, dm, s) }})
	}
	return cs
}

// nearKeys are the keys a careless store confuses with key: a prefix of
// it (LIKE 'key%' the other way round), it in another case (a _ci
// collation), it padded with a space (a PAD SPACE collation).
func nearKeys(key string) []string {
	var out []string
	if len(key) > 1 {
		out = append(out, key[:len(key)-1])
	}
	for _, k := range []string{strings.ToUpper(key), strings.ToLower(key)} {
		if k != key && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return append(out, key+" ")
}

// rekey gives x like's key, where the kind's bare and full records of
// one n differ in key (billing's receipts and invoices) and it can.
func (r *Record[S, C, T]) rekey(x *T, like T) {
	if r.Key(*x) != r.Key(like) && r.SetKey != nil {
		r.SetKey(x, r.Key(like))
	}
}

// has says whether the kind declares its check of the suffix
// ("RoundTrip", "NotFound").
func (r *Record[S, C, T]) has(suffix string) bool {
	switch suffix {
	case "RoundTrip":
		return r.RoundTrip != ""
	case "NotFound":
		return r.NotFound != ""
	}
	return false
}

// declared names the check of the suffix for every kind that declares it.
func declared[S, C any](dm *Domain[S, C], suffix string) []string {
	var out []string
	for _, k := range dm.Kinds {
		if k.has(suffix) {
			out = append(out, k.label()+suffix)
		}
	}
	return out
}

// checkAmounts writes record 1 of every kind with every decimal set to
// each of dm.Amounts in turn, one version after another, and reads it back
// after each: every decimal must keep its value exactly.
func (dm *Domain[S, C]) checkAmounts(ctx context.Context, s S) error {
	var errs []error
	for i, a := range dm.Amounts {
		v := decimal.RequireFromString(a)
		var c C
		var reads []func() error
		for _, k := range dm.Kinds {
			if read := k.putValued(&c, int64(i+1), func(x reflect.Value) {
				Walk(x, func(f reflect.Value) bool {
					if f.Type() == decimalT {
						f.Set(reflect.ValueOf(v))
						return true
					}
					return false
				})
			}); read != nil {
				reads = append(reads, func() error { return read(ctx, s) })
			}
		}
		if err := dm.commit(ctx, s, "d1", c, fmt.Sprintf("commit every decimal as %s", a)); err != nil {
			return err
		}
		for _, read := range reads {
			if err := read(); err != nil {
				errs = append(errs, fmt.Errorf("every decimal %s: %w", a, err))
			}
		}
	}
	return errors.Join(errs...)
}

// checkInstants writes record 1 of every kind with every instant in
// +08:00 and 400ns past a microsecond, and record 2 as Make has it (its
// unset instants zero), and reads them back: the same instants in UTC to
// the microsecond, the zero time zero.
func (dm *Domain[S, C]) checkInstants(ctx context.Context, s S) error {
	taipei := time.FixedZone("CST", 8*3600)
	var c C
	var reads []func() error
	for _, k := range dm.Kinds {
		if read := k.putInstants(&c, func(t time.Time) time.Time {
			if t.IsZero() {
				return t
			}
			return t.Truncate(time.Microsecond).Add(400).In(taipei)
		}); read != nil {
			reads = append(reads, func() error { return read(ctx, s) })
		}
	}
	if err := dm.commit(ctx, s, "d1", c, "commit records with instants in +08:00 and 400ns past the microsecond"); err != nil {
		return err
	}
	var errs []error
	for _, read := range reads {
		errs = append(errs, read())
	}
	return errors.Join(errs...)
}

// putValued adds record 1 of d1 with every field set, at version v, bent
// by set, to c, and returns what reads it back and diffs it; nil when the
// record holds no decimal.
func (r *Record[S, C, T]) putValued(c *C, v int64, set func(x reflect.Value)) func(ctx context.Context, s S) error {
	x := r.Full("d1", 1)
	if !holds(reflect.TypeFor[T](), decimalT) {
		return nil
	}
	*r.Version(&x) = v
	set(reflect.ValueOf(&x).Elem())
	r.add(c, x)
	return func(ctx context.Context, s S) error { return r.readBack(ctx, s, x) }
}

// putInstants adds record 1 of d1 with every field set and record 2 as
// Make has it, every instant of both passed through write, to c, and
// returns what reads them back and diffs them against the instants in
// UTC to the microsecond; nil when the record holds no instant.
func (r *Record[S, C, T]) putInstants(c *C, write func(time.Time) time.Time) func(ctx context.Context, s S) error {
	if !holds(reflect.TypeFor[T](), timeT) {
		return nil
	}
	var want []T
	for _, x := range []T{r.Full("d1", 1), r.Make("d1", 2)} {
		w := x
		onInstants(reflect.ValueOf(&x).Elem(), write)
		onInstants(reflect.ValueOf(&w).Elem(), func(t time.Time) time.Time {
			if t.IsZero() {
				return t
			}
			return t.Truncate(time.Microsecond).UTC()
		})
		r.add(c, x)
		want = append(want, w)
	}
	return func(ctx context.Context, s S) error { return r.readBack(ctx, s, want...) }
}

// onInstants passes every instant inside v through fn, deep copying the
// slices and pointers on the way, so the record it came from keeps its
// own.
func onInstants(v reflect.Value, fn func(time.Time) time.Time) {
	c := reflect.New(v.Type()).Elem()
	deepCopy(c, v)
	v.Set(c)
	Walk(v, func(f reflect.Value) bool {
		if f.Type() == timeT {
			f.Set(reflect.ValueOf(fn(f.Interface().(time.Time))))
			return true
		}
		return false
	})
}

// holds says whether a value of type t holds a value of type leaf
// anywhere: in a field, an element, behind a pointer.
func holds(t, leaf reflect.Type) bool {
	return holdsSeen(t, leaf, map[reflect.Type]bool{})
}

func holdsSeen(t, leaf reflect.Type, seen map[reflect.Type]bool) bool {
	if t == leaf {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Struct:
		if t == decimalT || t == timeT {
			return false
		}
		for i := range t.NumField() {
			if t.Field(i).IsExported() && holdsSeen(t.Field(i).Type, leaf, seen) {
				return true
			}
		}
	case reflect.Slice, reflect.Array, reflect.Pointer:
		return holdsSeen(t.Elem(), leaf, seen)
	case reflect.Map:
		return holdsSeen(t.Elem(), leaf, seen)
	}
	return false
}

// Part is one kind of record a change carries, as a kit's self-test sees
// it: the round trip check that must catch a store forgetting any of its
// fields, and how to forget one.
type Part[C any] struct {
	Type reflect.Type
	// Check is the round trip check that must catch a store forgetting
	// any field of it.
	Check string
	// Forget zeroes the field at path in every record of the kind in c,
	// in place, and returns c.
	Forget func(c C, path []string) C
	// Assigned are the top-level fields the store assigns itself, which
	// a store cannot forget: an event's Seq.
	Assigned []string
}

// Parts returns each kind of the domain, checked by its <Label>RoundTrip,
// and the events, checked by EventsAppended.
func (dm *Domain[S, C]) Parts() []Part[C] {
	var out []Part[C]
	for _, k := range dm.Kinds {
		out = append(out, k.part())
	}
	return append(out, Part[C]{Type: reflect.TypeFor[org.Event](), Check: "EventsAppended", Assigned: []string{"Seq"},
		Forget: func(c C, path []string) C {
			evs := *dm.EventsIn(&c)
			for i := range evs {
				ZeroPath(reflect.ValueOf(&evs[i]).Elem(), path)
			}
			return c
		}})
}

func (r *Record[S, C, T]) part() Part[C] {
	return Part[C]{Type: reflect.TypeFor[T](), Check: r.Label + "RoundTrip",
		Forget: func(c C, path []string) C {
			rs := *r.In(&c)
			for i := range rs {
				ZeroPath(reflect.ValueOf(&rs[i]).Elem(), path)
			}
			return c
		}}
}
