package kit

import (
	"reflect"
	"time"

	"github.com/shopspring/decimal"
)

// Scribble writes over everything of *r that a careless store could share
// with its caller: every value reached through a slice, a map or a
// pointer, at any depth (strings become "scribbled", numbers and
// decimals change, instants move an hour, flags flip, and every map gains
// a key). What r holds inline is its own copy and is left alone. It is
// the Scribble of a record kind that declares none.
func Scribble[T any](r *T) { scribble(reflect.ValueOf(r).Elem(), false) }

var (
	scribbledDecimal = decimal.NewFromInt(-1)
	decimalT         = reflect.TypeFor[decimal.Decimal]()
	timeT            = reflect.TypeFor[time.Time]()
)

// scribble writes over v where shared says it is reached through a
// reference.
func scribble(v reflect.Value, shared bool) {
	switch {
	case v.Type() == decimalT:
		if shared {
			v.Set(reflect.ValueOf(v.Interface().(decimal.Decimal).Add(scribbledDecimal)))
		}
		return
	case v.Type() == timeT:
		if shared {
			v.Set(reflect.ValueOf(v.Interface().(time.Time).Add(time.Hour)))
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				scribble(v.Field(i), shared)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			scribble(v.Index(i), shared)
		}
	case reflect.Slice:
		for i := range v.Len() {
			scribble(v.Index(i), true)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem(), true)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		for _, k := range v.MapKeys() {
			x := reflect.New(v.Type().Elem()).Elem()
			x.Set(v.MapIndex(k))
			scribble(x, true)
			v.SetMapIndex(k, x)
		}
		if v.Type().Key().Kind() == reflect.String {
			k := reflect.New(v.Type().Key()).Elem()
			k.SetString("scribbled")
			v.SetMapIndex(k, reflect.Zero(v.Type().Elem()))
		}
	case reflect.String:
		if shared {
			v.SetString("scribbled")
		}
	case reflect.Bool:
		if shared {
			v.SetBool(!v.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if shared {
			v.SetInt(v.Int() + 1)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if shared {
			v.SetUint(v.Uint() + 1)
		}
	case reflect.Float32, reflect.Float64:
		if shared {
			v.SetFloat(v.Float() + 1)
		}
	}
}
