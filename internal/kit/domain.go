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
)

// This file is the shared half of every conformance kit (issue 17): the
// store rules that hold for every record kind of every domain, written
// once. A kit declares its domain (how to commit a change and read the
// trail) and its record kinds (how to make one, its key, its version, how
// to read it back); the checks in rules.go run on every kind it declares.
//
// A kit's own checks (round trips of every field, list orders, filters,
// the domain's concurrency races) stay in the kit.

// Domain is one store interface as the shared rules see it: S is the
// store (training.Store), C the change it commits (training.Change).
type Domain[S, C any] struct {
	// Kit names the kit in messages: "trainingtest".
	Kit string
	// Commit commits c for dealer d: s.Commit.
	Commit func(ctx context.Context, s S, d org.DealerID, c C) error
	// Events returns where the events committed through s are read, or
	// nil when the trail is not readable: the rules then look at records
	// only.
	Events func(s S) EventReader
	// EventsIn points at c's events.
	EventsIn func(c *C) *[]org.Event
	// Event returns an event of dealer d with id, as the kit's fixtures
	// write it, with some Data.
	Event func(d org.DealerID, id string) org.Event
	// Kinds are the domain's record kinds, each made by Declare; a
	// snapshot of a dealer reads every one of them.
	Kinds []Kind[S, C]
	// Singles are the records a dealer has one of (DeclareSingle), which
	// the rules write and read beside the kinds.
	Singles []SingleKind[S, C]
	// Amounts are the values every decimal of the domain keeps exactly
	// (AmountsExact writes each into every decimal of every kind), and
	// AmountsRule that check's rule; no check without a rule.
	Amounts     []string
	AmountsRule string
	// InstantsRule, when set, is the rule of InstantsUTCMicroseconds:
	// every instant of every kind, written in +08:00 past the
	// microsecond, reads back in UTC to the microsecond.
	InstantsRule string
	// Skip is the kit's ErrSkip.
	Skip error
	// Omit names shared checks the kit does not run, because a check of
	// its own under the same name proves more (say why beside it).
	Omit []string
}

// Record declares one record kind T of a domain to the shared rules.
type Record[S, C, T any] struct {
	// Label starts the names of the kind's checks: "Session" makes
	// "SessionVersionRule".
	Label string
	// Name is the kind in messages: "session".
	Name string
	// KeyName names its key in rules: "ID".
	KeyName string
	// Make returns record n of dealer d at Version 1. Records 1 to 4 have
	// distinct keys; record n of any dealer has the same key.
	Make func(d org.DealerID, n int) T
	// Full returns record n of dealer d with every field set: every slice
	// with elements, every pointer set. Nil means Make.
	Full func(d org.DealerID, n int) T
	// Key returns the record's key, as messages show it.
	Key func(T) string
	// Version points at the record's version.
	Version func(*T) *int64
	// Edit changes a field of the record to hold text, so an overwrite
	// shows in Diff.
	Edit func(r *T, text string)
	// In points at the change's records of the kind.
	In func(c *C) *[]T
	// Get reads the stored record with like's key, or returns an error
	// matching org.ErrNotFound.
	Get func(ctx context.Context, s S, d org.DealerID, like T) (T, error)
	// Reads are the other ways the store returns records of the kind:
	// each lists what would hold like (its year's sessions, its
	// employee's progress).
	Reads []Read[S, T]
	// All reads every record of the kind that dealer d holds, as far as
	// the kit can (the fixtures' years of a kind with no list), in an
	// order of the kit's choosing that does not depend on the store.
	All func(ctx context.Context, s S, d org.DealerID) ([]T, error)
	// Diff says how got differs from want, or returns nil.
	Diff func(got, want T) error
	// Scribble writes over everything of r a careless store could share
	// with its caller: the elements of its slices, what its pointers
	// point at. Nil means kit.Scribble, which writes over all of it.
	Scribble func(r *T)

	// RoundTrip, when set, is the rule of the kind's <Label>RoundTrip
	// check (records.go): "a plan, keyed by its Year, reads back with
	// every field as written...".
	RoundTrip string
	// NotFound, when set, is the rule of the kind's <Label>NotFound check.
	NotFound string
	// SetKey, when set, gives r the key key (a string key), so that
	// <Label>NotFound reads the keys a careless store confuses with a
	// stored one: a prefix of it, it in another case, it padded with a
	// space.
	SetKey func(r *T, key string)

	// remember is the sharesCommitted flaw's hook (flaws.go).
	remember func(d org.DealerID, recs []T)
}

// Read is one way a store lists records of a kind.
type Read[S, T any] struct {
	// Name names the read in messages: "Sessions of the year".
	Name string
	// Of lists, for dealer d, the records that would hold like.
	Of func(ctx context.Context, s S, d org.DealerID, like T) ([]T, error)
}

// Kind is a record kind as the rules use it, made by Declare.
type Kind[S, C any] interface {
	label() string
	name() string
	rule() string
	// put adds record n of dealer d, at the version and state w says, to c.
	put(c *C, d org.DealerID, n int, w want)
	// take reads every record of the kind of d, for a snapshot.
	take(ctx context.Context, s S, d org.DealerID) (part, error)
	// versionRule, readsAreCopies, ... are the rules of rules.go on the kind.
	versionRule(ctx context.Context, dm *Domain[S, C], s S) error
	twice(ctx context.Context, dm *Domain[S, C], s S) error
	recordChecks(dm *Domain[S, C]) []Shared[S]
	has(suffix string) bool
	putValued(c *C, v int64, set func(x reflect.Value)) func(ctx context.Context, s S) error
	putInstants(c *C, write func(time.Time) time.Time) func(ctx context.Context, s S) error
	copies(dm *Domain[S, C]) []copyRead[S]
	putFull(c *C, d org.DealerID) func()
	tenancy(ctx context.Context, dm *Domain[S, C], s S) error
	reads(ctx context.Context, s S, d org.DealerID) []namedCall
	// The flaws of flaws.go.
	bent(flaw string) Kind[S, C]
	restamp(ctx context.Context, s S, d org.DealerID, c *C, rule versioning)
	split(c *C) (C, int)
	copyInto(dst, src *C)
	dedupe(c *C)
	belowOne(c *C) bool
	checkVersions(ctx context.Context, s S, d org.DealerID, c *C) error
	each(c *C) []piece[C]
	clear(c *C)
	setDealers(c *C, d org.DealerID)
	echo(ctx context.Context, s S, other org.DealerID, c, echo *C)
	part() Part[C]
	pathHolds(name string, leaf reflect.Type) bool
	appendTo(dst, src *C)
	committed(d org.DealerID, c *C)
	pathFlaws() []string
	sharingPath(name string) Kind[S, C]
}

// want is what a kind's put adds: a new record, an update of a stored
// one, a stale write or a write of a record never created.
type want int

const (
	fresh  want = iota // record n at Version 1
	update             // record n, edited, at Version 2 (over a stored 1)
	stale              // record n, edited, at Version 1 again (it is stored)
	ghost              // record n at Version 2, never created
	full               // record n with every field set, at Version 1
	marked             // record n, edited to name its dealer, at Version 1
)

// Declare makes a Kind of r, checking that r declares what the rules need.
func Declare[S, C, T any](r Record[S, C, T]) Kind[S, C] {
	if r.Label == "" || r.Name == "" || r.Make == nil || r.Key == nil || r.Version == nil || r.Edit == nil ||
		r.In == nil || r.Get == nil || r.All == nil || r.Diff == nil {
		panic(fmt.Sprintf("kit: record kind %q declares too little", r.Name))
	}
	if r.Full == nil {
		r.Full = r.Make
	}
	if r.Scribble == nil {
		r.Scribble = Scribble[T]
	}
	return &r
}

func (r *Record[S, C, T]) label() string { return r.Label }
func (r *Record[S, C, T]) name() string  { return r.Name }
func (r *Record[S, C, T]) rule() string {
	if r.KeyName == "" {
		return VersionRule(r.Name)
	}
	return VersionRule(r.Name + " (" + r.KeyName + ")")
}

// make returns record n of d as w says.
func (r *Record[S, C, T]) make(d org.DealerID, n int, w want) T {
	if w == full {
		return r.Full(d, n)
	}
	x := r.Make(d, n)
	switch w {
	case update:
		r.Edit(&x, "updated")
		*r.Version(&x) = 2
	case stale:
		r.Edit(&x, "stale")
	case ghost:
		*r.Version(&x) = 2
	case marked:
		r.Edit(&x, "of "+string(d))
	}
	return x
}

func (r *Record[S, C, T]) put(c *C, d org.DealerID, n int, w want) { r.add(c, r.make(d, n, w)) }

// add appends x to c's records of the kind.
func (r *Record[S, C, T]) add(c *C, x T) {
	in := r.In(c)
	*in = append(*in, x)
}

// addEvents appends evs to c's events.
func (dm *Domain[S, C]) addEvents(c *C, evs ...org.Event) {
	in := dm.EventsIn(c)
	*in = append(*in, evs...)
}

// part is one kind's records in a snapshot, or a single record (found
// says whether it was there).
type part struct {
	name  string
	same  func(other part) error
	recs  any
	found bool
}

func (r *Record[S, C, T]) take(ctx context.Context, s S, d org.DealerID) (part, error) {
	recs, err := r.All(ctx, s, d)
	if err != nil {
		return part{}, fmt.Errorf("%s records: %w", r.Name, err)
	}
	p := part{name: r.Name, recs: recs}
	p.same = func(other part) error {
		return DiffList(r.Name+" records", other.recs.([]T), recs, r.Key, r.Diff)
	}
	return p, nil
}

// Snapshot is everything a store holds for one dealer, as far as the kit
// can read it: every kind's records, and the trail when it is readable.
type Snapshot struct {
	dealer     org.DealerID
	parts      []part
	events     []org.Event
	withEvents bool
}

// Take reads dealer d's snapshot from s.
func (dm *Domain[S, C]) Take(ctx context.Context, s S, d org.DealerID) (Snapshot, error) {
	sn := Snapshot{dealer: d}
	for _, k := range dm.Kinds {
		p, err := k.take(ctx, s, d)
		if err != nil {
			return sn, fmt.Errorf("snapshot of %s: %w", d, err)
		}
		sn.parts = append(sn.parts, p)
	}
	for _, k := range dm.Singles {
		p, err := k.take(ctx, s, d)
		if err != nil {
			return sn, fmt.Errorf("snapshot of %s: %w", d, err)
		}
		sn.parts = append(sn.parts, p)
	}
	if r := dm.trail(s); r != nil {
		sn.withEvents = true
		var err error
		if sn.events, err = AllEvents(ctx, r, d); err != nil {
			return sn, fmt.Errorf("snapshot of %s: %w", d, err)
		}
	}
	return sn, nil
}

// Same reports how b differs from a, or returns nil.
func (a Snapshot) Same(b Snapshot) error {
	p := "dealer " + string(a.dealer) + ": "
	var errs []error
	for i := range a.parts {
		if err := a.parts[i].same(b.parts[i]); err != nil {
			errs = append(errs, errors.New(p+err.Error()))
		}
	}
	if a.withEvents && b.withEvents {
		errs = append(errs, DiffEvents(p+"events", b.events, a.events))
	}
	return errors.Join(errs...)
}

func (dm *Domain[S, C]) trail(s S) EventReader {
	if dm.Events == nil {
		return nil
	}
	return dm.Events(s)
}

// commit commits c, naming what failed.
func (dm *Domain[S, C]) commit(ctx context.Context, s S, d org.DealerID, c C, what string) error {
	if err := dm.Commit(ctx, s, d, c); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Refused commits c for the first of dealers, wants an error matching
// want, and compares every dealer's snapshot before and after.
func (dm *Domain[S, C]) Refused(ctx context.Context, s S, c C, wantErr error, what string, dealers ...org.DealerID) error {
	var before []Snapshot
	for _, d := range dealers {
		sn, err := dm.Take(ctx, s, d)
		if err != nil {
			return err
		}
		before = append(before, sn)
	}
	if err := ExpectErr(dm.Commit(ctx, s, dealers[0], c), wantErr, what); err != nil {
		return err
	}
	var errs []error
	for i, d := range dealers {
		after, err := dm.Take(ctx, s, d)
		if err != nil {
			return err
		}
		errs = append(errs, before[i].Same(after))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s was refused but wrote: %w", what, err)
	}
	return nil
}

// change returns a change holding, of every kind, record n of d as w
// says, with one event of d named id.
func (dm *Domain[S, C]) change(d org.DealerID, n int, w want, id string) C {
	var c C
	for _, k := range dm.Kinds {
		k.put(&c, d, n, w)
	}
	dm.addEvents(&c, dm.Event(d, id))
	return c
}

// seed commits record 1 of every kind for each dealer, and its singles,
// with an event.
func (dm *Domain[S, C]) seed(ctx context.Context, s S, dealers ...org.DealerID) error {
	for _, d := range dealers {
		c := dm.change(d, 1, fresh, "seed-"+string(d))
		dm.putSingles(&c, d, fresh)
		if err := dm.commit(ctx, s, d, c, "seed record 1 of every kind for "+string(d)); err != nil {
			return err
		}
	}
	return nil
}

// putSingles puts dealer d's single records in c, as w says.
func (dm *Domain[S, C]) putSingles(c *C, d org.DealerID, w want) {
	for _, k := range dm.Singles {
		k.put(c, d, w)
	}
}

// Shared is one shared rule bound to a domain, for a kit to list among its
// own checks.
type Shared[S any] struct {
	Name string
	Rule string
	Run  func(ctx context.Context, s S) error
}

// Checks returns the shared rules for dm, in the order a kit runs them:
// per kind its round trip and not-found rules where it declares them, its
// version rule and the record named twice, then the rules on
// every kind at once.
func (dm *Domain[S, C]) Checks() []Shared[S] {
	var cs []Shared[S]
	for _, k := range dm.Kinds {
		cs = append(cs, k.recordChecks(dm)...)
	}
	for _, k := range dm.Kinds {
		cs = append(cs, Shared[S]{Name: k.label() + "VersionRule", Rule: k.rule(),
			Run: func(ctx context.Context, s S) error { return k.versionRule(ctx, dm, s) }})
	}
	for _, k := range dm.Kinds {
		cs = append(cs, Shared[S]{Name: k.label() + "TwiceInAChange",
			Rule: "a Change naming one " + k.name() + " twice (new or stored, at one version or two, next to each other or apart) is refused with ErrConflict and writes nothing",
			Run:  func(ctx context.Context, s S) error { return k.twice(ctx, dm, s) }})
	}
	if dm.AmountsRule != "" {
		cs = append(cs, Shared[S]{Name: "AmountsExact", Rule: dm.AmountsRule, Run: dm.checkAmounts})
	}
	if dm.InstantsRule != "" {
		cs = append(cs, Shared[S]{Name: "InstantsUTCMicroseconds", Rule: dm.InstantsRule, Run: dm.checkInstants})
	}
	cs = append(cs,
		Shared[S]{Name: "CommitIsAtomic", Rule: "Commit writes every record of every kind and every event, or none of them",
			Run: dm.checkAtomic},
		Shared[S]{Name: "CommitOtherDealerInvalid", Rule: "Commit refuses, with ErrInvalid, a record of any kind or an event of another dealer, new or updated, and writes nothing",
			Run: dm.checkOtherDealer},
		Shared[S]{Name: "ReadsAreCopies", Rule: "records returned and records committed share no memory with the store: every slice, map and pointer inside them, and event Data",
			Run: dm.checkCopies},
		Shared[S]{Name: "TenancyIsolation", Rule: "no call for dealer A reads, lists or changes a record of dealer B, even one with the same key",
			Run: dm.checkTenancy},
		Shared[S]{Name: "EventsAppended", Rule: "events committed with records are appended to the dealer's trail in commit order, exactly as written, with strictly increasing Seq above 0, and read back page by page after a Seq",
			Run: dm.checkEvents},
		Shared[S]{Name: "ContextDone", Rule: "a call whose context is done returns an error matching ctx.Err() (context.Canceled) and writes nothing",
			Run: dm.checkContextDone},
	)
	return slices.DeleteFunc(cs, func(c Shared[S]) bool { return slices.Contains(dm.Omit, c.Name) })
}

// Bind turns the shared checks of the domain dm builds into a kit's own
// check type: mk makes one from a check's name, its rule and a run that
// builds the domain for the Features the kit's check is run with (so the
// trail is read where they say).
func Bind[S, C, F, K any](dm func(F) *Domain[S, C], mk func(name, rule string, run func(ctx context.Context, s S, f F) error) K) []K {
	var none F
	var out []K
	for i, c := range dm(none).Checks() {
		out = append(out, mk(c.Name, c.Rule, func(ctx context.Context, s S, f F) error { return dm(f).Checks()[i].Run(ctx, s) }))
	}
	return out
}

// namedCall is one read of a store, for ContextDone.
type namedCall struct {
	name string
	call func() error
}

// label names the kinds in a message: "plan, session and career record".
func (dm *Domain[S, C]) label() string {
	var names []string
	for _, k := range dm.Kinds {
		names = append(names, k.name())
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
