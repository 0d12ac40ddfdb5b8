// Package kit holds what the conformance kits (orgtest, servicedesktest,
// billingtest, appraisaltest, trainingtest, policytest) share, so that
// each is written once (issue 17): every kit's public face (public.go:
// Check, Harness, Features, Suite); the store rules every record kind
// keeps (domain.go, rules.go, records.go: versions, a record twice in a
// change, atomic commits, another dealer's records, copies, tenancy, the
// trail, a done context, round trips, not-found, exact decimals, instants),
// run on the record kinds each kit declares, with the flaws that prove
// them on every kit (flaws.go, paths.go) and that kitcheck turns into real
// broken stores (Domain.Bent); one reflective record diff (deep.go) and
// scribble (scribble.go); the runner that turns checks into subtests, the
// concurrency helpers (RaceToCreate, Hammer, OnlyEvents), the paging and
// filter checks, the fixtures every kit repeats. It needs only the
// standard library, shopspring/decimal and the org package.
package kit

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// DefaultWriters is how many goroutines the concurrency checks start when
// a kit's Features.Writers is zero or less.
const DefaultWriters = 16

// Writers returns n, or DefaultWriters when n is not positive.
func Writers(n int) int {
	if n <= 0 {
		return DefaultWriters
	}
	return n
}

// Case is one check as the runner sees it: a kit's Check bound to the
// harness's Features.
type Case[S any] struct {
	Name  string
	Rule  string
	Large bool
	Run   func(ctx context.Context, s S) error
}

// Runner runs a kit's checks as subtests.
type Runner[S any] struct {
	// Kit prefixes every message: "billingtest".
	Kit string
	// NewStore returns a new, empty store for one check.
	NewStore func(t *testing.T) S
	// SkipLarge skips the cases marked Large.
	SkipLarge bool
	// Skip, when not nil, is the kit's ErrSkip: a case returning an error
	// matching it is reported as a skipped subtest.
	Skip error
}

// Test runs every case as a subtest, each on a new store. A failure names
// the kit, the case and the rule it proves.
func (r Runner[S]) Test(t *testing.T, cases []Case[S]) {
	t.Helper()
	if r.NewStore == nil {
		t.Fatal(r.Kit + ": Harness.NewStore is nil")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.Large && r.SkipLarge {
				t.Skip(r.Kit + ": Features.SkipLarge is set")
			}
			s := r.NewStore(t)
			switch err := c.Run(t.Context(), s); {
			case err != nil && r.Skip != nil && errors.Is(err, r.Skip):
				t.Skip(err)
			case err != nil:
				t.Errorf("%s: %s: %v\n\trule broken: %s", r.Kit, c.Name, err, c.Rule)
			}
		})
	}
}

// ExpectErr returns nil when err matches want, and otherwise an error
// saying what was done, what came back and what was wanted.
func ExpectErr(err, want error, what string) error {
	if !errors.Is(err, want) {
		return fmt.Errorf("%s: got error %v, want one matching %v", what, err, want)
	}
	return nil
}

// VersionRule is the Rule of a kit's version-rule check for what, a record
// kind and its key: "work order", "series (Name)".
func VersionRule(what string) string {
	return "a " + what + " of Version 1 creates (ErrConflict if it exists); Version n replaces only stored n-1 (else ErrConflict, also when missing); Version < 1 is ErrInvalid; a refused write changes nothing"
}
