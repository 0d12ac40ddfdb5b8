package memstore

import (
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/servicedesk"
)

// fillRandom sets every field under v, through every pointer and list, by
// reflection (so a field added to WorkOrder is filled too): a list is nil,
// empty or holds one to three elements, a pointer is nil or set.
func fillRandom(rt *rapid.T, v reflect.Value, path string) {
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Unix(rapid.Int64Range(0, 1<<32).Draw(rt, path), 0).UTC()))
		return
	case reflect.TypeFor[decimal.Decimal]():
		v.Set(reflect.ValueOf(decimal.New(rapid.Int64().Draw(rt, path), -2)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(rapid.StringN(0, 8, -1).Draw(rt, path))
	case reflect.Bool:
		v.SetBool(rapid.Bool().Draw(rt, path))
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(rapid.Int64Range(-5, 1<<20).Draw(rt, path))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillRandom(rt, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Pointer:
		if rapid.Bool().Draw(rt, path+" set") {
			v.Set(reflect.New(v.Type().Elem()))
			fillRandom(rt, v.Elem(), path)
		}
	case reflect.Slice:
		switch n := rapid.IntRange(-1, 3).Draw(rt, path+" len"); n {
		case -1: // nil
		default:
			v.Set(reflect.MakeSlice(v.Type(), n, n))
			for i := range n {
				fillRandom(rt, v.Index(i), path+"[]")
			}
		}
	default:
		rt.Fatalf("%s: fillRandom does not know %s: teach it, and cloneOrder", path, v.Type())
	}
}

// shares reports a path where a and b (equal values) share memory: a
// pointer or a list's array.
func shares(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		return shares(a.Elem(), b.Elem(), path)
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shares(a.Index(i), b.Index(i), path+"[]"); p != "" {
				return p
			}
		}
	case reflect.Struct:
		if a.Type() == reflect.TypeFor[decimal.Decimal]() {
			return "" // immutable; WorkOrder.Clone shares it too
		}
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if p := shares(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// uncapped reports a list under v, below its top level, whose capacity is
// above its length: appending to it would write over its neighbour.
func uncapped(v reflect.Value, path string, depth int) string {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return uncapped(v.Elem(), path, depth)
		}
	case reflect.Slice:
		if depth > 0 && v.Cap() != v.Len() {
			return path
		}
		for i := range v.Len() {
			if p := uncapped(v.Index(i), path+"[]", depth+1); p != "" {
				return p
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if p := uncapped(v.Field(i), path+"."+v.Type().Field(i).Name, depth); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// TestCloneOrder: on work orders with every field set at random (lists
// nil, empty or not, pointers nil or not), cloneOrder equals WorkOrder.Clone
// (nil and empty lists included), shares no memory with its source, and caps
// every nested list at its length.
func TestCloneOrder(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var w servicedesk.WorkOrder
		fillRandom(rt, reflect.ValueOf(&w).Elem(), "w")
		for name, got := range map[string]servicedesk.WorkOrder{"cloneOrder": cloneOrder(w), "storedCopy": *storedCopy(w)} {
			if want := w.Clone(); !reflect.DeepEqual(got, want) {
				rt.Fatalf("%s differs from Clone:\n got %#v\nwant %#v", name, got, want)
			}
			if p := shares(reflect.ValueOf(got), reflect.ValueOf(w), "w"); p != "" {
				rt.Fatalf("%s shares %s with its source", name, p)
			}
			if p := uncapped(reflect.ValueOf(got), "w", 0); p != "" {
				rt.Fatalf("%s leaves %s with room past its end", name, p)
			}
		}
	})
}

// TestCloneOrder_allocations: an order in repair (a walk-around, two
// findings, two jobs of two lines, an approval, a booking) is copied in
// fewer allocations than WorkOrder.Clone's.
func TestCloneOrder_allocations(t *testing.T) {
	w := servicedesk.WorkOrder{
		Concerns:  []servicedesk.Concern{{ID: "c1"}, {ID: "c2"}},
		Condition: &servicedesk.ConditionReport{Items: []servicedesk.ConditionItem{{Area: "front"}, {Area: "interior"}}},
		Findings:  []servicedesk.Finding{{ConcernID: "c1"}, {ConcernID: "c2"}},
		Jobs:      []servicedesk.Job{{ID: "j1", Lines: make([]servicedesk.Line, 2)}, {ID: "j2", Lines: make([]servicedesk.Line, 2)}},
		Approvals: []servicedesk.Approval{{Approved: []string{"j1", "j2"}}},
		Booking:   &servicedesk.Booking{Technician: "wu"},
	}
	clone := testing.AllocsPerRun(100, func() { _ = w.Clone() })
	ours := testing.AllocsPerRun(100, func() { _ = cloneOrder(w) })
	t.Logf("WorkOrder.Clone %v allocations, cloneOrder %v", clone, ours)
	if ours >= clone {
		t.Errorf("cloneOrder: %v allocations, WorkOrder.Clone %v", ours, clone)
	}
}
