package servicedesk

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// stateRules names the rule each state stands for; closed and cancelled
// are bookkeeping and cite none.
var stateRules = map[State]string{
	StateReceived:   "R3.1c",
	StateInspected:  "R3.1d",
	StateDiagnosed:  "R3.2a",
	StateEstimated:  "R3.2b",
	StateApproved:   "R3.2c",
	StateBooked:     "R3.2c",
	StateInProgress: "R3.3a",
	StatePaused:     "R3.3a",
	StateRepaired:   "R3.3c",
	StatePassed:     "R3.3c",
	StateReady:      "R3.3d",
	StateSettled:    "R3.4d",
	StateDelivered:  "R3.4e",
}

// ruleOf returns the rule ID a state stands for ("R3.2c"), or "" for the
// bookkeeping states (closed, cancelled) and StateNone.
func ruleOf(s State) string { return stateRules[s] }

// Mermaid draws the transition table as a Mermaid stateDiagram-v2, for
// Markdown that renders it (docs/WORKFLOW.md, GitHub, GitLab).
//
// The drawing is the table as opts enables it:
//   - one edge per (from, to, row), labelled with the command, the roles
//     that may give it ("by ...") and the guard names ("if ...");
//   - rows whose Option opts does not enable are left out; enabled option
//     rows carry an "option ..." line;
//   - a row that leaves the state unchanged (To is nil: propose_supplement,
//     complete_job, ...) is not an edge but a line of the note on its state
//     ("in place: ..."); such a row allowed in every open state (add_note)
//     is one line of the note on the first state ("in every open state:
//     ...") instead of a line on each;
//   - a row whose To names its own From (estimate, diagnose, reschedule,
//     an approval with every job declined) is a self-loop edge.
//
// The output is sorted (states in workflow order, then command; roles and
// guards by name), so the same table always gives the same bytes: it is
// checked against testdata/workflow.mmd.
func Mermaid(opts Options) string { return mermaid(table, opts) }

// DOT draws the transition table as a Graphviz digraph ("dot -Tsvg").
// Edges are as in [Mermaid], except that rows leaving the state unchanged
// are drawn as dotted self-loops (those allowed in every open state are
// listed once, in the graph's label) and enabled option rows as dashed
// edges; terminal states have a double border. The output is sorted and
// stable: it is checked against testdata/workflow.dot.
func DOT(opts Options) string { return dot(table, opts) }

// diagramEdge is one drawn transition.
type diagramEdge struct {
	from, to State
	cmd      Command
	roles    []string
	guards   []string
	option   string
	inPlace  bool // To is nil: the command leaves the state as it is
	row      int
}

// diagramEdges lists the edges of rows enabled by opts, sorted.
func diagramEdges(rows []Transition, opts Options) []diagramEdge {
	var out []diagramEdge
	for i, t := range rows {
		if !opts.enabled(t.Option) {
			continue
		}
		roles := make([]string, len(t.Roles))
		for k, r := range t.Roles {
			roles[k] = string(r)
		}
		slices.Sort(roles)
		roles = slices.Compact(roles)
		guards := make([]string, len(t.Guards))
		for k, g := range t.Guards {
			guards[k] = g.Name
		}
		slices.Sort(guards)
		guards = slices.Compact(guards)
		for _, from := range t.From {
			if len(t.To) == 0 {
				out = append(out, diagramEdge{from: from, to: from, cmd: t.Command, roles: roles, guards: guards, option: t.Option, inPlace: true, row: i})
				continue
			}
			for _, to := range t.To {
				out = append(out, diagramEdge{from: from, to: to, cmd: t.Command, roles: roles, guards: guards, option: t.Option, row: i})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b diagramEdge) int {
		return cmp.Or(cmp.Compare(stateOrder(a.from), stateOrder(b.from)), cmp.Compare(stateOrder(a.to), stateOrder(b.to)),
			cmp.Compare(a.cmd, b.cmd), boolOrder(a.inPlace, b.inPlace), cmp.Compare(a.option, b.option),
			slices.Compare(a.roles, b.roles), slices.Compare(a.guards, b.guards))
	})
	// Two rows drawing the same edge (same from, to, command, roles,
	// guards, option) are one edge.
	return slices.CompactFunc(out, func(a, b diagramEdge) bool {
		return a.from == b.from && a.to == b.to && a.cmd == b.cmd && a.option == b.option && a.inPlace == b.inPlace &&
			slices.Equal(a.roles, b.roles) && slices.Equal(a.guards, b.guards)
	})
}

// stateOrder sorts states in workflow order; unknown states go last, by name.
func stateOrder(s State) int {
	if s == StateNone {
		return -1
	}
	if i := slices.Index(States(), s); i >= 0 {
		return i
	}
	return len(States())
}

// diagramStates lists the states the edges touch, in workflow order.
func diagramStates(edges []diagramEdge) []State {
	var ss []State
	for _, e := range edges {
		for _, s := range []State{e.from, e.to} {
			if s != StateNone && !slices.Contains(ss, s) {
				ss = append(ss, s)
			}
		}
	}
	slices.SortFunc(ss, func(a, b State) int { return cmp.Or(cmp.Compare(stateOrder(a), stateOrder(b)), cmp.Compare(a, b)) })
	return ss
}

// labelLines are the lines of an edge's label: command, roles, guards,
// option.
func (e diagramEdge) labelLines() []string {
	lines := []string{string(e.cmd)}
	if len(e.roles) > 0 {
		lines = append(lines, "by "+strings.Join(e.roles, ", "))
	}
	for _, g := range e.guards {
		lines = append(lines, "if "+g)
	}
	if e.option != "" {
		lines = append(lines, "option "+e.option)
	}
	return lines
}

// inlineLabel is the label on one line: "add_note by advisor, ... if R...".
func (e diagramEdge) inlineLabel() string { return strings.Join(e.labelLines(), " ") }

// splitInPlace parts the in-place edges: those of a row that applies in
// every open (non-terminal) state of the drawing are returned once each in
// everywhere (from set to StateNone); the others, per state, in inPlace.
func splitInPlace(edges []diagramEdge, states []State) (everywhere, inPlace []diagramEdge) {
	var open []State
	for _, s := range states {
		if !s.Terminal() {
			open = append(open, s)
		}
	}
	byRow := map[int][]State{}
	for _, e := range edges {
		if e.inPlace {
			byRow[e.row] = append(byRow[e.row], e.from)
		}
	}
	for _, e := range edges {
		if !e.inPlace {
			continue
		}
		if covers(byRow[e.row], open) {
			if !slices.ContainsFunc(everywhere, func(x diagramEdge) bool { return x.row == e.row }) {
				e.from, e.to = StateNone, StateNone
				everywhere = append(everywhere, e)
			}
			continue
		}
		inPlace = append(inPlace, e)
	}
	slices.SortStableFunc(everywhere, func(a, b diagramEdge) int { return cmp.Compare(a.inlineLabel(), b.inlineLabel()) })
	return everywhere, inPlace
}

func covers(have, want []State) bool {
	if len(want) < 2 {
		return false
	}
	for _, s := range want {
		if !slices.Contains(have, s) {
			return false
		}
	}
	return true
}

func mermaid(rows []Transition, opts Options) string {
	edges := diagramEdges(rows, opts)
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	states := diagramStates(edges)
	for _, s := range states {
		if r := ruleOf(s); r != "" {
			fmt.Fprintf(&b, "    %s : %s\n", mermaidID(s), r)
		}
	}
	for _, e := range edges {
		if e.inPlace {
			continue
		}
		fmt.Fprintf(&b, "    %s --> %s : %s\n", mermaidID(e.from), mermaidID(e.to), mermaidText(strings.Join(e.labelLines(), "<br/>")))
	}
	for _, s := range states {
		if s.Terminal() {
			fmt.Fprintf(&b, "    %s --> [*]\n", mermaidID(s))
		}
	}
	everywhere, inPlace := splitInPlace(edges, states)
	for i, s := range states {
		var lines []string
		if i == 0 {
			for _, e := range everywhere {
				lines = append(lines, "in every open state: "+e.inlineLabel())
			}
		}
		for _, e := range inPlace {
			if e.from == s {
				lines = append(lines, "in place: "+e.inlineLabel())
			}
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "    note right of %s\n", mermaidID(s))
		for _, l := range lines {
			fmt.Fprintf(&b, "        %s\n", mermaidText(l))
		}
		b.WriteString("    end note\n")
	}
	return b.String()
}

// mermaidID is a state's identifier in Mermaid: the start is [*].
func mermaidID(s State) string {
	if s == StateNone {
		return "[*]"
	}
	return string(s)
}

// mermaidText drops what Mermaid reads as a comment or a statement end.
func mermaidText(s string) string {
	return strings.NewReplacer("#", "", ";", ",", "\n", " ").Replace(s)
}

func dot(rows []Transition, opts Options) string {
	edges := diagramEdges(rows, opts)
	var b strings.Builder
	b.WriteString("digraph workflow {\n")
	b.WriteString("\tnode [shape=box, style=rounded, fontname=\"Helvetica\"];\n")
	b.WriteString("\tedge [fontname=\"Helvetica\", fontsize=10];\n")
	if slices.ContainsFunc(edges, func(e diagramEdge) bool { return e.from == StateNone }) {
		fmt.Fprintf(&b, "\t%s [shape=point, label=\"\"];\n", dotID(StateNone))
	}
	for _, s := range diagramStates(edges) {
		attrs := []string{"label=" + dotLabel([]string{string(s), ruleOf(s)})}
		if ruleOf(s) == "" {
			attrs[0] = "label=" + dotLabel([]string{string(s)})
		}
		if s.Terminal() {
			attrs = append(attrs, "peripheries=2")
		}
		fmt.Fprintf(&b, "\t%s [%s];\n", dotID(s), strings.Join(attrs, ", "))
	}
	everywhere, inPlace := splitInPlace(edges, diagramStates(edges))
	if len(everywhere) > 0 {
		lines := make([]string, len(everywhere))
		for i, e := range everywhere {
			lines[i] = "in every open state: " + e.inlineLabel()
		}
		fmt.Fprintf(&b, "\tlabel=%s;\n\tlabelloc=b;\n", dotLabel(lines))
	}
	for _, e := range edges {
		if e.inPlace && !slices.ContainsFunc(inPlace, func(x diagramEdge) bool { return x.row == e.row && x.from == e.from }) {
			continue
		}
		attrs := []string{"label=" + dotLabel(e.labelLines())}
		switch {
		case e.inPlace:
			attrs = append(attrs, "style=dotted")
		case e.option != "":
			attrs = append(attrs, "style=dashed")
		}
		fmt.Fprintf(&b, "\t%s -> %s [%s];\n", dotID(e.from), dotID(e.to), strings.Join(attrs, ", "))
	}
	b.WriteString("}\n")
	return b.String()
}

// dotID quotes a state as a DOT identifier; the start is "_new".
func dotID(s State) string {
	if s == StateNone {
		return `"_new"`
	}
	return dotQuote(string(s))
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ").Replace(s) + `"`
}

// dotLabel joins lines into one quoted DOT label, one line per line.
func dotLabel(lines []string) string {
	quoted := make([]string, len(lines))
	for i, l := range lines {
		q := dotQuote(l)
		quoted[i] = q[1 : len(q)-1]
	}
	return `"` + strings.Join(quoted, `\n`) + `"`
}

func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
