package kitcheck

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// The broken and sound stores every kit's self-test runs (issue 17): each
// bends a kit's store through its Hooks the way a real store breaks (or
// keeps, unusually) the contract at the storage level: its errors, its
// columns, its collation, its trail, its version rule. A kit says which
// of its checks catch each broken one; the bends are written here once.

// Bend is one way of bending a store through its Hooks.
type Bend[S, C any] struct {
	Name string
	// Says how the store behaves, phrased to follow "a store that".
	Says string
	Bend func(h *Hooks[S, C])
}

// Opener opens a kit's bent store, memstore with bend applied to its
// Hooks (and nothing else).
type Opener[S, C any] func(bend func(h *Hooks[S, C])) func() S

// BrokenBends are the bends that break the contract.
func BrokenBends[S, C any]() []Bend[S, C] {
	taipei := time.FixedZone("CST", 8*3600)
	return []Bend[S, C]{
		{"plainNotFound", `returns errors.New("not found") instead of an error matching ErrNotFound`,
			func(h *Hooks[S, C]) { h.Errs = append(h.Errs, PlainNotFound) }},
		{"missingIsZero", "returns a zero record and nil for a missing one (sql.ErrNoRows swallowed)",
			func(h *Hooks[S, C]) { h.Errs = append(h.Errs, NilIfNotFound) }},
		{"emptyIsNotFound", "answers a list with no match with ErrNotFound instead of an empty result",
			func(h *Hooks[S, C]) {
				h.Empty = func(list reflect.Value) (reflect.Value, error) {
					return reflect.Zero(list.Type()), notFoundf("no match")
				}
			}},
		{"hidesContextError", "returns its own error, not one matching ctx.Err(), when ctx is done",
			func(h *Hooks[S, C]) {
				unavailable := errors.New("store unavailable")
				h.Errs = append(h.Errs, func(err error) error {
					if errors.Is(err, context.Canceled) {
						return unavailable
					}
					return err
				})
			}},
		{"readsInDealerZone", "returns instants in the dealer's zone (+08:00), not UTC",
			func(h *Hooks[S, C]) {
				h.Reads = append(h.Reads, OnInstants(func(t time.Time) time.Time { return t.In(taipei) }))
			}},
		{"nilPointersAsZero", "reads a missing optional value as a pointer to a zero one (nullable columns scanned into a struct)",
			func(h *Hooks[S, C]) {
				h.Reads = append(h.Reads, func(v reflect.Value) bool {
					if v.Kind() == reflect.Pointer && v.IsNil() && v.CanSet() {
						v.Set(reflect.New(v.Type().Elem()))
						return true
					}
					return false
				})
			}},
		{"dropsMicroseconds", "keeps instants to the second",
			func(h *Hooks[S, C]) {
				h.Writes = append(h.Writes, OnInstants(func(t time.Time) time.Time { return t.Truncate(time.Second) }))
			}},
		{"floatDecimals", "passes decimals through float64 on write",
			func(h *Hooks[S, C]) {
				h.Writes = append(h.Writes, OnDecimals(func(d decimal.Decimal) decimal.Decimal { return decimal.NewFromFloat(d.InexactFloat64()) }))
			}},
		{"decimalsTwoPlaces", "keeps 2 decimals (a NUMERIC(22,2) column)",
			func(h *Hooks[S, C]) {
				h.Writes = append(h.Writes, OnDecimals(func(d decimal.Decimal) decimal.Decimal { return d.Round(2) }))
			}},
		{"decimalsUnsigned", "drops the sign of a decimal (an unsigned column)",
			func(h *Hooks[S, C]) { h.Writes = append(h.Writes, OnDecimals(decimal.Decimal.Abs)) }},
		{"caseFoldKeys", "finds keys case-insensitively (a _ci collation)",
			func(h *Hooks[S, C]) {
				h.Keys = func(k string) []string { return []string{k, strings.ToLower(k), strings.ToUpper(k)} }
			}},
		{"trimsKeys", "finds keys with trailing spaces trimmed (a PAD SPACE collation, CHAR columns)",
			func(h *Hooks[S, C]) {
				h.Keys = func(k string) []string { return []string{k, strings.TrimRight(k, " ")} }
			}},
		{"eventsNewestFirst", "returns the trail newest first",
			func(h *Hooks[S, C]) {
				h.Trail = func(read func(org.DealerID, int64, int) ([]org.Event, error), d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := read(d, after, 1<<30)
					slices.Reverse(evs)
					return evs[:min(len(evs), limit)], err
				}
			}},
		{"eventsIgnoreLimit", "returns every event after the cursor, ignoring limit",
			func(h *Hooks[S, C]) {
				h.Trail = func(read func(org.DealerID, int64, int) ([]org.Event, error), d org.DealerID, after int64, _ int) ([]org.Event, error) {
					return read(d, after, 1<<30)
				}
			}},
		{"eventsIgnoreCursor", "reads the trail from its first event, ignoring after",
			func(h *Hooks[S, C]) {
				h.Trail = func(read func(org.DealerID, int64, int) ([]org.Event, error), d org.DealerID, _ int64, limit int) ([]org.Event, error) {
					return read(d, 0, limit)
				}
			}},
		{"eventsOfEveryDealer", "reads the trail of every dealer, ignoring the one asked for",
			func(h *Hooks[S, C]) {
				h.Trail = func(read func(org.DealerID, int64, int) ([]org.Event, error), _ org.DealerID, after int64, limit int) ([]org.Event, error) {
					return EveryDealer(h.Dealers(), limit, func(ev org.Event) string { return fmt.Sprintf("%020d", ev.Seq) },
						func(d org.DealerID) ([]org.Event, error) { return read(d, after, limit) })
				}
			}},
		{"eventsWithRecordsDropped", "writes a change's events only when it holds no records",
			func(h *Hooks[S, C]) {
				h.Changes = func(c reflect.Value) {
					var events reflect.Value
					records := 0
					for i := range c.NumField() {
						switch f := c.Field(i); {
						case f.Type() == reflect.TypeFor[[]org.Event]():
							events = f
						case f.Kind() == reflect.Slice:
							records += f.Len()
						case f.Kind() == reflect.Pointer && !f.IsNil():
							records++
						}
					}
					if records > 0 && events.IsValid() {
						events.Set(reflect.Zero(events.Type()))
					}
				}
			}},
		{"zeroTimeAsEpoch", "reads the zero time back as 1970-01-01 (NULL stored as 0 seconds since the epoch)",
			func(h *Hooks[S, C]) {
				h.Reads = append(h.Reads, OnInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return time.Unix(0, 0).UTC()
					}
					return t
				}))
			}},
		{"seqFromZero", "numbers events from 0, so cursor 0 skips the first",
			func(h *Hooks[S, C]) {
				h.Trail = func(read func(org.DealerID, int64, int) ([]org.Event, error), d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := read(d, after+1, limit)
					for i := range evs {
						evs[i].Seq--
					}
					return evs, err
				}
			}},
		{"truncatesLists", "returns at most 100 records from a list (a LIMIT left in the query)",
			func(h *Hooks[S, C]) { h.Truncate = 100 }},
		{"slowLastWriterWins", "ignores Version, and answers reads after 1ms, as a store across a network does",
			func(h *Hooks[S, C]) { h.Latency = time.Millisecond }}, // and the kit's ignoresVersions commit
	}
}

// SoundBends are the bends that keep the contract in a way memstore does
// not.
func SoundBends[S, C any]() []Bend[S, C] {
	return []Bend[S, C]{
		{"wrapsErrors", "wraps every error in its own message (fmt.Errorf with %w)",
			func(h *Hooks[S, C]) {
				h.Errs = append(h.Errs, func(err error) error {
					if err == nil {
						return nil
					}
					return fmt.Errorf("soundstore: %w", err)
				})
			}},
		{"nilForNone", "returns nil lists, not empty ones, for no match",
			func(h *Hooks[S, C]) {
				h.Empty = func(list reflect.Value) (reflect.Value, error) { return reflect.Zero(list.Type()), nil }
			}},
		{"emptyAsNil", "reads every empty slice and map inside a record as nil (JSON columns with omitempty)",
			func(h *Hooks[S, C]) {
				h.Reads = append(h.Reads, func(v reflect.Value) bool {
					if (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 && !v.IsNil() && v.CanSet() {
						v.Set(reflect.Zero(v.Type()))
						return true
					}
					return false
				})
			}},
		{"nilAsEmpty", "reads every nil slice and map inside a record as empty (JSON columns holding [] and {})",
			func(h *Hooks[S, C]) {
				h.Reads = append(h.Reads, func(v reflect.Value) bool {
					switch {
					case !v.CanSet() || (v.Kind() != reflect.Slice && v.Kind() != reflect.Map) || !v.IsNil():
						return false
					case v.Kind() == reflect.Map:
						v.Set(reflect.MakeMap(v.Type()))
					case v.Type().Elem().Kind() != reflect.Uint8:
						v.Set(reflect.MakeSlice(v.Type(), 0, 0))
					default:
						return false
					}
					return true
				})
			}},
		{"seqWithGaps", "numbers events 10, 20, 30 (one sequence shared by every dealer looks like this)",
			func(h *Hooks[S, C]) {
				h.Trail = func(read func(org.DealerID, int64, int) ([]org.Event, error), d org.DealerID, after int64, limit int) ([]org.Event, error) {
					evs, err := read(d, after/10, limit)
					for i := range evs {
						evs[i].Seq *= 10
					}
					return evs, err
				}
			}},
		{"keepsMicroseconds", "keeps instants to the microsecond, as the contract asks and PostgreSQL does",
			func(h *Hooks[S, C]) {
				h.Writes = append(h.Writes, OnInstants(func(t time.Time) time.Time { return t.Truncate(time.Microsecond) }))
			}},
		{"utcFromDriver", "reads instants as a driver does: UTC, rebuilt from parts",
			func(h *Hooks[S, C]) {
				h.Reads = append(h.Reads, OnInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return t
					}
					return time.Unix(t.Unix(), int64(t.Nanosecond())).UTC()
				}))
			}},
		{"fixedScaleDecimals", "reads every decimal back at scale 4 or its own, whichever is more (12.50 as 12.5000), as a NUMERIC(24,4) column does",
			func(h *Hooks[S, C]) {
				h.Reads = append(h.Reads, OnDecimals(func(d decimal.Decimal) decimal.Decimal {
					return decimal.RequireFromString(d.StringFixed(max(4, -d.Exponent())))
				}))
			}},
		{"canonicalDecimals", "reads every decimal back without trailing zeros (100.0000 as 100), as a TEXT column of canonical numbers does",
			func(h *Hooks[S, C]) {
				h.Reads = append(h.Reads, OnDecimals(func(d decimal.Decimal) decimal.Decimal { return decimal.RequireFromString(d.String()) }))
			}},
		{"roundsToMicroseconds", "rounds instants to the microsecond instead of truncating (PostgreSQL's text input)",
			func(h *Hooks[S, C]) {
				h.Writes = append(h.Writes, OnInstants(func(t time.Time) time.Time {
					if t.IsZero() {
						return t
					}
					return t.UTC().Round(time.Microsecond)
				}))
			}},
		{"slow", "answers reads after 1ms, so concurrent writers conflict and retry",
			func(h *Hooks[S, C]) { h.Latency = time.Millisecond }},
	}
}

// Stores returns the kit's generic broken stores, opened by open: one per
// name in caught, with the kit's checks it names, which must fail on it (a
// name marked "?", "?ConcurrentCommitsLoseNothing", catches it only when
// its writers happen to interleave: Broken.ByChance). A name is a bend of
// BrokenBends (or of SoundBends the kit's contract forbids), a list read
// of the kit's store (through List) ignoring the dealer
// (<list>OfEveryDealer) or answering in reverse (<list>Reversed), or a
// commit flaw of kit.Domain.Bent, whose shared checks are added to the
// kit's. Any other name panics.
func Stores[S, C any](open Opener[S, C], bent func(name string) (func(ctx context.Context, s S, d org.DealerID, c C) error, string, []string), caught map[string][]string) []Broken[S] {
	bends := append(BrokenBends[S, C](), SoundBends[S, C]()...) // a sound bend is broken where the kit's contract says so
	var out []Broken[S]
	for _, name := range sortedKeys(caught) {
		i := slices.IndexFunc(bends, func(b Bend[S, C]) bool { return b.Name == name })
		var b Bend[S, C]
		var shared []string
		switch {
		case name == "slowLastWriterWins":
			b = bends[i]
			commit, _, sh := bent("ignoresVersions")
			shared = sh
			latency := b.Bend
			b.Bend = func(h *Hooks[S, C]) { latency(h); h.Commit = commit }
		case i >= 0:
			b = bends[i]
		case strings.HasSuffix(name, "Reversed"):
			method := strings.ToUpper(name[:1]) + strings.TrimSuffix(name[1:], "Reversed")
			b = Bend[S, C]{Name: name, Says: method + " answers its records in the reverse order", Bend: func(h *Hooks[S, C]) { h.Reversed = method }}
		case strings.HasSuffix(name, "OfEveryDealer"):
			method := strings.ToUpper(name[:1]) + strings.TrimSuffix(name[1:], "OfEveryDealer")
			b = Bend[S, C]{Name: name, Says: method + " ignores the dealer", Bend: func(h *Hooks[S, C]) { h.OfEveryDealer = method }}
		default:
			commit, says, sh := bent(name) // panics for a name that is no flaw
			shared = sh
			b = Bend[S, C]{Name: name, Says: says, Bend: func(h *Hooks[S, C]) { h.Commit = commit }}
		}
		all, chance := slices.Clone(shared), []string(nil)
		for _, c := range caught[name] {
			if after, ok := strings.CutPrefix(c, "?"); ok {
				chance = append(chance, after)
			} else {
				all = append(all, c)
			}
		}
		slices.Sort(all)
		out = append(out, Broken[S]{Name: b.Name, Flaw: b.Says, Open: open(b.Bend), CaughtBy: slices.Compact(all), ByChance: chance})
	}
	return out
}

// Sounds returns the generic sound stores, opened by open, but those
// named in broken: what one domain allows another's contract forbids
// (nilForNone, where a list with no match must be empty), and the kit
// names that store among its broken ones (Stores) instead.
func Sounds[S, C any](open Opener[S, C], broken ...string) []Sound[S] {
	var out []Sound[S]
	for _, b := range SoundBends[S, C]() {
		if !slices.Contains(broken, b.Name) {
			out = append(out, Sound[S]{Name: b.Name, How: b.Says, Open: open(b.Bend)})
		}
	}
	return out
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
