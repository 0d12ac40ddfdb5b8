package sqlstore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
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
// encoding nor the SQLite time columns can hold.
func normalizeInstants(ve *org.ValidationError, path string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			t := v.Interface().(time.Time)
			if !timeFits(t) {
				ve.Add(path, org.CodeRange, "must be in the years 1 to 9999 (UTC)")
				return
			}
			v.Set(reflect.ValueOf(t.UTC().Truncate(time.Microsecond)))
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() { // decimal.Decimal has no exported fields: skipped
				normalizeInstants(ve, path+"."+jsonName(f), v.Field(i))
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			normalizeInstants(ve, path, v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			normalizeInstants(ve, path+"["+strconv.Itoa(i)+"]", v.Index(i))
		}
	}
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
