package kit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/servicelane/servicelane/org"
)

// The self-test of the shared rules: each flaw below bends a sound store,
// through the domain's declarations, the way a careless store breaks one
// shared rule, and SelfTest proves that exactly the shared checks named
// for the flaw fail on it, in every domain. A kit's hand-written broken
// stores are left for its own checks.

// flaw is one way of breaking a shared rule.
type flaw[S, C any] struct {
	name, says string
	// bend changes the copy b of a domain (and its kinds) to have the
	// flaw.
	bend func(b *Domain[S, C])
	// caught names the shared checks that must fail.
	caught func(dm *Domain[S, C]) []string
}

// each names check for every kind: each(dm, "VersionRule").
func each[S, C any](dm *Domain[S, C], check string, skipFirst bool) []string {
	var out []string
	for i, k := range dm.Kinds {
		if i == 0 && skipFirst {
			continue
		}
		out = append(out, k.label()+check)
	}
	return out
}

func flaws[S, C any]() []flaw[S, C] {
	kinds := func(b *Domain[S, C], f string) {
		for i, k := range b.Kinds {
			b.Kinds[i] = k.bent(f)
		}
	}
	return []flaw[S, C]{
		{name: "ignoresVersions", says: "writes every record at the stored version plus one, whatever version it carries (last writer wins)",
			bend:   versionFlaw[S, C](func(_, stored int64, exists bool) (int64, bool) { return next(stored, exists), true }),
			caught: func(dm *Domain[S, C]) []string { return append(each(dm, "VersionRule", false), "CommitIsAtomic") }},
		{name: "createOverwrites", says: "lets Version 1 replace an existing record",
			bend: versionFlaw[S, C](func(v, stored int64, exists bool) (int64, bool) {
				return next(stored, exists), v == 1 && exists
			}),
			caught: func(dm *Domain[S, C]) []string { return append(each(dm, "VersionRule", false), "CommitIsAtomic") }},
		{name: "staleWins", says: "lets Version n > 1 replace whatever version is stored",
			bend: versionFlaw[S, C](func(v, stored int64, exists bool) (int64, bool) {
				return next(stored, exists), v > 1 && exists
			}),
			caught: func(dm *Domain[S, C]) []string { return each(dm, "VersionRule", false) }},
		{name: "updateCreates", says: "lets Version n > 1 of a missing record create it (an upsert)",
			bend: versionFlaw[S, C](func(v, stored int64, exists bool) (int64, bool) {
				return 1, v > 1 && !exists
			}),
			caught: func(dm *Domain[S, C]) []string { return append(each(dm, "VersionRule", false), "CommitIsAtomic") }},
		{name: "versionZeroAccepted", says: "writes a Version below 1 instead of refusing it with ErrInvalid",
			bend: versionFlaw[S, C](func(v, stored int64, exists bool) (int64, bool) {
				return next(stored, exists), v < 1
			}),
			caught: func(dm *Domain[S, C]) []string { return each(dm, "VersionRule", false) }},
		{name: "versionZeroConflicts", says: "refuses a Version below 1 with ErrConflict, not ErrInvalid",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					for _, k := range b.Kinds {
						if k.belowOne(&c) {
							return fmt.Errorf("kit flaw: a version below 1: %w", org.ErrConflict)
						}
					}
					return commit(ctx, s, d, c)
				}
			},
			caught: func(dm *Domain[S, C]) []string { return each(dm, "VersionRule", false) }},
		{name: "writesThenConflicts", says: "writes a change it refuses for a version conflict, then reports the conflict",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					err := commit(ctx, s, d, c)
					if errors.Is(err, org.ErrConflict) {
						w := b.cloneChange(c)
						for _, k := range b.Kinds {
							k.dedupe(&w)
							k.restamp(ctx, s, d, &w, func(_, stored int64, exists bool) (int64, bool) { return next(stored, exists), true })
						}
						_ = commit(ctx, s, d, w)
					}
					return err
				}
			},
			caught: func(dm *Domain[S, C]) []string {
				return slices.Concat(each(dm, "VersionRule", false), each(dm, "TwiceInAChange", false), []string{"CommitIsAtomic"})
			}},
		{name: "kindByKind", says: "writes each kind of record in a transaction of its own, the events with the first",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					first := b.others(c)
					for i, k := range b.Kinds {
						part, n := k.split(&c)
						if i == 0 {
							k.copyInto(&first, &part)
							part = first
							*b.EventsIn(&part) = *b.EventsIn(&c)
							for _, sk := range b.Singles {
								sk.moveTo(&part, &c)
							}
						}
						if n == 0 && i > 0 {
							continue
						}
						if err := commit(ctx, s, d, part); err != nil {
							return err
						}
					}
					return nil
				}
			},
			caught: func(dm *Domain[S, C]) []string {
				// The events land with the first kind's commit, before a
				// later kind's refusal.
				return slices.Concat(each(dm, "TwiceInAChange", true), each(dm, "VersionRule", true),
					[]string{"CommitIsAtomic", "CommitOtherDealerInvalid"})
			}},
		{name: "recordByRecord", says: "writes each record in a transaction of its own, then the events",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					if err := ctx.Err(); err != nil {
						return err
					}
					rest := b.others(c)
					for _, sk := range b.Singles {
						sk.moveTo(&rest, &c)
					}
					*b.EventsIn(&rest) = *b.EventsIn(&c)
					for _, k := range b.Kinds {
						for _, p := range k.each(&c) {
							if err := commit(ctx, s, d, p.part); err != nil {
								return err
							}
						}
					}
					return commit(ctx, s, d, rest)
				}
			},
			caught: func(dm *Domain[S, C]) []string {
				return append(each(dm, "TwiceInAChange", false), "CommitIsAtomic", "CommitOtherDealerInvalid")
			}},
		{name: "eachUnderItsDealer", says: "writes each record and event under the dealer it names, not refusing another dealer's",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					if err := ctx.Err(); err != nil {
						return err
					}
					first := b.others(c)
					parts := map[org.DealerID]*C{d: &first}
					part := func(id org.DealerID) *C {
						if parts[id] == nil {
							parts[id] = new(C)
						}
						return parts[id]
					}
					for _, sk := range b.Singles {
						sk.moveTo(parts[d], &c)
					}
					for _, k := range b.Kinds {
						for _, p := range k.each(&c) {
							k.appendTo(part(p.dealer), &p.part)
						}
					}
					for _, ev := range *b.EventsIn(&c) {
						b.addEvents(part(ev.DealerID), ev)
					}
					for _, id := range slices.Sorted(maps.Keys(parts)) {
						if err := commit(ctx, s, id, *parts[id]); err != nil {
							return err
						}
					}
					return nil
				}
			},
			caught: func(*Domain[S, C]) []string { return []string{"CommitOtherDealerInvalid"} }},
		{name: "dealerCheckedOnFirstKind", says: "checks the DealerID of the first kind of record and of events only; other records are filed under the commit's dealer",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					c = b.cloneChange(c)
					for _, k := range b.Kinds[1:] {
						k.setDealers(&c, d)
					}
					return commit(ctx, s, d, c)
				}
			},
			caught: func(dm *Domain[S, C]) []string {
				if len(dm.Kinds) < 2 {
					return nil
				}
				return []string{"CommitOtherDealerInvalid"}
			}},
		{name: "updatesByKeyOnly", says: "lands an update on every dealer's record of the key at the version before (WHERE key = ? AND version = ?, without dealer_id)",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				var mu sync.Mutex
				dealers := map[org.DealerID]bool{}
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					mu.Lock()
					dealers[d] = true
					others := slices.Sorted(maps.Keys(dealers))
					mu.Unlock()
					if err := commit(ctx, s, d, c); err != nil {
						return err
					}
					for _, other := range others {
						if other == d {
							continue
						}
						var echo C
						for _, k := range b.Kinds {
							k.echo(ctx, s, other, &c, &echo)
						}
						if err := commit(ctx, s, other, echo); err != nil {
							return err
						}
					}
					return nil
				}
			},
			caught: func(*Domain[S, C]) []string { return []string{"TenancyIsolation"} }},
		{name: "checksContextAfterWriting", says: "writes, then returns ctx.Err()",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					if err := commit(context.WithoutCancel(ctx), s, d, c); err != nil {
						return err
					}
					return ctx.Err()
				}
			},
			caught: func(*Domain[S, C]) []string { return []string{"ContextDone"} }},
		{name: "lastOfTwiceWins", says: "keeps the last of two writes of one record in a change instead of refusing the change",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					c = b.cloneChange(c)
					for _, k := range b.Kinds {
						k.dedupe(&c)
					}
					return commit(ctx, s, d, c)
				}
			},
			caught: func(dm *Domain[S, C]) []string { return each(dm, "TwiceInAChange", false) }},
		{name: "eventsOfRefusedCommits", says: "appends a commit's events before it checks the records, so a refused commit leaves its events",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					err := commit(ctx, s, d, c)
					if err != nil && ctx.Err() == nil {
						var only C
						*b.EventsIn(&only) = *b.EventsIn(&c)
						_ = commit(ctx, s, d, only)
					}
					return err
				}
			},
			caught: func(dm *Domain[S, C]) []string {
				return slices.Concat(each(dm, "VersionRule", false), each(dm, "TwiceInAChange", false),
					[]string{"CommitIsAtomic", "CommitOtherDealerInvalid"})
			}},
		{name: "eventsNewestFirst", says: "reads the trail newest first",
			bend: func(b *Domain[S, C]) {
				events := b.Events
				b.Events = func(s S) EventReader {
					if r := events(s); r != nil {
						return reversed{r}
					}
					return nil
				}
			},
			caught: func(dm *Domain[S, C]) []string { return append(each(dm, "VersionRule", false), "EventsAppended") }},
		{name: "eventDataShared", says: "hands every reader of an event the same Data",
			bend: func(b *Domain[S, C]) {
				events := b.Events
				b.Events = func(s S) EventReader {
					if r := events(s); r != nil {
						return &sharedData{EventReader: r, data: map[string][]byte{}}
					}
					return nil
				}
			},
			caught: func(dm *Domain[S, C]) []string { return []string{"ReadsAreCopies"} }},
		{name: "sharesCommitted", says: "keeps the records a caller committed, not copies of them",
			bend: func(b *Domain[S, C]) {
				kinds(b, "sharesCommitted")
				b.rememberCommits()
			},
			caught: func(dm *Domain[S, C]) []string {
				// It hands back the instants as the caller wrote them,
				// in +08:00 past the microsecond.
				if dm.InstantsRule != "" {
					return []string{"ReadsAreCopies", "InstantsUTCMicroseconds"}
				}
				return []string{"ReadsAreCopies"}
			}},
		{name: "sharesReads", says: "returns the same record to every read of it (a cache handing out what it holds)",
			bend: func(b *Domain[S, C]) { kinds(b, "sharesReads") },
			caught: func(dm *Domain[S, C]) []string {
				// A cache answers the updates of the round trips and
				// AmountsExact with the first version it read.
				out := append(declared(dm, "RoundTrip"), "ReadsAreCopies")
				if dm.AmountsRule != "" {
					out = append(out, "AmountsExact")
				}
				return out
			}},
		{name: "readsOtherDealer", says: "answers a read of a record the dealer lacks with dealer dB's record of that key",
			bend:   func(b *Domain[S, C]) { kinds(b, "readsOtherDealer") },
			caught: func(*Domain[S, C]) []string { return []string{"TenancyIsolation"} }},
		{name: "zeroIfNotFound", says: "answers a read of a missing record with a zero record and no error",
			bend: func(b *Domain[S, C]) { kinds(b, "zeroIfNotFound") },
			caught: func(dm *Domain[S, C]) []string {
				return slices.Concat(each(dm, "VersionRule", false), declared(dm, "NotFound"), []string{"TenancyIsolation"})
			}},
		{name: "ignoresContext", says: "goes on with a call whose context is done",
			bend: func(b *Domain[S, C]) {
				kinds(b, "ignoresContext")
				commit, events := b.Commit, b.Events
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					return commit(context.WithoutCancel(ctx), s, d, c)
				}
				b.Events = func(s S) EventReader {
					if r := events(s); r != nil {
						return uncancelled{r}
					}
					return nil
				}
			},
			caught: func(*Domain[S, C]) []string { return []string{"ContextDone"} }},
	}
}

// versionFlaw bends a domain's Commit to restamp every record as rule
// says before the sound store checks it.
//
// The version read and the write happen under one lock, as one statement
// of a store would run them (UPDATE ... without "AND version = ?"): the
// sound store underneath never sees two writers restamp from one stored
// version, so a flaw that lets a stale write land does so every run, not
// only when the writers happen to interleave.
func versionFlaw[S, C any](rule versioning) func(b *Domain[S, C]) {
	return func(b *Domain[S, C]) {
		commit := b.Commit
		var mu sync.Mutex
		b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
			c = b.cloneChange(c)
			mu.Lock()
			defer mu.Unlock()
			for _, k := range b.Kinds {
				k.restamp(ctx, s, d, &c, rule)
			}
			return commit(ctx, s, d, c)
		}
	}
}

// rememberCommits makes b's Commit tell every kind what it committed.
func (b *Domain[S, C]) rememberCommits() {
	commit := b.Commit
	b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
		if err := commit(ctx, s, d, c); err != nil {
			return err
		}
		for _, k := range b.Kinds {
			k.committed(d, &c)
		}
		return nil
	}
}

// pathFlaws are the flaws of paths.go, one per reference of every kind's
// full record.
func (dm *Domain[S, C]) pathFlaws() []flaw[S, C] {
	var out []flaw[S, C]
	for i, k := range dm.Kinds {
		for _, name := range k.pathFlaws() {
			path := strings.TrimPrefix(name, "sharesPath:")
			out = append(out, flaw[S, C]{name: k.label() + "." + path,
				says: "copies a " + k.name() + " but hands every reader the committed record's " + path,
				bend: func(b *Domain[S, C]) {
					b.Kinds[i] = k.sharingPath(path)
					b.rememberCommits()
				},
				caught: func(dm *Domain[S, C]) []string {
					// What it shares holds instants as the caller wrote
					// them, in +08:00 past the microsecond.
					if dm.InstantsRule != "" && k.pathHolds(path, timeT) {
						return []string{"ReadsAreCopies", "InstantsUTCMicroseconds"}
					}
					return []string{"ReadsAreCopies"}
				}})
		}
	}
	return out
}

// cloneChange returns c with each kind's records and the events in slices
// of their own, so a flaw that edits them leaves the caller's change as
// it was (the elements are shared); what the domain does not declare
// (servicedesk's redactions and billing part) stays as it was.
func (dm *Domain[S, C]) cloneChange(c C) C {
	out := dm.others(c)
	for _, k := range dm.Kinds {
		k.copyInto(&out, &c)
	}
	for _, k := range dm.Singles {
		k.moveTo(&out, &c) // c is the flaw's own copy of the caller's change
	}
	*dm.EventsIn(&out) = slices.Clone(*dm.EventsIn(&c))
	return out
}

// others returns c with none of the kinds' records, singles or events:
// what the domain does not declare, which a flaw that writes a change in
// parts writes with its first part.
func (dm *Domain[S, C]) others(c C) C {
	for _, k := range dm.Kinds {
		k.clear(&c)
	}
	var drop C
	for _, k := range dm.Singles {
		k.moveTo(&drop, &c)
	}
	*dm.EventsIn(&c) = nil
	return c
}

type reversed struct{ EventReader }

func (r reversed) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	evs, err := r.EventReader.Events(ctx, d, after, limit)
	slices.Reverse(evs)
	return evs, err
}

// sharedData remembers the Data of each event it read and hands it out
// again.
type sharedData struct {
	EventReader
	mu   sync.Mutex
	data map[string][]byte
}

func (r *sharedData) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	evs, err := r.EventReader.Events(ctx, d, after, limit)
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range evs {
		k := string(d) + "\x00" + evs[i].ID
		if data, ok := r.data[k]; ok {
			evs[i].Data = data
		} else {
			r.data[k] = evs[i].Data
		}
	}
	return evs, err
}

type uncancelled struct{ EventReader }

func (r uncancelled) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	return r.EventReader.Events(context.WithoutCancel(ctx), d, after, limit)
}

// The kind-level parts of the flaws.

// versioning is a bent version rule: given a record's version and the
// stored one (exists false: none), the version that makes the sound store
// take the write, or ok false to leave it.
type versioning func(v, stored int64, exists bool) (int64, bool)

// next is what a store writing anyway stamps: the stored version plus one,
// or 1.
func next(stored int64, exists bool) int64 {
	if exists {
		return stored + 1
	}
	return 1
}

// restamp gives c's records of the kind the versions rule says.
func (r *Record[S, C, T]) restamp(ctx context.Context, s S, d org.DealerID, c *C, rule versioning) {
	recs := *r.In(c)
	for i := range recs {
		stored, err := r.Get(ctx, s, d, recs[i])
		if v, ok := rule(*r.Version(&recs[i]), *r.Version(&stored), err == nil); ok {
			*r.Version(&recs[i]) = v
		}
	}
}

// belowOne says whether c holds a record of the kind with a Version
// below 1.
func (r *Record[S, C, T]) belowOne(c *C) bool {
	return slices.ContainsFunc(*r.In(c), func(x T) bool { return *r.Version(&x) < 1 })
}

// split moves c's records of the kind into a change of their own, and
// says how many there were.
func (r *Record[S, C, T]) split(c *C) (C, int) {
	var out C
	*r.In(&out) = *r.In(c)
	return out, len(*r.In(c))
}

func (r *Record[S, C, T]) copyInto(dst, src *C) { *r.In(dst) = slices.Clone(*r.In(src)) }

// dedupe keeps the last write of each key, where the first was.
func (r *Record[S, C, T]) dedupe(c *C) {
	in := r.In(c)
	var out []T
	at := map[string]int{}
	for _, x := range *in {
		if i, ok := at[r.Key(x)]; ok {
			out[i] = x
			continue
		}
		at[r.Key(x)] = len(out)
		out = append(out, x)
	}
	*in = out
}

func (r *Record[S, C, T]) committed(d org.DealerID, c *C) {
	if r.remember != nil {
		r.remember(d, *r.In(c))
	}
}

// bent returns a copy of the kind with the flaw f in its reads.
func (r *Record[S, C, T]) bent(f string) Kind[S, C] {
	b := *r
	get := r.Get
	var mu sync.Mutex
	held := map[string]T{}
	key := func(d org.DealerID, x T) string { return string(d) + "\x00" + r.Key(x) }
	switch f {
	case "sharesCommitted":
		b.remember = func(d org.DealerID, recs []T) {
			mu.Lock()
			defer mu.Unlock()
			for _, x := range recs {
				held[key(d, x)] = x // the caller's record itself
			}
		}
		b.Get = func(ctx context.Context, s S, d org.DealerID, like T) (T, error) {
			x, err := get(ctx, s, d, like)
			mu.Lock()
			defer mu.Unlock()
			if h, ok := held[key(d, like)]; ok && err == nil {
				return h, nil
			}
			return x, err
		}
	case "sharesReads":
		b.Get = func(ctx context.Context, s S, d org.DealerID, like T) (T, error) {
			mu.Lock()
			defer mu.Unlock()
			if h, ok := held[key(d, like)]; ok {
				return h, nil
			}
			x, err := get(ctx, s, d, like)
			if err == nil {
				held[key(d, like)] = x
			}
			return x, err
		}
	case "readsOtherDealer":
		b.Get = func(ctx context.Context, s S, d org.DealerID, like T) (T, error) {
			x, err := get(ctx, s, d, like)
			if errors.Is(err, org.ErrNotFound) && d != "dB" {
				return get(ctx, s, "dB", like)
			}
			return x, err
		}
	case "zeroIfNotFound":
		b.Get = func(ctx context.Context, s S, d org.DealerID, like T) (T, error) {
			x, err := get(ctx, s, d, like)
			if errors.Is(err, org.ErrNotFound) {
				var zero T
				return zero, nil
			}
			return x, err
		}
	case "ignoresContext":
		b.Get = func(ctx context.Context, s S, d org.DealerID, like T) (T, error) {
			return get(context.WithoutCancel(ctx), s, d, like)
		}
		b.Reads = nil
		for _, rd := range r.Reads {
			of := rd.Of
			b.Reads = append(b.Reads, Read[S, T]{rd.Name, func(ctx context.Context, s S, d org.DealerID, like T) ([]T, error) {
				return of(context.WithoutCancel(ctx), s, d, like)
			}})
		}
		all := r.All
		b.All = func(ctx context.Context, s S, d org.DealerID) ([]T, error) {
			return all(context.WithoutCancel(ctx), s, d)
		}
	default:
		panic("kit: no flaw " + f)
	}
	return &b
}

// SelfTest proves the shared checks on dm: every one passes on a sound
// store from open (whose trail must be readable), and each flaw fails
// exactly the checks named for it.
// A kit calls it from an internal test with its domain.
func (dm *Domain[S, C]) SelfTest(t *testing.T, open func(t *testing.T) S) {
	t.Helper()
	// run runs every shared check of the domain bend makes, a new one for
	// each check, so that what a flaw holds does not outlive its store.
	run := func(t *testing.T, bend func() *Domain[S, C]) []string {
		var failed []string
		for i, c := range bend().Checks() {
			err := bend().Checks()[i].Run(t.Context(), open(t))
			switch {
			case err != nil && dm.Skip != nil && errors.Is(err, dm.Skip):
			case err != nil:
				failed = append(failed, c.Name)
			}
		}
		slices.Sort(failed)
		return failed
	}
	if dm.trail(open(t)) == nil {
		t.Fatalf("%s: SelfTest needs a store whose trail is readable (as memstore's views are)", dm.Kit)
	}
	t.Run("sound", func(t *testing.T) {
		if failed := run(t, func() *Domain[S, C] { return dm }); len(failed) > 0 {
			t.Errorf("%s: a sound store fails the shared checks %v", dm.Kit, failed)
		}
	})
	for _, f := range slices.Concat(flaws[S, C](), dm.kindFlaws(), dm.pathFlaws()) {
		t.Run(f.name, func(t *testing.T) {
			bend := func() *Domain[S, C] {
				b := *dm
				b.Kinds = slices.Clone(dm.Kinds)
				f.bend(&b)
				return &b
			}
			want := slices.DeleteFunc(f.caught(dm), func(n string) bool { return slices.Contains(dm.Omit, n) })
			slices.Sort(want)
			want = slices.Compact(want)
			if got := run(t, bend); !slices.Equal(got, want) {
				t.Errorf("%s: a store that %s fails the shared checks\n\t%v\nwant exactly\n\t%v", dm.Kit, f.says, got, want)
			}
		})
	}
}

// CommitFlaws names the flaws Bent makes: the flaws of a domain's Commit
// alone, which a kit also turns into real stores so its own checks meet
// them (a race, a counter, a list). CheckThenWrite is among them: no
// shared check catches it, for it takes concurrent writers.
var CommitFlaws = []string{"ignoresVersions", "createOverwrites", "staleWins", "updateCreates", "versionZeroAccepted",
	"versionZeroConflicts", "writesThenConflicts", "kindByKind", "recordByRecord", "eachUnderItsDealer", "dealerCheckedOnFirstKind", "updatesByKeyOnly", "checksContextAfterWriting", "lastOfTwiceWins", "eventsOfRefusedCommits", "checkThenWrite"}

// Bent returns dm's Commit with the commit flaw named name (one of
// CommitFlaws, or <label>Upserts for a kind, its label starting lower
// case: seriesUpserts), what such a store does (to follow "a store
// that"), and the shared checks that must fail on a store committing
// through it.
func (dm *Domain[S, C]) Bent(name string) (commit func(ctx context.Context, s S, d org.DealerID, c C) error, says string, caught []string) {
	upserts := slices.ContainsFunc(dm.kindFlaws(), func(f flaw[S, C]) bool { return f.name == name })
	if !slices.Contains(CommitFlaws, name) && !upserts {
		panic("kit: no commit flaw " + name)
	}
	b := *dm
	b.Kinds = slices.Clone(dm.Kinds)
	if name == "checkThenWrite" {
		checkThenWrite(&b)
		return b.Commit, "checks versions, lets go of its lock, then writes: concurrent writers of one version both land", nil
	}
	for _, f := range append(flaws[S, C](), dm.kindFlaws()...) {
		if f.name == name {
			f.bend(&b)
			says = f.says
			caught = slices.DeleteFunc(f.caught(dm), func(n string) bool { return slices.Contains(dm.Omit, n) })
		}
	}
	return b.Commit, says, caught
}

// checkThenWrite bends b's Commit to check every record's version against
// the stored one, let go (5ms, long enough for concurrent writers to
// check too, however loaded the machine), then write at the stored
// version plus one: the SELECT, then the UPDATE without "AND version = ?".
func checkThenWrite[S, C any](b *Domain[S, C]) {
	commit := b.Commit
	var mu sync.Mutex // the write, as versionFlaw's; the check is outside it
	b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, k := range b.Kinds {
			if err := k.checkVersions(ctx, s, d, &c); err != nil {
				return err
			}
		}
		time.Sleep(5 * time.Millisecond)
		w := b.cloneChange(c)
		mu.Lock()
		defer mu.Unlock()
		for _, k := range b.Kinds {
			k.restamp(ctx, s, d, &w, func(_, stored int64, exists bool) (int64, bool) { return next(stored, exists), true })
		}
		return commit(ctx, s, d, w)
	}
}

// checkVersions applies the version rule to c's records of the kind
// against the stored ones, as a store's SELECT before its write does.
func (r *Record[S, C, T]) checkVersions(ctx context.Context, s S, d org.DealerID, c *C) error {
	seen := map[string]bool{}
	for _, x := range *r.In(c) {
		v := *r.Version(&x)
		stored, err := r.Get(ctx, s, d, x)
		exists := err == nil
		switch {
		case err != nil && !errors.Is(err, org.ErrNotFound):
			return err
		case v < 1:
			return fmt.Errorf("kit flaw: %s %s: version %d: %w", r.Name, r.Key(x), v, org.ErrInvalid)
		case seen[r.Key(x)],
			v == 1 && exists,
			v > 1 && !exists,
			v > 1 && *r.Version(&stored) != v-1:
			return fmt.Errorf("kit flaw: %s %s: version %d: %w", r.Name, r.Key(x), v, org.ErrConflict)
		}
		seen[r.Key(x)] = true
	}
	return nil
}

// piece is one record of a change, in a change of its own, and the dealer
// it names.
type piece[C any] struct {
	dealer org.DealerID
	part   C
}

// each returns c's records of the kind, one piece each.
func (r *Record[S, C, T]) each(c *C) []piece[C] {
	var out []piece[C]
	for _, x := range *r.In(c) {
		var p C
		*r.In(&p) = []T{x}
		out = append(out, piece[C]{dealer: dealerOf(x), part: p})
	}
	return out
}

// appendTo appends src's records of the kind to dst's.
func (r *Record[S, C, T]) appendTo(dst, src *C) { *r.In(dst) = append(*r.In(dst), *r.In(src)...) }

// dealerOf is the DealerID a record names (every record kind of every
// domain has one).
func dealerOf(x any) org.DealerID {
	f := reflect.ValueOf(x).FieldByName("DealerID")
	if !f.IsValid() || f.Kind() != reflect.String {
		panic(fmt.Sprintf("kit: a %T names no DealerID", x))
	}
	return org.DealerID(f.String())
}

func (r *Record[S, C, T]) clear(c *C) { *r.In(c) = nil }

// setDealers files c's records of the kind under dealer d.
func (r *Record[S, C, T]) setDealers(c *C, d org.DealerID) {
	recs := *r.In(c)
	for i := range recs {
		reflect.ValueOf(&recs[i]).Elem().FieldByName("DealerID").SetString(string(d))
	}
}

// echo adds to echo, filed under dealer other, each of c's updates of
// the kind that other holds the record of at the version before.
func (r *Record[S, C, T]) echo(ctx context.Context, s S, other org.DealerID, c, echo *C) {
	for _, x := range *r.In(c) {
		v := *r.Version(&x)
		if v < 2 {
			continue
		}
		if cur, err := r.Get(ctx, s, other, x); err == nil && *r.Version(&cur) == v-1 {
			y := DeepCopy(x)
			reflect.ValueOf(&y).Elem().FieldByName("DealerID").SetString(string(other))
			r.add(echo, y)
		}
	}
}

// kindFlaws are the flaws of one kind among the others: its records
// written without a version check (INSERT OR REPLACE), the other kinds
// keeping the rule. Each is named for the kind: seriesUpserts.
func (dm *Domain[S, C]) kindFlaws() []flaw[S, C] {
	var out []flaw[S, C]
	for i, k := range dm.Kinds {
		label := strings.ToLower(k.label()[:1]) + k.label()[1:]
		out = append(out, flaw[S, C]{name: label + "Upserts",
			says: "writes " + k.name() + " records without a version check (INSERT OR REPLACE); other kinds keep the rule",
			bend: func(b *Domain[S, C]) {
				commit := b.Commit
				var mu sync.Mutex // as versionFlaw's
				b.Commit = func(ctx context.Context, s S, d org.DealerID, c C) error {
					c = b.cloneChange(c)
					mu.Lock()
					defer mu.Unlock()
					b.Kinds[i].restamp(ctx, s, d, &c, func(_, stored int64, exists bool) (int64, bool) { return next(stored, exists), true })
					return commit(ctx, s, d, c)
				}
			},
			caught: func(*Domain[S, C]) []string { return []string{k.label() + "VersionRule", "CommitIsAtomic"} }})
	}
	return out
}
