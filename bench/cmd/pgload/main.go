// Command pgload is issue 16's PostgreSQL load: W writers (16) give
// realistic commands for a while (30 s) to one dealer, then to 16 dealers,
// through the services wired on sqlstore, as a host does. It measures each
// command's latency and, after the run, checks that no update was lost,
// that each dealer's audit trail has Seq 1..N and that its invoice numbers
// have no gap.
//
//	go run ./cmd/pgload [-dsn URL] [-writers 16] [-mode both|one|many] [-dealers N] [-duration 30s]
//	                    [-floor 4] [-ready 8] [-fsync=true] [-keep] [-seed N] [-pricebook FILE]
//
// Without -dsn it starts a throwaway PostgreSQL cluster (the newest under
// /usr/lib/postgresql/*/bin; as the postgres user when run as root) in a
// temporary directory, on a free port of 127.0.0.1, and stops and removes
// it at exit, also on ^C. With -dsn it uses that server's database. Each
// mode runs in a new schema of the database, dropped at the end unless
// -keep.
//
// Seeding (not measured): each dealer gets a supervisor, four advisors, a
// technician per writer and the active price book of
// billing/testdata/pricebooks/taipei.yaml; each writer drives -floor orders
// to in repair (its floor orders) and -ready orders to ready for pickup.
//
// The mix, per command of a writer: 50% add a note to any floor order of
// its dealer (every writer of the dealer contends on them; no expected
// version), 20% pause or resume one of its own floor orders (no expected
// version: notes race with it), 30% its lane: settle a ready order through
// SettleBill (an invoice is issued; the latency includes the bill's
// preview before it), else move its lane order one step
// along the lane (receive, condition, acknowledge, diagnose, estimate,
// approve, book, start, complete the job and the repair, inspect, notify
// ready), with the version read as the version expected. A command that
// fails with ErrConflict is run again, as a host does, and its latency
// includes the retries; any other error is a failure.
//
// Exit status: 0 when every check passed and no command failed; 1 when a
// check failed or a command failed; 2 when the load cannot run; 130 on ^C.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	_ "time/tzdata"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/store/sqlstore"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

type flags struct {
	dsn          string
	writers      int
	mode         string
	dealers      int
	duration     time.Duration
	floor, ready int
	fsync, keep  bool
	seed         uint64
	pricebook    string
}

func run(args []string, stdout, stderr io.Writer) int {
	var f flags
	fs := flag.NewFlagSet("pgload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.dsn, "dsn", "", "an existing PostgreSQL database (postgres://...); default: start a throwaway cluster")
	fs.IntVar(&f.writers, "writers", 16, "concurrent writers")
	fs.StringVar(&f.mode, "mode", "both", "one (all writers on one dealer), many (writers spread over -dealers dealers) or both")
	fs.IntVar(&f.dealers, "dealers", 0, "dealers: 1 runs the mode one, more the mode many over that many dealers (default: both modes, many with 16)")
	fs.DurationVar(&f.duration, "duration", 30*time.Second, "how long the writers write, per mode")
	fs.IntVar(&f.floor, "floor", 4, "orders in repair per writer (notes, pause and resume)")
	fs.IntVar(&f.ready, "ready", 8, "orders ready to settle per writer at the start")
	fs.BoolVar(&f.fsync, "fsync", true, "the throwaway cluster's fsync setting (CI's cluster runs with fsync=off)")
	fs.BoolVar(&f.keep, "keep", false, "keep each mode's schema (and print its DSN)")
	fs.Uint64Var(&f.seed, "seed", uint64(time.Now().UnixNano()), "seed of the writers' choices")
	fs.StringVar(&f.pricebook, "pricebook", "", "the price book (default: billing/testdata/pricebooks/taipei.yaml of this repository)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "pgload: "+format+"\n", a...)
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected arguments %q", fs.Args())
	}
	type mode struct {
		name    string
		dealers int
	}
	var modes []mode
	switch {
	case f.dealers == 1:
		modes = []mode{{"one", 1}}
	case f.dealers > 1:
		modes = []mode{{"many", f.dealers}}
	case f.dealers < 0:
		return fail("-dealers must be positive")
	case f.mode == "one":
		modes = []mode{{"one", 1}}
	case f.mode == "many":
		modes = []mode{{"many", 16}}
	case f.mode == "both":
		modes = []mode{{"one", 1}, {"many", 16}}
	default:
		return fail("-mode must be one, many or both")
	}
	if f.writers < 1 || f.floor < 1 || f.ready < 0 || f.duration <= 0 {
		return fail("-writers and -floor must be at least 1, -ready at least 0, -duration positive")
	}
	for _, m := range modes {
		if m.dealers > f.writers {
			return fail("%d dealers for %d writers: each dealer needs a writer", m.dealers, f.writers)
		}
	}
	var err error
	if taipei, err = time.LoadLocation("Asia/Taipei"); err != nil {
		return fail("%v", err)
	}
	book, err := loadBook(f.pricebook)
	if err != nil {
		return fail("price book: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	progress := func(s string) { fmt.Fprintf(stderr, "pgload: %s %s\n", time.Now().UTC().Format("15:04:05"), s) }

	dsn, server := f.dsn, "-dsn"
	if dsn == "" {
		progress("starting a throwaway PostgreSQL cluster")
		c, d, err := startCluster(ctx, "pgload", f.fsync)
		if err != nil {
			return fail("%v", err)
		}
		defer c.stop()
		dsn = d
		server = fmt.Sprintf("throwaway cluster %s (fsync=%v)", filepath.Base(filepath.Dir(c.bin)), f.fsync)
		progress("cluster at " + dsn)
	}
	adminDB, err := sql.Open("pgx", dsn)
	if err != nil {
		return fail("open %s: %v", dsn, err)
	}
	defer adminDB.Close()
	var version string
	if err := adminDB.QueryRowContext(ctx, "SHOW server_version").Scan(&version); err != nil {
		return fail("connect: %v", err)
	}

	var results []result
	code := 0
	for _, m := range modes {
		r, err := runOne(ctx, adminDB, dsn, m.name, m.dealers, f, book, progress)
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "pgload: interrupted")
			return 130
		}
		if err != nil {
			return fail("%s: %v", m.name, err)
		}
		results = append(results, r)
	}
	fmt.Fprintf(stdout, "PostgreSQL %s, %s; GOMAXPROCS %d; seed %d\n\n", version, server, runtime.GOMAXPROCS(0), f.seed)
	for _, r := range results {
		if len(r.problems) > 0 || r.all.failures > 0 {
			code = 1
		}
	}
	report(stdout, results)
	return code
}

// runOne runs one mode in a schema of its own.
func runOne(ctx context.Context, adminDB *sql.DB, dsn, mode string, dealers int, f flags, book *billing.PriceBook, progress func(string)) (result, error) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	schema := "pgload_" + mode + "_" + hex.EncodeToString(b[:])
	if _, err := adminDB.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return result{}, fmt.Errorf("create schema: %w", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return result{}, fmt.Errorf("-dsn must be a postgres:// URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	if f.keep {
		progress(fmt.Sprintf("%s: schema kept: %s", mode, u))
	} else {
		defer func() {
			if _, err := adminDB.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				progress(fmt.Sprintf("drop schema %s: %v", schema, err))
			}
		}()
	}
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(f.writers + 4)
	db.SetMaxIdleConns(f.writers + 4)
	st, err := sqlstore.New(db, sqlstore.Postgres)
	if err != nil {
		return result{}, err
	}
	if err := st.Migrate(ctx); err != nil {
		return result{}, fmt.Errorf("migrate: %w", err)
	}
	wd, err := wire(st)
	if err != nil {
		return result{}, err
	}
	return runMode(ctx, wd, mode, dealers, f.writers, f.duration, f.floor, f.ready, book, f.seed, progress)
}

// loadBook loads the price book at path, by default the repository's
// Taipei book (found from this file's path, which go run keeps). The shop
// fee is not on the estimate: the bill may exceed it by 1%, as in
// internal/faults.
func loadBook(path string) (*billing.PriceBook, error) {
	if path == "" {
		path = filepath.Join("..", "billing", "testdata", "pricebooks", "taipei.yaml")
		if _, file, _, ok := runtime.Caller(0); ok {
			if p := filepath.Join(filepath.Dir(file), "..", "..", "..", "billing", "testdata", "pricebooks", "taipei.yaml"); exists(p) {
				path = p
			}
		}
	}
	book, err := billing.LoadPriceBookFile(path)
	if err != nil {
		return nil, err
	}
	book.Overrun = billing.OverrunPolicy{Percent: dec("1")}
	return book, nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// report prints the summary table, each mode's commands, the goals of
// issue 16 and the checks.
func report(out io.Writer, rs []result) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "mode\tdealers\twriters\tseconds\tcommands\tcommands/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\tretries\tfailures\tsettled\tevents\tinvoices\tchecks\t")
	for _, r := range rs {
		slices.Sort(r.all.lat)
		checks := "ok"
		if len(r.problems) > 0 {
			checks = fmt.Sprintf("%d FAILED", len(r.problems))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t\n", r.mode, r.dealers, r.writers, r.elapsed.Seconds(), r.all.n,
			float64(r.all.n)/r.elapsed.Seconds(), ms(pct(r.all.lat, .5)), ms(pct(r.all.lat, .95)), ms(pct(r.all.lat, .99)), ms(pct(r.all.lat, 1)),
			r.all.retries, r.all.failures, r.settled, r.events, r.docs, checks)
	}
	tw.Flush()
	for _, r := range rs {
		fmt.Fprintf(out, "\n%s (%d dealer(s)), by command:\n", r.mode, r.dealers)
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "command\tcount\tshare\tp50 ms\tp95 ms\tp99 ms\tretries\tfailures\t")
		var names []string
		for n := range r.stats {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			s := r.stats[n]
			slices.Sort(s.lat)
			fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%s\t%s\t%s\t%d\t%d\t\n", n, s.n, 100*float64(s.n)/float64(max(1, r.all.n)),
				ms(pct(s.lat, .5)), ms(pct(s.lat, .95)), ms(pct(s.lat, .99)), s.retries, s.failures)
		}
		tw.Flush()
	}
	fmt.Fprintln(out, "\nGoals (issue 16):")
	for _, r := range rs {
		rate := float64(r.all.n) / r.elapsed.Seconds()
		p99 := pct(r.all.lat, .99)
		switch r.mode {
		case "one":
			fmt.Fprintf(out, "  one dealer:   %.0f commands/s (goal >= 1,000: %s), p99 %s ms (goal <= 50: %s), lost updates: %s\n",
				rate, met(rate >= 1000), ms(p99), met(p99 <= 50*time.Millisecond), lost(r))
		default:
			fmt.Fprintf(out, "  %d dealers:   %.0f commands/s (goal >= 3,000 over 16 dealers: %s), lost updates: %s\n", r.dealers, rate, met(rate >= 3000), lost(r))
		}
	}
	fmt.Fprintln(out, "\nChecks after each run: floor orders hold every note added and one version per command (no lost update);")
	fmt.Fprintln(out, "audit Seq 1..N per dealer; invoice numbers 1..n per dealer and series, Next n+1; one document per settled order.")
	for _, r := range rs {
		if len(r.problems) == 0 && r.all.failures == 0 {
			fmt.Fprintf(out, "  %s: all checks passed, no command failed\n", r.mode)
			continue
		}
		for _, p := range r.problems {
			fmt.Fprintf(out, "  %s: CHECK FAILED: %s\n", r.mode, p)
		}
		if r.all.failures > 0 {
			fmt.Fprintf(out, "  %s: %d commands FAILED; the first: %s\n", r.mode, r.all.failures, strings.Join(r.fails, "; "))
		}
	}
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

func lost(r result) string {
	for _, p := range r.problems {
		if strings.Contains(p, "lost") || strings.Contains(p, "commands succeeded since") {
			return "SOME"
		}
	}
	return "0"
}
