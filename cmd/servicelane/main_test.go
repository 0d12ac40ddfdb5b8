package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/servicedesk"
)

// cli runs the command line and returns its exit status and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		code    int
		stdout  string
		stderr  string
		noWrite bool
	}{
		{name: "no command", args: nil, code: exitUsage, stderr: "usage: servicelane COMMAND"},
		{name: "help", args: []string{"help"}, code: exitOK, stdout: "pricebook check"},
		{name: "unknown noun", args: []string{"frobnicate"}, code: exitUsage, stderr: `unknown command "frobnicate"`},
		{name: "unknown verb", args: []string{"pricebook", "lint", "x"}, code: exitUsage, stderr: `unknown command "pricebook lint"`},
		{name: "check without files", args: []string{"pricebook", "check"}, code: exitUsage, stderr: "name the price book files"},
		{name: "bad flag", args: []string{"plan", "check", "-nope", "x"}, code: exitUsage, stderr: "flag provided but not defined"},
		{name: "missing file", args: []string{"pricebook", "check", "no/such/book.yaml"}, code: exitUsage, stderr: "no such file"},
		{name: "workflow format", args: []string{"workflow", "-format", "svg"}, code: exitUsage, stderr: "mermaid or dot"},
		{name: "workflow args", args: []string{"workflow", "extra"}, code: exitUsage, stderr: "unexpected arguments"},
		{name: "migrate needs one database", args: []string{"migrate"}, code: exitUsage, stderr: "exactly one of -db FILE or -dsn URL"},
		{name: "migrate not both", args: []string{"migrate", "-db", "x.db", "-dsn", "postgres://x"}, code: exitUsage, stderr: "exactly one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := cli(t, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stdout, tt.stdout)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

func TestCheckPriceBooks(t *testing.T) {
	t.Parallel()
	good := filepath.Join("..", "..", "billing", "testdata", "pricebooks", "taipei.yaml")
	code, stdout, stderr := cli(t, "pricebook", "check", good)
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, good+": ok: price book 2026-11 in TWD: 3 labor rates, 2 fees, 1 coupons\n", stdout)

	bad := writeFile(t, "bad.yaml", "version: \"\"\ncurrency: TWD\nscale: -1\nsurprise: 1\n")
	code, stdout, _ = cli(t, "pricebook", "check", good, bad)
	assert.Equal(t, exitProblem, code, "one bad file fails the check")
	assert.Contains(t, stdout, good+": ok")
	assert.Contains(t, stdout, bad+":4:1: surprise: ")
	assert.Contains(t, stdout, bad+":3:1: scale: must be between 0 and 4 decimal places (out_of_range)")
	assert.Regexp(t, `bad\.yaml: \d+ problems\n$`, stdout)
}

func TestCheckJSON(t *testing.T) {
	t.Parallel()
	good := filepath.Join("..", "..", "appraisal", "testdata", "plans", "default.yaml")
	bad := writeFile(t, "plan.json", `{"version": "x", "kpis": [{"code": "a", "weight": "50"}]}`)
	code, stdout, _ := cli(t, "plan", "check", "-json", good, bad)
	require.Equal(t, exitProblem, code)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 2, "one JSON object per file")
	var ok, notOK fileReport
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &ok))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &notOK))
	assert.True(t, ok.OK)
	assert.Equal(t, "appraisal plan default-2026: 5 KPIs", ok.Summary)
	assert.Empty(t, ok.Problems)
	assert.False(t, notOK.OK)
	require.NotEmpty(t, notOK.Problems)
	for _, p := range notOK.Problems {
		assert.True(t, strings.HasPrefix(p.Where(), bad+":"), "path %q names the file", p.Where())
		assert.NotEmpty(t, p.Code)
		assert.NotEmpty(t, p.Message)
	}
}

func TestWorkflow(t *testing.T) {
	t.Parallel()
	code, stdout, _ := cli(t, "workflow")
	require.Equal(t, exitOK, code)
	assert.Equal(t, servicedesk.Mermaid(servicedesk.Options{}), stdout)
	code, stdout, _ = cli(t, "workflow", "-format", "dot", "-express")
	require.Equal(t, exitOK, code)
	assert.Equal(t, servicedesk.DOT(servicedesk.Options{ExpressLane: true}), stdout)
}

func TestMigrateSQLite(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "lane.db")
	code, stdout, stderr := cli(t, "migrate", "-db", db, "-status")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "sqlite schema at version 0\n", stdout)

	code, stdout, stderr = cli(t, "migrate", "-db", db)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^sqlite schema from version 0 to [1-9]\d*\n$`, stdout)
	code, stdout, _ = cli(t, "migrate", "-db", db)
	require.Equal(t, exitOK, code)
	assert.Regexp(t, `^sqlite schema at version [1-9]\d*\n$`, stdout, "a second run changes nothing")

	code, stdout, _ = cli(t, "migrate", "-db", db, "-to", "1")
	require.Equal(t, exitOK, code)
	assert.Regexp(t, `^sqlite schema from version \d+ to 1\n$`, stdout)
	code, _, stderr = cli(t, "migrate", "-db", db, "-to", "99")
	assert.Equal(t, exitUsage, code, "rolling forward with -to is refused")
	assert.Contains(t, stderr, "servicelane: migrate:")
}

func TestMigratePostgres(t *testing.T) {
	t.Parallel()
	dsn := testdb.PostgresDSN(t)
	code, stdout, stderr := cli(t, "migrate", "-dsn", dsn)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^postgres schema from version 0 to [1-9]\d*\n$`, stdout)
	code, stdout, _ = cli(t, "migrate", "-dsn", dsn, "-to", "0")
	require.Equal(t, exitOK, code)
	assert.Regexp(t, `^postgres schema from version \d+ to 0\n$`, stdout)
}

func TestCheckTrainingPlans(t *testing.T) {
	t.Parallel()
	good := filepath.Join("..", "..", "examples", "quickstart", "trainingplan.yaml")
	code, stdout, stderr := cli(t, "training", "check", good)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, good+": ok: training plan 2026: 3 courses, 2 mandatory\n", stdout)
	bad := writeFile(t, "plan.yaml", "year: 2026\ncourses:\n  - id: x\n    title: X\n    category: sales\n")
	code, stdout, _ = cli(t, "training", "check", bad)
	require.Equal(t, exitProblem, code)
	assert.Contains(t, stdout, bad+":5:5: courses[0].category: must be one of: professional_knowledge service_skills company_rules (unknown_value)")
}

// TestFlagsAnywhere: flags may follow the files, as people type them, and
// "--" ends the flags.
func TestFlagsAnywhere(t *testing.T) {
	t.Parallel()
	good := filepath.Join("..", "..", "appraisal", "testdata", "plans", "default.yaml")
	code, stdout, _ := cli(t, "plan", "check", good, "-json")
	require.Equal(t, exitOK, code)
	assert.True(t, strings.HasPrefix(stdout, `{"file":`), "the -json after the file counts: %s", stdout)
	code, _, stderr := cli(t, "plan", "check", "--", "-json")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "open -json", "after -- a dash is a file name")
	code, _, stderr = cli(t, "workflow", "-format", "dot", "extra")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unexpected arguments ["extra"]`)
}
