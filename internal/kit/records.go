package kit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/servicelane/servicelane/org"
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
