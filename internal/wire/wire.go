// Package wire builds every servicelane service on one sqlstore.Store, as
// a host does, for the programs the module ships (examples/httpapi and
// cmd/servicelane). The quickstart keeps its wiring written out, because
// it is where an integrator learns it. Databases are opened by driver
// name; the programs import the drivers.
package wire

import (
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/sqlstore"
	"github.com/servicelane/servicelane/training"
)

// Services are the services of one store.
type Services struct {
	Org       *org.Service
	Desk      *servicedesk.Service
	Billing   *billing.Service
	Training  *training.Service
	Appraisal *appraisal.Service
	Policy    *policy.Service
	MonthEnd  *monthend.Service
}

// Options are what every service shares; all may be zero.
type Options struct {
	Clock   org.Clock
	Logger  *slog.Logger
	Hook    org.Hook
	Surveys monthend.Surveys
}

// New builds every service on store: estimates priced by the same price
// book as the bills, the appraisal measured from servicedesk, billing and
// training, the policy's facts from the appraisal and training, the
// month-end joining them.
func New(store *sqlstore.Store, o Options) (Services, error) {
	orgs, err := org.NewService(org.Config{Store: store, Clock: o.Clock, Logger: o.Logger, Hook: o.Hook})
	if err != nil {
		return Services{}, err
	}
	roster := orgs.Directory()
	bills, err := billing.NewService(billing.Config{Store: store.Billing(), Roster: roster, Clock: o.Clock, Logger: o.Logger, Hook: o.Hook})
	if err != nil {
		return Services{}, err
	}
	desk, err := servicedesk.NewService(servicedesk.Config{Store: store.ServiceDesk(), Roster: roster, Clock: o.Clock, Logger: o.Logger, Hook: o.Hook,
		Billing: bills, Pricer: servicedesk.BookPricer{Billing: bills}})
	if err != nil {
		return Services{}, err
	}
	train, err := training.NewService(training.Config{Store: store.Training(), Roster: roster, Clock: o.Clock, Logger: o.Logger, Hook: o.Hook})
	if err != nil {
		return Services{}, err
	}
	review, err := appraisal.NewService(appraisal.Config{Store: store.Appraisal(), Roster: roster, Clock: o.Clock, Logger: o.Logger, Hook: o.Hook,
		Measurer: monthend.Measurer(desk.FigureSource(), bills.AccuracySource(), train.ResultSource())})
	if err != nil {
		return Services{}, err
	}
	decide, err := policy.NewService(policy.Config{Store: store.Policy(), Roster: roster, Clock: o.Clock, Logger: o.Logger, Hook: o.Hook,
		Facts: policy.Combine(monthend.AppraisalFacts(store.Appraisal()), monthend.TrainingFacts(store.Training()))})
	if err != nil {
		return Services{}, err
	}
	me, err := monthend.NewService(monthend.Config{Roster: roster, Desk: desk, Appraisal: review, Policy: decide, Org: orgs, Surveys: o.Surveys,
		Logger: o.Logger, Hook: o.Hook})
	if err != nil {
		return Services{}, err
	}
	return Services{Org: orgs, Desk: desk, Billing: bills, Training: train, Appraisal: review, Policy: decide, MonthEnd: me}, nil
}

// Open opens PostgreSQL when dsn is set (driver "pgx"), else the SQLite
// file at path (driver "sqlite"), or a new one named servicelane.db in a
// new temporary directory named after prefix when path is empty. It
// returns the database, its dialect and where it is, for people.
func Open(path, dsn, prefix string) (*sql.DB, sqlstore.Dialect, string, error) {
	if dsn != "" {
		db, err := sql.Open("pgx", dsn)
		return db, sqlstore.Postgres, "PostgreSQL", err
	}
	if path == "" {
		dir, err := os.MkdirTemp("", prefix)
		if err != nil {
			return nil, 0, "", err
		}
		path = filepath.Join(dir, "servicelane.db")
	}
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path))
	return db, sqlstore.SQLite, path, err
}
