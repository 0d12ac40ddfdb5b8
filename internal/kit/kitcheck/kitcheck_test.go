package kitcheck_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit/kitcheck"
)

// A toy kit: each check fails a store whose flaw is its name, panics on
// one whose flaw is its name and "Panics", and pages forever on one whose
// flaw is its name and "Loops". RoundTrip also round-trips a record.

type inner struct {
	Note string
	At   time.Time
}

type rec struct {
	ID     string
	Amount decimal.Decimal
	Tags   []string
	Inner  *inner
	Lines  []inner
}

type change struct{ Recs []rec }

type store struct {
	flaw   string
	forget func(change) change

	mu   sync.Mutex
	recs []rec
}

func (s *store) commit(c change) {
	if s.forget != nil {
		c = s.forget(cloneChange(c))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs = append(s.recs, c.Recs...)
}

func cloneChange(c change) change {
	c.Recs = slices.Clone(c.Recs)
	for i, r := range c.Recs {
		c.Recs[i].Tags = slices.Clone(r.Tags)
		c.Recs[i].Lines = slices.Clone(r.Lines)
		if r.Inner != nil {
			in := *r.Inner
			c.Recs[i].Inner = &in
		}
	}
	return c
}

var (
	errSkip   = errors.New("skip")
	errLooped = errors.New("paged forever")
)

func fixture() change {
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	return change{Recs: []rec{{
		ID: "r1", Amount: decimal.RequireFromString("12.50"), Tags: []string{"a"},
		Inner: &inner{Note: "n", At: at}, Lines: []inner{{Note: "l", At: at}},
	}}}
}

func toyCheck(name string, large bool) kitcheck.Check[*store] {
	return kitcheck.Check[*store]{Name: name, Rule: "the " + name + " rule", Large: large,
		Run: func(ctx context.Context, s *store) error {
			switch s.flaw {
			case name:
				return errors.New(name + " broken")
			case name + "Panics":
				panic("boom")
			case name + "Loops":
				return errLooped
			case "noTrail":
				if name == "Trail" {
					return errSkip
				}
			}
			if name != "RoundTrip" {
				return ctx.Err()
			}
			want := fixture()
			s.commit(want)
			if !reflect.DeepEqual(s.recs, want.Recs) {
				return errors.New("read back a different record")
			}
			return nil
		}}
}

var toy = kitcheck.Kit[*store]{
	Name:      "toy.Checks",
	Checks:    []kitcheck.Check[*store]{toyCheck("RoundTrip", false), toyCheck("Trail", false), toyCheck("Sturdy", false), toyCheck("Big", true)},
	Skip:      errSkip,
	Exact:     true,
	SkipLarge: true,
	Looped:    errLooped,
}

func flawed(flaw string) func() *store { return func() *store { return &store{flaw: flaw} } }

func goodBroken() []kitcheck.Broken[*store] {
	return []kitcheck.Broken[*store]{
		{Name: "roundTrip", Flaw: "loses records", Open: flawed("RoundTrip"), CaughtBy: []string{"RoundTrip"}},
		{Name: "trail", Flaw: "loses events", Open: flawed("Trail"), CaughtBy: []string{"Trail"}},
		{Name: "sturdy", Flaw: "breaks", Open: flawed("Sturdy"), CaughtBy: []string{"Sturdy"}},
		{Name: "big", Flaw: "breaks when large", Open: flawed("Big"), CaughtBy: []string{"Big"}},
		{Name: "sturdyPanics", Flaw: "panics the kit", Open: flawed("SturdyPanics"), Panics: []string{"Sturdy"}},
		{Name: "sturdyLoops", Flaw: "ignores the cursor", Open: flawed("SturdyLoops"), Loops: []string{"Sturdy"}},
		{Name: "byChance", Flaw: "races", Open: flawed("none"), ByChance: []string{"Sturdy"}},
	}
}

func goodSound() []kitcheck.Sound[*store] {
	return []kitcheck.Sound[*store]{
		{Name: "plain", How: "keeps everything", Open: flawed("")},
		{Name: "noTrail", How: "has no trail", Open: flawed("noTrail"), Skips: []string{"Trail"}},
	}
}

func TestKitPassesRightTables(t *testing.T) {
	t.Parallel()
	t.Run("broken", func(t *testing.T) { toy.TestBroken(t, goodBroken()) })
	t.Run("sound", func(t *testing.T) { toy.TestSound(t, goodSound()) })
	t.Run("every", func(t *testing.T) { toy.TestEveryCheckCatches(t, goodBroken()) })
	t.Run("forgotten", func(t *testing.T) {
		open := func(forget func(change) change) *store { return &store{forget: forget} }
		kitcheck.TestForgottenFields(t, toy, open, []kitcheck.Kind[change]{
			kitcheck.KindOf("RoundTrip", func(c *change) []rec { return c.Recs }, "ID"),
		})
	})
	if got := toy.Rule(t, "Trail"); got != "the Trail rule" {
		t.Errorf("Rule(Trail) = %q", got)
	}
	if got := kitcheck.Named(t, goodBroken(), "big").CaughtBy; !slices.Equal(got, []string{"Big"}) {
		t.Errorf("Named(big).CaughtBy = %v", got)
	}
}

var child = kitcheck.Child{Test: "TestChildWrongTables", Env: "KITCHECK_CHILD"}

// TestKitFailsWrongTables runs the runner on wrong tables in a child
// process and reads that each mistake fails, naming the store and check.
func TestKitFailsWrongTables(t *testing.T) {
	t.Parallel()
	child.Run(t,
		"--- FAIL: TestChildWrongTables/broken/missed/Trail",
		"Trail passed a store that loses records",
		"RoundTrip failed a store that loses records, which is not named for it",
		"--- SKIP: TestChildWrongTables/broken/missed/Big",
		"Sturdy panicked on a store that panics the kit, instead of returning an error",
		"Sturdy paged forever on a store that ignores the cursor",
		"Sturdy no longer panics on a store that breaks",
		"Sturdy no longer pages forever on a store that breaks",
		`unknown names checks ["Nope"], which toy.Checks does not have`,
		"caughtByNone names no check that catches it",
		"RoundTrip failed sound store lossy, a store that keeps nothing",
		"Trail should skip a store that has a trail",
		"no broken store must fail Big: write one that breaks \"the Big rule\"",
		"RoundTrip passed a store that forgets rec.Tags",
		"--- PASS: TestChildWrongTables/lenient/missed/RoundTrip",
	)
}

// TestChildWrongTables is run by TestKitFailsWrongTables only.
func TestChildWrongTables(t *testing.T) {
	child.Only(t)
	wrong := []kitcheck.Broken[*store]{
		{Name: "missed", Flaw: "loses records", Open: flawed("RoundTrip"), CaughtBy: []string{"Trail"}},
		{Name: "panics", Flaw: "panics the kit", Open: flawed("SturdyPanics"), CaughtBy: []string{"Trail"}},
		{Name: "loops", Flaw: "ignores the cursor", Open: flawed("SturdyLoops"), ByChance: []string{"Trail"}},
		{Name: "caughtByNone", Flaw: "breaks nothing it is checked for", Open: flawed("Sturdy")},
		{Name: "fixed", Flaw: "breaks", Open: flawed("Sturdy"), Panics: []string{"Sturdy"}},
		{Name: "fixedLoop", Flaw: "breaks", Open: flawed("Sturdy"), Loops: []string{"Sturdy"}},
		{Name: "unknown", Flaw: "breaks", Open: flawed("Sturdy"), CaughtBy: []string{"Sturdy", "Nope"}},
	}
	t.Run("broken", func(t *testing.T) { toy.TestBroken(t, wrong) })
	t.Run("sound", func(t *testing.T) {
		toy.TestSound(t, []kitcheck.Sound[*store]{
			{Name: "lossy", How: "keeps nothing", Open: flawed("RoundTrip")},
			{Name: "trail", How: "has a trail", Open: flawed(""), Skips: []string{"Trail"}},
		})
	})
	t.Run("every", func(t *testing.T) { toy.TestEveryCheckCatches(t, wrong[:1]) })
	t.Run("forgotten", func(t *testing.T) {
		// A fixture-blind round trip: it compares IDs only.
		lax := toy
		lax.Checks = []kitcheck.Check[*store]{{Name: "RoundTrip", Run: func(ctx context.Context, s *store) error {
			s.commit(fixture())
			if s.recs[0].ID != "r1" {
				return errors.New("lost the ID")
			}
			return nil
		}}}
		open := func(forget func(change) change) *store { return &store{forget: forget} }
		kitcheck.TestForgottenFields(t, lax, open, []kitcheck.Kind[change]{
			kitcheck.KindOf("RoundTrip", func(c *change) []rec { return c.Recs }, "ID"),
		})
	})
	lenient := toy
	lenient.Exact = false
	t.Run("lenient", func(t *testing.T) {
		lenient.TestBroken(t, []kitcheck.Broken[*store]{
			{Name: "missed", Flaw: "loses records", Open: flawed("RoundTrip"), CaughtBy: []string{"Trail"}},
		})
	})
}

func TestLeaves(t *testing.T) {
	t.Parallel()
	type month struct{ Year, Month int }
	type node struct {
		Name string
		//lint:ignore U1000 there to prove Leaves skips unexported fields
		hidden int
		When   month
		Kids   []node
		Parent *node
		Rec    rec
		Attrs  map[string]string
	}
	got := kitcheck.Leaves(reflect.TypeFor[node](), reflect.TypeFor[month]())
	var names []string
	for _, p := range got {
		names = append(names, strings.Join(p, "."))
	}
	want := []string{"Name", "When", "Kids", "Parent", "Rec.ID", "Rec.Amount", "Rec.Tags",
		"Rec.Inner.Note", "Rec.Inner.At", "Rec.Lines.Note", "Rec.Lines.At", "Attrs"}
	if !slices.Equal(names, want) {
		t.Errorf("Leaves(node) = %v, want %v", names, want)
	}
}

func TestZeroPath(t *testing.T) {
	t.Parallel()
	c := fixture()
	for _, path := range [][]string{{"Inner", "At"}, {"Lines", "Note"}, {"Amount"}} {
		kitcheck.ZeroPath(reflect.ValueOf(&c.Recs[0]).Elem(), path)
	}
	r := c.Recs[0]
	if !r.Inner.At.IsZero() || r.Lines[0].Note != "" || !r.Amount.IsZero() {
		t.Errorf("ZeroPath left %+v", r)
	}
	if r.Inner.Note != "n" || r.Lines[0].At.IsZero() || r.ID != "r1" {
		t.Errorf("ZeroPath zeroed more than asked: %+v", r)
	}
	var nilInner rec
	kitcheck.ZeroPath(reflect.ValueOf(&nilInner).Elem(), []string{"Inner", "Note"}) // must not panic
}

func TestRunCheck(t *testing.T) {
	t.Parallel()
	err, panicked := kitcheck.RunCheck(t, func(context.Context) error { panic("boom") })
	if !panicked || err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("a panicking check: got %v, panicked %v", err, panicked)
	}
	want := errors.New("broken")
	err, panicked = kitcheck.RunCheck(t, func(ctx context.Context) error {
		if _, ok := ctx.Deadline(); !ok {
			return errors.New("no deadline")
		}
		return want
	})
	if panicked || err != want {
		t.Errorf("a failing check: got %v, panicked %v", err, panicked)
	}
}

func TestWalked(t *testing.T) {
	t.Parallel()
	nilEmpty := func(v reflect.Value) bool {
		if v.Kind() == reflect.Slice && v.Len() == 0 && !v.IsNil() && v.CanSet() {
			v.Set(reflect.Zero(v.Type()))
			return true
		}
		return false
	}
	read := func() ([]rec, error) { return []rec{}, nil }
	if list, _ := kitcheck.Walked(read())(nilEmpty); list != nil {
		t.Errorf("Walked left the list itself alone: %#v", list)
	}
	if list, _ := kitcheck.WalkedRecords(read())(nilEmpty); list == nil {
		t.Error("WalkedRecords visited the list itself")
	}
	r, _ := kitcheck.Walked(fixture().Recs[0], nil)(kitcheck.OnValues(decimal.Decimal.Neg, func(t time.Time) time.Time { return t.Add(time.Hour) }))
	if !r.Amount.Equal(decimal.RequireFromString("-12.5")) || r.Inner.At.Hour() != 10 || r.Lines[0].At.Hour() != 10 {
		t.Errorf("OnValues: %+v", r)
	}
	r, _ = kitcheck.Walked(r, nil)(kitcheck.OnDecimals(decimal.Decimal.Abs))
	r, _ = kitcheck.Walked(r, nil)(kitcheck.OnInstants(time.Time.UTC))
	if !r.Amount.Equal(decimal.RequireFromString("12.5")) {
		t.Errorf("OnDecimals: %v", r.Amount)
	}
}
