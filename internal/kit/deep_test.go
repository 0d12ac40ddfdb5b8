package kit_test

import (
	"encoding/json"
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

type deepLine struct {
	Code     string
	Quantity decimal.Decimal
	Price    *decimal.Decimal
	Tags     []string
}

type deepRecord struct {
	DealerID   org.DealerID
	ID         string
	Month      org.Month
	ApprovedAt time.Time
	Lines      []deepLine
	Deadlines  map[string]time.Time
	Kept       string `json:"kept_as,omitempty"`
	Skipped    int    `json:"-"`
	Comma      int    `json:",omitempty"`
	Data       json.RawMessage
	Raw        []byte
	Pair       [2]int
	Owner      *org.Actor
	Extra      any
	hidden     int
}

// deep runs Deep on got and want and returns what it found: "" for
// nothing, else the differences without the record's name.
func deep[T any](got, want T) string {
	if err := kit.Deep("r", got, want); err != nil {
		return strings.TrimPrefix(err.Error(), "r reads back different: ")
	}
	return ""
}

func TestDeep(t *testing.T) {
	nov := org.Month{Year: 2026, Month: time.November}
	for _, tc := range []struct {
		name      string
		got, want deepRecord
		diff      string
	}{
		{name: "zero records", diff: ""},
		{name: "equal fields", got: deepRecord{DealerID: "d1", ID: "x"}, want: deepRecord{DealerID: "d1", ID: "x"}, diff: ""},
		{name: "snake_case names", got: deepRecord{DealerID: "d2"}, want: deepRecord{DealerID: "d1"},
			diff: `dealer_id: got "d2", want "d1"`},
		{name: "ID is id", got: deepRecord{ID: "a"}, want: deepRecord{ID: "b"}, diff: `id: got "a", want "b"`},
		{name: "json tag names", got: deepRecord{Kept: "a"}, want: deepRecord{Kept: "b"}, diff: `kept_as: got "a", want "b"`},
		{name: "json tag without a name", got: deepRecord{Comma: 1}, want: deepRecord{Comma: 2}, diff: `comma: got 1, want 2`},
		{name: "json \"-\" is named by the field", got: deepRecord{Skipped: 1}, want: deepRecord{Skipped: 2}, diff: `skipped: got 1, want 2`},
		{name: "unexported fields count", got: deepRecord{hidden: 1}, want: deepRecord{hidden: 2}, diff: `hidden: got 1, want 2`},
		{name: "Stringer struct whole", got: deepRecord{Month: nov}, want: deepRecord{Month: org.Month{Year: 2026, Month: time.December}},
			diff: `month: got 2026-11, want 2026-12`},
		{name: "same instant in UTC", got: deepRecord{ApprovedAt: noon}, want: deepRecord{ApprovedAt: noon.In(taipei)}, diff: ""},
		{name: "zone not UTC", got: deepRecord{ApprovedAt: noon.In(taipei)}, want: deepRecord{ApprovedAt: noon},
			diff: `approved_at: got zone CST (2026-11-02T20:00:00.123456+08:00), want UTC`},
		{name: "another instant", got: deepRecord{ApprovedAt: noon.Add(time.Nanosecond)}, want: deepRecord{ApprovedAt: noon},
			diff: `approved_at: got 2026-11-02T12:00:00.123456001Z, want 2026-11-02T12:00:00.123456Z`},
		{name: "zero want needs zero got", got: deepRecord{ApprovedAt: noon}, want: deepRecord{},
			diff: `approved_at: got 2026-11-02T12:00:00.123456Z, want the zero time`},
		{name: "nil and empty slices alike", got: deepRecord{Lines: []deepLine{}, Raw: []byte{}, Data: json.RawMessage{}}, want: deepRecord{}, diff: ""},
		{name: "nil and empty maps alike", got: deepRecord{Deadlines: map[string]time.Time{}}, want: deepRecord{}, diff: ""},
		{name: "12.5 is 12.50", got: deepRecord{Lines: []deepLine{{Quantity: dec("12.50"), Price: decPtr("1.0000")}}},
			want: deepRecord{Lines: []deepLine{{Quantity: dec("12.5"), Price: decPtr("1")}}}, diff: ""},
		{name: "lengths", got: deepRecord{Lines: make([]deepLine, 2)}, want: deepRecord{Lines: make([]deepLine, 3)},
			diff: `lines: got 2 elements, want 3`},
		{name: "nested paths", got: deepRecord{Lines: []deepLine{{}, {Quantity: dec("2"), Tags: []string{"a", "c"}}}},
			want: deepRecord{Lines: []deepLine{{}, {Quantity: dec("2.5"), Tags: []string{"a", "b"}}}},
			diff: `lines[1].quantity: got 2, want 2.5; lines[1].tags[1]: got "c", want "b"`},
		{name: "decimal pointer nil", got: deepRecord{Lines: []deepLine{{}}}, want: deepRecord{Lines: []deepLine{{Price: decPtr("3.5")}}},
			diff: `lines[0].price: got nil, want 3.5`},
		{name: "decimal pointer value", got: deepRecord{Lines: []deepLine{{Price: decPtr("3")}}}, want: deepRecord{Lines: []deepLine{{Price: decPtr("3.5")}}},
			diff: `lines[0].price: got 3, want 3.5`},
		{name: "maps key by key in order",
			got:  deepRecord{Deadlines: map[string]time.Time{"b": noon, "c": noon, "z": noon}},
			want: deepRecord{Deadlines: map[string]time.Time{"a": noon, "b": noon.Add(time.Second), "c": noon}},
			diff: `deadlines[a]: missing; deadlines[b]: got 2026-11-02T12:00:00.123456Z, want 2026-11-02T12:00:01.123456Z; deadlines[z]: present, want no such key`},
		{name: "raw JSON byte for byte", got: deepRecord{Data: json.RawMessage(`{"a": 1}`)}, want: deepRecord{Data: json.RawMessage(`{"a":1}`)},
			diff: `data: got {"a": 1}, want {"a":1} (byte for byte)`},
		{name: "bytes as text", got: deepRecord{Raw: []byte("ab")}, want: deepRecord{Raw: []byte("abc")},
			diff: `raw: got ab, want abc (byte for byte)`},
		{name: "arrays", got: deepRecord{Pair: [2]int{1, 2}}, want: deepRecord{Pair: [2]int{1, 3}}, diff: `pair[1]: got 2, want 3`},
		{name: "pointer nil", got: deepRecord{}, want: deepRecord{Owner: &org.Actor{ID: "e1", Role: org.RoleAdmin}},
			diff: `owner: got nil, want ` + fmt.Sprintf("%+v", org.Actor{ID: "e1", Role: org.RoleAdmin})},
		{name: "pointer to a Stringer", got: deepRecord{Owner: &org.Actor{ID: "e2", Role: org.RoleAdmin}}, want: deepRecord{Owner: &org.Actor{ID: "e1", Role: org.RoleAdmin}},
			diff: fmt.Sprintf("owner: got %v, want %v", org.Actor{ID: "e2", Role: org.RoleAdmin}, org.Actor{ID: "e1", Role: org.RoleAdmin})},
		{name: "interface nil", got: deepRecord{}, want: deepRecord{Extra: 1}, diff: `extra: got nil, want 1`},
		{name: "interface types", got: deepRecord{Extra: int64(1)}, want: deepRecord{Extra: 1}, diff: `extra: got a int64, want a int`},
		{name: "interface values", got: deepRecord{Extra: deepLine{Quantity: dec("1.0")}}, want: deepRecord{Extra: deepLine{Quantity: dec("1")}}, diff: ""},
		{name: "interface values differ", got: deepRecord{Extra: deepLine{Code: "a"}}, want: deepRecord{Extra: deepLine{Code: "b"}},
			diff: `extra.code: got "a", want "b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.diff, deep(tc.got, tc.want))
		})
	}
}

func TestDeepErr(t *testing.T) {
	require.NoError(t, kit.Deep("plan d1/2026", deepRecord{ID: "a"}, deepRecord{ID: "a"}))
	assert.EqualError(t, kit.Deep("plan d1/2026", deepRecord{ID: "a"}, deepRecord{ID: "b"}),
		`plan d1/2026 reads back different: id: got "a", want "b"`, "reads like Differ.Err")

	got, want := deepRecord{Lines: make([]deepLine, 10)}, deepRecord{Lines: make([]deepLine, 10)}
	for i := range want.Lines {
		want.Lines[i].Code = fmt.Sprint(i)
	}
	msg := kit.Deep("r", got, want).Error()
	assert.True(t, strings.HasSuffix(msg, "; and 2 more"), "after %d differences, Deep counts the rest: %s", kit.MostDiffs, msg)
	assert.Contains(t, msg, `lines[7].code: got "", want "7"`)
	assert.NotContains(t, msg, "lines[8]")
}

func TestDifferDeep(t *testing.T) {
	assert.Equal(t, "", diff(func(d *kit.Differ) { d.Deep("x", nil, nil) }))
	assert.Equal(t, `x: got nil, want 1`, diff(func(d *kit.Differ) { d.Deep("x", nil, 1) }))
	assert.Equal(t, `x: got a string, want a int`, diff(func(d *kit.Differ) { d.Deep("x", "1", 1) }))
	assert.Equal(t, `x: got 2, want 1`, diff(func(d *kit.Differ) { d.Deep("x", 2, 1) }))
	assert.Equal(t, `x: got 12, want 12.5`, diff(func(d *kit.Differ) { d.Deep("x", dec("12"), dec("12.50")) }))
	assert.Equal(t, `x.lines[0].code: got "a", want "b"; y: got 1, want 2`, diff(func(d *kit.Differ) {
		d.Deep("x", deepRecord{Lines: []deepLine{{Code: "a"}}}, deepRecord{Lines: []deepLine{{Code: "b"}}})
		kit.Eq(d, "y", 1, 2)
	}), "beside other Differ comparisons")
	assert.Equal(t, `x[k]: missing`, diff(func(d *kit.Differ) {
		d.Deep("x", map[string]decimal.Decimal(nil), map[string]decimal.Decimal{"k": dec("0")})
	}))
}

type deepBase struct{ Created time.Time }

type deepEmbeds struct {
	deepBase
	Name string
}

func TestDeepEmbedded(t *testing.T) {
	assert.Equal(t, "", deep(deepEmbeds{deepBase{noon}, "a"}, deepEmbeds{deepBase{noon.In(taipei)}, "a"}))
	assert.Equal(t, "created: got 2026-11-02T12:00:00.123456Z, want the zero time",
		deep(deepEmbeds{deepBase: deepBase{noon}}, deepEmbeds{}), "an embedded struct's fields read as its holder's")
}

func TestDeepSnakeCase(t *testing.T) {
	type names struct {
		ApprovedAt, ID, DealerID, KPIs, HTTPServer, Line2Code, A int
	}
	var got, want names
	got.ApprovedAt, got.ID, got.DealerID, got.KPIs, got.HTTPServer, got.Line2Code, got.A = 1, 1, 1, 1, 1, 1, 1
	assert.Equal(t, "approved_at: got 1, want 0; id: got 1, want 0; dealer_id: got 1, want 0; kpis: got 1, want 0; "+
		"http_server: got 1, want 0; line2_code: got 1, want 0; a: got 1, want 0",
		deep(got, want))
}

// rounding is a Stringer whose == would compare a decimal's big.Int
// pointer and an instant's zone: Deep compares it field by field.
type rounding struct {
	Places int
	Step   decimal.Decimal
	Since  time.Time
}

func (r rounding) String() string { return fmt.Sprintf("%d/%s", r.Places, r.Step) }

func TestDeepStringerWithLeaves(t *testing.T) {
	assert.Equal(t, "", deep(rounding{Step: dec("0.50"), Since: noon}, rounding{Step: dec("0.5"), Since: noon.In(taipei)}))
	assert.Equal(t, "places: got 1, want 2; step: got 0.5, want 0.05",
		deep(rounding{Places: 1, Step: dec("0.5")}, rounding{Places: 2, Step: dec("0.05")}))
}
