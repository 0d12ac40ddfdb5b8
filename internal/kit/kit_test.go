package kit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

func TestWriters(t *testing.T) {
	for in, want := range map[int]int{-1: 16, 0: 16, 3: 3} {
		if got := kit.Writers(in); got != want {
			t.Errorf("Writers(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestRunner(t *testing.T) {
	errSkip := errors.New("skip")
	var ran []string
	kit.Runner[int]{Kit: "kittest", NewStore: func(*testing.T) int { return 7 }, SkipLarge: true, Skip: errSkip}.Test(t, []kit.Case[int]{
		{Name: "Pass", Run: func(_ context.Context, s int) error {
			ran = append(ran, "Pass")
			if s != 7 {
				return fmt.Errorf("store %d", s)
			}
			return nil
		}},
		{Name: "Skipped", Run: func(context.Context, int) error {
			ran = append(ran, "Skipped")
			return fmt.Errorf("no trail: %w", errSkip)
		}},
		{Name: "Large", Large: true, Run: func(context.Context, int) error { ran = append(ran, "Large"); return errors.New("ran") }},
	})
	if got := strings.Join(ran, ","); got != "Pass,Skipped" {
		t.Errorf("ran %s, want Pass,Skipped", got)
	}
}

func TestExpectErr(t *testing.T) {
	if err := kit.ExpectErr(fmt.Errorf("x: %w", org.ErrConflict), org.ErrConflict, "commit"); err != nil {
		t.Error(err)
	}
	if err := kit.ExpectErr(nil, org.ErrConflict, "commit"); err == nil || !strings.HasPrefix(err.Error(), "commit: ") {
		t.Errorf("ExpectErr(nil) = %v", err)
	}
}

func TestHammer(t *testing.T) {
	var stored atomic.Int64
	together := kit.NewBarrier(8)
	conflicts, err := kit.Hammer(t.Context(), 8, func(i, attempt int) error {
		v := stored.Load()
		if attempt == 0 {
			together.Wait(t.Context())
		}
		if !stored.CompareAndSwap(v, v+1) {
			return org.ErrConflict
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored.Load() != 8 || conflicts < 7 {
		t.Errorf("stored %d with %d conflicts, want 8 with at least 7", stored.Load(), conflicts)
	}
	_, err = kit.Hammer(t.Context(), 2, func(int, int) error { return org.ErrInvalid })
	if !errors.Is(err, org.ErrInvalid) {
		t.Errorf("Hammer returned %v, want ErrInvalid", err)
	}
}

type events []org.Event

func (e events) Events(_ context.Context, _ org.DealerID, after int64, limit int) ([]org.Event, error) {
	var out []org.Event
	for _, ev := range e {
		if ev.Seq > after && len(out) < limit {
			out = append(out, ev)
		}
	}
	return out, nil
}

type ignoresCursor []org.Event

func (e ignoresCursor) Events(context.Context, org.DealerID, int64, int) ([]org.Event, error) {
	return e, nil
}

func TestAllEvents(t *testing.T) {
	var evs events
	for i := range org.MaxPage + 3 {
		evs = append(evs, org.Event{ID: fmt.Sprint(i), Seq: int64(i + 1)})
	}
	got, err := kit.AllEvents(t.Context(), evs, "d1")
	if err != nil || len(got) != len(evs) {
		t.Errorf("AllEvents read %d events, err %v; want %d", len(got), err, len(evs))
	}
	if _, err := kit.AllEvents(t.Context(), ignoresCursor(evs[:org.MaxPage]), "d1"); err == nil {
		t.Error("AllEvents accepted a store that ignores the cursor")
	}
}

func TestPage(t *testing.T) {
	keys := []string{"a", "b", "c", "d", "e"}
	read := func(after string, limit int) ([]string, error) {
		var out []string
		for _, k := range keys {
			if k > after && len(out) < limit {
				out = append(out, k)
			}
		}
		return out, nil
	}
	id := func(s string) string { return s }
	got, err := kit.Page("keys", 2, "", id, read)
	if err != nil || strings.Join(got, "") != "abcde" {
		t.Errorf("Page = %v, %v", got, err)
	}
	if _, err := kit.Page("keys", 2, "", id, func(string, int) ([]string, error) { return []string{"b", "a"}, nil }); err == nil {
		t.Error("Page accepted keys out of order")
	}
	if _, err := kit.Page("keys", 2, "", id, func(string, int) ([]string, error) { return keys, nil }); err == nil {
		t.Error("Page accepted a page over the limit")
	}
}
