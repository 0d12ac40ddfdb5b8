package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/servicelane/servicelane/org"
)

// This file keeps what org.Store holds of careers (R5.5): career moves,
// stored whole as JSON documents (migration 0007) beside the columns their
// reads select and order on: the employee, the state and the creation
// instant. org.Store's Commit writes them after the dealer and its
// employees, in the same transaction.

// careerMovesTable is where org.Store's career moves go. Its rank only
// orders it among rows org.Store's Commit writes itself.
var careerMovesTable = &recordTable{0, "career_moves", []string{"id"}, []string{"employee", "state", "created_at", "version", "doc"}}

// Move returns one career move of dealer, or an error matching
// org.ErrNotFound.
func (s *Store) Move(ctx context.Context, dealer org.DealerID, id org.MoveID) (org.CareerMove, error) {
	m, err := readDoc[org.CareerMove](ctx, s, `SELECT doc FROM career_moves WHERE dealer_id = ? AND id = ?`, dealer, id)
	if err != nil {
		return org.CareerMove{}, fmt.Errorf("sqlstore: dealer %s: career move %s: %w", dealer, id, err)
	}
	return m, nil
}

// Moves returns dealer's career moves about employee, oldest first (by
// creation, then ID in byte order); never nil.
func (s *Store) Moves(ctx context.Context, dealer org.DealerID, employee org.EmployeeID) ([]org.CareerMove, error) {
	sel := newSelection("career_moves", dealer)
	sel.cond("employee = ?", string(employee))
	out, err := readDocs[org.CareerMove](ctx, s, sel, "created_at, id", 0)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: dealer %s: career moves of %s: %w", dealer, employee, err)
	}
	return out, nil
}

// moveRows checks the career moves of a Change, recording in ve what the
// store must not or cannot write for dealer, and returns them encoded and
// sorted by ID.
func (s *Store) moveRows(ve *org.ValidationError, dealer org.DealerID, ms []org.CareerMove) []recordRow {
	rows := make([]recordRow, 0, len(ms))
	for i, m := range ms {
		path := "moves[" + strconv.Itoa(i) + "]"
		what := "career move " + string(m.ID)
		checkRecord(ve, path, what, m.DealerID, dealer, m.Version)
		checkTime(ve, path+".created_at", m.CreatedAt)
		m = m.Clone() // normalised by encodeDoc; the caller's stays as it was
		doc := encodeDoc(ve, path, &m)
		rows = append(rows, recordRow{careerMovesTable, []string{string(m.ID)},
			[]any{string(m.Employee), string(m.State), s.timeArg(m.CreatedAt), m.Version, doc}, m.Version, what})
	}
	sortRows(rows)
	return rows
}
