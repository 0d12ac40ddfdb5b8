package kit

import (
	"context"
	"reflect"
	"testing"
)

// This file is the public face every kit shows a host, written once (issue
// 17): a kit's Check, Harness and TestStore are these, bound to its store
// and its Features (billingtest.Check is Check[billing.Store,
// billingtest.Features]), so the six kits no longer repeat them.

// Check is one rule of a store contract: S is the store, F the kit's
// Features.
type Check[S, F any] struct {
	// Name is the subtest's name.
	Name string
	// Rule is the contract sentence the check proves; it is printed when
	// the check fails.
	Rule string
	// Large marks a check that writes more than a thousand records.
	Large bool
	run   func(ctx context.Context, s S, f F) error
}

// Run runs the check on s, which must be new and empty, and returns what
// went wrong, an error matching the kit's ErrSkip, or nil.
func (c Check[S, F]) Run(ctx context.Context, s S, f F) error { return c.run(ctx, s, f) }

// AsLarge returns c marked Large.
func (c Check[S, F]) AsLarge() Check[S, F] {
	c.Large = true
	return c
}

// Checker returns the constructor of a kit's checks: each check it makes
// runs with the Features' Writers at DefaultWriters when they are zero or
// less.
func Checker[S, F any]() func(name, rule string, run func(ctx context.Context, s S, f F) error) Check[S, F] {
	return func(name, rule string, run func(ctx context.Context, s S, f F) error) Check[S, F] {
		return Check[S, F]{Name: name, Rule: rule, run: func(ctx context.Context, s S, f F) error { return run(ctx, s, withWriters(f)) }}
	}
}

// withWriters returns f with its field Writers, if it has one, at
// Writers(f.Writers).
func withWriters[F any](f F) F {
	v := reflect.ValueOf(&f).Elem()
	if v.Kind() != reflect.Struct {
		return f
	}
	if w := v.FieldByName("Writers"); w.IsValid() && w.CanSet() && w.CanInt() {
		w.SetInt(int64(Writers(int(w.Int()))))
	}
	return f
}

// Harness opens stores for a kit.
type Harness[S, F any] struct {
	// NewStore returns a new, empty store. Close it with t.Cleanup.
	NewStore func(t *testing.T) S
	// Features says what the store offers beyond the contract's minimum;
	// the zero value is right for most stores.
	Features F
}

// Suite is a kit's checks as TestStore runs them.
type Suite[S, F any] struct {
	// Kit prefixes every message: "billingtest".
	Kit    string
	Checks []Check[S, F]
	// Skip is the kit's ErrSkip, or nil when its checks never skip.
	Skip error
}

// Test runs every check as a subtest of t, each on a new store from h;
// skipLarge skips the checks marked Large.
func (s Suite[S, F]) Test(t *testing.T, h Harness[S, F], skipLarge bool) {
	t.Helper()
	var cases []Case[S]
	for _, c := range s.Checks {
		run := func(ctx context.Context, st S) error { return c.Run(ctx, st, h.Features) }
		cases = append(cases, Case[S]{Name: c.Name, Rule: c.Rule, Large: c.Large, Run: run})
	}
	Runner[S]{Kit: s.Kit, NewStore: h.NewStore, SkipLarge: skipLarge, Skip: s.Skip}.Test(t, cases)
}

// TrailOf returns where the events committed through s are read: events(s)
// when the kit's Features say where, s itself when it reads a trail, and
// nil otherwise.
func TrailOf[S any](s S, events func(S) EventReader) EventReader {
	if events != nil {
		return events(s)
	}
	if r, ok := any(s).(EventReader); ok {
		return r
	}
	return nil
}

// Features tells a kit what a store S offers beyond the contract's
// minimum. The zero value is right for most stores.
type Features[S any] struct {
	// Writers is how many goroutines the concurrency checks start; zero
	// means 16.
	Writers int
	// SkipLarge skips checks that write more than a thousand records, for
	// stores behind a slow network. Shipped stores never set it.
	SkipLarge bool
	// Events, when set, returns where the events committed through s are
	// read (for memstore, the *memstore.Store behind the view). When it is
	// nil the kit uses s itself if it is an EventReader, and skips the
	// event checks otherwise.
	Events func(s S) EventReader
}
