package kit

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/servicelane/servicelane/org"
)

// The flaws that share one reference of a record: for every slice, map
// and pointer that a kind's Full record holds, at any depth (the first
// element of each slice and what each pointer points at are walked into),
// a store that copies the record
// but hands that one reference of the committed record back to a reader.
// ReadsAreCopies must catch each; when it does not, the kind's Scribble
// leaves that reference alone, and SelfTest names it. This replaces a
// hand-written broken store per slice and pointer in every kit.

// step is one move into a value: a struct field by index, a slice
// element by index, or what a pointer points at.
type step struct {
	field int // when elem < 0 and not deref
	elem  int // -1: a field or a pointer's target
	deref bool
	name  string
}

// refPath is a path to one reference inside a record.
type refPath []step

func (p refPath) String() string {
	var b strings.Builder
	for i, s := range p {
		if s.elem >= 0 {
			fmt.Fprintf(&b, "[%d]", s.elem)
			continue
		}
		if s.deref {
			continue // Condition.Items: Go's selector through a pointer
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
	}
	return b.String()
}

// refPaths lists the references of v that hold something: non-empty
// slices and maps, non-nil pointers, walking into structs, the first
// element of slices and what pointers point at.
func refPaths(v reflect.Value, prefix refPath, out *[]refPath) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			refPaths(v.Field(i), append(prefix[:len(prefix):len(prefix)], step{field: i, elem: -1, name: t.Field(i).Name}), out)
		}
	case reflect.Slice:
		if v.Len() == 0 {
			return
		}
		*out = append(*out, prefix)
		refPaths(v.Index(0), append(prefix[:len(prefix):len(prefix)], step{elem: 0}), out)
	case reflect.Map:
		if v.Len() > 0 {
			*out = append(*out, prefix)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			*out = append(*out, prefix)
			refPaths(v.Elem(), append(prefix[:len(prefix):len(prefix)], step{elem: -1, deref: true}), out)
		}
	}
}

// alias sets the reference at p in got to the one at p in from, when both
// hold the path; it says whether it did.
func alias(got, from reflect.Value, p refPath) bool {
	for _, s := range p {
		switch {
		case s.elem >= 0:
			if got.Kind() != reflect.Slice || got.Len() <= s.elem || from.Len() <= s.elem {
				return false
			}
			got, from = got.Index(s.elem), from.Index(s.elem)
		case s.deref:
			if got.IsNil() || from.IsNil() {
				return false
			}
			got, from = got.Elem(), from.Elem()
		default:
			got, from = got.Field(s.field), from.Field(s.field)
		}
	}
	if !got.CanSet() {
		return false
	}
	got.Set(from)
	return true
}

// pathFlaws returns, for each reference of the kind's Full record, the
// name of the flaw sharing it.
func (r *Record[S, C, T]) pathFlaws() []string {
	x := r.Full("d1", 1)
	var paths []refPath
	refPaths(reflect.ValueOf(x), nil, &paths)
	var out []string
	for _, p := range paths {
		out = append(out, "sharesPath:"+p.String())
	}

	return out
}

// sharingPath returns a copy of the kind whose reads hand back the
// committed record's reference at the path named, in a record that is
// otherwise a copy.
func (r *Record[S, C, T]) sharingPath(name string) Kind[S, C] {
	x := r.Full("d1", 1)
	var paths []refPath
	refPaths(reflect.ValueOf(x), nil, &paths)
	var p refPath
	for _, q := range paths {
		if q.String() == name {
			p = q
		}
	}
	if p == nil {
		panic("kit: no reference " + name + " in a full " + r.Name)
	}
	b := *r
	var mu sync.Mutex
	held := map[string]T{}
	key := func(d org.DealerID, x T) string { return string(d) + "\x00" + r.Key(x) }
	b.remember = func(d org.DealerID, recs []T) {
		mu.Lock()
		defer mu.Unlock()
		for _, x := range recs {
			held[key(d, x)] = x
		}
	}
	share := func(d org.DealerID, x *T) {
		mu.Lock()
		defer mu.Unlock()
		if h, ok := held[key(d, *x)]; ok {
			alias(reflect.ValueOf(x).Elem(), reflect.ValueOf(&h).Elem(), p)
		}
	}
	get := r.Get
	b.Get = func(ctx context.Context, s S, d org.DealerID, like T) (T, error) {
		x, err := get(ctx, s, d, like)
		if err == nil {
			share(d, &x)
		}
		return x, err
	}
	b.Reads = nil
	for _, rd := range r.Reads {
		of := rd.Of
		b.Reads = append(b.Reads, Read[S, T]{rd.Name, func(ctx context.Context, s S, d org.DealerID, like T) ([]T, error) {
			list, err := of(ctx, s, d, like)
			for i := range list {
				share(d, &list[i])
			}
			return list, err
		}})
	}
	return &b
}

// pathHolds says whether the reference named name (as pathFlaws names it)
// leads to a value holding leaf.
func (r *Record[S, C, T]) pathHolds(name string, leaf reflect.Type) bool {
	x := r.Full("d1", 1)
	var paths []refPath
	refPaths(reflect.ValueOf(x), nil, &paths)
	for _, p := range paths {
		if p.String() != name {
			continue
		}
		t := reflect.TypeFor[T]()
		for _, s := range p {
			switch {
			case s.elem >= 0 || s.deref:
				t = t.Elem()
			default:
				t = t.Field(s.field).Type
			}
		}
		return holds(t, leaf)
	}
	return false
}
