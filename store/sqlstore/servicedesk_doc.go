package sqlstore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/servicelane/servicelane/org"
)

// A servicedesk record is stored whole as a JSON document. encoding/json
// keeps what the contract asks for: decimal.Decimal marshals as its exact
// decimal string (never through float64), and time.Time as RFC 3339 with
// nanoseconds. Before encoding, every instant in the record is put in UTC
// at microsecond precision, as the columns beside the document keep it, so
// the document and the columns agree and instants read back in UTC.

var timeType = reflect.TypeFor[time.Time]()

// normalizeInstants sets every time.Time reachable from v, which must be
// settable, to UTC at microsecond precision, and records in ve the path
// of each that lies outside the years 1 to 9999, which neither the RFC 3339
// encoding nor the SQLite time columns can hold. It skips what holds no
// time.Time, and spells a path only for an instant it refuses.
func normalizeInstants(ve *org.ValidationError, path string, v reflect.Value) {
	normalizeAt(ve, &docPath{name: path}, v)
}

// docPath is the path of a value inside a record, from the record's path:
// a field (name) or an element (index) of its parent's value.
type docPath struct {
	parent *docPath
	name   string // "" for an element
	field  reflect.StructField
	index  int
}

func (p *docPath) String() string {
	if p.parent == nil {
		return p.name
	}
	if p.name == "" {
		return p.parent.String() + "[" + strconv.Itoa(p.index) + "]"
	}
	return p.parent.String() + "." + jsonName(p.field)
}

func normalizeAt(ve *org.ValidationError, path *docPath, v reflect.Value) {
	if !holdsTime(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			t := v.Interface().(time.Time)
			if !timeFits(t) {
				ve.Add(path.String(), org.CodeRange, "must be in the years 1 to 9999 (UTC)")
				return
			}
			v.Set(reflect.ValueOf(t.UTC().Truncate(time.Microsecond)))
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() { // decimal.Decimal has no exported fields: skipped
				normalizeAt(ve, &docPath{parent: path, name: f.Name, field: f}, v.Field(i))
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			normalizeAt(ve, path, v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			normalizeAt(ve, &docPath{parent: path, index: i}, v.Index(i))
		}
	}
}

// timeHolders caches holdsTime per type.
var timeHolders sync.Map // reflect.Type -> bool

// holdsTime reports whether a value of type t can reach a time.Time
// through exported fields, pointers, slices and arrays, as
// normalizeAt walks it.
func holdsTime(t reflect.Type) bool {
	if v, ok := timeHolders.Load(t); ok {
		return v.(bool)
	}
	h := walkHoldsTime(t, map[reflect.Type]bool{})
	timeHolders.Store(t, h)
	return h
}

func walkHoldsTime(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == timeType {
		return true
	}
	if seen[t] {
		return false // a cycle: whatever it holds is found where it began
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && walkHoldsTime(f.Type, seen) {
				return true
			}
		}
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return walkHoldsTime(t.Elem(), seen)
	}
	return false
}

// jsonName is the name a field has in JSON, as FieldError paths use it.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}

// encodeDoc normalises the instants of *rec, which the caller owns, and
// returns it as JSON; what is refused goes to ve under path.
func encodeDoc[T any](ve *org.ValidationError, path string, rec *T) string {
	refused := len(ve.Fields)
	normalizeInstants(ve, path, reflect.ValueOf(rec).Elem())
	if len(ve.Fields) > refused {
		return "" // an instant out of range: the commit fails anyway
	}
	b, err := json.Marshal(rec)
	if err != nil {
		// Nothing in a servicedesk record fails to marshal once its
		// instants fit; report it on the record rather than panic.
		ve.Add(path, org.CodeInvalid, "cannot be stored as JSON: "+err.Error())
		return ""
	}
	return string(b)
}

// decodeDoc reads a stored document into *rec.
func decodeDoc[T any](doc string, rec *T) error {
	if err := json.Unmarshal([]byte(doc), rec); err != nil {
		return fmt.Errorf("stored document: %w", err)
	}
	return nil
}
