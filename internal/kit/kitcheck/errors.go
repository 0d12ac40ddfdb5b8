package kitcheck

import (
	"errors"

	"github.com/servicelane/servicelane/org"
)

// The error bends broken stores share.

// PlainNotFound turns an error matching org.ErrNotFound into one that
// only says so: errors.New("not found").
func PlainNotFound(err error) error {
	if errors.Is(err, org.ErrNotFound) {
		return errors.New("not found")
	}
	return err
}

// NilIfNotFound swallows an error matching org.ErrNotFound, as a store
// ignoring sql.ErrNoRows does.
func NilIfNotFound(err error) error {
	if errors.Is(err, org.ErrNotFound) {
		return nil
	}
	return err
}

// NilIfEmpty answers an empty list with nil.
func NilIfEmpty[T any](list []T, err error) ([]T, error) {
	if len(list) == 0 {
		return nil, err
	}
	return list, err
}
