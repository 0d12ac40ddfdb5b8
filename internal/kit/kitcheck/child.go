package kitcheck

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Child is a test of this test binary that its parent runs in a child
// process: a failing subtest of TestStore cannot be observed in the
// process it fails in, so the parent reads the child's verbose output.
type Child struct {
	// Test is the child test's name: "TestChildTestStore".
	Test string
	// Env is the variable set to "1" in the child only.
	Env string
}

// Only skips t unless it runs in the child process; the child test calls
// it first.
func (c Child) Only(t *testing.T) {
	t.Helper()
	if os.Getenv(c.Env) != "1" {
		t.Skip("run in a child process by its parent test")
	}
}

// Run runs the child test and fails t unless the child fails (exit 1)
// and its output holds every want.
func (c Child) Run(t *testing.T, want ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^"+c.Test+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), c.Env+"=1")
	out, err := cmd.CombinedOutput()
	if exit, ok := errors.AsType[*exec.ExitError](err); !ok || exit.ExitCode() != 1 {
		t.Fatalf("%s: got %v, want the child test to fail\n%s", c.Test, err, out)
	}
	for _, w := range want {
		if !strings.Contains(string(out), w) {
			t.Errorf("%s's output lacks %q:\n%s", c.Test, w, out)
		}
	}
}
