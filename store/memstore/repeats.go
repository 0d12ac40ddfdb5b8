package memstore

import (
	"fmt"

	"github.com/servicelane/servicelane/org"
)

// noRepeats refuses a Change that names one record twice, as a SQL store
// does (its second write meets the first): ErrConflict, nothing written.
func noRepeats(what string, keys ...string) error {
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if seen[k] {
			return fmt.Errorf("memstore: a commit names %s %s twice: %w", what, k, org.ErrConflict)
		}
		seen[k] = true
	}
	return nil
}

func keysOf[T any](xs []T, key func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = key(x)
	}
	return out
}
