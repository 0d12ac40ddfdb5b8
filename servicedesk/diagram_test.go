package servicedesk

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// update rewrites the golden files and the generated parts of
// docs/WORKFLOW.md: go test ./servicedesk -run Diagram -update
var update = flag.Bool("update", false, "rewrite testdata golden files and the generated parts of docs/WORKFLOW.md")

const workflowDoc = "../docs/WORKFLOW.md"

// golden compares got with testdata/name, or writes it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./servicedesk -run Diagram -update")
	assert.Equal(t, string(want), got, "%s is stale: run go test ./servicedesk -run Diagram -update and review the diff", path)
}

func TestDiagram_golden(t *testing.T) {
	golden(t, "workflow.mmd", Mermaid(Options{}))
	golden(t, "workflow.dot", DOT(Options{}))
}

// TestDiagram_stable: the output depends on the table's content, not on
// the order of its rows or of the states, roles and guards in a row.
func TestDiagram_stable(t *testing.T) {
	for _, opts := range allOptions {
		m, d := Mermaid(opts), DOT(opts)
		assert.Equal(t, m, Mermaid(opts))
		assert.Equal(t, d, DOT(opts))
		r := rand.New(rand.NewPCG(1, 2))
		for range 20 {
			rows := Transitions()
			r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			for i := range rows {
				r.Shuffle(len(rows[i].From), func(a, b int) { rows[i].From[a], rows[i].From[b] = rows[i].From[b], rows[i].From[a] })
				r.Shuffle(len(rows[i].To), func(a, b int) { rows[i].To[a], rows[i].To[b] = rows[i].To[b], rows[i].To[a] })
				r.Shuffle(len(rows[i].Roles), func(a, b int) { rows[i].Roles[a], rows[i].Roles[b] = rows[i].Roles[b], rows[i].Roles[a] })
				r.Shuffle(len(rows[i].Guards), func(a, b int) { rows[i].Guards[a], rows[i].Guards[b] = rows[i].Guards[b], rows[i].Guards[a] })
			}
			require.Equal(t, m, mermaid(rows, opts))
			require.Equal(t, d, dot(rows, opts))
		}
	}
}

// TestDiagram_coversTable: every enabled row is drawn with its command,
// roles, guards and every one of its states; option rows only when on.
func TestDiagram_coversTable(t *testing.T) {
	for _, opts := range allOptions {
		m, d := Mermaid(opts), DOT(opts)
		for _, tr := range Transitions() {
			on := opts.enabled(tr.Option)
			roles := strings.Join(rolesOf(tr), ", ")
			for _, from := range tr.From {
				tos := tr.To
				if len(tos) == 0 {
					tos = []State{from}
				}
				for _, to := range tos {
					dotEdge := fmt.Sprintf("%s -> %s [label=\"%s\\nby %s", dotID(from), dotID(to), tr.Command, roles)
					if tr.Command == CmdNote {
						dotEdge = "in every open state: " + string(tr.Command) + " by " + roles
					}
					assert.Equal(t, on, strings.Contains(d, dotEdge), "DOT, express lane %v: %s", opts.ExpressLane, dotEdge)
					var mmd string
					switch {
					case tr.Command == CmdNote:
						mmd = "in every open state: " + string(tr.Command) + " by " + roles
					case len(tr.To) == 0:
						mmd = "in place: " + string(tr.Command) + " by " + roles
					default:
						mmd = fmt.Sprintf("%s --> %s : %s<br/>by %s", mermaidID(from), mermaidID(to), tr.Command, roles)
					}
					assert.Equal(t, on, strings.Contains(m, mmd), "Mermaid, express lane %v: %s", opts.ExpressLane, mmd)
				}
			}
			for _, g := range tr.Guards {
				if on {
					assert.Contains(t, m, g.Name)
					assert.Contains(t, d, g.Name)
				}
			}
		}
	}
	assert.NotContains(t, Mermaid(Options{}), "express_lane")
	assert.NotContains(t, DOT(Options{}), "express_lane")
	assert.Contains(t, Mermaid(Options{ExpressLane: true}), "approved --> in_progress : start_repair<br/>by supervisor, technician<br/>if R3.2c_booking_needs_an_approved_job<br/>option express_lane")
	assert.Contains(t, DOT(Options{ExpressLane: true}), `"approved" -> "in_progress" [label="start_repair\nby supervisor, technician\nif R3.2c_booking_needs_an_approved_job\noption express_lane", style=dashed];`)
}

// TestDiagram_syntax: Mermaid lines Mermaid can parse (no comment or
// statement marks in labels, notes closed); DOT quotes balanced.
func TestDiagram_syntax(t *testing.T) {
	for _, opts := range allOptions {
		lines := strings.Split(strings.TrimSuffix(Mermaid(opts), "\n"), "\n")
		require.Equal(t, "stateDiagram-v2", lines[0])
		edge := regexp.MustCompile(`^    (\[\*\]|[a-z_]+) --> (\[\*\]|[a-z_]+)( : [^#;]+)?$`)
		desc := regexp.MustCompile(`^    [a-z_]+ : R\d\.\d[a-z]$`)
		inNote := false
		for _, l := range lines[1:] {
			switch {
			case strings.HasPrefix(l, "    note right of "):
				require.False(t, inNote, l)
				inNote = true
			case l == "    end note":
				require.True(t, inNote, l)
				inNote = false
			case inNote:
				assert.Regexp(t, `^        in (place|every open state): [^#;]+$`, l)
			default:
				assert.True(t, edge.MatchString(l) || desc.MatchString(l), "Mermaid line %q", l)
			}
		}
		assert.False(t, inNote)

		d := DOT(opts)
		assert.True(t, strings.HasPrefix(d, "digraph workflow {\n"))
		assert.True(t, strings.HasSuffix(d, "}\n"))
		for _, l := range strings.Split(d, "\n") {
			assert.Zero(t, strings.Count(strings.ReplaceAll(l, `\"`, ""), `"`)%2, "DOT line %q", l)
		}
	}
}

// TestDiagram_dotRenders feeds the DOT output to Graphviz when it is
// installed: it must render without errors or warnings.
func TestDiagram_dotRenders(t *testing.T) {
	bin, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz dot is not installed")
	}
	for _, opts := range allOptions {
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(t.Context(), bin, "-Tsvg")
		cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(DOT(opts)), &stdout, &stderr
		require.NoError(t, cmd.Run(), stderr.String())
		assert.Empty(t, stderr.String())
		assert.Contains(t, stdout.String(), "<svg")
	}
}

func TestDiagram_quoting(t *testing.T) {
	assert.Equal(t, `"a\"b\\c"`, dotQuote(`a"b\c`))
	assert.Equal(t, `"x\ny"`, dotLabel([]string{"x", "y"}))
	assert.Equal(t, "a, b c", mermaidText("a; b# c"))
	assert.Equal(t, `"_new"`, dotID(StateNone))
	assert.Equal(t, "[*]", mermaidID(StateNone))
}

// Markers of the generated parts of docs/WORKFLOW.md.
const (
	beginTable = "<!-- generated by go test ./servicedesk -run Diagram -update: transitions -->\n"
	endTable   = "<!-- end of generated transitions -->\n"
	beginMMD   = "```mermaid\n"
	endMMD     = "```\n"
)

// TestDiagram_workflowDoc keeps docs/WORKFLOW.md in step with the table:
// its mermaid block is Mermaid(Options{}), its transitions table is
// generated from Transitions(), and every state (with its rule), command
// and guard is explained.
func TestDiagram_workflowDoc(t *testing.T) {
	raw, err := os.ReadFile(workflowDoc)
	require.NoError(t, err)
	doc := string(raw)
	if *update {
		doc = replaceBetween(t, doc, beginMMD, endMMD, Mermaid(Options{}))
		doc = replaceBetween(t, doc, beginTable, endTable, transitionsMarkdown())
		require.NoError(t, os.WriteFile(workflowDoc, []byte(doc), 0o644))
	}
	assert.Equal(t, Mermaid(Options{}), between(t, doc, beginMMD, endMMD),
		"the mermaid block of docs/WORKFLOW.md is stale: go test ./servicedesk -run Diagram -update")
	assert.Equal(t, transitionsMarkdown(), between(t, doc, beginTable, endTable),
		"the transitions table of docs/WORKFLOW.md is stale: go test ./servicedesk -run Diagram -update")
	assert.Equal(t, 1, strings.Count(doc, beginMMD), "one mermaid block")

	// The hand-written parts name everything.
	for _, s := range States() {
		rule := ruleOf(s)
		if rule == "" {
			rule = "—"
		}
		assert.Contains(t, doc, fmt.Sprintf("| `%s` | %s |", s, rule), "states table row for %s", s)
	}
	for _, c := range allCommands {
		assert.Contains(t, doc, "### `"+string(c)+"`", "section for command %s", c)
	}
	for _, tr := range Transitions() {
		for _, g := range tr.Guards {
			assert.Contains(t, doc, "- `"+g.Name+"`", "guard %s explained", g.Name)
		}
	}
}

func between(t *testing.T, doc, begin, end string) string {
	t.Helper()
	i := strings.Index(doc, begin)
	require.GreaterOrEqual(t, i, 0, "missing %q", begin)
	rest := doc[i+len(begin):]
	j := strings.Index(rest, end)
	require.GreaterOrEqual(t, j, 0, "missing %q", end)
	return rest[:j]
}

func replaceBetween(t *testing.T, doc, begin, end, with string) string {
	t.Helper()
	old := between(t, doc, begin, end)
	i := strings.Index(doc, begin) + len(begin)
	return doc[:i] + with + doc[i+len(old):]
}

// transitionsMarkdown is the table of docs/WORKFLOW.md: one line per
// row, in table order.
func transitionsMarkdown() string {
	var b strings.Builder
	b.WriteString("| command | from | to | who | guards | option |\n|---|---|---|---|---|---|\n")
	code := func(ss []string) string {
		if len(ss) == 0 {
			return "—"
		}
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = "`" + s + "`"
		}
		return strings.Join(out, ", ")
	}
	states := func(ss []State) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = string(s)
			if s == StateNone {
				out[i] = "(new)"
			}
		}
		return out
	}
	for _, tr := range Transitions() {
		to := code(states(tr.To))
		if len(tr.To) == 0 {
			to = "(unchanged)"
		}
		var guards []string
		for _, g := range tr.Guards {
			guards = append(guards, g.Name)
		}
		var option []string
		if tr.Option != "" {
			option = []string{tr.Option}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", tr.Command, code(states(tr.From)), to,
			strings.Join(rolesOf(tr), ", "), code(guards), code(option))
	}
	return b.String()
}

// rolesOf is a row's roles as sorted strings.
func rolesOf(tr Transition) []string {
	out := make([]string, len(tr.Roles))
	for i, r := range tr.Roles {
		out[i] = string(r)
	}
	slices.Sort(out)
	return out
}
