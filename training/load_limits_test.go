package training_test

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
	"github.com/servicelane/servicelane/training"
)

// tlPad pads text with a comment to exactly size bytes.
func tlPad(text string, size int) string {
	return text + "#" + strings.Repeat("x", size-len(text)-2) + "\n"
}

// tlProblems are the problems of a load, each as "where code: message";
// nil when it loads.
func tlProblems(t *testing.T, plan *training.PlanFile, err error) []string {
	t.Helper()
	if err == nil {
		require.NotNil(t, plan)
		return nil
	}
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve), "%T %v", err, err)
	assert.Equal(t, "training: load plan", ve.Op)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code + ": " + f.Message
	}
	return out
}

// tlCourses is a plan of n courses, written one a line.
func tlCourses(n int) string {
	var b strings.Builder
	b.WriteString("year: 2027\ncourses:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {id: c%d, title: Course %d, category: service_skills, method: online, month: 3, hours: 2, "+
			"target: {role: advisor}, assessment: {kind: practical, pass_mark: 75, excellent: 100, max_attempts: 1, "+
			"retake_window_days: 7, counts: last}}\n", i, i)
	}
	return b.String()
}

func tlNested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// Issue 15: a training plan file is refused before parsing beyond
// MaxPlanBytes, MaxPlanLines or MaxPlanDepth; its courses are bounded.
func TestLoadPlan_issue15_size_limits(t *testing.T) {
	lines := strings.Count(lpYAML, "\n")
	for _, c := range []struct {
		name, file, text string
		lim              training.LoadLimits
		want             []string // nil: loads
	}{{
		name: "1 byte over the size refused before parsing",
		file: "plan.yaml", text: tlPad(lpYAML, training.MaxPlanBytes+1) + "{[",
		want: []string{"plan.yaml too_long: is 1,048,579 bytes; a training plan is at most 1,048,576 bytes (training.MaxPlanBytes)"},
	}, {
		name: "exactly the size accepted",
		file: "plan.yaml", text: tlPad(lpYAML, training.MaxPlanBytes),
	}, {
		name: "too many lines",
		file: "plan.yaml", text: lpYAML + strings.Repeat("\n", training.MaxPlanLines-lines+1),
		want: []string{"plan.yaml:20001 too_long: has 20,001 lines; a training plan has at most 20,000 lines (training.MaxPlanLines)"},
	}, {
		name: "exactly the lines accepted",
		file: "plan.yaml", text: lpYAML + strings.Repeat("\n", training.MaxPlanLines-lines),
	}, {
		name: "too deep JSON",
		file: "plan.json", text: strings.Replace(lpJSON, `"year": 2027,`, `"year": 2027, "x": `+tlNested(32)+`,`, 1),
		want: []string{"plan.json:2:53 out_of_range: nests 33 levels deep; a training plan nests at most 32 levels (training.MaxPlanDepth)"},
	}, {
		name: "too deep YAML",
		file: "plan.yaml", text: lpYAML + "x: " + tlNested(32) + "\n",
		want: []string{"plan.yaml:27:35 out_of_range: nests 33 levels deep; a training plan nests at most 32 levels (training.MaxPlanDepth)"},
	}, {
		name: "a course ID of 65 characters refused",
		file: "plan.yaml", text: strings.Replace(lpYAML, "id: talk", "id: "+strings.Repeat("t", 65), 1),
		want: []string{"plan.yaml:13:5: courses[1].id too_long: must have at most 64 characters"},
	}, {
		name: "too many courses, not checked one by one",
		file: "plan.yaml", text: strings.ReplaceAll(tlCourses(training.MaxPlanCourses+1), "hours: 2", "hours: 0"),
		want: []string{"plan.yaml:2:1: courses too_long: must have at most 200 items"},
	}, {
		name: "the most courses accepted",
		file: "plan.yaml", text: tlCourses(training.MaxPlanCourses),
	}, {
		name: "raised size accepts",
		file: "plan.yaml", text: tlPad(lpYAML, training.MaxPlanBytes+1),
		lim: training.LoadLimits{Bytes: training.MaxPlanBytes + 1},
	}, {
		name: "a limit set by the host is named",
		file: "plan.yaml", text: lpYAML,
		lim:  training.LoadLimits{Depth: 3},
		want: []string{"plan.yaml:10:13 out_of_range: nests 4 levels deep; a training plan nests at most 3 levels (training.LoadLimits.Depth)"},
	}, {
		name: "exactly a depth set by the host accepted",
		file: "plan.yaml", text: lpYAML,
		lim: training.LoadLimits{Depth: 4},
	}} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.text)
			start := time.Now()
			plan, err := training.LoadPlanWith(c.file, data, c.lim)
			elapsed := time.Since(start)
			assert.Equal(t, c.want, tlProblems(t, plan, err))
			if c.lim == (training.LoadLimits{}) {
				again, err2 := training.LoadPlan(c.file, data)
				assert.Equal(t, c.want, tlProblems(t, again, err2), "LoadPlan is LoadPlanWith with no limits set")
			}
			if len(data) > training.MaxPlanBytes && c.lim.Bytes == 0 {
				assert.Less(t, elapsed, 50*time.Millisecond, "refused by its length, without parsing it")
			}
		})
	}
}

func TestLoadPlanFile_issue15_size_limits(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	require.NoError(t, os.WriteFile(big, []byte(tlPad(lpYAML, training.MaxPlanBytes+1)), 0o600))
	plan, err := training.LoadPlanFile(big)
	assert.Equal(t, []string{big + " too_long: is 1,048,577 bytes; a training plan is at most 1,048,576 bytes (training.MaxPlanBytes)"},
		tlProblems(t, plan, err))
	plan, err = training.LoadPlanFileWith(big, training.LoadLimits{Bytes: training.MaxPlanBytes + 1})
	assert.Nil(t, tlProblems(t, plan, err))

	// Every shipped plan is within the limits.
	for _, f := range []string{"testdata/plan.yaml", "testdata/plan.json", "../examples/quickstart/trainingplan.yaml"} {
		_, err := training.LoadPlanFile(f)
		assert.NoError(t, err, f)
	}
}
