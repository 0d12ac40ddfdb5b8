package appraisal_test

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

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

// alPad pads text with a comment to exactly size bytes.
func alPad(text string, size int) string {
	return text + "#" + strings.Repeat("x", size-len(text)-2) + "\n"
}

// alProblems are the problems of a load, each as "where code: message";
// nil when it loads.
func alProblems(t *testing.T, plan *appraisal.Plan, err error) []string {
	t.Helper()
	if err == nil {
		require.NotNil(t, plan)
		return nil
	}
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve), "%T %v", err, err)
	assert.Equal(t, "appraisal: load plan", ve.Op)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code + ": " + f.Message
	}
	return out
}

// alKPIs is lpPlan with n KPIs instead of its two, written on one line.
func alKPIs(n int) string {
	kpis := make([]string, n)
	for i := range kpis {
		kpis[i] = fmt.Sprintf("{code: k%d, weight: 1, sources: [{source: peer, weight: 1, scale: {min: 1, max: 5}}]}", i)
	}
	i, j := strings.Index(lpPlan, "kpis:\n"), strings.Index(lpPlan, "grades:\n")
	return lpPlan[:i] + "kpis: [" + strings.Join(kpis, ", ") + "]\n" + lpPlan[j:]
}

func alNested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// Issue 15: a plan file is refused before parsing beyond MaxPlanBytes,
// MaxPlanLines or MaxPlanDepth; its version, codes and KPIs are bounded.
func TestLoadPlan_issue15_size_limits(t *testing.T) {
	lines := strings.Count(lpPlan, "\n")
	for _, c := range []struct {
		name, file, text string
		lim              appraisal.LoadLimits
		want             []string // nil: loads
	}{{
		name: "1 byte over the size refused before parsing",
		file: "plan.yaml", text: alPad(lpPlan, appraisal.MaxPlanBytes+1) + "{[",
		want: []string{"plan.yaml too_long: is 1,048,579 bytes; a plan is at most 1,048,576 bytes (appraisal.MaxPlanBytes)"},
	}, {
		name: "exactly the size accepted",
		file: "plan.yaml", text: alPad(lpPlan, appraisal.MaxPlanBytes),
	}, {
		name: "too many lines",
		file: "plan.yaml", text: lpPlan + strings.Repeat("\n", appraisal.MaxPlanLines-lines+1),
		want: []string{"plan.yaml:20001 too_long: has 20,001 lines; a plan has at most 20,000 lines (appraisal.MaxPlanLines)"},
	}, {
		name: "exactly the lines accepted",
		file: "plan.yaml", text: lpPlan + strings.Repeat("\n", appraisal.MaxPlanLines-lines),
	}, {
		name: "too deep JSON",
		file: "plan.json", text: strings.Replace(lpJSON, `"version": "1",`, `"version": "1", "x": `+alNested(32)+`,`, 1),
		want: []string{"plan.json:2:55 out_of_range: nests 33 levels deep; a plan nests at most 32 levels (appraisal.MaxPlanDepth)"},
	}, {
		name: "too deep YAML",
		file: "plan.yaml", text: lpPlan + "x:\n" + strings.Repeat("- ", 32) + "x\n",
		want: []string{"plan.yaml:21:63 out_of_range: nests 33 levels deep; a plan nests at most 32 levels (appraisal.MaxPlanDepth)"},
	}, {
		name: "a 100 KB version refused",
		file: "plan.yaml", text: strings.Replace(lpPlan, `version: "1"`, `version: "`+strings.Repeat("v", 100<<10)+`"`, 1),
		want: []string{"plan.yaml:1:1: version too_long: has 102,400 characters; at most 64 characters are allowed (appraisal.MaxPlanKeyLength)"},
	}, {
		name: "a version of 64 characters accepted",
		file: "plan.yaml", text: strings.Replace(lpPlan, `version: "1"`, `version: "`+strings.Repeat("v", 64)+`"`, 1),
	}, {
		name: "a KPI code of 65 characters refused",
		file: "plan.yaml", text: strings.Replace(lpPlan, "code: team", "code: "+strings.Repeat("t", 65), 1),
		want: []string{"plan.yaml:11:5: kpis[1].code too_long: has 65 characters; at most 64 characters are allowed (appraisal.MaxPlanKeyLength)"},
	}, {
		name: "too many KPIs, their weights not summed",
		file: "plan.yaml", text: alKPIs(appraisal.MaxPlanKPIs + 1),
		want: []string{"plan.yaml:3:1: kpis too_long: has 51 items; at most 50 items are allowed (appraisal.MaxPlanKPIs)"},
	}, {
		name: "the most KPIs checked as usual",
		file: "plan.yaml", text: alKPIs(appraisal.MaxPlanKPIs),
		want: []string{"plan.yaml:3:1: kpis invalid: the KPI weights must sum to 100, not 50: " + alWeights(appraisal.MaxPlanKPIs) + " = 50"},
	}, {
		name: "raised size accepts",
		file: "plan.yaml", text: alPad(lpPlan, appraisal.MaxPlanBytes+1),
		lim: appraisal.LoadLimits{Bytes: appraisal.MaxPlanBytes + 1},
	}, {
		name: "a limit set by the host is named",
		file: "plan.yaml", text: lpPlan,
		lim:  appraisal.LoadLimits{Depth: 5},
		want: []string{"plan.yaml:7:68 out_of_range: nests 6 levels deep; a plan nests at most 5 levels (appraisal.LoadLimits.Depth)"},
	}, {
		name: "exactly a depth set by the host accepted",
		file: "plan.yaml", text: lpPlan,
		lim: appraisal.LoadLimits{Depth: 6},
	}} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.text)
			start := time.Now()
			plan, err := appraisal.LoadPlanWith(c.file, data, c.lim)
			elapsed := time.Since(start)
			assert.Equal(t, c.want, alProblems(t, plan, err))
			if c.lim == (appraisal.LoadLimits{}) {
				again, err2 := appraisal.LoadPlan(c.file, data)
				assert.Equal(t, c.want, alProblems(t, again, err2), "LoadPlan is LoadPlanWith with no limits set")
			}
			if len(data) > appraisal.MaxPlanBytes && c.lim.Bytes == 0 {
				assert.Less(t, elapsed, 50*time.Millisecond, "refused by its length, without parsing it")
			}
		})
	}
}

func alWeights(n int) string {
	terms := make([]string, n)
	for i := range terms {
		terms[i] = fmt.Sprintf("k%d 1", i)
	}
	return strings.Join(terms, " + ")
}

func TestLoadPlanFile_issue15_size_limits(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	require.NoError(t, os.WriteFile(big, []byte(alPad(lpPlan, appraisal.MaxPlanBytes+1)), 0o600))
	plan, err := appraisal.LoadPlanFile(big)
	assert.Equal(t, []string{big + " too_long: is 1,048,577 bytes; a plan is at most 1,048,576 bytes (appraisal.MaxPlanBytes)"},
		alProblems(t, plan, err))
	plan, err = appraisal.LoadPlanFileWith(big, appraisal.LoadLimits{Bytes: appraisal.MaxPlanBytes + 1})
	assert.Nil(t, alProblems(t, plan, err))

	// Every shipped plan, and the default plan, is within the limits.
	files, err := filepath.Glob(filepath.Join(lpDir, "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		_, err := appraisal.LoadPlanFile(f)
		assert.NoError(t, err, f)
	}
	def := appraisal.DefaultPlan()
	assert.NoError(t, def.Validate())
}
