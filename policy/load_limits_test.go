package policy_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// plPad pads text with a comment to exactly size bytes.
func plPad(text string, size int) string {
	return text + "#" + strings.Repeat("x", size-len(text)-2) + "\n"
}

// plProblems are the problems of a load, each as "where code: message";
// nil when it loads.
func plProblems(t *testing.T, p *policy.Policy, err error) []string {
	t.Helper()
	if err == nil {
		require.NotNil(t, p)
		return nil
	}
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve), "%T %v", err, err)
	assert.Equal(t, "policy: load policy", ve.Op)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code + ": " + f.Message
	}
	return out
}

func plNested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// plDeepRule is lpPolicy with one more rule, whose condition nests n
// conditions deep: all inside all, a yes/no fact innermost.
func plDeepRule(n int) string {
	cond := "{fact: {name: appraisal.failed}}"
	for range n - 1 {
		cond = "{all: [" + cond + "]}"
	}
	return lpPolicy + "  - id: deep\n    title: {en: Deep, zh: 深}\n    period: month\n    when: " + cond + "\n    then: [{kind: warning}]\n"
}

// plEdit is lpPolicy with old replaced by new, once.
func plEdit(old, new string) string { return strings.Replace(lpPolicy, old, new, 1) }

// Issue 15: a policy file is refused before parsing beyond MaxPolicyBytes,
// MaxPolicyLines or MaxPolicyDepth; its ids, rules and ladders are
// bounded.
func TestLoad_issue15_size_limits(t *testing.T) {
	lines := strings.Count(lpPolicy, "\n")
	ladders := lpPolicy[strings.Index(lpPolicy, "ladders:\n"):strings.Index(lpPolicy, "rules:\n")]
	for _, c := range []struct {
		name, file, text string
		lim              policy.LoadLimits
		want             []string // nil: loads
	}{{
		name: "1 byte over the size refused before parsing",
		file: "p.yaml", text: plPad(lpPolicy, policy.MaxPolicyBytes+1) + "{[",
		want: []string{"p.yaml too_long: is 1,048,579 bytes; a policy is at most 1,048,576 bytes (policy.MaxPolicyBytes)"},
	}, {
		name: "exactly the size accepted",
		file: "p.yaml", text: plPad(lpPolicy, policy.MaxPolicyBytes),
	}, {
		name: "too many lines",
		file: "p.yaml", text: lpPolicy + strings.Repeat("\n", policy.MaxPolicyLines-lines+1),
		want: []string{"p.yaml:20001 too_long: has 20,001 lines; a policy has at most 20,000 lines (policy.MaxPolicyLines)"},
	}, {
		name: "exactly the lines accepted",
		file: "p.yaml", text: lpPolicy + strings.Repeat("\n", policy.MaxPolicyLines-lines),
	}, {
		name: "too deep JSON",
		file: "p.json", text: `{"id": "a", "x": ` + plNested(64) + `}`,
		want: []string{"p.json:1:81 out_of_range: nests 65 levels deep; a policy nests at most 64 levels (policy.MaxPolicyDepth)"},
	}, {
		name: "too deep YAML",
		file: "p.yaml", text: lpPolicy + "x:\n" + strings.Repeat("- ", 64) + "x\n",
		want: []string{"p.yaml:45:127 out_of_range: nests 65 levels deep; a policy nests at most 64 levels (policy.MaxPolicyDepth)"},
	}, {
		// 16 conditions deep, the most Validate takes, nest 35 levels:
		// why a policy's depth limit is 64, not 32.
		name: "the deepest conditions accepted",
		file: "p.yaml", text: plDeepRule(16),
	}, {
		name: "the deepest conditions beyond a depth of 32",
		file: "p.yaml", text: plDeepRule(16),
		lim:  policy.LoadLimits{Depth: 32},
		want: []string{"p.yaml:47:115 out_of_range: nests 35 levels deep; a policy nests at most 32 levels (policy.LoadLimits.Depth)"},
	}, {
		name: "a 100 KB id refused",
		file: "p.yaml", text: plEdit("id: test", "id: "+strings.Repeat("i", 100<<10)),
		want: []string{"p.yaml:1:1: id too_long: has 102,400 characters; at most 64 characters are allowed (policy.MaxPolicyIDLength)"},
	}, {
		name: "an id of 64 characters accepted",
		file: "p.yaml", text: plEdit("id: test", "id: "+strings.Repeat("i", 64)),
	}, {
		name: "a rule id of 65 characters refused",
		file: "p.yaml", text: plEdit("id: top", "id: "+strings.Repeat("t", 65)),
		want: []string{"p.yaml:13:5: rules[0].id too_long: has 65 characters; at most 64 characters are allowed (policy.MaxPolicyIDLength)"},
	}, {
		name: "too many rules, not checked one by one",
		file: "p.yaml", text: lpPolicy[:strings.Index(lpPolicy, "rules:\n")] + "rules: [" + strings.Repeat("{id: r}, ", policy.MaxPolicyRules+1) + "]\n",
		want: []string{"p.yaml:12:1: rules too_long: has 501 items; at most 500 items are allowed (policy.MaxPolicyRules)"},
	}, {
		name: "too many ladders, not checked one by one nor looked up",
		file: "p.yaml", text: plEdit(ladders, "ladders: ["+strings.Repeat("{id: l}, ", policy.MaxPolicyLadders+1)+"]\n"),
		want: []string{"p.yaml:5:1: ladders too_long: has 101 items; at most 100 items are allowed (policy.MaxPolicyLadders)"},
	}, {
		name: "too many steps",
		file: "p.yaml", text: plEdit("      - [{kind: warning}]\n", strings.Repeat("      - [{kind: warning}]\n", policy.MaxPolicyLadders+1)),
		want: []string{"p.yaml:9:5: ladders[0].steps too_long: has 102 items; at most 100 items are allowed (policy.MaxPolicyLadders)"},
	}, {
		name: "raised size accepts",
		file: "p.yaml", text: plPad(lpPolicy, policy.MaxPolicyBytes+1),
		lim: policy.LoadLimits{Bytes: policy.MaxPolicyBytes + 1},
	}} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.text)
			start := time.Now()
			p, err := policy.LoadWith(c.file, data, c.lim)
			elapsed := time.Since(start)
			assert.Equal(t, c.want, plProblems(t, p, err))
			if c.lim == (policy.LoadLimits{}) {
				again, err2 := policy.Load(c.file, data)
				assert.Equal(t, c.want, plProblems(t, again, err2), "Load is LoadWith with no limits set")
			}
			if len(data) > policy.MaxPolicyBytes && c.lim.Bytes == 0 {
				assert.Less(t, elapsed, 50*time.Millisecond, "refused by its length, without parsing it")
			}
		})
	}
}

func TestLoadFile_issue15_size_limits(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	require.NoError(t, os.WriteFile(big, []byte(plPad(lpPolicy, policy.MaxPolicyBytes+1)), 0o600))
	p, err := policy.LoadFile(big)
	assert.Equal(t, []string{big + " too_long: is 1,048,577 bytes; a policy is at most 1,048,576 bytes (policy.MaxPolicyBytes)"},
		plProblems(t, p, err))
	p, err = policy.LoadFileWith(big, policy.LoadLimits{Bytes: policy.MaxPolicyBytes + 1})
	assert.Nil(t, plProblems(t, p, err))

	// Every shipped policy is within the limits, and within the 32 levels
	// of the other configurations too.
	files, err := filepath.Glob(filepath.Join(lpDir, "*"))
	require.NoError(t, err)
	files = append(files, "default.yaml", "../examples/policy/policy.yaml")
	for _, f := range files {
		_, err := policy.LoadFileWith(f, policy.LoadLimits{Depth: 32})
		assert.NoError(t, err, f)
	}
}
