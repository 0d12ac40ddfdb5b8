package kit

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"
)

// Deep compares a record read back from a store with the one written,
// field by field by reflection, and returns nil when they are alike or
// else the error Differ.Err returns, naming the record what ("plan
// d1/2026") and every difference by its path. See Differ.Deep for how
// values are alike.
func Deep[T any](what string, got, want T) error {
	d := &Differ{what: what}
	d.deep(what, reflect.ValueOf(&got).Elem(), reflect.ValueOf(&want).Elem(), "")
	return d.Err()
}

// Deep adds every difference between got and want, naming each by its
// path under path ("jobs[0].lines[1].amount"), so that a field added to a
// record is compared without anyone writing a line:
//
//   - decimal.Decimal by value, as Amount: 12.5 is 12.50;
//   - time.Time as Instant: the same instant, read back in UTC, and a zero
//     want needs a zero got;
//   - structs by their fields, each named by its json tag, or else its
//     name in snake_case (DealerID is dealer_id), an embedded struct's
//     fields as its holder's; a struct with a String method whose == is
//     sound (org.Month: no decimal, instant or pointer in it) is compared
//     whole with ==;
//   - slices, arrays and maps element by element (path[i], path[key], in
//     key order), nil and empty alike; []byte and json.RawMessage byte for
//     byte;
//   - pointers and interfaces by nil-ness, then dynamic type, then what
//     they hold;
//   - anything else with ==, as Eq.
//
// got and want must be of the same type.
func (d *Differ) Deep(path string, got, want any) {
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	switch {
	case !g.IsValid() && !w.IsValid():
		return
	case !g.IsValid() || !w.IsValid():
		d.Add(path, "got %s, want %s", showAny(got), showAny(want))
		return
	case g.Type() != w.Type():
		d.Add(path, "got a %s, want a %s", g.Type(), w.Type())
		return
	}
	d.deep(path, g, w, path)
}

var (
	decimalType = reflect.TypeFor[decimal.Decimal]()
	timeType    = reflect.TypeFor[time.Time]()
	rawType     = reflect.TypeFor[json.RawMessage]()
	stringerTyp = reflect.TypeFor[fmt.Stringer]()
)

// join names a field or an element under path: a root path of "" (Deep's
// record itself) gives the bare name.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// deep compares g and w, values of one type; path names them in
// differences, and the root "" stands for the record Deep was given
// (named what).
func (d *Differ) deep(what string, g, w reflect.Value, path string) {
	at := path
	if at == "" {
		at = what
	}
	t := w.Type()
	switch {
	case t == decimalType:
		d.Amount(at, g.Interface().(decimal.Decimal), w.Interface().(decimal.Decimal))
		return
	case t == timeType:
		d.Instant(at, g.Interface().(time.Time), w.Interface().(time.Time))
		return
	case t == rawType || (t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8):
		if gb, wb := g.Bytes(), w.Bytes(); string(gb) != string(wb) {
			d.Add(at, "got %s, want %s (byte for byte)", gb, wb)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if t.Implements(stringerTyp) && plain(t) {
			if !g.Equal(w) {
				d.Add(at, "got %v, want %v", valueOf(g), valueOf(w))
			}
			return
		}
		for i := range t.NumField() {
			f, p := t.Field(i), join(path, fieldName(t.Field(i)))
			if _, tagged := f.Tag.Lookup("json"); f.Anonymous && !tagged && f.Type.Kind() == reflect.Struct {
				// An embedded struct's fields read as its holder's, as in
				// JSON, even when its type is unexported.
				d.deep(what, g.Field(i), w.Field(i), path)
				continue
			}
			if !f.IsExported() {
				// Reflection cannot hand out what an unexported field
				// holds, only show it: plain values compare with ==,
				// anything else by how it prints.
				gf, wf := g.Field(i), w.Field(i)
				if plain(f.Type) && !gf.Equal(wf) || !plain(f.Type) && fmt.Sprint(gf) != fmt.Sprint(wf) {
					d.Add(p, "got %v, want %v", gf, wf)
				}
				continue
			}
			d.deep(what, g.Field(i), w.Field(i), p)
		}
	case reflect.Slice, reflect.Array:
		if g.Len() != w.Len() {
			d.Add(at, "got %d elements, want %d", g.Len(), w.Len())
			return
		}
		for i := range w.Len() {
			d.deep(what, g.Index(i), w.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		for _, k := range sortedKeys(w) {
			p := path + "[" + fmt.Sprint(k.Interface()) + "]"
			gv := g.MapIndex(k)
			if !gv.IsValid() {
				d.Add(p, "missing")
				continue
			}
			d.deep(what, gv, w.MapIndex(k), p)
		}
		for _, k := range sortedKeys(g) {
			if !w.MapIndex(k).IsValid() {
				d.Add(path+"["+fmt.Sprint(k.Interface())+"]", "present, want no such key")
			}
		}
	case reflect.Pointer, reflect.Interface:
		switch {
		case g.IsNil() && w.IsNil():
		case g.IsNil() || w.IsNil():
			d.Add(at, "got %s, want %s", show(g), show(w))
		case t.Kind() == reflect.Interface && g.Elem().Type() != w.Elem().Type():
			d.Add(at, "got a %s, want a %s", g.Elem().Type(), w.Elem().Type())
		default:
			d.deep(what, g.Elem(), w.Elem(), path)
		}
	default:
		if !t.Comparable() {
			// Funcs and channels: nothing a store reads back.
			return
		}
		if !g.Equal(w) {
			d.Add(at, "got %#v, want %#v", valueOf(g), valueOf(w))
		}
	}
}

// valueOf is v's value for a message, read even from an unexported field
// of a leaf (where Interface would panic) as its kind's plain value.
func valueOf(v reflect.Value) any {
	if v.CanInterface() {
		return v.Interface()
	}
	return fmt.Sprint(v)
}

// plain reports whether == on values of t compares what they hold: no
// decimal (== would compare its big.Int's address), no instant (its
// zone), no pointer or interface anywhere in t.
func plain(t reflect.Type) bool {
	switch {
	case t == decimalType || t == timeType:
		return false
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return true
	case reflect.Array:
		return plain(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !plain(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// show writes a pointer or interface for a message: "nil", or what it
// holds.
func show(v reflect.Value) string {
	if v.IsNil() {
		return "nil"
	}
	e := v.Elem()
	switch {
	case e.Type() == decimalType:
		return e.Interface().(decimal.Decimal).String()
	case e.Type() == timeType:
		return e.Interface().(time.Time).Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%+v", e.Interface())
}

func showAny(x any) string {
	if x == nil {
		return "nil"
	}
	return fmt.Sprintf("%+v", x)
}

// sortedKeys returns m's keys in the order of their fmt.Sprint.
func sortedKeys(m reflect.Value) []reflect.Value {
	keys := m.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int {
		return strings.Compare(fmt.Sprint(a.Interface()), fmt.Sprint(b.Interface()))
	})
	return keys
}

// fieldName is how a path names field f: its json name, or else its name
// in snake_case.
func fieldName(f reflect.StructField) string {
	if tag, ok := f.Tag.Lookup("json"); ok {
		if name, _, _ := strings.Cut(tag, ","); name != "" && name != "-" {
			return name
		}
	}
	return snake(f.Name)
}

// snake writes a Go name in snake_case: ApprovedAt is approved_at, ID is
// id, DealerID is dealer_id, KPIs is kpis.
func snake(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			// A word starts at an upper after a lower or digit ("dealerID"),
			// or at the last upper of a run followed by a lower ("HTTPServer"),
			// but not at a plural s ("KPIs": the s is lower already).
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower && !(rs[i+1] == 's' && i+2 == len(rs))) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
