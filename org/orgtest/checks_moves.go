package orgtest

import (
	"context"
	"fmt"
	"time"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// The checks of career moves (R5.5): org.Store's Move and Moves, and the
// moves a Change carries.

// move is a decided career move of employee emp with every field set, so
// a store that forgets one is caught.
func move(d org.DealerID, id org.MoveID, emp org.EmployeeID, created time.Time) org.CareerMove {
	return org.CareerMove{
		DealerID: d, ID: id, Employee: emp, Kind: org.MovePromotion,
		From:       org.Position{Role: org.RoleAdvisor, Department: org.DeptServiceAdvisor, SupervisorID: "lead-1"},
		To:         org.Position{Role: org.RoleSupervisor, Department: "parts", SupervisorID: "gm-1"},
		Reason:     "led the desk for a year 領導",
		Source:     "policy decision default/promotion_eligibility/" + string(emp) + "/2026-11",
		State:      org.MoveApproved,
		ProposedBy: org.Actor{ID: "sup-1", Role: org.RoleSupervisor}, ProposedAt: created,
		DecidedBy: org.Admin("hq"), DecidedAt: created.Add(2 * time.Hour), Decision: "agreed by management",
		Version: 1, CreatedAt: created, UpdatedAt: created.Add(2 * time.Hour),
	}
}

func diffMove(got, want org.CareerMove) error {
	return kit.Deep(fmt.Sprintf("career move %s", want.ID), got, want)
}

// movesOf reads Moves(d, emp) and compares the IDs with want, in order.
func movesOf(ctx context.Context, s org.Store, d org.DealerID, emp org.EmployeeID, want ...org.MoveID) ([]org.CareerMove, error) {
	got, err := s.Moves(ctx, d, emp)
	if err != nil {
		return nil, fmt.Errorf("Moves(%s, %s): %w", d, emp, err)
	}
	ids := make([]org.MoveID, len(got))
	for i, m := range got {
		ids[i] = m.ID
	}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		return nil, fmt.Errorf("Moves(%s, %s) = %v, want %v (oldest first, then by ID in byte order)", d, emp, ids, want)
	}
	return got, nil
}

func checkMoveRoundTrip(ctx context.Context, s org.Store, _ Features) error {
	full := move("d1", "m1", "e1", t0)
	bare := org.CareerMove{DealerID: "d1", ID: "m2", Employee: "e1", Kind: org.MoveTransfer, State: org.MoveProposed,
		From: org.Position{Role: org.RoleAdvisor, Department: org.DeptServiceAdvisor}, To: org.Position{Role: org.RoleAdvisor, Department: "parts"},
		Reason: "r", ProposedBy: org.Admin("hq"), ProposedAt: t0.Add(time.Second), Version: 1, CreatedAt: t0.Add(time.Second), UpdatedAt: t0.Add(time.Second)}
	if err := seed(ctx, s, "d1", employee("d1", "e1")); err != nil {
		return err
	}
	if err := s.Commit(ctx, "d1", org.Change{Moves: []org.CareerMove{full, bare}}); err != nil {
		return fmt.Errorf("commit two career moves: %w", err)
	}
	for _, want := range []org.CareerMove{full, bare} {
		got, err := s.Move(ctx, "d1", want.ID)
		if err != nil {
			return fmt.Errorf("read career move %s: %w", want.ID, err)
		}
		if err := diffMove(got, want); err != nil {
			return err
		}
	}
	list, err := movesOf(ctx, s, "d1", "e1", "m1", "m2")
	if err != nil {
		return err
	}
	for i, want := range []org.CareerMove{full, bare} {
		if err := diffMove(list[i], want); err != nil {
			return fmt.Errorf("read through Moves: %w", err)
		}
	}
	return nil
}

func checkMovesOfAnEmployee(ctx context.Context, s org.Store, _ Features) error {
	if err := seed(ctx, s, "d1"); err != nil {
		return err
	}
	if _, err := movesOf(ctx, s, "d1", "e1"); err != nil {
		return fmt.Errorf("no moves: %w", err)
	}
	if _, err := movesOf(ctx, s, "never-seen", "e1"); err != nil {
		return fmt.Errorf("no dealer: %w", err)
	}
	// Committed out of order, in two commits; "B" < "a" in byte order.
	late, early := t0.Add(time.Hour), t0.Add(-time.Hour)
	first := []org.CareerMove{move("d1", "z-late", "e1", late), move("d1", "a", "e1", t0), move("d1", "other", "e2", early)}
	second := []org.CareerMove{move("d1", "B", "e1", t0), move("d1", "y-early", "e1", early)}
	for _, ms := range [][]org.CareerMove{first, second} {
		if err := s.Commit(ctx, "d1", org.Change{Moves: ms}); err != nil {
			return err
		}
	}
	if _, err := movesOf(ctx, s, "d1", "e1", "y-early", "B", "a", "z-late"); err != nil {
		return err
	}
	_, err := movesOf(ctx, s, "d1", "e2", "other")
	return err
}
