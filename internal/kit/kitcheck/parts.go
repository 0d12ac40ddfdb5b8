package kitcheck

import (
	"cmp"
	"context"
	"errors"
	"reflect"
	"slices"

	"github.com/servicelane/servicelane/org"
)

// The pieces kits' own broken stores are built of.

// FallBack reads from d and, when d lacks the record, from each of
// dealers: a store that finds a key in any dealer's rows.
func FallBack[T any](dealers []org.DealerID, d org.DealerID, read func(org.DealerID) (T, error)) (T, error) {
	v, err := read(d)
	if !errors.Is(err, org.ErrNotFound) {
		return v, err
	}
	for _, other := range dealers {
		if v, err := read(other); err == nil {
			return v, nil
		}
	}
	return v, err
}

// EveryDealer lists from each of dealers, in key order, at most limit: a
// list that forgets the dealer.
func EveryDealer[T any](dealers []org.DealerID, limit int, key func(T) string, read func(org.DealerID) ([]T, error)) ([]T, error) {
	all := []T{}
	for _, d := range dealers {
		list, err := read(d)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	slices.SortStableFunc(all, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return all[:min(len(all), limit)], nil
}

// CommitParts commits each part that holds something, in turn: a store
// writing a change in several transactions. A done context fails it even
// when every part is empty, as the store it bends would.
func CommitParts[C any](ctx context.Context, commit func(context.Context, org.DealerID, C) error, d org.DealerID, parts ...C) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, p := range parts {
		if Empty(p) {
			continue
		}
		if err := commit(ctx, d, p); err != nil {
			return err
		}
	}
	return nil
}

// Empty says whether every slice and pointer of change c is empty.
func Empty[C any](c C) bool {
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Slice, reflect.Map:
			if f.Len() > 0 {
				return false
			}
		case reflect.Pointer:
			if !f.IsNil() {
				return false
			}
		}
	}
	return true
}
