package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/org"
)

// This file reads what org.Store keeps: dealers, employees and events.

const (
	dealerColumns   = `id, name, time_zone, currency, version, created_at, updated_at`
	employeeColumns = `dealer_id, id, name, role, department, supervisor_id, email, phone,
		skills, bonus_base, active, version, created_at, updated_at, left_at`
	eventColumns = `dealer_id, seq, id, occurred_at, actor_id, actor_role, type, subject, reason, data`
)

// maxLimit is the largest page the org.Store contract asks a store to serve.
const maxLimit = 1000

// Dealer returns the dealer, or an error matching org.ErrNotFound.
func (s *Store) Dealer(ctx context.Context, id org.DealerID) (org.Dealer, error) {
	row, err := s.queryRow(ctx, `SELECT `+dealerColumns+` FROM dealers WHERE id = ?`, id)
	var d org.Dealer
	if err == nil {
		err = row.Scan(&d.ID, &d.Name, &d.TimeZone, &d.Currency, &d.Version,
			instant{&d.CreatedAt}, instant{&d.UpdatedAt})
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = org.ErrNotFound
	}
	if err != nil {
		return org.Dealer{}, fmt.Errorf("sqlstore: dealer %s: %w", id, classify(ctx, err))
	}
	return d, nil
}

// Employee returns one employee of dealer, or an error matching
// org.ErrNotFound.
func (s *Store) Employee(ctx context.Context, dealer org.DealerID, id org.EmployeeID) (org.Employee, error) {
	var e org.Employee
	row, err := s.queryRow(ctx, `SELECT `+employeeColumns+` FROM employees
		WHERE dealer_id = ? AND id = ?`, dealer, id)
	if err == nil {
		e, err = scanEmployee(row)
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = org.ErrNotFound
	}
	if err != nil {
		return org.Employee{}, fmt.Errorf("sqlstore: dealer %s: employee %s: %w", dealer, id, classify(ctx, err))
	}
	return e, nil
}

// Employees returns the employees of dealer that q selects, ordered by ID in
// byte order. q.Limit must be 1 to 1000 (org.ErrInvalid otherwise).
func (s *Store) Employees(ctx context.Context, dealer org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
	if q.Limit < 1 || q.Limit > maxLimit {
		return nil, fmt.Errorf("sqlstore: dealer %s: employees: limit %d is not 1 to %d: %w", dealer, q.Limit, maxLimit, org.ErrInvalid)
	}
	query, args := employeesQuery(dealer, q)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: employees: %w", dealer, classify(ctx, err))
	}
	defer rows.Close()
	out := []org.Employee{}
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: dealer %s: employees: %w", dealer, classify(ctx, err))
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: employees: %w", dealer, classify(ctx, err))
	}
	return out, nil
}

// employeesQuery adds a condition only for each filter that is set, so the
// database can use the (dealer_id, id) key for the common unfiltered page.
func employeesQuery(dealer org.DealerID, q org.EmployeeQuery) (string, []any) {
	query := `SELECT ` + employeeColumns + ` FROM employees WHERE dealer_id = ?`
	args := []any{dealer}
	if q.After != "" {
		query += ` AND id > ?`
		args = append(args, q.After)
	}
	if q.Role != "" {
		query += ` AND role = ?`
		args = append(args, q.Role)
	}
	if q.Department != "" {
		query += ` AND department = ?`
		args = append(args, q.Department)
	}
	if !q.IncludeInactive {
		query += ` AND active = ?`
		args = append(args, true)
	}
	return query + ` ORDER BY id LIMIT ?`, append(args, q.Limit)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanEmployee(row scanner) (org.Employee, error) {
	var e org.Employee
	var skills string
	err := row.Scan(&e.DealerID, &e.ID, &e.Name, &e.Role, &e.Department, &e.SupervisorID,
		&e.Email, &e.Phone, &skills, money{&e.BonusBase}, &e.Active, &e.Version,
		instant{&e.CreatedAt}, instant{&e.UpdatedAt}, optionalInstant{&e.LeftAt})
	if err != nil {
		return org.Employee{}, err
	}
	if err := json.Unmarshal([]byte(skills), &e.Skills); err != nil {
		return org.Employee{}, fmt.Errorf("sqlstore: employee %s: stored skills: %w", e.ID, err)
	}
	return e, nil
}

// Events returns the events of dealer with Seq > after, ordered by Seq.
// limit must be 1 to 1000 (org.ErrInvalid otherwise).
func (s *Store) Events(ctx context.Context, dealer org.DealerID, after int64, limit int) ([]org.Event, error) {
	if limit < 1 || limit > maxLimit {
		return nil, fmt.Errorf("sqlstore: dealer %s: events: limit %d is not 1 to %d: %w", dealer, limit, maxLimit, org.ErrInvalid)
	}
	out, err := s.readEvents(ctx, `SELECT `+eventColumns+` FROM events
		WHERE dealer_id = ? AND seq > ? ORDER BY seq LIMIT ?`, dealer, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: events: %w", dealer, err)
	}
	return out, nil
}

func scanEvent(row scanner) (org.Event, error) {
	var ev org.Event
	var data sql.NullString
	err := row.Scan(&ev.DealerID, &ev.Seq, &ev.ID, instant{&ev.At}, &ev.Actor.ID, &ev.Actor.Role,
		&ev.Type, &ev.Subject, &ev.Reason, &data)
	if data.Valid {
		ev.Data = json.RawMessage(data.String)
	}
	return ev, err
}
