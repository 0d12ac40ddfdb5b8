package billingtest

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// kind is what the version rule needs of one record kind.
type kind[T any] struct {
	name string
	// make returns record n (1 to 4) of dealer d at version 1.
	make    func(d org.DealerID, n int) T
	key     func(T) string
	version func(*T) *int64
	// edit changes a field, so an overwrite shows.
	edit func(*T, string)
	put  func(*billing.Change, T)
	read func(ctx context.Context, s billing.Store, d org.DealerID, like T) (T, error)
	diff func(got, want T) error
	// apart, when set, changes a record the way a store may write apart
	// from the rest of its kind: a price book switched active, which a
	// store keeping one active book writes after the books it switches
	// off. The twice check names a record once plain and once so changed.
	apart func(*T)
}

var priceBooks = kind[billing.StoredPriceBook]{
	name: "price book",
	make: func(d org.DealerID, n int) billing.StoredPriceBook {
		return priceBook(d, bookVersions[n-1], false)
	},
	key:     func(b billing.StoredPriceBook) string { return b.Book.Version },
	version: func(b *billing.StoredPriceBook) *int64 { return &b.Version },
	edit:    func(b *billing.StoredPriceBook, s string) { b.SavedBy.ID = org.EmployeeID(s) },
	put:     func(c *billing.Change, b billing.StoredPriceBook) { c.PriceBooks = append(c.PriceBooks, b) },
	read: func(ctx context.Context, s billing.Store, d org.DealerID, b billing.StoredPriceBook) (billing.StoredPriceBook, error) {
		return s.PriceBook(ctx, d, b.Book.Version)
	},
	diff:  diffStoredPriceBook,
	apart: func(b *billing.StoredPriceBook) { b.Active = true },
}

var settlements = kind[billing.Settlement]{
	name: "settlement",
	make: func(d org.DealerID, n int) billing.Settlement {
		return settlement(d, fmt.Sprintf("st-%d", n))
	},
	key:     func(st billing.Settlement) string { return st.Key },
	version: func(st *billing.Settlement) *int64 { return &st.Version },
	edit:    func(st *billing.Settlement, s string) { st.Confirmation.By = s },
	put:     func(c *billing.Change, st billing.Settlement) { c.Settlements = append(c.Settlements, st) },
	read: func(ctx context.Context, s billing.Store, d org.DealerID, st billing.Settlement) (billing.Settlement, error) {
		return s.Settlement(ctx, d, st.Key)
	},
	diff: diffSettlement,
}

var documents = kind[billing.Document]{
	name: "document",
	make: func(d org.DealerID, n int) billing.Document {
		return document(d, billing.DocumentID(fmt.Sprintf("RCP-%06d", n)))
	},
	key:     func(doc billing.Document) string { return string(doc.ID) },
	version: func(doc *billing.Document) *int64 { return &doc.Version },
	edit:    func(doc *billing.Document, s string) { doc.Payer.Name = s },
	put:     func(c *billing.Change, doc billing.Document) { c.Documents = append(c.Documents, doc) },
	read: func(ctx context.Context, s billing.Store, d org.DealerID, doc billing.Document) (billing.Document, error) {
		return s.Document(ctx, d, doc.ID)
	},
	diff: diffDocument,
}

var seriesKind = kind[billing.Series]{
	name: "series",
	make: func(d org.DealerID, n int) billing.Series {
		return series(d, seriesNames[n-1], int64(10*n))
	},
	key:     func(sr billing.Series) string { return sr.Name },
	version: func(sr *billing.Series) *int64 { return &sr.Version },
	edit:    func(sr *billing.Series, s string) { sr.Next = int64(1000 + len(s)) },
	put:     func(c *billing.Change, sr billing.Series) { c.Series = append(c.Series, sr) },
	read: func(ctx context.Context, s billing.Store, d org.DealerID, sr billing.Series) (billing.Series, error) {
		return s.Series(ctx, d, sr.Name)
	},
	diff: diffSeries,
}

// checkVersionRule writes one record of k, then tries every write the rule
// refuses: each must fail with its sentinel and change nothing, events
// included.
func checkVersionRule[T any](k kind[T]) func(context.Context, billing.Store, Features) error {
	return func(ctx context.Context, s billing.Store, f Features) error {
		change := func(rec T, evID string) billing.Change {
			var c billing.Change
			k.put(&c, rec)
			c.Events = []org.Event{event("d1", evID, "kit/"+k.name)}
			return c
		}
		v1 := k.make("d1", 1)
		if err := commit(ctx, s, "d1", change(v1, "ok-1"), "create "+k.name+" "+k.key(v1)); err != nil {
			return err
		}
		refused := func(rec T, want error, what string) error {
			before, err := take(ctx, s, f, "d1")
			if err != nil {
				return err
			}
			err = s.Commit(ctx, "d1", change(rec, "refused"))
			if err := kit.ExpectErr(err, want, fmt.Sprintf("%s %s: %s", k.name, k.key(rec), what)); err != nil {
				return err
			}
			after, err := take(ctx, s, f, "d1")
			if err != nil {
				return err
			}
			if err := before.same(after); err != nil {
				return fmt.Errorf("%s %s: %s was refused but wrote: %w", k.name, k.key(rec), what, err)
			}
			return nil
		}

		again := k.make("d1", 1)
		k.edit(&again, "impostor")
		if err := refused(again, org.ErrConflict, "writing version 1 of an existing record"); err != nil {
			return err
		}
		v2 := k.make("d1", 1)
		k.edit(&v2, "second")
		*k.version(&v2) = 2
		if err := commit(ctx, s, "d1", change(v2, "ok-2"), "write "+k.name+" version 2 over 1"); err != nil {
			return err
		}
		for _, bad := range []struct {
			version int64
			what    string
		}{{2, "writing version 2 again (a writer that read version 1)"}, {4, "writing version 4 over 2 (a skipped version)"}, {1, "writing version 1 over 2"}} {
			rec := k.make("d1", 1)
			k.edit(&rec, "lost")
			*k.version(&rec) = bad.version
			if err := refused(rec, org.ErrConflict, bad.what); err != nil {
				return err
			}
		}
		got, err := k.read(ctx, s, "d1", v2)
		if err != nil {
			return fmt.Errorf("read %s %s: %w", k.name, k.key(v2), err)
		}
		if err := k.diff(got, v2); err != nil {
			return fmt.Errorf("after the refused writes: %w", err)
		}

		for n := 2; n <= 3; n++ {
			ghost := k.make("d1", n)
			*k.version(&ghost) = 2
			if err := refused(ghost, org.ErrConflict, "writing version 2 of a record never created"); err != nil {
				return err
			}
			_, err := k.read(ctx, s, "d1", ghost)
			if err := kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("reading %s %s, which a refused commit named", k.name, k.key(ghost))); err != nil {
				return err
			}
		}
		for _, v := range []int64{0, -1} {
			bad := k.make("d1", 4)
			*k.version(&bad) = v
			if err := refused(bad, org.ErrInvalid, fmt.Sprintf("writing version %d", v)); err != nil {
				return err
			}
		}
		zero := k.make("d1", 1)
		*k.version(&zero) = 0
		if err := refused(zero, org.ErrInvalid, "writing version 0 over an existing record"); err != nil {
			return err
		}
		if r := f.events(s); r != nil {
			evs, err := kit.AllEvents(ctx, r, "d1")
			if err != nil {
				return err
			}
			if len(evs) != 2 || evs[0].ID != "ok-1" || evs[1].ID != "ok-2" {
				return fmt.Errorf("the trail holds %s, want the two accepted commits' events ok-1 and ok-2 only", kit.EventIDs(evs))
			}
		}
		return nil
	}
}

// atomicSeed is what checkAtomic and checkCommitOtherDealer start from:
// one record of each kind, and an event.
func atomicSeed(d org.DealerID) billing.Change {
	return billing.Change{
		PriceBooks:  []billing.StoredPriceBook{priceBook(d, bookVersions[1], true)},
		Settlements: []billing.Settlement{settlement(d, "st-1")},
		Documents:   []billing.Document{document(d, "RCP-000001")},
		Series:      []billing.Series{series(d, "RCP", 2)},
		Events:      []org.Event{event(d, "seed", "settlement/st-1")},
	}
}

func checkAtomic(ctx context.Context, s billing.Store, f Features) error {
	if err := commit(ctx, s, "d1", atomicSeed("d1"), "seed"); err != nil {
		return err
	}
	// Good writes: a new record of every kind, and version 2 of the
	// seeded ones. Stale writes: version 1 of a seeded record again.
	newBook, newSt, newDoc, newSr := priceBook("d1", bookVersions[2], false), settlement("d1", "st-2"), document("d1", "RCP-000002"), series("d1", "INV", 2)
	upBook := priceBook("d1", bookVersions[1], false)
	upBook.Version = 2
	upSr := series("d1", "RCP", 3)
	upSr.Version = 2
	staleBook, staleSt, staleDoc, staleSr := priceBook("d1", bookVersions[1], false), settlement("d1", "st-1"), document("d1", "RCP-000001"), series("d1", "RCP", 3)
	ghostSr := series("d1", "CRN", 2)
	ghostSr.Version = 2
	evs := func(id string) []org.Event { return []org.Event{event("d1", id, "settlement/st-2")} }
	type change = billing.Change
	cases := []struct {
		name string
		c    change
	}{
		{"a new document and a stale series (two issuers of one number)", change{Documents: []billing.Document{newDoc}, Series: []billing.Series{staleSr}, Events: evs("x1")}},
		{"a new settlement, document and series, an updated price book, and a stale settlement", change{
			PriceBooks: []billing.StoredPriceBook{upBook}, Settlements: []billing.Settlement{newSt, staleSt},
			Documents: []billing.Document{newDoc}, Series: []billing.Series{newSr}, Events: evs("x2")}},
		{"a stale price book, then a new one, with a new settlement, document and series", change{
			PriceBooks: []billing.StoredPriceBook{staleBook, newBook}, Settlements: []billing.Settlement{newSt},
			Documents: []billing.Document{newDoc}, Series: []billing.Series{upSr}, Events: evs("x3")}},
		{"new records of every kind, an updated series, and a stale document", change{
			PriceBooks: []billing.StoredPriceBook{newBook, upBook}, Settlements: []billing.Settlement{newSt},
			Documents: []billing.Document{newDoc, staleDoc}, Series: []billing.Series{upSr, newSr}, Events: evs("x4")}},
		{"an updated series and one never created", change{Series: []billing.Series{upSr, ghostSr}, Events: evs("x5")}},
	}
	for _, c := range cases {
		before, err := take(ctx, s, f, "d1")
		if err != nil {
			return err
		}
		if err := kit.ExpectErr(s.Commit(ctx, "d1", c.c), org.ErrConflict, "commit of "+c.name); err != nil {
			return err
		}
		after, err := take(ctx, s, f, "d1")
		if err != nil {
			return err
		}
		if err := before.same(after); err != nil {
			return fmt.Errorf("a refused commit of %s wrote part of itself: %w", c.name, err)
		}
	}
	return nil
}

func checkCommitOtherDealer(ctx context.Context, s billing.Store, f Features) error {
	for _, d := range []org.DealerID{"dA", "dB"} {
		if err := commit(ctx, s, d, atomicSeed(d), "seed "+string(d)); err != nil {
			return err
		}
	}
	// Each change holds good records of dA, and one record of dB placed
	// last, where a store checking only the first would miss it.
	good := func() billing.Change {
		return billing.Change{
			PriceBooks:  []billing.StoredPriceBook{priceBook("dA", bookVersions[2], false)},
			Settlements: []billing.Settlement{settlement("dA", "st-2")},
			Documents:   []billing.Document{document("dA", "RCP-000002")},
			Series:      []billing.Series{series("dA", "INV", 2)},
			Events:      []org.Event{event("dA", "a-ev", "settlement/st-2")},
		}
	}
	cases := []struct {
		name string
		add  func(c *billing.Change)
	}{
		{"a price book of dB", func(c *billing.Change) { c.PriceBooks = append(c.PriceBooks, priceBook("dB", bookVersions[3], false)) }},
		{"a settlement of dB", func(c *billing.Change) { c.Settlements = append(c.Settlements, settlement("dB", "st-9")) }},
		{"a document of dB", func(c *billing.Change) { c.Documents = append(c.Documents, document("dB", "RCP-000009")) }},
		{"a series of dB", func(c *billing.Change) { c.Series = append(c.Series, series("dB", "CRN", 2)) }},
		{"an event of dB", func(c *billing.Change) { c.Events = append(c.Events, event("dB", "b-ev", "settlement/st-9")) }},
		{"an update of dB's settlement", func(c *billing.Change) {
			st := settlement("dB", "st-1")
			st.Version = 2
			c.Settlements = append(c.Settlements, st)
		}},
		{"an update of dB's series", func(c *billing.Change) {
			sr := series("dB", "RCP", 3)
			sr.Version = 2
			c.Series = append(c.Series, sr)
		}},
	}
	for _, tc := range cases {
		before, err := takeBoth(ctx, s, f, "dA", "dB")
		if err != nil {
			return err
		}
		c := good()
		tc.add(&c)
		if err := kit.ExpectErr(s.Commit(ctx, "dA", c), org.ErrInvalid, "commit for dA holding "+tc.name); err != nil {
			return err
		}
		after, err := takeBoth(ctx, s, f, "dA", "dB")
		if err != nil {
			return err
		}
		if err := errors.Join(before[0].same(after[0]), before[1].same(after[1])); err != nil {
			return fmt.Errorf("a refused commit holding %s wrote something: %w", tc.name, err)
		}
	}
	return nil
}

// twiceRule is the Rule of a kit's twice check for what, a record kind;
// also adds to the ways of naming one twice.
func twiceRule(what, also string) string {
	return "a Change naming one " + what + " twice (version 1 twice, versions 1 and 2 of a new one, versions 2 and 3 or version 2 twice of a stored one" + also + ") is refused with ErrConflict and writes nothing: no record of it, no event"
}

// checkTwice commits Changes that name one record of k twice, another
// record of k between the two and an event beside them: a store writing
// records one by one lands both versions of the record, a store keeping the
// last of each key lands the second. Each must be refused with ErrConflict
// and change nothing, events included.
func checkTwice[T any](k kind[T]) func(context.Context, billing.Store, Features) error {
	return func(ctx context.Context, s billing.Store, f Features) error {
		// rec returns record n at version v, with edit applied unless empty.
		rec := func(n int, v int64, edit string) T {
			x := k.make("d1", n)
			if edit != "" {
				k.edit(&x, edit)
			}
			*k.version(&x) = v
			return x
		}
		stored := rec(1, 1, "")
		var seed billing.Change
		k.put(&seed, stored)
		seed.Events = []org.Event{event("d1", "seed", "kit/"+k.name)}
		if err := commit(ctx, s, "d1", seed, "create "+k.name+" "+k.key(stored)); err != nil {
			return err
		}
		type twice struct {
			what string
			recs []T
		}
		cases := []twice{
			{"version 1 of a new " + k.name + " twice", []T{rec(2, 1, ""), rec(3, 1, ""), rec(2, 1, "second")}},
			{"versions 1 and 2 of a new " + k.name, []T{rec(2, 1, ""), rec(3, 1, ""), rec(2, 2, "second")}},
			{"versions 2 and 3 of a stored " + k.name, []T{rec(1, 2, "second"), rec(3, 1, ""), rec(1, 3, "third")}},
			{"version 2 of a stored " + k.name + " twice", []T{rec(1, 2, "second"), rec(3, 1, ""), rec(1, 2, "other")}},
		}
		if k.apart != nil {
			for _, c := range slices.Clone(cases) {
				recs := slices.Clone(c.recs)
				k.apart(&recs[2])
				cases = append(cases, twice{c.what + ", the second switched active", recs})
			}
		}
		for i, c := range cases {
			var ch billing.Change
			for _, r := range c.recs {
				k.put(&ch, r)
			}
			ch.Events = []org.Event{event("d1", fmt.Sprintf("twice-%d", i+1), "kit/"+k.name)}
			what := fmt.Sprintf("a billing Change naming %s %s twice (%s)", k.name, k.key(c.recs[0]), c.what)
			before, err := take(ctx, s, f, "d1")
			if err != nil {
				return err
			}
			if err := kit.ExpectErr(s.Commit(ctx, "d1", ch), org.ErrConflict, what); err != nil {
				return err
			}
			after, err := take(ctx, s, f, "d1")
			if err != nil {
				return err
			}
			if err := before.same(after); err != nil {
				return fmt.Errorf("%s was refused but wrote: %w", what, err)
			}
		}
		return nil
	}
}
