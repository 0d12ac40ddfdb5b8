// Command quickstart runs servicelane end to end on a real database: it
// opens SQLite (or PostgreSQL), migrates, seeds a dealership's service
// advisor department, prints the roster, then plays a day of the service
// lane (three customers, added work declined, a failed final inspection, a
// complaint) and prints each order's timeline and the advisors' figures.
//
//	go run ./examples/quickstart                      # SQLite file servicelane.db in a temp dir
//	go run ./examples/quickstart -db ./lane.db        # SQLite file of your choice
//	go run ./examples/quickstart -dsn postgres://...  # PostgreSQL
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver "sqlite"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/examples/internal/demo"
	"github.com/servicelane/servicelane/internal/textwidth"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/sqlstore"
	"github.com/servicelane/servicelane/training"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	return runObserved(ctx, args, out, nil)
}

// runObserved is run with hook observing every command of every service
// (nil: none); observe_test.go passes one that records them.
func runObserved(ctx context.Context, args []string, out io.Writer, hook org.Hook) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file (default: servicelane.db in a new temp dir)")
	dsn := fs.String("dsn", "", "PostgreSQL connection string (postgres://...); overrides -db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, dialect, where, err := open(*dbPath, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := sqlstore.New(db, dialect)
	if err != nil {
		return err
	}
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "servicelane quickstart on %s (%s)\n\n", dialect, where)

	// The example's clock moves only when the script says so: the output is
	// reproducible. The department has worked together since January 2025
	// (a month-end counts who was on the roster in its month, by the dates
	// they joined and left); the story starts on Monday 2 November 2026,
	// 08:30 in Taipei.
	clock := org.NewManualClock(time.Date(2025, 1, 6, 0, 30, 0, 0, time.UTC))
	svc, err := org.NewService(org.Config{Store: store, Clock: clock, Hook: hook})
	if err != nil {
		return err
	}
	bills, err := billing.NewService(billing.Config{Store: store.Billing(), Roster: svc.Directory(), Clock: clock, Hook: hook})
	if err != nil {
		return err
	}
	// Estimates are priced with the same price book as the final bills.
	desk, err := servicedesk.NewService(servicedesk.Config{Store: store.ServiceDesk(), Roster: svc.Directory(), Clock: clock,
		Billing: bills, Pricer: servicedesk.BookPricer{Billing: bills}, Hook: hook})
	if err != nil {
		return err
	}
	// Each run is its own dealer, so runs against one database never collide.
	dealer := org.DealerID(fmt.Sprintf("taipei-%d", time.Now().UnixNano()))
	if err := seed(ctx, svc, dealer); err != nil {
		return err
	}
	clock.Set(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))
	book, err := demo.PriceBook()
	if err != nil {
		return err
	}
	if _, err := bills.SavePriceBook(ctx, dealer, org.Admin("dms-setup"), book, true); err != nil {
		return err
	}
	if err := printRoster(ctx, svc, dealer, out); err != nil {
		return err
	}
	d, err := svc.Dealer(ctx, dealer, org.Admin("dms-setup"))
	if err != nil {
		return err
	}
	loc, err := d.Location()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nA day of the service lane, %s\n", clock.Now().In(loc).Format("Monday 2 January 2006"))
	if err := runDay(&lane{ctx: ctx, desk: desk, bills: bills, book: book, clock: clock, dealer: dealer, loc: loc, out: out,
		settled: map[servicedesk.WorkOrderID][]billing.Document{}}, out); err != nil {
		return err
	}
	// The month's training: a session, its assessment, retakes (R5).
	train, err := training.NewService(training.Config{Store: store.Training(), Roster: svc.Directory(), Clock: clock, Hook: hook})
	if err != nil {
		return err
	}
	if err := trainingMonth(ctx, train, clock, dealer, loc, out); err != nil {
		return err
	}
	// Month end: the appraisal takes its measured figures from the
	// records servicedesk, billing and training keep (R6.1, R5.4).
	review, err := appraisal.NewService(appraisal.Config{Store: store.Appraisal(), Roster: svc.Directory(), Clock: clock,
		Measurer: monthend.Measurer(desk.FigureSource(), bills.AccuracySource(), train.ResultSource()), Hook: hook})
	if err != nil {
		return err
	}
	nov := org.MonthOf(clock.Now(), loc)
	if err := appraisalMonth(ctx, review, clock, dealer, nov); err != nil {
		return err
	}
	// The month's rewards and penalties follow from the appraisal, the
	// training and the recorded incidents (R6.4, R7).
	decide, err := policy.NewService(policy.Config{Store: store.Policy(), Roster: svc.Directory(), Clock: clock,
		Facts: policy.Combine(monthend.AppraisalFacts(store.Appraisal()), monthend.TrainingFacts(store.Training())), Hook: hook})
	if err != nil {
		return err
	}
	stored, err := policyInputs(ctx, decide, dealer, nov, loc)
	if err != nil {
		return err
	}
	// The month-end in one call (R6.2): the surveys become customer
	// ratings, the appraisal is scored, ranked and finalised, the policy
	// evaluated from the final results.
	me, err := monthend.NewService(monthend.Config{Roster: svc.Directory(), Desk: desk, Appraisal: review, Policy: decide, Hook: hook})
	if err != nil {
		return err
	}
	lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}
	report, err := me.Run(ctx, dealer, lin, monthend.RunInput{Month: nov})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s\n%s", report.Text(org.English), report.Text(org.TraditionalChinese))
	if err := printAppraisal(ctx, review, dealer, nov, out); err != nil {
		return err
	}
	return policyDecisions(ctx, decide, me, clock, dealer, nov, stored, *report.Evaluation, out)
}

func open(path, dsn string) (*sql.DB, sqlstore.Dialect, string, error) {
	if dsn != "" {
		db, err := sql.Open("pgx", dsn)
		return db, sqlstore.Postgres, "PostgreSQL", err
	}
	if path == "" {
		dir, err := os.MkdirTemp("", "servicelane-quickstart-")
		if err != nil {
			return nil, 0, "", err
		}
		path = filepath.Join(dir, "servicelane.db")
	}
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path))
	return db, sqlstore.SQLite, path, err
}

// seed builds the department of R2.1: a supervisor, advisors, technicians.
func seed(ctx context.Context, svc *org.Service, dealer org.DealerID) error {
	admin := org.Admin("dms-setup")
	if _, err := svc.CreateDealer(ctx, admin, org.NewDealer{
		ID: dealer, Name: "Taipei Motors 台北汽車", TimeZone: "Asia/Taipei", Currency: "TWD",
	}); err != nil {
		return err
	}
	// The supervisor comes first: only an admin may add a supervisor.
	if _, err := svc.AddEmployee(ctx, dealer, admin, org.NewEmployee{
		ID: "lin", Name: "Lin Mei-hua 林美華", Role: org.RoleSupervisor, Email: "lin@taipei-motors.example",
	}); err != nil {
		return err
	}
	// The supervisor manages the advisors of her department (R2.2).
	lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}
	for _, e := range []org.NewEmployee{
		{ID: "chen", Name: "Chen Wei 陳偉", Role: org.RoleAdvisor, Phone: "0912-345-678", BonusBase: amount("10000")},
		{ID: "wang", Name: "Wang Ling 王玲", Role: org.RoleAdvisor, Phone: "0923-456-789", BonusBase: amount("10000")},
		{ID: "huang", Name: "Huang Jie 黃傑", Role: org.RoleAdvisor, Phone: "0934-567-890", BonusBase: amount("10000")},
	} {
		if _, err := svc.AddEmployee(ctx, dealer, lin, e); err != nil {
			return err
		}
	}
	for _, e := range []org.NewEmployee{
		{ID: "wu", Name: "Wu Da-wei 吳大偉", Role: org.RoleTechnician, Skills: []string{"EV", "hybrid"}},
		{ID: "tsai", Name: "Tsai Kun 蔡坤", Role: org.RoleTechnician, Skills: []string{"alignment"}},
	} {
		if _, err := svc.AddEmployee(ctx, dealer, admin, e); err != nil {
			return err
		}
	}
	// A second supervisor for the same department is refused (R2.1), and
	// nothing is written.
	_, err := svc.AddEmployee(ctx, dealer, admin, org.NewEmployee{Name: "Another Boss", Role: org.RoleSupervisor})
	var ve *org.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("a second supervisor was not refused: %v", err)
	}
	return nil
}

func printRoster(ctx context.Context, svc *org.Service, dealer org.DealerID, out io.Writer) error {
	// The host system reads as the admin; a person would read as
	// themselves and see colleagues' contact data and pay blank.
	admin := org.Admin("dms-setup")
	d, err := svc.Dealer(ctx, dealer, admin)
	if err != nil {
		return err
	}
	roster, err := svc.Roster(ctx, dealer, admin)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Roster of %s (time zone %s, currency %s)\n", d.Name, d.TimeZone, d.Currency)
	// Columns by display width: a Chinese name takes two columns a character.
	tab := textwidth.Table{Columns: []textwidth.Column{{Width: 6}, {Width: 20, Gap: 2}, {Width: 11, Gap: 2}, {Width: 16, Gap: 2}, {Gap: 2}}}
	tab.Row("ID", "NAME", "ROLE", "DEPARTMENT", "REPORTS TO")
	for _, e := range roster {
		to := "-"
		if sup, err := svc.SupervisorOf(ctx, dealer, admin, e.ID); err == nil {
			to = string(sup.ID)
		} else if !errors.Is(err, org.ErrNotFound) {
			return err
		}
		tab.Row(string(e.ID), e.Name, string(e.Role), string(e.Department), to)
	}
	if _, err := tab.WriteTo(out); err != nil {
		return err
	}
	evs, err := svc.Events(ctx, dealer, org.Admin("dms-outbox"), 0, org.MaxPage)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d audit events; a second supervisor was refused (R2.1).\n", len(evs))
	return nil
}
