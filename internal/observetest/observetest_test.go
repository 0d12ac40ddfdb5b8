package observetest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/observetest"
	"github.com/servicelane/servicelane/org"
)

// fakeT records a check's failures instead of failing the test.
type fakeT struct{ errs []string }

func (f *fakeT) Helper()                        {}
func (f *fakeT) Errorf(format string, a ...any) { f.errs = append(f.errs, fmt.Sprintf(format, a...)) }
func (f *fakeT) Fatalf(format string, a ...any) {
	f.errs = append(f.errs, "FATAL "+fmt.Sprintf(format, a...))
}

func (f *fakeT) about(name string) []string {
	var out []string
	for _, e := range f.errs {
		if strings.Contains(e, "shop."+name+" ") {
			out = append(out, e)
		}
	}
	return out
}

func TestCheckPackageFindsEveryBrokenCommand(t *testing.T) {
	var ft fakeT
	observetest.CheckPackage(&ft, "shop", "testdata/shop")
	for name, want := range map[string]string{
		"Unobserved": "its body does not begin with Begin and a deferred End",
		"WrongName":  `its command is "good", not its name in snake case "wrong_name"`,
		"NoDefer":    "its second statement is not defer ob.End(&err)",
		"OtherActor": "Begin is not given the command's actor actor",
		"Late":       "its first statement is not",
		"Unnamed":    "its last result is not named err error",
	} {
		errs := ft.about(name)
		if assert.NotEmpty(t, errs, "%s must be reported", name) {
			assert.Contains(t, strings.Join(errs, "\n"), want, name)
		}
	}
	for _, name := range []string{"Good", "Show", "unexported"} {
		assert.Empty(t, ft.about(name), "%s must pass", name)
	}
}

func TestCheckPackageRefusesAMissingPackage(t *testing.T) {
	var ft fakeT
	observetest.CheckPackage(&ft, "shop", "testdata")
	require.Len(t, ft.errs, 1)
	assert.Contains(t, ft.errs[0], "FATAL observetest: no Go files of package shop")
}

func TestCommandsNamesEachCommand(t *testing.T) {
	cmds, err := observetest.Commands("shop", "testdata/shop")
	require.NoError(t, err)
	assert.Equal(t, []string{"Good", "Late", "NoDefer", "OtherActor", "Unnamed", "Unobserved", "WrongName"}, slices.Sorted(maps.Keys(cmds)))
	assert.Equal(t, "good", cmds["Good"].Command)
	assert.Empty(t, cmds["Good"].Problems)
	assert.Equal(t, "", cmds["Unobserved"].Command)
}

func TestQuietFailsOnAnyOutput(t *testing.T) {
	for name, write := range map[string]func(){
		"stdout":       func() { fmt.Fprint(os.Stdout, "hello") },
		"stderr":       func() { fmt.Fprint(os.Stderr, "hello") },
		"slog default": func() { slog.Debug("hello") },
		"log package":  func() { log.Print("hello") },
	} {
		var ft fakeT
		observetest.Quiet(&ft, write)
		assert.Len(t, ft.errs, 1, name)
	}
	var ft fakeT
	observetest.Quiet(&ft, func() {})
	assert.Empty(t, ft.errs)
}

func TestRecorder(t *testing.T) {
	var r observetest.Recorder
	ctx := context.Background()
	op := org.Operation{Package: "org", Command: "create_dealer", Dealer: "d1", Actor: org.Admin("host")}
	got, end := r.Start(ctx, op)
	assert.Equal(t, ctx, got)
	c, ok := r.Last()
	require.True(t, ok)
	assert.Equal(t, op, c.Op)
	assert.Zero(t, c.Ends, "started, not ended")
	end(org.Outcome{Duration: time.Millisecond, Err: errors.New("x"), Result: org.ResultError})
	c, _ = r.Last()
	assert.Equal(t, 1, c.Ends)
	assert.Equal(t, org.ResultError, c.Outcome.Result)
	_, end2 := r.Start(ctx, op)
	end2(org.Outcome{Result: org.ResultOK})
	assert.Equal(t, []string{"org.create_dealer"}, r.Commands())
	assert.Len(t, r.Calls(), 2)
	r.Reset()
	_, ok = r.Last()
	assert.False(t, ok)
}
