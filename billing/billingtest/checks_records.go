package billingtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// checkActivePriceBook moves the mark from book to book, as the Service
// does when a new version is activated or an old one restored.
func checkActivePriceBook(ctx context.Context, s billing.Store, _ Features) error {
	book := func(v string, version int64, active bool) billing.StoredPriceBook {
		b := fullPriceBook("d1", v, active)
		b.Version = version
		return b
	}
	steps := []struct {
		what   string
		books  []billing.StoredPriceBook
		active string // "": none is
	}{
		{"a new store", nil, ""},
		{"a book saved inactive", []billing.StoredPriceBook{book(bookVersions[0], 1, false)}, ""},
		{"a second book saved active", []billing.StoredPriceBook{book(bookVersions[1], 1, true)}, bookVersions[1]},
		{"the mark moved to a third, new book", []billing.StoredPriceBook{book(bookVersions[1], 2, false), book(bookVersions[2], 1, true)}, bookVersions[2]},
		{"the mark taken off every book", []billing.StoredPriceBook{book(bookVersions[2], 2, false)}, ""},
		{"the first, oldest book marked active again", []billing.StoredPriceBook{book(bookVersions[0], 2, true)}, bookVersions[0]},
	}
	stored := map[string]billing.StoredPriceBook{}
	for _, st := range steps {
		if len(st.books) > 0 {
			if err := commit(ctx, s, "d1", billing.Change{PriceBooks: st.books}, st.what); err != nil {
				return err
			}
		}
		for _, b := range st.books {
			stored[b.Book.Version] = b
		}
		got, err := s.ActivePriceBook(ctx, "d1")
		if st.active == "" {
			if err := kit.ExpectErr(err, org.ErrNotFound, "ActivePriceBook after "+st.what+", when no book is active"); err != nil {
				return fmt.Errorf("%w (returned %q)", err, got.Book.Version)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("ActivePriceBook after %s: %w", st.what, err)
		}
		if got.Book.Version != st.active {
			return fmt.Errorf("ActivePriceBook after %s returned %q, want %q", st.what, got.Book.Version, st.active)
		}
		if err := diffStoredPriceBook(got, stored[st.active]); err != nil {
			return fmt.Errorf("ActivePriceBook after %s: %w", st.what, err)
		}
	}
	return activeIsOwn(ctx, s, book(bookVersions[0], 3, false))
}

// activeIsOwn proves the mark is each dealer's own: d2 marks active the
// version d1 has active, d3 saves it inactive, then d1 takes its mark off
// with off. d1 and d3 have no active book; d2 keeps its own.
func activeIsOwn(ctx context.Context, s billing.Store, off billing.StoredPriceBook) error {
	other := priceBook("d2", off.Book.Version, true)
	for _, c := range []struct {
		d org.DealerID
		b billing.StoredPriceBook
	}{{"d2", other}, {"d3", priceBook("d3", off.Book.Version, false)}, {"d1", off}} {
		if err := commit(ctx, s, c.d, billing.Change{PriceBooks: []billing.StoredPriceBook{c.b}}, fmt.Sprintf("%s saves price book %s (active %v)", c.d, c.b.Book.Version, c.b.Active)); err != nil {
			return err
		}
	}
	_, err := s.ActivePriceBook(ctx, "d1")
	errs := []error{kit.ExpectErr(err, org.ErrNotFound, "ActivePriceBook(d1) after d1 took the mark off its book, while d2's book of the same version keeps it")}
	_, err = s.ActivePriceBook(ctx, "d3")
	errs = append(errs, kit.ExpectErr(err, org.ErrNotFound, "ActivePriceBook(d3), a dealer with a book but none active, while d2 has one"))
	got, err := s.ActivePriceBook(ctx, "d2")
	errs = append(errs, kit.Then(err, func() error { return diffStoredPriceBook(got, other) }))
	return errors.Join(errs...)
}

// amounts are the values every amount column must keep exactly: above
// 2^53, with trailing zeros, at the fourth decimal, at the contract's
// widest, and below zero (a credit note, a deposit applied).
var amounts = []string{big, "12.50", "0", "0.0001", "99999999999999999999.9999", "9007199254740993", "-1234.5678", "-" + big}
