package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/servicelane/servicelane/org"
)

// Commit writes c in one transaction: every record and event, or nothing.
//
// It returns an error matching org.ErrInvalid, having written nothing, when
// a record belongs to another dealer, has a Version below 1, an amount with
// more than 4 decimals or 20 digits before the point, or a time outside the
// years 1 to 9999. It returns an error matching org.ErrConflict when a
// Version 1 record exists already, or the stored Version of a record written
// with Version n > 1 is not n-1.
func (s *Store) Commit(ctx context.Context, dealer org.DealerID, c org.Change) error {
	ve := checkChange(dealer, c)
	moves := s.moveRows(ve, dealer, c.Moves)
	if err := ve.Err(); err != nil {
		return err
	}
	// One record twice would write its second version over its first in
	// the same transaction: refuse it as memstore does, before writing.
	employees := sortedByID(c.Employees)
	for i := 1; i < len(employees); i++ {
		if employees[i].ID == employees[i-1].ID {
			return fmt.Errorf("sqlstore: commit for dealer %s: employee %s is in the change twice: %w", dealer, employees[i].ID, org.ErrConflict)
		}
	}
	for i := 1; i < len(moves); i++ {
		if slices.Equal(moves[i].key, moves[i-1].key) {
			return fmt.Errorf("sqlstore: commit for dealer %s: %s is in the change twice: %w", dealer, moves[i].what, org.ErrConflict)
		}
	}
	if c.Dealer == nil && len(c.Employees) == 0 && len(moves) == 0 && len(c.Events) == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("sqlstore: commit for dealer %s: %w", dealer, err)
		}
		return nil
	}
	err := s.inWriteTx(ctx, func(tx execer) error {
		if c.Dealer != nil {
			if err := s.writeDealer(ctx, tx, *c.Dealer); err != nil {
				return err
			}
		}
		// Writing rows in one order (dealer, employees by ID, career moves by
		// ID, then the event counter) keeps two PostgreSQL commits from deadlocking.
		for _, e := range employees {
			if err := s.writeEmployee(ctx, tx, e); err != nil {
				return err
			}
		}
		for _, r := range moves {
			if err := s.writeRow(ctx, tx, dealer, r); err != nil {
				return err
			}
		}
		return s.appendEvents(ctx, tx, dealer, c.Events)
	})
	if err != nil {
		return fmt.Errorf("sqlstore: commit for dealer %s: %w", dealer, err)
	}
	return nil
}

func sortedByID(es []org.Employee) []org.Employee {
	es = slices.Clone(es)
	slices.SortStableFunc(es, func(a, b org.Employee) int { return cmp.Compare(a.ID, b.ID) })
	return es
}

func (s *Store) writeDealer(ctx context.Context, tx execer, d org.Dealer) error {
	what := "dealer " + string(d.ID)
	if d.Version == 1 {
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO dealers (`+dealerColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
			d.ID, d.Name, d.TimeZone, d.Currency, d.Version, s.timeArg(d.CreatedAt), s.timeArg(d.UpdatedAt))
		return oneRow(res, err, what, d.Version)
	}
	res, err := tx.ExecContext(ctx, s.q(`UPDATE dealers
		SET name = ?, time_zone = ?, currency = ?, version = ?, created_at = ?, updated_at = ?
		WHERE id = ? AND version = ?`),
		d.Name, d.TimeZone, d.Currency, d.Version, s.timeArg(d.CreatedAt), s.timeArg(d.UpdatedAt),
		d.ID, d.Version-1)
	return oneRow(res, err, what, d.Version)
}

func (s *Store) writeEmployee(ctx context.Context, tx execer, e org.Employee) error {
	what := "employee " + string(e.ID)
	skills, err := json.Marshal(e.Skills)
	if err != nil {
		return fmt.Errorf("%s: skills: %w", what, err)
	}
	values := []any{e.Name, e.Role, e.Department, e.SupervisorID, e.Email, e.Phone,
		string(skills), moneyArg(e.BonusBase), e.Active, e.Version,
		s.timeArg(e.CreatedAt), s.timeArg(e.UpdatedAt), s.optionalTimeArg(e.LeftAt)}
	if e.Version == 1 {
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO employees (`+employeeColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dealer_id, id) DO NOTHING`),
			append([]any{e.DealerID, e.ID}, values...)...)
		return oneRow(res, err, what, e.Version)
	}
	res, err := tx.ExecContext(ctx, s.q(`UPDATE employees
		SET name = ?, role = ?, department = ?, supervisor_id = ?, email = ?, phone = ?,
			skills = ?, bonus_base = ?, active = ?, version = ?, created_at = ?, updated_at = ?,
			left_at = ?
		WHERE dealer_id = ? AND id = ? AND version = ?`),
		append(values, e.DealerID, e.ID, e.Version-1)...)
	return oneRow(res, err, what, e.Version)
}

// oneRow turns "no row written" into ErrConflict: the insert found the
// record there already, or the update found it missing or at another
// version.
func oneRow(res sql.Result, err error, what string, version int64) error {
	if err != nil {
		return fmt.Errorf("%s version %d: %w", what, version, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s version %d: %w", what, version, err)
	}
	if n == 0 {
		return fmt.Errorf("%s version %d: %w", what, version, org.ErrConflict)
	}
	return nil
}

// checkChange records, before anything is written, what the store cannot
// write faithfully or must not write for dealer (career moves apart, in
// moveRows).
func checkChange(dealer org.DealerID, c org.Change) *org.ValidationError {
	ve := &org.ValidationError{Op: "sqlstore: commit for dealer " + string(dealer)}
	if d := c.Dealer; d != nil {
		checkOwner(ve, "dealer.id", d.ID, dealer)
		checkVersion(ve, "dealer.version", d.Version)
		checkTime(ve, "dealer.created_at", d.CreatedAt)
		checkTime(ve, "dealer.updated_at", d.UpdatedAt)
	}
	for i, e := range c.Employees {
		p := "employees[" + strconv.Itoa(i) + "]."
		checkOwner(ve, p+"dealer_id", e.DealerID, dealer)
		checkVersion(ve, p+"version", e.Version)
		if !moneyFits(e.BonusBase) {
			ve.Add(p+"bonus_base", org.CodeRange, "must have at most 4 decimals and 20 digits before the point")
		}
		checkTime(ve, p+"created_at", e.CreatedAt)
		checkTime(ve, p+"updated_at", e.UpdatedAt)
		checkTime(ve, p+"left_at", e.LeftAt)
	}
	checkEvents(ve, dealer, c.Events)
	return ve
}

func checkOwner(ve *org.ValidationError, path string, got, dealer org.DealerID) {
	if got != dealer {
		ve.Add(path, org.CodeInvalid, fmt.Sprintf("is %q, but the commit is for dealer %q", got, dealer))
	}
}

func checkVersion(ve *org.ValidationError, path string, v int64) {
	if v < 1 {
		ve.Add(path, org.CodeRange, "must be 1 or more")
	}
}

func checkTime(ve *org.ValidationError, path string, t time.Time) {
	if !timeFits(t) {
		ve.Add(path, org.CodeRange, "must be in the years 1 to 9999 (UTC)")
	}
}
