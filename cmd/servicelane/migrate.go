package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver "sqlite"

	"github.com/servicelane/servicelane/store/sqlstore"
)

// migrateCommand applies servicelane's migrations to a database, rolls
// them back to a version, or says which version the schema is at.
func migrateCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("db", "", "SQLite database file")
	dsn := fs.String("dsn", "", "PostgreSQL connection URL (postgres://...)")
	to := fs.Int("to", -1, "roll back to this schema version (0 removes every table)")
	status := fs.Bool("status", false, "print the schema version and change nothing")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(rest) > 0 || (*path == "") == (*dsn == "") {
		fmt.Fprintln(stderr, "servicelane: migrate: give exactly one of -db FILE or -dsn URL")
		return exitUsage
	}
	driver, dialect, source := "sqlite", sqlstore.SQLite, sqlstore.SQLiteDSN(*path)
	if *dsn != "" {
		driver, dialect, source = "pgx", sqlstore.Postgres, *dsn
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	db, err := sql.Open(driver, source)
	if err != nil {
		fmt.Fprintf(stderr, "servicelane: migrate: %v\n", err)
		return exitUsage
	}
	defer db.Close()
	s, err := sqlstore.New(db, dialect)
	if err != nil {
		fmt.Fprintf(stderr, "servicelane: migrate: %v\n", err)
		return exitUsage
	}
	before, err := s.SchemaVersion(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "servicelane: migrate: %v\n", err)
		return exitUsage
	}
	switch {
	case *status:
	case *to >= 0:
		err = s.MigrateDown(ctx, *to)
	default:
		err = s.Migrate(ctx)
	}
	if err != nil {
		fmt.Fprintf(stderr, "servicelane: migrate: %v\n", err)
		return exitUsage
	}
	after, err := s.SchemaVersion(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "servicelane: migrate: %v\n", err)
		return exitUsage
	}
	if after == before {
		fmt.Fprintf(stdout, "%s schema at version %d\n", dialect, after)
	} else {
		fmt.Fprintf(stdout, "%s schema from version %d to %d\n", dialect, before, after)
	}
	return exitOK
}
