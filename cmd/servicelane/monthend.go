package main

// The month-end command: a dealer's month-end (monthend.Service.Run), or a
// dealer group's (monthend.Service.RunGroup), on the host's database.
//
//	servicelane monthend [-db FILE | -dsn URL] -month YYYY-MM -dealer ID [-dealer ID...] -actor supervisor:ID
//	                     [-through rated|scored|finalized|evaluated] [-format text|csv|json] [-lang en|zh-Hant] [-concurrency N]
//
// One -dealer runs that dealer's month-end; several (repeated, or
// comma-separated) run the group's, -concurrency dealers at a time, with a
// progress line on stderr after each dealer ("3/200 dealers, 75 advisors,
// 1.2s") and a summary line at the end. -actor is the service advisor
// department's supervisor (R2.2, R6.2) and is used at every dealer of the
// group: "supervisor:lin" runs each dealer's month-end as its employee
// "lin", so a dealer whose supervisor has another ID fails (forbidden)
// and the others go on. -all is refused (exit 2): org.Store cannot list a
// database's dealers, so each is named.
//
// The reports go to stdout: -format text is each report as Report.Text in
// -lang; csv is Report.WriteCSV, one header for the whole group; json is
// the Report of one dealer, or the GroupReport of several (reports,
// failures with their problems, summary). Failures go to stderr, each
// with its problem in -lang (with json, a failing single dealer is also
// {"dealer":..., "problem":...} on stdout).
//
// The database must hold servicelane's schema: an empty one (a mistyped
// path or DSN) is refused; pending migrations are applied, as a host does
// on start (sqlstore.Store.Migrate); the services are wired by
// internal/wire, as in every program of the module. Exit status: 0 when every dealer's
// month-end ran, 1 when any failed, 2 when the command cannot run (bad
// usage, a database it cannot open).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/servicelane/servicelane/internal/wire"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// monthendArgs is what follows "monthend" in the usage text.
const monthendArgs = "[-db FILE | -dsn URL] -month YYYY-MM -dealer ID [-dealer ID...] -actor supervisor:ID " +
	"[-through rated|scored|finalized|evaluated] [-format text|csv|json] [-lang en|zh-Hant] [-concurrency N]"

// dealerList is the repeatable -dealer flag; a value may also list
// dealers separated by commas (a dealer ID has none).
type dealerList []org.DealerID

func (l *dealerList) String() string {
	if l == nil {
		return ""
	}
	var s []string
	for _, d := range *l {
		s = append(s, string(d))
	}
	return strings.Join(s, ",")
}

func (l *dealerList) Set(v string) error {
	for d := range strings.SplitSeq(v, ",") {
		if d = strings.TrimSpace(d); d == "" {
			return errors.New("empty dealer ID")
		}
		*l = append(*l, org.DealerID(d))
	}
	return nil
}

// monthendFlags is the command line of monthend, parsed and checked.
type monthendFlags struct {
	db, dsn     string
	month       org.Month
	dealers     []org.DealerID
	actor       org.Actor
	through     monthend.Step
	format      string
	lang        org.Lang
	concurrency int
}

func parseMonthendFlags(args []string, stderr io.Writer) (monthendFlags, bool) {
	var f monthendFlags
	var dealers dealerList
	fs := flag.NewFlagSet("monthend", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.db, "db", "", "SQLite database file (migrated: servicelane migrate -db FILE)")
	fs.StringVar(&f.dsn, "dsn", "", "PostgreSQL connection URL (postgres://...)")
	month := fs.String("month", "", "the month, YYYY-MM (required)")
	fs.Var(&dealers, "dealer", "a dealer's ID; repeat it (or separate IDs by commas) for a dealer group (required)")
	all := fs.Bool("all", false, "not available: the store cannot list its dealers; name each with -dealer")
	actor := fs.String("actor", "", `the service advisor department's supervisor, "supervisor:ID", at every dealer (required)`)
	through := fs.String("through", string(monthend.StepEvaluated), "the last step to run: rated, scored (leaves the calibration window open), finalized or evaluated")
	fs.StringVar(&f.format, "format", "text", "text, csv or json")
	lang := fs.String("lang", string(org.English), "language of the text report and of the problems: en or zh-Hant")
	fs.IntVar(&f.concurrency, "concurrency", 4, "dealers of a group run at once")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return f, false
	}
	bad := func(format string, a ...any) (monthendFlags, bool) {
		fmt.Fprintf(stderr, "servicelane: monthend: "+format+"\n", a...)
		return f, false
	}
	switch {
	case len(rest) > 0:
		return bad("unexpected arguments %q", rest)
	case (f.db == "") == (f.dsn == ""):
		return bad("give exactly one of -db FILE or -dsn URL")
	case *all:
		return bad("-all is not available: org.Store cannot list a database's dealers; name each dealer with -dealer")
	case len(dealers) == 0:
		return bad("name the dealer with -dealer ID (repeat it for a dealer group)")
	case *month == "":
		return bad("-month YYYY-MM is required")
	case *actor == "":
		return bad(`-actor supervisor:ID is required: the service advisor department's supervisor runs the month-end`)
	}
	if f.month, err = org.ParseMonth(*month); err != nil {
		return bad("-month is YYYY-MM, not %q", *month)
	}
	if f.actor, err = org.ParseActor(*actor); err != nil || f.actor.Role != org.RoleSupervisor {
		return bad(`-actor is "supervisor:ID", not %q: the service advisor department's supervisor runs the month-end (R2.2)`, *actor)
	}
	f.through = monthend.Step(*through)
	if !slices.Contains(monthend.Steps(), f.through) {
		return bad("-through is rated, scored, finalized or evaluated, not %q", *through)
	}
	if !slices.Contains([]string{"text", "csv", "json"}, f.format) {
		return bad("-format is text, csv or json, not %q", f.format)
	}
	f.lang = org.Lang(*lang)
	if !slices.Contains(org.Langs(), f.lang) {
		return bad("-lang is en or zh-Hant, not %q", *lang)
	}
	if f.concurrency < 1 {
		return bad("-concurrency is at least 1, not %d", f.concurrency)
	}
	seen := map[org.DealerID]bool{}
	for _, d := range dealers {
		if seen[d] {
			return bad("dealer %s is named twice", d)
		}
		seen[d] = true
	}
	f.dealers = dealers
	return f, true
}

// monthendCommand runs the month-end of one dealer or of a dealer group.
func monthendCommand(args []string, stdout, stderr io.Writer) int {
	f, ok := parseMonthendFlags(args, stderr)
	if !ok {
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	store, closeDB, err := openMigrated(ctx, f.db, f.dsn)
	if err != nil {
		fmt.Fprintf(stderr, "servicelane: monthend: %v\n", err)
		return exitUsage
	}
	defer closeDB()
	svc, err := wire.New(store, wire.Options{Clock: org.SystemClock()})
	if err != nil {
		fmt.Fprintf(stderr, "servicelane: monthend: %v\n", err)
		return exitUsage
	}
	me := svc.MonthEnd
	in := monthend.RunInput{Month: f.month, Through: f.through}
	if len(f.dealers) == 1 {
		return monthendOne(ctx, me, f, in, stdout, stderr)
	}
	return monthendGroup(ctx, me, f, in, stdout, stderr)
}

// monthendOne runs one dealer's month-end (monthend.Service.Run).
func monthendOne(ctx context.Context, me *monthend.Service, f monthendFlags, in monthend.RunInput, stdout, stderr io.Writer) int {
	rep, err := me.Run(ctx, f.dealers[0], f.actor, in)
	if err != nil {
		fail := monthend.Failure{Dealer: f.dealers[0], Problem: org.ProblemOf(err, f.lang), Err: err}
		printFailure(stderr, fail)
		if f.format == "json" {
			_ = writeJSON(stdout, fail)
		}
		return exitProblem
	}
	switch f.format {
	case "csv":
		err = rep.WriteCSV(stdout)
	case "json":
		err = writeJSON(stdout, rep)
	default:
		_, err = io.WriteString(stdout, rep.Text(f.lang))
	}
	if err != nil {
		fmt.Fprintf(stderr, "servicelane: monthend: %v\n", err)
		return exitUsage
	}
	return exitOK
}

// monthendGroup runs a dealer group's month-end (monthend.Service.RunGroup),
// every dealer as f.actor.
func monthendGroup(ctx context.Context, me *monthend.Service, f monthendFlags, in monthend.RunInput, stdout, stderr io.Writer) int {
	runs := make([]monthend.DealerRun, len(f.dealers))
	for i, d := range f.dealers {
		runs[i] = monthend.DealerRun{Dealer: d, Actor: f.actor}
	}
	progress := func(p monthend.Progress) {
		failed := ""
		if p.Failed > 0 {
			failed = fmt.Sprintf(" (%d failed)", p.Failed)
		}
		fmt.Fprintf(stderr, "%d/%d dealers%s, %d advisors, %s\n", p.Done, p.Dealers, failed, p.Advisors, roundDuration(p.Elapsed))
	}
	g, err := me.RunGroup(ctx, runs, in, monthend.GroupOptions{Concurrency: f.concurrency, Progress: progress})
	if err != nil {
		fmt.Fprintf(stderr, "servicelane: monthend: %v\n", err)
		return exitUsage
	}
	for i, fl := range g.Failures {
		if fl.Err != nil {
			g.Failures[i].Problem = org.ProblemOf(fl.Err, f.lang)
		}
	}
	switch f.format {
	case "csv":
		err = writeGroupCSV(stdout, g.Reports)
	case "json":
		err = writeJSON(stdout, g)
	default:
		for i, r := range g.Reports {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			if _, err = io.WriteString(stdout, r.Text(f.lang)); err != nil {
				break
			}
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "servicelane: monthend: %v\n", err)
		return exitUsage
	}
	for _, fl := range g.Failures {
		printFailure(stderr, fl)
	}
	s := g.Summary
	fmt.Fprintf(stderr, "monthend %s: %d dealers, %d failed, %d advisors, %d scored, %d failing, %d decisions, %d warnings, %s\n",
		g.Month, s.Dealers, s.Failed, s.Advisors, s.Scored, s.Failing, s.Decisions, s.Warnings, roundDuration(g.Elapsed))
	if len(g.Failures) > 0 {
		return exitProblem
	}
	return exitOK
}

// roundDuration is d to a tenth of a second ("1.2s"), or to the
// millisecond under a second.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

// printFailure writes a dealer's failure: its problem, each blocker and
// field on its own line and, where the problem is generic (forbidden, not
// found, internal), the error itself: whoever runs this command owns the
// database, and the error says why.
func printFailure(w io.Writer, fl monthend.Failure) {
	p := fl.Problem
	fmt.Fprintf(w, "servicelane: monthend: dealer %s: %s (%d %s)", fl.Dealer, p.Title, p.Status, p.Code)
	if p.Detail != "" {
		fmt.Fprintf(w, ": %s", p.Detail)
	}
	fmt.Fprintln(w)
	for _, b := range p.Blockers {
		fmt.Fprintf(w, "    %s: %s\n", b.Rule, b.Message)
	}
	for _, pf := range p.Fields {
		fmt.Fprintf(w, "    %s: %s (%s)\n", pf.Path, pf.Message, pf.Code)
	}
	if fl.Err != nil && slices.Contains([]string{org.ProblemForbidden, org.ProblemNotFound, org.ProblemInternal, org.ProblemUnavailable}, p.Code) && len(p.Blockers) == 0 {
		fmt.Fprintf(w, "    error: %v\n", fl.Err)
	}
}

// writeGroupCSV writes the reports as one CSV: Report.WriteCSV's header
// once, then every dealer's rows (each row names its dealer).
func writeGroupCSV(w io.Writer, reports []monthend.Report) error {
	if len(reports) == 0 {
		return monthend.Report{}.WriteCSV(w) // the header alone
	}
	for i, r := range reports {
		var buf bytes.Buffer
		if err := r.WriteCSV(&buf); err != nil {
			return err
		}
		b := buf.Bytes()
		if i > 0 {
			_, b, _ = bytes.Cut(b, []byte("\n")) // the header has no quoted newline
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// openMigrated opens the SQLite file path or the PostgreSQL database dsn
// (one of them is set) as the programs of the module do (wire.Open),
// refuses a database without servicelane's schema, and applies any
// migration it lacks.
func openMigrated(ctx context.Context, path, dsn string) (*sqlstore.Store, func(), error) {
	if dsn == "" {
		if _, err := os.Stat(path); err != nil {
			// Opening a file that is not there would create an empty database.
			return nil, nil, fmt.Errorf("%w (create it with servicelane migrate -db %s)", err, path)
		}
	}
	db, dialect, where, err := wire.Open(path, dsn, "")
	if err != nil {
		return nil, nil, err
	}
	s, err := sqlstore.New(db, dialect)
	if err == nil {
		err = checkSchema(ctx, s, where)
	}
	if err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	return s, func() { _ = db.Close() }, nil
}

func checkSchema(ctx context.Context, s *sqlstore.Store, name string) error {
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v == 0 {
		return fmt.Errorf("%s has no servicelane schema: is it the right database? Migrate it first (servicelane migrate)", name)
	}
	return s.Migrate(ctx)
}
