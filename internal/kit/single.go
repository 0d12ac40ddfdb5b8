package kit

import (
	"context"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/org"
)

// Single declares a record a dealer has exactly one of (org's dealer
// record) to the shared rules: it has no "record n", so it is no kind,
// but the atomic, other-dealer, tenancy and context rules write and read
// it beside the kinds, and every snapshot holds it.
type Single[S, C, T any] struct {
	// Name is the record in messages: "dealer record".
	Name string
	// Make returns dealer d's record at Version 1.
	Make    func(d org.DealerID) T
	Version func(*T) *int64
	// Edit changes a field of the record to hold text.
	Edit func(r *T, text string)
	// In points at the change's record, nil when it holds none (org's
	// Change.Dealer).
	In func(c *C) **T
	// Get reads dealer d's record, or returns an error matching
	// org.ErrNotFound.
	Get  func(ctx context.Context, s S, d org.DealerID) (T, error)
	Diff func(got, want T) error
}

// SingleKind is a Single as the rules use it, made by DeclareSingle.
type SingleKind[S, C any] interface {
	name() string
	put(c *C, d org.DealerID, w want)
	take(ctx context.Context, s S, d org.DealerID) (part, error)
	tenancy(ctx context.Context, s S) error
	read(ctx context.Context, s S, d org.DealerID) namedCall
	moveTo(dst, src *C)
}

// DeclareSingle makes a SingleKind of r.
func DeclareSingle[S, C, T any](r Single[S, C, T]) SingleKind[S, C] {
	if r.Name == "" || r.Make == nil || r.Version == nil || r.Edit == nil || r.In == nil || r.Get == nil || r.Diff == nil {
		panic(fmt.Sprintf("kit: single record %q declares too little", r.Name))
	}
	return &r
}

func (r *Single[S, C, T]) name() string { return r.Name }

func (r *Single[S, C, T]) make(d org.DealerID, w want) T {
	x := r.Make(d)
	switch w {
	case update:
		r.Edit(&x, "updated")
		*r.Version(&x) = 2
	case stale:
		r.Edit(&x, "stale")
	case marked:
		r.Edit(&x, "of "+string(d))
	}
	return x
}

func (r *Single[S, C, T]) put(c *C, d org.DealerID, w want) {
	x := r.make(d, w)
	*r.In(c) = &x
}

// take reads the record, absent or not, for a snapshot.
func (r *Single[S, C, T]) take(ctx context.Context, s S, d org.DealerID) (part, error) {
	x, err := r.Get(ctx, s, d)
	found := err == nil
	if err != nil && !errors.Is(err, org.ErrNotFound) {
		return part{}, fmt.Errorf("%s: %w", r.Name, err)
	}
	p := part{name: r.Name, recs: x}
	p.same = func(other part) error {
		got := other.recs.(T)
		gotFound := other.found
		switch {
		case found != gotFound:
			return fmt.Errorf("%s: present %v, was %v", r.Name, gotFound, found)
		case found:
			if err := r.Diff(got, x); err != nil {
				return fmt.Errorf("%s: %w", r.Name, err)
			}
		}
		return nil
	}
	p.found = found
	return p, nil
}

// tenancy reads dealer dA's record, which must be dA's, and a record of
// dealers with none, which must not be found.
func (r *Single[S, C, T]) tenancy(ctx context.Context, s S) error {
	mine := r.make("dA", marked)
	got, err := r.Get(ctx, s, "dA")
	errs := []error{Then(err, func() error { return r.Diff(got, mine) })}
	for _, d := range []org.DealerID{"dC", ""} {
		_, err := r.Get(ctx, s, d)
		errs = append(errs, ExpectErr(err, org.ErrNotFound, fmt.Sprintf("reading the %s of dealer %q, who has none", r.Name, d)))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dA read a %s not its own: %w", r.Name, err)
	}
	return nil
}

func (r *Single[S, C, T]) read(ctx context.Context, s S, d org.DealerID) namedCall {
	return namedCall{r.Name, func() error { _, err := r.Get(ctx, s, d); return err }}
}

// moveTo moves src's record, when it has one, to dst.
func (r *Single[S, C, T]) moveTo(dst, src *C) {
	*r.In(dst), *r.In(src) = *r.In(src), nil
}
