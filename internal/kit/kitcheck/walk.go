package kitcheck

import (
	"reflect"
	"time"

	"github.com/servicelane/servicelane/internal/kit"

	"github.com/shopspring/decimal"
)

// Walk calls visit on v and, unless visit reports it handled it, on every
// exported field, pointee and element inside it (kit.Walk).
func Walk(v reflect.Value, visit func(reflect.Value) bool) { kit.Walk(v, visit) }

// Walked returns a function that walks v (a fresh copy a read returned),
// a list included, with visit and hands it back with err:
//
//	return kitcheck.Walked(s.Plan(ctx, d, year))(visit)
func Walked[T any](v T, err error) func(visit func(reflect.Value) bool) (T, error) {
	return func(visit func(reflect.Value) bool) (T, error) {
		Walk(reflect.ValueOf(&v).Elem(), visit)
		return v, err
	}
}

// WalkedRecords is Walked, but a list is not visited itself, only the
// records in it.
func WalkedRecords[T any](v T, err error) func(visit func(reflect.Value) bool) (T, error) {
	return func(visit func(reflect.Value) bool) (T, error) {
		x := reflect.ValueOf(&v).Elem()
		if x.Kind() != reflect.Slice {
			Walk(x, visit)
			return v, err
		}
		for i := range x.Len() {
			Walk(x.Index(i), visit)
		}
		return v, err
	}
}

// OnInstants returns a visit for Walk that passes every instant through
// tm.
func OnInstants(tm func(time.Time) time.Time) func(reflect.Value) bool {
	return func(v reflect.Value) bool {
		if t, ok := v.Interface().(time.Time); ok {
			v.Set(reflect.ValueOf(tm(t)))
			return true
		}
		return false
	}
}

// OnDecimals returns a visit for Walk that passes every decimal through
// dec.
func OnDecimals(dec func(decimal.Decimal) decimal.Decimal) func(reflect.Value) bool {
	return func(v reflect.Value) bool {
		if d, ok := v.Interface().(decimal.Decimal); ok {
			v.Set(reflect.ValueOf(dec(d)))
			return true
		}
		return false
	}
}

// OnValues returns a visit for Walk that passes every decimal through dec
// and every instant through tm, either left alone when nil.
func OnValues(dec func(decimal.Decimal) decimal.Decimal, tm func(time.Time) time.Time) func(reflect.Value) bool {
	return func(v reflect.Value) bool {
		switch x := v.Interface().(type) {
		case decimal.Decimal:
			if dec != nil {
				v.Set(reflect.ValueOf(dec(x)))
			}
			return true
		case time.Time:
			if tm != nil {
				v.Set(reflect.ValueOf(tm(x)))
			}
			return true
		}
		return false
	}
}
