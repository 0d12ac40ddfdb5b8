package kitcheck

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/servicelane/servicelane/internal/kit"
)

// Check is one check of a kit as the self-tests see it: the kit's Check
// bound to the Features the self-test gives it.
type Check[S any] struct {
	Name string
	// Rule is the contract sentence the check proves.
	Rule string
	// Large marks a check that writes thousands of records.
	Large bool
	Run   func(ctx context.Context, s S) error
}

// Broken is a store that breaks one rule of the contract.
type Broken[S any] struct {
	Name string
	// Flaw is the rule it breaks, in the contract's words, phrased to
	// follow "a store that": "returns a zero record for a missing one".
	Flaw string
	Open func() S
	// CaughtBy are the checks that must fail on it with an error (an
	// error matching Kit.Skip does not count).
	CaughtBy []string
	// Panics are checks that panic on it instead of returning an error:
	// a weakness of the kit, logged; the test fails once they stop.
	Panics []string
	// Loops are checks that would page forever on it; the store's guard
	// stops them with an error matching Kit.Looped.
	Loops []string
	// ByChance are checks that catch it only when their writers happen
	// to interleave: logged, not asserted.
	ByChance []string
}

// Sound is a store that keeps the contract, sometimes in a way the
// shipped stores do not.
type Sound[S any] struct {
	Name string
	// How it keeps the contract, phrased to follow "a store that".
	How  string
	Open func() S
	// Skips are checks that must return an error matching Kit.Skip: the
	// store lacks the optional part they are about.
	Skips []string
}

// Kit is a kit's checks and how its self-tests judge them.
type Kit[S any] struct {
	// Name prefixes what names a check that does not exist:
	// "trainingtest.Checks".
	Name   string
	Checks []Check[S]
	// Skip is the kit's ErrSkip; nil when its checks never skip.
	Skip error
	// Exact makes a check that fails a broken store not named for it an
	// error; otherwise it is only logged.
	Exact bool
	// SkipLarge skips, on each broken store, the large checks it is not
	// named for: thousands of records per broken store cost time under
	// -race and prove nothing the store is named for.
	SkipLarge bool
	// Looped is the error a broken store's guard returns when a check
	// would page forever on it (see Broken.Loops); nil when none has one.
	Looped error
	// LeafTypes are struct types TestForgottenFields zeroes whole, as it
	// does instants and decimals: org.Month.
	LeafTypes []reflect.Type
}

// TestBroken runs every check on every broken store, each on a new one,
// and fails t unless the checks named for a store fail it, no check
// panics unless named for that, and, when k.Exact is set, every other
// check passes.
func (k Kit[S]) TestBroken(t *testing.T, stores []Broken[S]) {
	t.Helper()
	for _, b := range stores {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			if unknown := k.unknown(b.CaughtBy, b.Panics, b.Loops, b.ByChance); len(unknown) > 0 {
				t.Fatalf("%s names checks %q, which %s does not have", b.Name, unknown, k.Name)
			}
			if len(b.CaughtBy)+len(b.Panics)+len(b.Loops)+len(b.ByChance) == 0 {
				t.Fatalf("%s names no check that catches it: a store that %s and passes every check is a gap of the kit, not a test", b.Name, b.Flaw)
			}
			var (
				mu     sync.Mutex
				failed []string
			)
			t.Cleanup(func() {
				slices.Sort(failed)
				t.Logf("%s: a store that %s fails %d checks: %s", b.Name, b.Flaw, len(failed), strings.Join(failed, ", "))
			})
			for _, c := range k.Checks {
				t.Run(c.Name, func(t *testing.T) {
					if k.SkipLarge && c.Large && !b.namedFor(c.Name) {
						t.Skip("a large check this store is not named for")
					}
					t.Parallel()
					err, panicked := RunCheck(t, func(ctx context.Context) error { return c.Run(ctx, b.Open()) })
					failing := err != nil && !k.skipped(err)
					if failing {
						mu.Lock()
						failed = append(failed, c.Name)
						mu.Unlock()
					}
					k.judge(t, b, c.Name, err, failing, panicked)
				})
			}
		})
	}
}

// judge fails t when check's verdict err on b is not the one b's lists
// name.
func (k Kit[S]) judge(t *testing.T, b Broken[S], check string, err error, failing, panicked bool) {
	t.Helper()
	looped := k.Looped != nil && errors.Is(err, k.Looped)
	switch want := slices.Contains(b.CaughtBy, check); {
	case slices.Contains(b.Panics, check) && !panicked:
		t.Errorf("%s no longer panics on a store that %s (err %v): the kit is fixed; move it from Panics to CaughtBy", check, b.Flaw, err)
	case slices.Contains(b.Panics, check):
		t.Logf("KIT WEAKNESS: %s panics on a store that %s instead of failing: %v", check, b.Flaw, err)
	case panicked:
		t.Errorf("%s panicked on a store that %s, instead of returning an error: %v", check, b.Flaw, err)
	case slices.Contains(b.Loops, check) && !looped:
		t.Errorf("%s no longer pages forever on a store that %s (err %v): move it from Loops to CaughtBy", check, b.Flaw, err)
	case slices.Contains(b.Loops, check):
		t.Logf("KIT WEAKNESS: %s would page forever on a store that %s; the store's guard stopped it: %v", check, b.Flaw, err)
	case looped:
		t.Errorf("%s paged forever on a store that %s", check, b.Flaw)
	case slices.Contains(b.ByChance, check) && !failing:
		t.Logf("KIT WEAKNESS: %s missed a store that %s this run: its writers did not interleave", check, b.Flaw)
	case slices.Contains(b.ByChance, check):
		t.Logf("caught, this run: %v", err)
	case want && !failing:
		t.Errorf("%s passed a store that %s (err %v)", check, b.Flaw, err)
	case want:
		t.Logf("caught: %v", err)
	case failing && k.Exact:
		t.Errorf("%s failed a store that %s, which is not named for it: %v", check, b.Flaw, err)
	case failing:
		t.Logf("also failed: %v", err)
	}
}

// TestSound runs every check on every sound store, each on a new one, and
// fails t unless each passes, or skips where the store says it must.
func (k Kit[S]) TestSound(t *testing.T, stores []Sound[S]) {
	t.Helper()
	for _, s := range stores {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			if unknown := k.unknown(s.Skips); len(unknown) > 0 {
				t.Fatalf("%s names checks %q, which %s does not have", s.Name, unknown, k.Name)
			}
			for _, c := range k.Checks {
				t.Run(c.Name, func(t *testing.T) {
					t.Parallel()
					err, _ := RunCheck(t, func(ctx context.Context) error { return c.Run(ctx, s.Open()) })
					switch wantSkip := slices.Contains(s.Skips, c.Name); {
					case wantSkip && !k.skipped(err):
						t.Errorf("%s should skip a store that %s; got %v", c.Name, s.How, err)
					case wantSkip:
						t.Logf("skipped, as it should: %v", err)
					case err != nil:
						t.Errorf("%s failed sound store %s, a store that %s: %v", c.Name, s.Name, s.How, err)
					}
				})
			}
		})
	}
}

// TestEveryCheckCatches fails t for each check no broken store is caught
// by, and for each check a broken store names that k does not have: a
// check that passes everything proves nothing.
func (k Kit[S]) TestEveryCheckCatches(t *testing.T, stores []Broken[S]) {
	t.Helper()
	by := map[string][]string{}
	for _, b := range stores {
		for _, name := range b.CaughtBy {
			by[name] = append(by[name], b.Name)
		}
		if unknown := k.unknown(b.CaughtBy, b.Panics, b.Loops, b.ByChance); len(unknown) > 0 {
			t.Errorf("broken store %s names checks %q, which %s does not have", b.Name, unknown, k.Name)
		}
	}
	for _, c := range k.Checks {
		if len(by[c.Name]) == 0 {
			t.Errorf("no broken store must fail %s: write one that breaks %q", c.Name, c.Rule)
			continue
		}
		t.Logf("%s catches %s", c.Name, strings.Join(by[c.Name], ", "))
	}
}

// Rule returns the rule of the check named name, failing t when k has no
// such check.
func (k Kit[S]) Rule(t testing.TB, name string) string {
	t.Helper()
	for _, c := range k.Checks {
		if c.Name == name {
			return c.Rule
		}
	}
	t.Fatalf("%s has no check %q", k.Name, name)
	return ""
}

// Named returns the broken store named name, failing t when stores has
// none.
func Named[S any](t testing.TB, stores []Broken[S], name string) Broken[S] {
	t.Helper()
	for _, b := range stores {
		if b.Name == name {
			return b
		}
	}
	t.Fatalf("no broken store %q", name)
	return Broken[S]{}
}

func (k Kit[S]) skipped(err error) bool { return k.Skip != nil && errors.Is(err, k.Skip) }

// unknown returns the names in lists that are no check of k.
func (k Kit[S]) unknown(lists ...[]string) []string {
	var out []string
	for _, name := range slices.Concat(lists...) {
		if !slices.ContainsFunc(k.Checks, func(c Check[S]) bool { return c.Name == name }) {
			out = append(out, name)
		}
	}
	return out
}

func (b Broken[S]) namedFor(check string) bool {
	return slices.Contains(slices.Concat(b.CaughtBy, b.Panics, b.Loops, b.ByChance), check)
}

// Of turns a kit's exported checks into the self-test's, each run with
// the Features f.
func Of[S, F any](checks []kit.Check[S, F], f F) []Check[S] {
	return OfEach(checks, func(S) F { return f })
}

// OfEach is Of for a kit whose stores differ in what they offer: each
// check runs with the Features features gives the store it is run on.
func OfEach[S, F any](checks []kit.Check[S, F], features func(S) F) []Check[S] {
	var cs []Check[S]
	for _, c := range checks {
		run := func(ctx context.Context, s S) error { return c.Run(ctx, s, features(s)) }
		cs = append(cs, Check[S]{Name: c.Name, Rule: c.Rule, Large: c.Large, Run: run})
	}
	return cs
}

// Test runs a kit's whole self-test against broken and sound stores:
// every broken store fails exactly the checks named for it, every sound
// one passes, and every check catches some broken store.
func (k Kit[S]) Test(t *testing.T, broken []Broken[S], sound []Sound[S]) {
	t.Run("Broken", func(t *testing.T) {
		t.Parallel()
		k.TestBroken(t, broken)
	})
	t.Run("Sound", func(t *testing.T) {
		t.Parallel()
		k.TestSound(t, sound)
	})
	t.Run("EveryCheckCatches", func(t *testing.T) { k.TestEveryCheckCatches(t, broken) })
}
