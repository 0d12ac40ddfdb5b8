package observetest

import (
	"bytes"
	"io"
	"log"
	"log/slog"
	"os"
	"sync"
)

// TB is the part of testing.TB the checks use, so that their own failures
// can be tested.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Quiet runs f and fails t when f wrote anything to standard output,
// standard error, slog's default logger or the log package: what a Service
// with no Logger must never do. It swaps process-wide state while f runs,
// so it must not run in parallel with other tests.
func Quiet(t TB, f func()) {
	t.Helper()
	var logged bytes.Buffer
	prevDefault, prevOut, prevFlags, prevPrefix := slog.Default(), log.Writer(), log.Flags(), log.Prefix()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})))
	stdout, waitOut := capture(t, &os.Stdout)
	stderr, waitErr := capture(t, &os.Stderr)
	defer func() {
		// SetDefault points the log package at the handler; put it back too.
		slog.SetDefault(prevDefault)
		log.SetOutput(prevOut)
		log.SetFlags(prevFlags)
		log.SetPrefix(prevPrefix)
		waitOut()
		waitErr()
		for name, b := range map[string]*bytes.Buffer{"slog's default logger": &logged, "standard output": stdout, "standard error": stderr} {
			if b.Len() > 0 {
				t.Errorf("observetest: with no Logger a command wrote to %s: %q", name, b.String())
			}
		}
	}()
	f()
}

// capture points *f at a pipe until the returned function is called, and
// collects what is written to it.
func capture(t TB, f **os.File) (*bytes.Buffer, func()) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatalf("observetest: pipe: %v", err)
	}
	prev := *f
	*f = w
	var (
		buf bytes.Buffer
		wg  sync.WaitGroup
	)
	wg.Go(func() { _, _ = io.Copy(&buf, r) })
	return &buf, func() {
		*f = prev
		_ = w.Close()
		wg.Wait()
		_ = r.Close()
	}
}
