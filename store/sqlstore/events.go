package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/servicelane/servicelane/org"
)

// This file holds the audit trail that org.Store, servicedesk.Store and
// billing.Store share: one events table and one per-dealer Seq counter,
// whichever interface commits.

// appendEvents takes len(evs) Seqs from the dealer's counter and inserts
// the events with them. It runs last in the transaction: on PostgreSQL the
// counter's row lock makes the dealer's other commits wait until this one
// ends, which is what orders Seqs by commit, and the lock should be held
// as briefly as possible. So on PostgreSQL one statement takes the Seqs
// and inserts the events (up to eventsPerStatement of them; more take a
// statement per that many): the lock is taken in the transaction's last
// round trip before its COMMIT. On SQLite, where the transaction holds
// the database's write lock from its first statement, the counter and the
// events are two statements.
func (s *Store) appendEvents(ctx context.Context, tx execer, dealer org.DealerID, evs []org.Event) error {
	n := len(evs)
	if n == 0 {
		return nil
	}
	if s.dialect == Postgres && n <= eventsPerStatement {
		args := make([]any, 0, 2+argsPerEvent*n)
		args = append(args, dealer, n)
		for _, ev := range evs {
			args = s.eventArgs(args, dealer, ev)
		}
		res, err := tx.ExecContext(ctx, s.q(numberedEventsQuery[n]), args...)
		if err != nil {
			return fmt.Errorf("events: %w", err)
		}
		return rowsWritten(res, n)
	}
	var last int64
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO event_seq (dealer_id, last_seq) VALUES (?, ?)
		ON CONFLICT (dealer_id) DO UPDATE SET last_seq = event_seq.last_seq + excluded.last_seq
		RETURNING last_seq`), dealer, n).Scan(&last)
	if err != nil {
		return fmt.Errorf("event sequence: %w", err)
	}
	seq := last - int64(n) + 1
	for len(evs) > 0 {
		chunk := evs[:min(len(evs), eventsPerStatement)]
		evs = evs[len(chunk):]
		args := make([]any, 0, (argsPerEvent+1)*len(chunk))
		for _, ev := range chunk {
			args = append(args, seq)
			args = s.eventArgs(args, dealer, ev)
			seq++
		}
		res, err := tx.ExecContext(ctx, s.q(eventsQuery[len(chunk)]), args...)
		if err != nil {
			return fmt.Errorf("event %s: %w", chunk[0].ID, err)
		}
		if err := rowsWritten(res, len(chunk)); err != nil {
			return err
		}
	}
	return nil
}

// eventsPerStatement is the most events one INSERT writes.
const eventsPerStatement = 32

// argsPerEvent is the number of arguments eventArgs appends per event.
const argsPerEvent = 9

// eventArgs appends the arguments of ev but its Seq: dealer, then the
// columns after seq in eventColumns.
func (s *Store) eventArgs(args []any, dealer org.DealerID, ev org.Event) []any {
	var data any // NULL for no data
	if len(ev.Data) > 0 {
		data = string(ev.Data)
	}
	return append(args, dealer, ev.ID, s.timeArg(ev.At), ev.Actor.ID, ev.Actor.Role, ev.Type, ev.Subject, ev.Reason, data)
}

// rowsWritten checks that an INSERT of events wrote all n.
func rowsWritten(res sql.Result, n int) error {
	got, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	if got != int64(n) {
		return fmt.Errorf("events: %d of %d written", got, n)
	}
	return nil
}

// eventsQuery[n] inserts n events, each given its Seq as an argument
// before the arguments eventArgs appends. numberedEventsQuery[n] (PostgreSQL) takes n Seqs from the
// counter (arguments dealer and n) and inserts n events numbered from
// them, in one statement: the counter's row is updated before any event
// is inserted, since every event's Seq is read from its new value.
var eventsQuery, numberedEventsQuery = func() (plain, numbered [eventsPerStatement + 1]string) {
	const insert = `INSERT INTO events (` + eventColumns + `) VALUES `
	// eventColumns with seq first, the order of eventsQuery's arguments.
	const seqFirst = `INSERT INTO events (seq, dealer_id, id, occurred_at, actor_id, actor_role, type, subject, reason, data) VALUES `
	for n := 1; n <= eventsPerStatement; n++ {
		var p, q strings.Builder
		p.WriteString(seqFirst)
		q.WriteString(`WITH counter AS (INSERT INTO event_seq (dealer_id, last_seq) VALUES (?, ?)
	ON CONFLICT (dealer_id) DO UPDATE SET last_seq = event_seq.last_seq + excluded.last_seq
	RETURNING last_seq)
` + insert)
		for i := range n {
			if i > 0 {
				p.WriteString(", ")
				q.WriteString(", ")
			}
			p.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			// The dealer comes first in the arguments, then the rest.
			q.WriteString(`(?, (SELECT last_seq FROM counter) - ` + strconv.Itoa(n-1-i) + `, ?, ?, ?, ?, ?, ?, ?, ?)`)
		}
		plain[n], numbered[n] = p.String(), q.String()
	}
	return plain, numbered
}()

// redactEvents replaces the data and reason of stored events of dealer,
// each named by Seq and subject; one the dealer does not have is
// ErrInvalid.
func (s *Store) redactEvents(ctx context.Context, tx execer, dealer org.DealerID, rs []org.Redaction) error {
	if len(rs) == 0 {
		return nil
	}
	query := s.q(`UPDATE events SET data = ?, reason = ? WHERE dealer_id = ? AND seq = ? AND subject = ?`)
	for _, r := range rs {
		var data any // NULL for no data
		if len(r.Data) > 0 {
			data = string(r.Data)
		}
		res, err := tx.ExecContext(ctx, query, data, r.Reason, dealer, r.Seq, r.Subject)
		if err != nil {
			return fmt.Errorf("redaction of event %d: %w", r.Seq, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("redaction of event %d: %w", r.Seq, err)
		}
		if n != 1 {
			return fmt.Errorf("redaction of event %d of %q, which the dealer does not have: %w", r.Seq, r.Subject, org.ErrInvalid)
		}
	}
	return nil
}

// checkEvents records in ve the events a commit for dealer must refuse:
// another dealer's, or one whose time the store cannot keep.
func checkEvents(ve *org.ValidationError, dealer org.DealerID, evs []org.Event) {
	checkEventsAt(ve, "events", dealer, evs)
}

// checkEventsAt is checkEvents for events found at path in the Change
// ("billing.events").
func checkEventsAt(ve *org.ValidationError, path string, dealer org.DealerID, evs []org.Event) {
	for i, ev := range evs {
		p := path + "[" + strconv.Itoa(i) + "]."
		checkOwner(ve, p+"dealer_id", ev.DealerID, dealer)
		checkTime(ve, p+"at", ev.At)
	}
}

// readEvents runs a query selecting eventColumns and returns the events it
// finds, never nil. Its error is classified (see [classify]).
func (s *Store) readEvents(ctx context.Context, query string, args ...any) ([]org.Event, error) {
	out, err := s.readEventsOf(ctx, query, args...)
	return out, classify(ctx, err)
}

func (s *Store) readEventsOf(ctx context.Context, query string, args ...any) ([]org.Event, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []org.Event{}
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}
