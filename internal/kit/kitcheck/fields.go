package kitcheck

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/servicelane/servicelane/internal/kit"

	"github.com/shopspring/decimal"
)

// Leaves lists the path of every leaf field of the struct type t: fields
// are followed into structs, pointers to structs and slices of structs;
// an instant, a decimal, a struct of leafTypes, a string, a number, a
// bool, a map, a slice of plain values, and a struct already on the path
// (a condition inside a condition) are leaves. Unexported fields are
// left out.
func Leaves(t reflect.Type, leafTypes ...reflect.Type) [][]string {
	leafTypes = append([]reflect.Type{reflect.TypeFor[time.Time](), reflect.TypeFor[decimal.Decimal]()}, leafTypes...)
	return leaves(t, nil, nil, leafTypes)
}

func leaves(t reflect.Type, prefix []string, seen, leafTypes []reflect.Type) [][]string {
	var out [][]string
	seen = append(slices.Clip(seen), t)
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		path := append(slices.Clip(prefix), f.Name)
		ft := f.Type
		if ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && !slices.Contains(leafTypes, ft) && !slices.Contains(seen, ft) {
			out = append(out, leaves(ft, path, seen, leafTypes)...)
			continue
		}
		out = append(out, path)
	}
	return out
}

// ZeroPath zeroes the field at path in v, in every element of the slices
// and in the pointees on the way (kit.ZeroPath).
func ZeroPath(v reflect.Value, path []string) { kit.ZeroPath(v, path) }

// Kind is one kind of record a change C carries, for
// TestForgottenFields (kit.Part).
type Kind[C any] = kit.Part[C]

// KindOf returns the Kind of the records R that records finds in a
// change.
func KindOf[C, R any](check string, records func(c *C) []R, assigned ...string) Kind[C] {
	return Kind[C]{
		Type:  reflect.TypeFor[R](),
		Check: check,
		Forget: func(c C, path []string) C {
			rs := records(&c)
			for i := range rs {
				ZeroPath(reflect.ValueOf(&rs[i]).Elem(), path)
			}
			return c
		},
		Assigned: assigned,
	}
}

// TestForgottenFields writes, for every leaf field of every kind (nested
// ones included), a store that does not keep it: a forgotten column. The
// kind's round trip check must catch each; a field the kit's fixture
// leaves zero, or its diff does not compare, fails t.
//
// open returns a new store whose Commit writes forget(c) for each change
// c it is given; c must be a deep copy, since the checks compare against
// what they committed.
func TestForgottenFields[S, C any](t *testing.T, k Kit[S], open func(forget func(C) C) S, kinds []Kind[C]) {
	t.Helper()
	for _, kind := range kinds {
		i := slices.IndexFunc(k.Checks, func(c Check[S]) bool { return c.Name == kind.Check })
		if i < 0 {
			t.Errorf("%s has no check %q for %s", k.Name, kind.Check, kind.Type)
			continue
		}
		check := k.Checks[i]
		for _, path := range Leaves(kind.Type, k.LeafTypes...) {
			if slices.Contains(kind.Assigned, path[0]) {
				continue
			}
			name := kind.Type.Name() + "." + strings.Join(path, ".")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s := open(func(c C) C { return kind.Forget(c, path) })
				err, panicked := RunCheck(t, func(ctx context.Context) error { return check.Run(ctx, s) })
				switch {
				case panicked:
					t.Errorf("%s panicked on a store that forgets %s: %v", check.Name, name, err)
				case err == nil:
					t.Errorf("%s passed a store that forgets %s: the fixture leaves it zero, or the diff skips it", check.Name, name)
				}
			})
		}
	}
}
