package kit_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decPtr(s string) *decimal.Decimal {
	d := dec(s)
	return &d
}

var (
	noon   = time.Date(2026, 11, 2, 12, 0, 0, 123456000, time.UTC)
	taipei = time.FixedZone("CST", 8*3600)
)

func TestDifferErr(t *testing.T) {
	d := kit.NewDiffer("work order %s/%s", "d1", "wo-1")
	require.NoError(t, d.Err(), "a Differ with no difference")

	d.Add("state", "got %q, want %q", "open", "closed")
	assert.EqualError(t, d.Err(), `work order d1/wo-1 reads back different: state: got "open", want "closed"`)

	for i := range kit.MostDiffs + 2 {
		d.Add(fmt.Sprintf("lines[%d]", i), "missing")
	}
	msg := d.Err().Error()
	assert.True(t, strings.HasSuffix(msg, "; and 3 more"), "after %d differences, Err counts the rest: %s", kit.MostDiffs, msg)
	assert.Contains(t, msg, "lines[6]: missing")
	assert.NotContains(t, msg, "lines[7]")
}

// diff runs f on a new Differ and returns what it found: "" for nothing,
// else the differences without the record's name.
func diff(f func(d *kit.Differ)) string {
	d := kit.NewDiffer("r")
	f(d)
	if err := d.Err(); err != nil {
		return strings.TrimPrefix(err.Error(), "r reads back different: ")
	}
	return ""
}

func TestCompare(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(d *kit.Differ)
		want string
	}{
		{"Eq alike", func(d *kit.Differ) { kit.Eq(d, "state", "open", "open") }, ""},
		{"Eq differs", func(d *kit.Differ) { kit.Eq(d, "state", org.DealerID("d2"), "d1") }, `state: got "d2", want "d1"`},
		{"Amount of another scale", func(d *kit.Differ) { d.Amount("total", dec("12.50"), dec("12.5")) }, ""},
		{"Amount differs", func(d *kit.Differ) { d.Amount("total", dec("12.51"), dec("12.5")) }, "total: got 12.51, want 12.5"},
		{"Instant alike", func(d *kit.Differ) { d.Instant("at", noon, noon) }, ""},
		{"Instant in another zone", func(d *kit.Differ) { d.Instant("at", noon.In(taipei), noon) },
			"at: got zone CST (2026-11-02T20:00:00.123456+08:00), want UTC"},
		{"Instant differs", func(d *kit.Differ) { d.Instant("at", noon.Truncate(time.Millisecond), noon) },
			"at: got 2026-11-02T12:00:00.123Z, want 2026-11-02T12:00:00.123456Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, diff(c.f))
		})
	}
}

func TestSameInstant(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want time.Time
		err       string
	}{
		{"same", noon, noon, ""},
		{"same instant, UTC, after a round trip", noon.In(taipei).UTC(), noon, ""},
		{"both zero", time.Time{}, time.Time{}, ""},
		{"zero in another zone", time.Time{}.In(taipei), time.Time{}, ""},
		{"set, want zero", noon, time.Time{}, "got 2026-11-02T12:00:00.123456Z, want the zero time"},
		{"zero, want set", time.Time{}, noon, "got 0001-01-01T00:00:00Z, want 2026-11-02T12:00:00.123456Z"},
		{"microseconds lost", noon.Truncate(time.Second), noon, "got 2026-11-02T12:00:00Z, want 2026-11-02T12:00:00.123456Z"},
		{"not UTC", noon.In(taipei), noon, "got zone CST (2026-11-02T20:00:00.123456+08:00), want UTC"},
		{"local time as UTC", time.Date(2026, 11, 2, 20, 0, 0, 123456000, time.UTC), noon,
			"got 2026-11-02T20:00:00.123456Z, want 2026-11-02T12:00:00.123456Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := kit.SameInstant(c.got, c.want)
			if c.err == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, c.err)
			}
		})
	}
}

func ev(id string, seq int64) org.Event {
	return org.Event{
		DealerID: "d1", ID: id, Seq: seq, At: noon, Actor: org.Actor{ID: "sup-1", Role: org.RoleSupervisor},
		Type: "employee.added", Subject: "employee/e1", Reason: "kit", Data: json.RawMessage(`{"n":1}`),
	}
}

func TestDiffEvent(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(e *org.Event)
		err    string
	}{
		{"alike", func(*org.Event) {}, ""},
		{"Seq is not compared", func(e *org.Event) { e.Seq = 9 }, ""},
		{"data reformatted", func(e *org.Event) { e.Data = json.RawMessage(`{"n": 1}`) },
			`event d1/ev-1 reads back different: data: got {"n": 1}, want {"n":1} (byte for byte)`},
		{"several fields", func(e *org.Event) { e.Type, e.At, e.Actor.ID = "x", noon.In(taipei), "adv-1" },
			`event d1/ev-1 reads back different: at: got zone CST (2026-11-02T20:00:00.123456+08:00), want UTC; actor: got org.Actor{ID:"adv-1", Role:"supervisor"}, want org.Actor{ID:"sup-1", Role:"supervisor"}; type: got "x", want "employee.added"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ev("ev-1", 1)
			c.change(&got)
			err := kit.DiffEvent(got, ev("ev-1", 1))
			if c.err == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, c.err)
			}
		})
	}
}

func TestEventRuns(t *testing.T) {
	want := []org.Event{ev("ev-1", 1), ev("ev-2", 2)}
	reseq := []org.Event{ev("ev-1", 5), ev("ev-2", 6)}
	changed := []org.Event{ev("ev-1", 1), ev("ev-2", 2)}
	changed[1].Reason = "other"
	for _, c := range []struct {
		name            string
		got             []org.Event
		diff, sameEvent string // the errors of DiffEvents and SameEvents; "" for none
	}{
		{"alike", want, "", ""},
		{"other Seqs", reseq, "trail, event 0 (ev-1): Seq 5, want 1\ntrail, event 1 (ev-2): Seq 6, want 2", ""},
		{"one lost", want[:1], "trail: got 1 events [ev-1@1], want 2 [ev-1@1 ev-2@2]", "trail: got 1 events [ev-1@1], want [ev-1@1 ev-2@2]"},
		{"one changed", changed,
			`trail, event 1: event d1/ev-2 reads back different: reason: got "other", want "kit"`,
			`trail, event 1: event d1/ev-2 reads back different: reason: got "other", want "kit"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []struct {
				name string
				run  func(what string, got, want []org.Event) error
				err  string
			}{{"DiffEvents", kit.DiffEvents, c.diff}, {"SameEvents", kit.SameEvents, c.sameEvent}} {
				err := f.run("trail", c.got, want)
				if f.err == "" {
					assert.NoError(t, err, f.name)
				} else {
					assert.EqualError(t, err, f.err, f.name)
				}
			}
		})
	}
	assert.Equal(t, "[]", kit.EventIDs(nil))
}

func TestFirstDiff(t *testing.T) {
	for _, c := range []struct {
		a, b []string
		want int
	}{
		{nil, nil, 0},
		{[]string{"a"}, []string{"a"}, 1},
		{[]string{"a", "b"}, []string{"a", "c"}, 1},
		{[]string{"a"}, []string{"a", "b"}, 1},
		{[]string{"b"}, []string{"a", "b"}, 0},
	} {
		assert.Equal(t, c.want, kit.FirstDiff(c.a, c.b), "FirstDiff(%q, %q)", c.a, c.b)
	}
}

type rec struct {
	ID string
	N  int
}

func recID(r rec) string { return r.ID }

func diffRec(got, want rec) error {
	d := kit.NewDiffer("rec %s", want.ID)
	kit.Eq(d, "n", got.N, want.N)
	return d.Err()
}

func recs(ids ...string) []rec {
	rs := make([]rec, len(ids))
	for i, id := range ids {
		rs[i] = rec{ID: id}
	}
	return rs
}

func numbered(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("k%02d", i)
	}
	return ids
}

func TestDiffList(t *testing.T) {
	long := numbered(kit.LongList + 5)
	shorter := append(append([]string{}, long[:10]...), long[11:]...)
	for _, c := range []struct {
		name      string
		got, want []rec
		err       string
	}{
		{"alike", recs("a", "b"), recs("a", "b"), ""},
		{"nil and empty", nil, []rec{}, ""},
		{"another order", recs("b", "a"), recs("a", "b"), `List = ["b" "a"], want ["a" "b"]`},
		{"one lost", recs("a"), recs("a", "b"), `List = ["a"], want ["a" "b"]`},
		{"records differ", []rec{{"a", 1}, {"b", 2}, {"c", 3}}, []rec{{"a", 1}, {"b", 3}, {"c", 4}},
			"List, element 1: rec b reads back different: n: got 2, want 3\nList, element 2: rec c reads back different: n: got 3, want 4"},
		{"a long list, one lost", recs(shorter...), recs(long...),
			`List: got 24 records, want 25, or in another order: first difference at 10: got ... "k08" "k09" "k11" "k12" "k13" ...; want ... "k08" "k09" "k10" "k11" "k12" ...`},
		{"a long list, one more at the end", recs(long...), recs(long[:len(long)-1]...),
			`List: got 25 records, want 24, or in another order: first difference at 24: got ... "k22" "k23" "k24"; want ... "k22" "k23"`},
		{"a long list, none read", nil, recs(long...),
			`List: got 0 records, want 25, or in another order: first difference at 0: got no records; want "k00" "k01" "k02" ...`},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := kit.DiffList("List", c.got, c.want, recID, diffRec)
			if c.err == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, c.err)
			}
		})
	}
}

func TestSameKeys(t *testing.T) {
	type key string
	id := func(r rec) key { return key(r.ID) }
	assert.NoError(t, kit.SameKeys("List", []rec{{"a", 1}}, []rec{{"a", 2}}, id), "SameKeys compares keys only")
	// Keys that join to the same text are still different lists.
	assert.EqualError(t, kit.SameKeys("List", recs("a b"), recs("a", "b"), id), `List = ["a b"], want ["a" "b"]`)
	assert.Equal(t, []string{"a", "b"}, kit.Keys(recs("a", "b"), id))
}

func TestThen(t *testing.T) {
	errRead := errors.New("read")
	ran := false
	next := func() error { ran = true; return org.ErrConflict }
	assert.ErrorIs(t, kit.Then(errRead, next), errRead)
	assert.False(t, ran, "Then ran next after an error")
	assert.ErrorIs(t, kit.Then(nil, next), org.ErrConflict)
}
