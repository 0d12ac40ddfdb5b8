package policytest_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy/policytest"
)

// slSuite is a valid suite of one case; it nests 7 levels.
const slSuite = `cases:
  - name: a
    period: 2026-11
    facts:
      - employee: chen
        incidents: [{id: i1, kind: late, at: 2026-11-02}]
    expect: {decisions: []}
`

// slPad pads text with a comment to exactly size bytes.
func slPad(text string, size int) string {
	return text + "#" + strings.Repeat("x", size-len(text)-2) + "\n"
}

// slProblems are the problems of a load, each as "where code: message";
// nil when it loads.
func slProblems(t *testing.T, s *policytest.Suite, err error) []string {
	t.Helper()
	if err == nil {
		require.NotNil(t, s)
		return nil
	}
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve), "%T %v", err, err)
	assert.Equal(t, "policytest: load tests", ve.Op)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code + ": " + f.Message
	}
	return out
}

// slCases is a suite of n cases, one a line.
func slCases(n int) string {
	var b strings.Builder
	b.WriteString("cases:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: c%d, period: 2026-11, expect: {decisions: []}}\n", i)
	}
	return b.String()
}

func slNested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// Issue 15: a suite file is refused before parsing beyond MaxSuiteBytes,
// MaxSuiteLines or MaxSuiteDepth, and has at most MaxSuiteCases cases.
func TestLoad_issue15_size_limits(t *testing.T) {
	lines := strings.Count(slSuite, "\n")
	for _, c := range []struct {
		name, file, text string
		lim              policytest.LoadLimits
		want             []string // nil: loads
	}{{
		name: "1 byte over the size refused before parsing",
		file: "s.yaml", text: slPad(slSuite, policytest.MaxSuiteBytes+1) + "{[",
		want: []string{"s.yaml too_long: is 1,048,579 bytes; a test suite is at most 1,048,576 bytes (policytest.MaxSuiteBytes)"},
	}, {
		name: "exactly the size accepted",
		file: "s.yaml", text: slPad(slSuite, policytest.MaxSuiteBytes),
	}, {
		name: "too many lines",
		file: "s.yaml", text: slSuite + strings.Repeat("\n", policytest.MaxSuiteLines-lines+1),
		want: []string{"s.yaml:20001 too_long: has 20,001 lines; a test suite has at most 20,000 lines (policytest.MaxSuiteLines)"},
	}, {
		name: "exactly the lines accepted",
		file: "s.yaml", text: slSuite + strings.Repeat("\n", policytest.MaxSuiteLines-lines),
	}, {
		name: "too deep JSON",
		file: "s.json", text: `{"x": ` + slNested(32) + `, "cases": []}`,
		want: []string{"s.json:1:38 out_of_range: nests 33 levels deep; a test suite nests at most 32 levels (policytest.MaxSuiteDepth)"},
	}, {
		name: "too deep YAML",
		file: "s.yaml", text: slSuite + "x:\n" + strings.Repeat("- ", 32) + "x\n",
		want: []string{"s.yaml:9:63 out_of_range: nests 33 levels deep; a test suite nests at most 32 levels (policytest.MaxSuiteDepth)"},
	}, {
		name: "too many cases, not checked one by one",
		file: "s.yaml", text: strings.ReplaceAll(slCases(policytest.MaxSuiteCases+1), "2026-11", "someday"),
		want: []string{"s.yaml:1:1: cases too_long: has 10,001 items; at most 10,000 items are allowed (policytest.MaxSuiteCases)"},
	}, {
		name: "the most cases accepted",
		file: "s.yaml", text: slCases(policytest.MaxSuiteCases),
	}, {
		name: "raised size accepts",
		file: "s.yaml", text: slPad(slSuite, policytest.MaxSuiteBytes+1),
		lim: policytest.LoadLimits{Bytes: policytest.MaxSuiteBytes + 1},
	}, {
		name: "a limit set by the host is named",
		file: "s.yaml", text: slSuite,
		lim:  policytest.LoadLimits{Depth: 6},
		want: []string{"s.yaml:6:21 out_of_range: nests 7 levels deep; a test suite nests at most 6 levels (policytest.LoadLimits.Depth)"},
	}, {
		name: "exactly a depth set by the host accepted",
		file: "s.yaml", text: slSuite,
		lim: policytest.LoadLimits{Depth: 7},
	}} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.text)
			start := time.Now()
			s, err := policytest.LoadWith(c.file, data, c.lim)
			elapsed := time.Since(start)
			assert.Equal(t, c.want, slProblems(t, s, err))
			if c.lim == (policytest.LoadLimits{}) {
				again, err2 := policytest.Load(c.file, data)
				assert.Equal(t, c.want, slProblems(t, again, err2), "Load is LoadWith with no limits set")
			}
			if len(data) > policytest.MaxSuiteBytes && c.lim.Bytes == 0 {
				assert.Less(t, elapsed, 50*time.Millisecond, "refused by its length, without parsing it")
			}
		})
	}
}

func TestLoadFile_issue15_size_limits(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	require.NoError(t, os.WriteFile(big, []byte(slPad(slSuite, policytest.MaxSuiteBytes+1)), 0o600))
	s, err := policytest.LoadFile(big)
	assert.Equal(t, []string{big + " too_long: is 1,048,577 bytes; a test suite is at most 1,048,576 bytes (policytest.MaxSuiteBytes)"},
		slProblems(t, s, err))
	s, err = policytest.LoadFileWith(big, policytest.LoadLimits{Bytes: policytest.MaxSuiteBytes + 1})
	assert.Nil(t, slProblems(t, s, err))

	// Every shipped suite is within the limits.
	for _, f := range []string{"../default.tests.yaml", "testdata/small.tests.json", "../../examples/policy/policy.tests.yaml"} {
		_, err := policytest.LoadFile(f)
		assert.NoError(t, err, f)
	}
}
