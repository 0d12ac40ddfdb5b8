package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/servicelane/servicelane/org"
)

// This file holds the audit trail that org.Store, servicedesk.Store and
// billing.Store share: one events table and one per-dealer Seq counter,
// whichever interface commits.

// appendEvents takes len(evs) Seqs from the dealer's counter and inserts
// the events with them. It runs last in the transaction: on PostgreSQL the
// counter's row lock makes the dealer's other commits wait until this one
// ends, which is what orders Seqs by commit, and the lock should be held
// as briefly as possible.
func (s *Store) appendEvents(ctx context.Context, tx execer, dealer org.DealerID, evs []org.Event) error {
	if len(evs) == 0 {
		return nil
	}
	var last int64
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO event_seq (dealer_id, last_seq) VALUES (?, ?)
		ON CONFLICT (dealer_id) DO UPDATE SET last_seq = event_seq.last_seq + excluded.last_seq
		RETURNING last_seq`), dealer, len(evs)).Scan(&last)
	if err != nil {
		return fmt.Errorf("event sequence: %w", err)
	}
	query := s.q(`INSERT INTO events (` + eventColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	first := last - int64(len(evs)) + 1
	for i, ev := range evs {
		var data any // NULL for no data
		if len(ev.Data) > 0 {
			data = string(ev.Data)
		}
		_, err := tx.ExecContext(ctx, query, dealer, first+int64(i), ev.ID, s.timeArg(ev.At),
			ev.Actor.ID, ev.Actor.Role, ev.Type, ev.Subject, ev.Reason, data)
		if err != nil {
			return fmt.Errorf("event %s: %w", ev.ID, err)
		}
	}
	return nil
}

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
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
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
