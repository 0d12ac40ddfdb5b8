// Command httpapi is the reference HTTP server over servicelane: the whole
// service lane as a JSON API (RFC 9457 problems, ETag and If-Match,
// Idempotency-Key, Accept-Language), its OpenAPI 3.1 document at
// /openapi.json, and a service-lane board at / to click an order through.
//
//	go run ./examples/httpapi                          # SQLite file in a temp dir, http://127.0.0.1:8080
//	go run ./examples/httpapi -db ./lane.db -addr :9000
//	go run ./examples/httpapi -dsn postgres://...      # PostgreSQL
//
// The caller names themselves in the X-Servicelane-Actor header
// ("advisor:chen"). That is for trying the API, not authentication: see
// [ActorHeader] and the README.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver "sqlite"

	"github.com/servicelane/servicelane/examples/internal/demo"
	wiring "github.com/servicelane/servicelane/internal/wire"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "httpapi:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends. ready, when set, receives the base URL once
// the server listens (tests use it).
func run(ctx context.Context, args []string, out io.Writer, ready func(url string)) error {
	fs := flag.NewFlagSet("httpapi", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dbPath := fs.String("db", "", "SQLite database file (default: servicelane.db in a new temp dir)")
	dsn := fs.String("dsn", "", "PostgreSQL connection string (postgres://...); overrides -db")
	seed := fs.Bool("demo", true, `seed the dealer "demo" (roster and price book) when it does not exist`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, dialect, where, err := wiring.Open(*dbPath, *dsn, "servicelane-httpapi-")
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
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	svc, err := wire(store, org.SystemClock(), log)
	if err != nil {
		return err
	}
	if *seed {
		if err := seedDemo(ctx, svc, "demo"); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: NewServer(svc, log), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "servicelane httpapi on %s (%s)\n  board:   %s/?dealer=demo&actor=advisor:chen\n  openapi: %s/openapi.json\n", dialect, where, url, url)
	if ready != nil {
		ready(url)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// wire builds every service on one store, as a host does.
func wire(store *sqlstore.Store, clock org.Clock, log *slog.Logger) (Services, error) {
	return wiring.New(store, wiring.Options{Clock: clock, Logger: log})
}

// seedDemo creates dealer with Taipei Motors' department and price book,
// unless it exists already (a restart on the same database).
func seedDemo(ctx context.Context, svc Services, dealer org.DealerID) error {
	admin := org.Admin("httpapi-demo")
	if _, err := svc.Org.Dealer(ctx, dealer, admin); err == nil {
		return nil
	} else if !errors.Is(err, org.ErrNotFound) {
		return err
	}
	if _, err := svc.Org.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Taipei Motors 台北汽車", TimeZone: "Asia/Taipei", Currency: "TWD"}); err != nil {
		return err
	}
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin Mei-hua 林美華", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen Wei 陳偉", Role: org.RoleAdvisor, Phone: "0912-345-678"},
		{ID: "wang", Name: "Wang Ling 王玲", Role: org.RoleAdvisor, Phone: "0923-456-789"},
		{ID: "wu", Name: "Wu Da-wei 吳大偉", Role: org.RoleTechnician, Skills: []string{"EV", "hybrid"}},
		{ID: "tsai", Name: "Tsai Kun 蔡坤", Role: org.RoleTechnician, Skills: []string{"alignment"}},
	} {
		if _, err := svc.Org.AddEmployee(ctx, dealer, admin, e); err != nil {
			return err
		}
	}
	book, err := demo.PriceBook()
	if err != nil {
		return err
	}
	_, err = svc.Billing.SavePriceBook(ctx, dealer, admin, book, true)
	return err
}
