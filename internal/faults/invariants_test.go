package faults_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// The invariants of the crash test and the soak are only worth their
// passes if they fail on damage: each kind of damage a crash could do to a
// store that settled three orders and has a fourth ready is caught.
func TestInvariants_see_damage(t *testing.T) {
	ctx := t.Context()
	w, err := wire(fromSQL(testdb.SQLite(t)))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.seed(ctx); err != nil {
		t.Fatal(err)
	}
	orders, err := drive(ctx, w, nil, false, 4, func(stepResult) {})
	if err != nil {
		t.Fatal(err)
	}
	for _, wo := range orders[:3] {
		if r := w.settle(ctx, wo, settleKey(wo.ID), true); r.err != nil {
			t.Fatal(r.err)
		}
	}
	snap, err := read(ctx, w.st)
	if err != nil {
		t.Fatal(err)
	}
	if bad := snap.invariants(); len(bad) > 0 {
		t.Fatalf("undamaged: %s", strings.Join(bad, "\n"))
	}
	if len(snap.documents) != 3 || snap.orders[3].State != servicedesk.StateReady {
		t.Fatalf("want 3 documents and RO-00004 ready: %d, %s", len(snap.documents), snap.orders[3].State)
	}
	for _, c := range []struct {
		name, want string
		damage     func(s *snapshot)
	}{
		{"a lost event", "Seqs are not 1..n", func(s *snapshot) { s.events = slices.Delete(s.events, 5, 6) }},
		{"a lost document", "not one each", func(s *snapshot) { s.documents = s.documents[1:] }},
		{"a gap in a series", "are not 1..3", func(s *snapshot) {
			s.documents[2].Number, s.documents[2].ID = 4, "INV-000004"
		}},
		{"a number twice", "are not 1..3", func(s *snapshot) {
			s.documents[2].Number, s.documents[2].ID = 2, "INV-000002"
		}},
		{"a series behind", "Next is 3", func(s *snapshot) { s.series["INV"] = billing.Series{Name: "INV", Next: 3} }},
		{"a document of an unsettled order", "not settled, yet has 1 documents", func(s *snapshot) {
			s.documents[0].WorkOrder = string(s.orders[3].ID)
		}},
		{"a state its events do not say", "its last event", func(s *snapshot) { s.orders[3].State = servicedesk.StateSettled }},
		{"a version without its event", "is at version 13 with 12 events", func(s *snapshot) { s.orders[3].Version++ }},
		{"a settlement without its event", "settlement.settled events", func(s *snapshot) {
			s.events = slices.DeleteFunc(s.events, func(e org.Event) bool {
				return e.Type == "settlement.settled" && e.Subject == "settlement/settle-RO-00001"
			})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := snap
			d.events = slices.Clone(snap.events)
			d.orders = slices.Clone(snap.orders)
			d.documents = slices.Clone(snap.documents)
			d.series = map[string]billing.Series{"INV": snap.series["INV"]}
			c.damage(&d)
			bad := strings.Join(d.invariants(), "\n")
			if !strings.Contains(bad, c.want) {
				t.Errorf("damage not seen: want %q in:\n%s", c.want, bad)
			}
		})
	}
}
