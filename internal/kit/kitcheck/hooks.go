package kitcheck

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/servicelane/servicelane/internal/kit"

	"github.com/servicelane/servicelane/org"
)

// Hooks is what every kit's bent store shares (issue 17): a kit's store
// for its self-tests is memstore with some methods replaced (its "over"),
// and each of its methods passes what it reads, the keys it is asked for,
// the change it commits, the trail and the errors through the Hooks. The
// broken and sound stores of stores.go bend those, so they are written
// once for every kit; a kit's own bends replace its methods.
//
// S is the store, C the change it commits.
type Hooks[S, C any] struct {
	// Base is the sound store the bent one wraps.
	Base S
	// Errs pass every error a method returns, in turn.
	Errs []func(error) error
	// Reads visit every value a read returns (Walk), in turn.
	Reads []func(reflect.Value) bool
	// Writes visit every value of a copy of the change Commit writes.
	Writes []func(reflect.Value) bool
	// Empty, when set, is what a list read answers for no match: the
	// list (nil or empty) and the error.
	Empty func(list reflect.Value) (reflect.Value, error)
	// Keys, when set, returns the keys a read by key tries in turn, the
	// first found answering: a collation that folds case or pads.
	Keys func(key string) []string
	// Trail, when set, reads a page of dealer d's trail in place of read
	// (which reads any dealer's).
	Trail func(read func(d org.DealerID, after int64, limit int) ([]org.Event, error), d org.DealerID, after int64, limit int) ([]org.Event, error)
	// Changes, when set, bends the copy of the change Commit writes.
	Changes func(c reflect.Value)
	// Commit, when set, commits in place of Base's Commit (see
	// kit.Domain.Bent).
	Commit func(ctx context.Context, s S, d org.DealerID, c C) error
	// Latency is slept after every read, as a store across a network
	// answers.
	Latency time.Duration
	// OfEveryDealer, when set, names the list read (List) that ignores
	// the dealer: it answers every dealer's records.
	OfEveryDealer string
	// Reversed, when set, names the list read (List) that answers its
	// records in the reverse of the order the contract gives.
	Reversed string
	// Truncate, when above 0, is the most records any list read (List)
	// answers.
	Truncate int

	mu      sync.Mutex
	dealers map[org.DealerID]bool
}

// Err passes err through h.Errs.
func (h *Hooks[S, C]) Err(err error) error {
	for _, fn := range h.Errs {
		err = fn(err)
	}
	return err
}

// Dealers are the dealers Commit was called for, sorted.
func (h *Hooks[S, C]) Dealers() []org.DealerID {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Sorted(maps.Keys(h.dealers))
}

// Read is the end of every read of a bent store: v and err as the sound
// store (or a kit's own bend) answered, passed through h.
//
//	return kitcheck.Read(o.documents(ctx, d, q))(&o.Hooks)
func Read[T any](v T, err error) func(h interface {
	read(v reflect.Value, err error) error
}) (T, error) {
	return func(h interface {
		read(v reflect.Value, err error) error
	}) (T, error) {
		err := h.read(reflect.ValueOf(&v).Elem(), err)
		return v, err
	}
}

func (h *Hooks[S, C]) read(v reflect.Value, err error) error {
	time.Sleep(h.Latency)
	if err == nil {
		for _, visit := range h.Reads {
			walkRecords(v, visit)
		}
		if h.Empty != nil && v.Kind() == reflect.Slice && v.Len() == 0 {
			var list reflect.Value
			list, err = h.Empty(v)
			v.Set(list)
		}
	}
	return h.Err(err)
}

// ByKey reads by key through h: the keys h.Keys gives are tried in turn,
// the first found answering, and the answer passes through h as Read's.
func ByKey[K ~string, T any, S, C any](h *Hooks[S, C], key K, read func(K) (T, error)) (T, error) {
	keys := []string{string(key)}
	if h.Keys != nil {
		keys = h.Keys(string(key))
	}
	var v T
	var err error
	for _, k := range keys {
		if v, err = read(K(k)); !errors.Is(err, org.ErrNotFound) {
			break
		}
	}
	return Read(v, err)(h)
}

// Events reads a page of dealer d's trail through h; read reads any
// dealer's.
func (h *Hooks[S, C]) Events(d org.DealerID, after int64, limit int, read func(d org.DealerID, after int64, limit int) ([]org.Event, error)) ([]org.Event, error) {
	if h.Trail != nil {
		return Read(h.Trail(read, d, after, limit))(h)
	}
	return Read(read(d, after, limit))(h)
}

// Committed commits c for d through h: the dealer is remembered, c's copy
// is bent by h.Writes, and h.Commit commits it when set, commit
// otherwise.
func Committed[S, C any](h *Hooks[S, C], ctx context.Context, d org.DealerID, c C, commit func(context.Context, org.DealerID, C) error) error {
	h.mu.Lock()
	if h.dealers == nil {
		h.dealers = map[org.DealerID]bool{}
	}
	h.dealers[d] = true
	h.mu.Unlock()
	if len(h.Writes) > 0 || h.Changes != nil {
		c = DeepCopy(c)
		for _, visit := range h.Writes {
			Walk(reflect.ValueOf(&c).Elem(), visit)
		}
		if h.Changes != nil {
			h.Changes(reflect.ValueOf(&c).Elem())
		}
	}
	if h.Commit != nil {
		return h.Err(h.Commit(ctx, h.Base, d, c))
	}
	return h.Err(commit(ctx, d, c))
}

// DeepCopy returns a copy of v sharing no slice, map or pointer with it
// (kit.DeepCopy).
func DeepCopy[T any](v T) T { return kit.DeepCopy(v) }

// notFoundf is the error the generic stores answer for no match.
func notFoundf(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, org.ErrNotFound)...)
}

// walkRecords walks v with visit, or each element of v when v is a list a
// read returned: what the Reads bend is inside records, not the list.
func walkRecords(v reflect.Value, visit func(reflect.Value) bool) {
	if v.Kind() != reflect.Slice {
		Walk(v, visit)
		return
	}
	for i := range v.Len() {
		Walk(v.Index(i), visit)
	}
}

// List is the end of a list read (method, for dealer d) of a bent store:
// read reads any dealer's list; the answer passes through h as Read's.
// Where h.OfEveryDealer names the method, it reads every dealer's list
// and answers them all, one after another; where h.Reversed does, it
// answers the list reversed; with h.Truncate, at most that many records.
//
//	return kitcheck.List(&o.h, "Documents", d, func(d org.DealerID) ([]billing.Document, error) { return o.documents(ctx, d, q) })
func List[T, S, C any](h *Hooks[S, C], method string, d org.DealerID, read func(org.DealerID) ([]T, error)) ([]T, error) {
	if h.Truncate > 0 {
		list, err := read(d)
		return Read(list[:min(len(list), h.Truncate)], err)(h)
	}
	if h.Reversed == method {
		list, err := read(d)
		slices.Reverse(list)
		return Read(list, err)(h)
	}
	if h.OfEveryDealer != method {
		return Read(read(d))(h)
	}
	all := []T{}
	for _, x := range h.Dealers() {
		list, err := read(x)
		if err != nil {
			return Read(list, err)(h)
		}
		all = append(all, list...)
	}
	return Read(all, nil)(h)
}
