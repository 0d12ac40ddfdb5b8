// Command servicelane is servicelane's command line for the people who
// keep a dealership's configuration and database: it checks configuration
// files (price books, appraisal and training plans, reward and penalty
// policies) before they are used, runs a policy's test files, draws the work
// order's workflow, applies the database migrations, runs the month-end, and
// answers a customer's request to see or erase their personal data (R7.2d).
//
//	servicelane pricebook check [-json] FILE...
//	servicelane plan check [-json] FILE...
//	servicelane training check [-json] FILE...
//	servicelane policy check [-json] FILE...
//	servicelane policy test [-json] [-run REGEX] [-min-coverage PCT] [-v] POLICY TESTS...
//	servicelane workflow [-format mermaid|dot] [-express]
//	servicelane migrate [-db FILE | -dsn URL] [-to N] [-status]
//	servicelane monthend [-db FILE | -dsn URL] -month YYYY-MM -dealer ID [-dealer ID...] -actor supervisor:ID [-format text|csv|json]
//	servicelane customer export [-db FILE | -dsn URL] -dealer ID -request REF (-phone P | -email E | -work-order ID | -ref FILE) [-actor admin:ID]
//	servicelane customer erase [-db FILE | -dsn URL] -dealer ID -request REF (-phone P | -email E | -work-order ID | -ref FILE) -reason TEXT [-actor admin:ID]
//
// Exit status: 0 when everything is right, 1 when a file has problems (or
// a policy test fails, or coverage is below -min-coverage, or a dealer's
// month-end or a customer request is refused), 2
// when the command cannot run (bad usage, a file or database it cannot
// open).
//
// A check prints each problem on its own line as "file:line:col: field:
// message (code)", every problem of a file at once; with -json it prints
// one JSON object per file instead:
//
//	{"file":"book.yaml","ok":false,"problems":[{"path":"book.yaml:12:5: labor.rates[2].rate","code":"range","message":"..."}]}
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Exit statuses.
const (
	exitOK      = 0 // everything is right
	exitProblem = 1 // a checked file has problems
	exitUsage   = 2 // the command cannot run
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one "noun verb" of the command line.
type command struct {
	noun, verb string // verb empty: the noun alone
	args       string // what follows the flags, for usage
	what       string
	run        func(args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"pricebook", "check", "[-json] FILE...", "check billing price books (YAML or JSON)", checkCommand(priceBookKind)},
	{"plan", "check", "[-json] FILE...", "check appraisal KPI plans (YAML or JSON)", checkCommand(appraisalPlanKind)},
	{"training", "check", "[-json] FILE...", "check annual training plans (YAML or JSON)", checkCommand(trainingPlanKind)},
	{"policy", "check", "[-json] FILE...", "check reward and penalty policies (YAML or JSON)", checkCommand(policyKind)},
	{"policy", "test", "[-json] [-run REGEX] [-min-coverage PCT] [-v] POLICY TESTS...", "run a policy's test files, with rule coverage", policyTestCommand},
	{"workflow", "", "[-format mermaid|dot] [-express]", "draw the work order's states and commands", workflowCommand},
	{"migrate", "", "[-db FILE | -dsn URL] [-to N] [-status]", "apply (or roll back) the database migrations", migrateCommand},
	{"monthend", "", monthendArgs, "run the month-end of a dealer or a dealer group and print its report", monthendCommand},
	{"customer", "export", customerExportArgs, "print everything a dealer holds about one customer, as JSON (R7.2d)", customerCommand("export")},
	{"customer", "erase", customerEraseArgs, "erase one customer's personal data once their orders have ended (R7.2d)", customerCommand("erase")},
}

// run is the command line without the process: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || slices.Contains([]string{"help", "-h", "-help", "--help"}, args[0]) {
		w := stderr
		if len(args) > 0 {
			w = stdout
		}
		usage(w)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.noun != args[0] {
			continue
		}
		rest := args[1:]
		if c.verb != "" {
			if len(rest) == 0 || rest[0] != c.verb {
				continue
			}
			rest = rest[1:]
		}
		return c.run(rest, stdout, stderr)
	}
	fmt.Fprintf(stderr, "servicelane: unknown command %q\n\n", strings.Join(args[:min(2, len(args))], " "))
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: servicelane COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %s %s\n        %s\n", strings.TrimSpace(c.noun+" "+c.verb), c.args, c.what)
	}
	fmt.Fprintln(w, "\nexit status: 0 all right, 1 problems found, 2 cannot run")
}

// parseArgs parses fs's flags wherever they stand among args, as people
// type them ("policy test POLICY TESTS -min-coverage 100" as well as
// flags first), and returns the other arguments in order. Everything after
// "--" is an argument, even when it starts with a dash.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest, after []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, after = args[:i], args[i+1:]
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(rest, after...), nil
		}
		rest, args = append(rest, args[0]), args[1:]
	}
}

// count is "1 rule", "2 rules".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
