package kit

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/org"
)

// The shared rules of domain.go, each written once for every kind of
// every domain.

// versionRule writes record 1, then tries every write the version rule
// refuses: each must fail with its sentinel and change nothing, events
// included.
func (r *Record[S, C, T]) versionRule(ctx context.Context, dm *Domain[S, C], s S) error {
	change := func(rec T, evID string) C {
		var c C
		r.add(&c, rec)
		dm.addEvents(&c, dm.Event("d1", evID))
		return c
	}
	v1 := r.Make("d1", 1)
	if err := dm.commit(ctx, s, "d1", change(v1, "ok-1"), "create "+r.Name+" "+r.Key(v1)); err != nil {
		return err
	}
	refused := func(rec T, want error, what string) error {
		return dm.Refused(ctx, s, change(rec, "refused"), want, fmt.Sprintf("%s %s: %s", r.Name, r.Key(rec), what), "d1")
	}
	again := r.Make("d1", 1)
	r.Edit(&again, "impostor")
	if err := refused(again, org.ErrConflict, "writing version 1 of an existing record"); err != nil {
		return err
	}
	v2 := r.Make("d1", 1)
	r.Edit(&v2, "second")
	*r.Version(&v2) = 2
	if err := dm.commit(ctx, s, "d1", change(v2, "ok-2"), "write "+r.Name+" version 2 over 1"); err != nil {
		return err
	}
	for _, bad := range []struct {
		version int64
		what    string
	}{{2, "writing version 2 again (a writer that read version 1)"}, {4, "writing version 4 over 2 (a skipped version)"}, {1, "writing version 1 over 2"}} {
		rec := r.Make("d1", 1)
		r.Edit(&rec, "lost")
		*r.Version(&rec) = bad.version
		if err := refused(rec, org.ErrConflict, bad.what); err != nil {
			return err
		}
	}
	got, err := r.Get(ctx, s, "d1", v2)
	if err != nil {
		return fmt.Errorf("read %s %s: %w", r.Name, r.Key(v2), err)
	}
	if err := r.Diff(got, v2); err != nil {
		return fmt.Errorf("after the refused writes: %w", err)
	}
	for n := 2; n <= 3; n++ {
		never := r.Make("d1", n)
		*r.Version(&never) = 2
		if err := refused(never, org.ErrConflict, "writing version 2 of a record never created"); err != nil {
			return err
		}
		_, err := r.Get(ctx, s, "d1", never)
		if err := ExpectErr(err, org.ErrNotFound, fmt.Sprintf("reading %s %s, which a refused commit named", r.Name, r.Key(never))); err != nil {
			return err
		}
	}
	for _, v := range []int64{0, -1} {
		bad := r.Make("d1", 4)
		*r.Version(&bad) = v
		if err := refused(bad, org.ErrInvalid, fmt.Sprintf("writing version %d", v)); err != nil {
			return err
		}
	}
	zero := r.Make("d1", 1)
	*r.Version(&zero) = 0
	if err := refused(zero, org.ErrInvalid, "writing version 0 over an existing record"); err != nil {
		return err
	}
	if tr := dm.trail(s); tr != nil {
		evs, err := AllEvents(ctx, tr, "d1")
		if err != nil {
			return err
		}
		if len(evs) != 2 || evs[0].ID != "ok-1" || evs[1].ID != "ok-2" {
			return fmt.Errorf("the trail holds %s, want the two accepted commits' events ok-1 and ok-2 only", EventIDs(evs))
		}
	}
	return nil
}

// twice commits changes naming one record of the kind twice, beside new
// records of every other kind: a store writing records one by one lands
// both versions of one, a store keeping the last lands the second.
func (r *Record[S, C, T]) twice(ctx context.Context, dm *Domain[S, C], s S) error {
	if err := dm.seed(ctx, s, "d1"); err != nil {
		return err
	}
	with := func(id string, recs ...T) C {
		var c C
		for _, k := range dm.Kinds {
			if k != Kind[S, C](r) {
				k.put(&c, "d1", 2, fresh)
			}
		}
		for _, x := range recs {
			r.add(&c, x)
		}
		dm.addEvents(&c, dm.Event("d1", id))
		return c
	}
	at := func(n int, v int64, text string) T {
		x := r.Make("d1", n)
		if text != "" {
			r.Edit(&x, text)
		}
		*r.Version(&x) = v
		return x
	}
	cases := []struct {
		name string
		c    C
	}{
		{"a new " + r.Name + " at version 1 twice, with different content", with("t1", at(2, 1, ""), at(2, 1, "second"))},
		{"a new " + r.Name + " at versions 1 and 2", with("t2", at(2, 1, ""), at(2, 2, "second"))},
		{"a stored " + r.Name + " at versions 2 and 3", with("t3", at(1, 2, "second"), at(1, 3, "third"))},
		{"a stored " + r.Name + " at version 2 twice, written apart", with("t4", at(1, 2, "second"), at(3, 1, ""), at(1, 2, "other"))},
	}
	for _, c := range cases {
		if err := dm.Refused(ctx, s, c.c, org.ErrConflict, "commit of "+c.name, "d1"); err != nil {
			return err
		}
	}
	return nil
}

// checkAtomic seeds record 1 of every kind, then commits changes that
// hold good writes of every kind and one bad write of one kind: version 1
// of a stored record again, or version 2 of one never created. None may
// land in part.
func (dm *Domain[S, C]) checkAtomic(ctx context.Context, s S) error {
	if err := dm.seed(ctx, s, "d1"); err != nil {
		return err
	}
	for _, bad := range dm.Kinds {
		for _, b := range []struct {
			w    want
			n    int
			what string
		}{{stale, 1, "a stale " + bad.name() + " (version 1 again)"}, {ghost, 3, "a " + bad.name() + " never created, at version 2"}} {
			// The good writes: a new record and an update of the stored
			// one of every kind but the bad one, whose good write is new.
			var c C
			for _, k := range dm.Kinds {
				k.put(&c, "d1", 2, fresh)
				if k != bad {
					k.put(&c, "d1", 1, update)
				}
			}
			bad.put(&c, "d1", b.n, b.w)
			dm.putSingles(&c, "d1", update)
			dm.addEvents(&c, dm.Event("d1", "atomic"))
			what := fmt.Sprintf("commit of new and updated records of every kind and %s", b.what)
			if err := dm.Refused(ctx, s, c, org.ErrConflict, what, "d1"); err != nil {
				return fmt.Errorf("a refused commit must write no part of itself: %w", err)
			}
		}
	}
	for _, bad := range dm.Singles {
		// New and updated records of every kind, and a stale single.
		var c C
		for _, k := range dm.Kinds {
			k.put(&c, "d1", 2, fresh)
			k.put(&c, "d1", 1, update)
		}
		bad.put(&c, "d1", stale)
		dm.addEvents(&c, dm.Event("d1", "atomic"))
		what := "commit of new and updated records of every kind and a stale " + bad.name() + " (version 1 again)"
		if err := dm.Refused(ctx, s, c, org.ErrConflict, what, "d1"); err != nil {
			return fmt.Errorf("a refused commit must write no part of itself: %w", err)
		}
	}
	return nil
}

// checkOtherDealer seeds dealers dA and dB, then commits for dA changes
// of good records of dA with one record of dB placed last, where a store
// checking only the first would miss it.
func (dm *Domain[S, C]) checkOtherDealer(ctx context.Context, s S) error {
	if err := dm.seed(ctx, s, "dA", "dB"); err != nil {
		return err
	}
	type intruder struct {
		what string
		add  func(c *C)
	}
	var cases []intruder
	for _, k := range dm.Kinds {
		cases = append(cases,
			intruder{"a new " + k.name() + " of dB", func(c *C) { k.put(c, "dB", 3, fresh) }},
			intruder{"an update of dB's " + k.name(), func(c *C) { k.put(c, "dB", 1, update) }})
	}
	for _, k := range dm.Singles {
		cases = append(cases, intruder{"an update of dB's " + k.name(), func(c *C) { k.put(c, "dB", update) }})
	}
	cases = append(cases, intruder{"an event of dB", func(c *C) { dm.addEvents(c, dm.Event("dB", "b-ev")) }})
	for _, tc := range cases {
		c := dm.change("dA", 2, fresh, "a-ev")
		tc.add(&c)
		if err := dm.Refused(ctx, s, c, org.ErrInvalid, "commit for dA holding "+tc.what, "dA", "dB"); err != nil {
			return err
		}
	}
	return nil
}

// copyRead is one read of ReadsAreCopies: it checks what it reads and
// scribbles on it.
type copyRead[S any] struct {
	what  string
	check func(ctx context.Context, s S) error
}

func (r *Record[S, C, T]) copies(dm *Domain[S, C]) []copyRead[S] {
	want := r.Full("d1", 1)
	reads := []copyRead[S]{{r.Name + " by key", func(ctx context.Context, s S) error {
		got, err := r.Get(ctx, s, "d1", want)
		if err != nil {
			return err
		}
		err = r.Diff(got, want)
		r.Scribble(&got)
		return err
	}}}
	for _, rd := range r.Reads {
		reads = append(reads, copyRead[S]{rd.Name, func(ctx context.Context, s S) error {
			list, err := rd.Of(ctx, s, "d1", want)
			if err != nil {
				return err
			}
			err = DiffList(rd.Name, list, []T{want}, r.Key, r.Diff)
			for i := range list {
				r.Scribble(&list[i])
			}
			return err
		}})
	}
	return reads
}

// checkCopies commits record 1 of every kind with every field set, and an
// event; scribbles on what was committed; then reads each back twice
// through every read, scribbling on what each read returned.
func (dm *Domain[S, C]) checkCopies(ctx context.Context, s S) error {
	var c C
	var scribbles []func()
	for _, k := range dm.Kinds {
		scribbles = append(scribbles, k.putFull(&c, "d1"))
	}
	ev := dm.Event("d1", "ev-1")
	dm.addEvents(&c, ev)
	if err := dm.commit(ctx, s, "d1", c, "commit a "+dm.label()+" with every field set, and an event"); err != nil {
		return err
	}
	// Scribble on what was committed: the slices and pointers inside the
	// change's records, which share them with the records scribbled here,
	// and the event's Data.
	for _, f := range scribbles {
		f()
	}
	if len(ev.Data) > 0 {
		ev.Data[0] = 'X'
	}
	var reads []copyRead[S]
	for _, k := range dm.Kinds {
		reads = append(reads, k.copies(dm)...)
	}
	if tr := dm.trail(s); tr != nil {
		reads = append(reads, copyRead[S]{"Events", func(ctx context.Context, s S) error {
			evs, err := tr.Events(ctx, "d1", 0, 10)
			if err != nil {
				return err
			}
			err = SameEvents("Events", evs, []org.Event{dm.Event("d1", "ev-1")})
			for _, ev := range evs {
				if len(ev.Data) > 0 {
					ev.Data[0] = 'Y'
				}
			}
			return err
		}})
	}
	// Each read must see the fixture as written: not the scribbles on
	// what was committed, nor those on what an earlier read returned. Two
	// rounds, so the last read's scribbles are looked for too.
	for round := range 2 {
		for _, r := range reads {
			if err := r.check(ctx, s); err != nil {
				what := "after the caller changed the committed values"
				if round > 0 {
					what = "after the caller changed the values every read returned"
				}
				return fmt.Errorf("%s %s: %w", r.what, what, err)
			}
		}
	}
	return nil
}

// putFull adds record 1 of d with every field set to c, and returns what
// scribbles on it there.
func (r *Record[S, C, T]) putFull(c *C, d org.DealerID) func() {
	x := r.Full(d, 1)
	r.add(c, x)
	return func() { r.Scribble(&x) }
}

// tenancy writes record 1 under dA and dB with content telling them
// apart, and record 2 under dB only; dA's reads must give dA's record
// 1 and none of dB's.
func (r *Record[S, C, T]) tenancy(ctx context.Context, dm *Domain[S, C], s S) error {
	mine := r.make("dA", 1, marked)
	var errs []error
	got, err := r.Get(ctx, s, "dA", mine)
	errs = append(errs, Then(err, func() error { return r.Diff(got, mine) }))
	for _, rd := range r.Reads {
		list, err := rd.Of(ctx, s, "dA", mine)
		errs = append(errs, Then(err, func() error { return DiffList(rd.Name+" of dA", list, []T{mine}, r.Key, r.Diff) }))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dA read or listed a %s of dB: %w", r.Name, err)
	}
	for _, d := range []org.DealerID{"dA", "dC", ""} {
		only := r.Make(d, 2) // dB's only, under d's name: the key is what counts
		if d != "dA" {
			only = r.Make(d, 1)
		}
		_, err := r.Get(ctx, s, d, only)
		errs = append(errs, ExpectErr(err, org.ErrNotFound, fmt.Sprintf("reading %s %s for dealer %q, who has no such record", r.Name, r.Key(only), d)))
		for _, rd := range r.Reads {
			list, err := rd.Of(ctx, s, d, only)
			errs = append(errs, Then(err, func() error {
				if i := slices.IndexFunc(list, func(x T) bool { return r.Key(x) == r.Key(only) }); i >= 0 {
					return fmt.Errorf("%s for dealer %q lists %s %s, which the dealer does not have", rd.Name, d, r.Name, r.Key(only))
				}
				if d != "dA" && len(list) > 0 {
					return fmt.Errorf("%s for dealer %q, which has no records, lists %d", rd.Name, d, len(list))
				}
				return nil
			}))
		}
	}
	return errors.Join(errs...)
}

// checkTenancy seeds dA and dB with the same keys, and dB with more;
// reads dA through every read of every kind; then updates every dA
// record, and dB's must stay as they were.
func (dm *Domain[S, C]) checkTenancy(ctx context.Context, s S) error {
	for _, d := range []org.DealerID{"dA", "dB"} {
		var c C
		for _, k := range dm.Kinds {
			k.put(&c, d, 1, marked)
			if d == "dB" {
				k.put(&c, d, 2, fresh)
			}
		}
		dm.putSingles(&c, d, marked)
		dm.addEvents(&c, dm.Event(d, "ev-"+string(d)))
		if err := dm.commit(ctx, s, d, c, "seed "+string(d)); err != nil {
			return err
		}
	}
	var errs []error
	for _, k := range dm.Kinds {
		errs = append(errs, k.tenancy(ctx, dm, s))
	}
	for _, k := range dm.Singles {
		errs = append(errs, k.tenancy(ctx, s))
	}
	if tr := dm.trail(s); tr != nil {
		evs, err := tr.Events(ctx, "dA", 0, 100)
		errs = append(errs, Then(err, func() error { return SameEvents("Events(dA)", evs, []org.Event{dm.Event("dA", "ev-dA")}) }))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	before, err := dm.Take(ctx, s, "dB")
	if err != nil {
		return err
	}
	var up C
	for _, k := range dm.Kinds {
		k.put(&up, "dA", 1, update)
	}
	dm.putSingles(&up, "dA", update)
	if err := dm.commit(ctx, s, "dA", up, "update dA's records to version 2"); err != nil {
		return err
	}
	after, err := dm.Take(ctx, s, "dB")
	if err != nil {
		return err
	}
	if err := before.Same(after); err != nil {
		return fmt.Errorf("updating dA's records changed dB's records of the same keys: %w", err)
	}
	return nil
}

// checkEvents commits records with events, events alone and records
// alone, and reads the trail back whole and page by page.
func (dm *Domain[S, C]) checkEvents(ctx context.Context, s S) error {
	tr := dm.trail(s)
	if tr == nil {
		return fmt.Errorf("%w: the store is not an EventReader and Features.Events is not set", dm.Skip)
	}
	evs := func(prefix string, n int) []org.Event {
		out := make([]org.Event, n)
		for i := range out {
			out[i] = dm.Event("d1", fmt.Sprintf("%s-%d", prefix, i))
		}
		return out
	}
	var commits []C
	var wants [][]org.Event
	for i, k := range dm.Kinds {
		var with, alone, bare C
		k.put(&with, "d1", 1, fresh)
		e := evs(fmt.Sprintf("c%d", i), 1+i%3)
		dm.addEvents(&with, e...)
		a := evs(fmt.Sprintf("a%d", i), 2)
		dm.addEvents(&alone, a...)
		k.put(&bare, "d1", 2, fresh)
		commits = append(commits, with, alone, bare)
		wants = append(wants, e, a, nil)
	}
	var want []org.Event
	for i, c := range commits {
		if err := dm.commit(ctx, s, "d1", c, fmt.Sprintf("commit %d", i)); err != nil {
			return err
		}
		want = append(want, wants[i]...)
	}
	all, err := tr.Events(ctx, "d1", 0, 100)
	if err != nil {
		return err
	}
	if err := SameEvents("Events(d1, after 0)", all, want); err != nil {
		return err
	}
	if all[0].Seq <= 0 {
		return fmt.Errorf("first Seq is %d; Seq starts above 0 so that 0 is the cursor before everything", all[0].Seq)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq <= all[i-1].Seq {
			return fmt.Errorf("event %s has Seq %d after Seq %d: not strictly increasing in commit order", all[i].ID, all[i].Seq, all[i-1].Seq)
		}
	}
	if len(all) < 5 {
		return nil
	}
	for _, c := range []struct {
		after int64
		limit int
		want  []org.Event
	}{
		{0, 1, all[:1]},
		{all[2].Seq, 2, all[3:5]},
		{all[3].Seq, 100, all[4:]},
		{all[len(all)-1].Seq, 10, nil},
	} {
		got, err := tr.Events(ctx, "d1", c.after, c.limit)
		if err != nil {
			return err
		}
		if err := DiffEvents(fmt.Sprintf("Events(d1, after %d, limit %d)", c.after, c.limit), got, c.want); err != nil {
			return err
		}
	}
	return nil
}

func (r *Record[S, C, T]) reads(ctx context.Context, s S, d org.DealerID) []namedCall {
	like := r.Make(d, 1)
	calls := []namedCall{{r.Name + " by key", func() error { _, err := r.Get(ctx, s, d, like); return err }}}
	for _, rd := range r.Reads {
		calls = append(calls, namedCall{rd.Name, func() error { _, err := rd.Of(ctx, s, d, like); return err }})
	}
	return calls
}

// checkContextDone calls every read of every kind, the trail and Commit
// with a cancelled context: each must return its error, and the commit
// must write nothing.
func (dm *Domain[S, C]) checkContextDone(ctx context.Context, s S) error {
	if err := dm.seed(ctx, s, "d1"); err != nil {
		return err
	}
	before, err := dm.Take(ctx, s, "d1")
	if err != nil {
		return err
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	var calls []namedCall
	for _, k := range dm.Kinds {
		calls = append(calls, k.reads(done, s, "d1")...)
	}
	for _, k := range dm.Singles {
		calls = append(calls, k.read(done, s, "d1"))
	}
	calls = append(calls,
		namedCall{"Commit", func() error {
			var c C
			for _, k := range dm.Kinds {
				k.put(&c, "d1", 2, fresh)
				k.put(&c, "d1", 1, update)
			}
			dm.putSingles(&c, "d1", update)
			dm.addEvents(&c, dm.Event("d1", "x"))
			return dm.Commit(done, s, "d1", c)
		}},
		namedCall{"Commit of nothing", func() error { var c C; return dm.Commit(done, s, "d1", c) }})
	if tr := dm.trail(s); tr != nil {
		calls = append(calls, namedCall{"Events", func() error { _, err := tr.Events(done, "d1", 0, 10); return err }})
	}
	var errs []error
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, done.Err()) {
			errs = append(errs, fmt.Errorf("%s with a cancelled context returned %v, want an error matching %v", c.name, err, done.Err()))
		}
	}
	after, err := dm.Take(ctx, s, "d1")
	if err != nil {
		return err
	}
	if err := before.Same(after); err != nil {
		errs = append(errs, fmt.Errorf("a Commit with a cancelled context wrote: %w", err))
	}
	return errors.Join(errs...)
}
