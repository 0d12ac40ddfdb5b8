package billing_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// TestReads_who_sees_what runs the visibility table of billing's reads
// (docs/AUTHORIZATION.md, "Reads: who sees what") on every store: chen's
// order is settled by chen; wang is a peer, wu a technician; "ghost" is on
// no roster and "boss" is the supervisor of another dealer.
func TestReads_who_sees_what(t *testing.T) {
	for _, st := range stlStores() {
		t.Run(st.name, func(t *testing.T) {
			env := st.open(t)
			ctx := env.ctx
			_, err := env.roster.CreateDealer(ctx, stlAdmin, org.NewDealer{ID: "d2", Name: "Kaohsiung Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
			require.NoError(t, err)
			_, err = env.roster.AddEmployee(ctx, "d2", stlAdmin, org.NewEmployee{ID: "boss", Name: "Boss", Role: org.RoleSupervisor})
			require.NoError(t, err)
			settled, docs, err := env.svc.Settle(ctx, stlDealer, stlChen, env.stlInput(t, "st-wo1", "wo1", false))
			require.NoError(t, err)
			require.NotEmpty(t, docs)

			ghost := org.Actor{ID: "ghost", Role: org.RoleSupervisor}
			boss := org.Actor{ID: "boss", Role: org.RoleSupervisor}
			reads := map[string]func(a org.Actor) (any, error){
				"ActivePriceBook": func(a org.Actor) (any, error) { return env.svc.ActivePriceBook(ctx, stlDealer, a) },
				"Price":           func(a org.Actor) (any, error) { return env.svc.Price(ctx, stlDealer, a, stlOrder("wo9", false)) },
				"Document":        func(a org.Actor) (any, error) { return env.svc.Document(ctx, stlDealer, a, docs[0].ID) },
				"Settlement":      func(a org.Actor) (any, error) { return env.svc.Settlement(ctx, stlDealer, a, settled.Key) },
				"Accuracy":        func(a org.Actor) (any, error) { return env.svc.Accuracy(ctx, stlDealer, a, stlNov) },
				"Replay": func(a org.Actor) (any, error) {
					_, ds, err := env.svc.Replay(ctx, stlDealer, a, settled.Key, "wo1")
					return ds, err
				},
			}
			cases := []struct {
				name  string
				actor org.Actor
				read  string
				ok    bool
			}{
				{"R2.2_stranger_refused", ghost, "ActivePriceBook", false},
				{"R2.2_stranger_refused", ghost, "Price", false},
				{"R2.2_stranger_refused", ghost, "Document", false},
				{"R2.2_stranger_refused", ghost, "Settlement", false},
				{"R2.2_stranger_refused", ghost, "Accuracy", false},
				{"R2.2_other_dealer_refused", boss, "ActivePriceBook", false},
				{"R2.2_other_dealer_refused", boss, "Price", false},
				{"R2.2_other_dealer_refused", boss, "Document", false},
				{"R2.2_other_dealer_refused", boss, "Settlement", false},
				{"R2.2_other_dealer_refused", boss, "Accuracy", false},
				{"R3.4_price_book_to_everyone_on_the_roster", stlWu, "ActivePriceBook", true},
				{"R3.4_price_book_to_everyone_on_the_roster", stlWang, "Price", true},
				{"R3.4_price_book_to_everyone_on_the_roster", stlAdmin, "ActivePriceBook", true},
				{"R7.2d_document_only_to_those_who_need_it", stlChen, "Document", true},
				{"R7.2d_document_only_to_those_who_need_it", stlSup, "Document", true},
				{"R7.2d_document_only_to_those_who_need_it", stlAdmin, "Document", true},
				{"R7.2d_document_only_to_those_who_need_it", stlWang, "Document", false},
				{"R7.2d_document_only_to_those_who_need_it", stlWu, "Document", false},
				{"R7.2d_settlement_only_to_those_who_need_it", stlChen, "Settlement", true},
				{"R7.2d_settlement_only_to_those_who_need_it", stlSup, "Settlement", true},
				{"R7.2d_settlement_only_to_those_who_need_it", stlAdmin, "Settlement", true},
				{"R7.2d_settlement_only_to_those_who_need_it", stlWang, "Settlement", false},
				{"R7.2d_settlement_only_to_those_who_need_it", stlWu, "Settlement", false},
				{"R6.1_accuracy_to_supervisors_and_admins", stlSup, "Accuracy", true},
				{"R6.1_accuracy_to_supervisors_and_admins", stlAdmin, "Accuracy", true},
				{"R6.1_accuracy_an_advisor_only_their_own", stlChen, "Accuracy", true},
				{"R6.1_accuracy_an_advisor_only_their_own", stlWang, "Accuracy", true},
				{"R6.1_accuracy_not_to_technicians", stlWu, "Accuracy", false},
				{"R2.2_stranger_refused", ghost, "Replay", false},
				{"R2.2_other_dealer_refused", boss, "Replay", false},
				{"R3.4d_repeat_by_anyone_who_may_settle", stlWang, "Replay", true},
				{"R3.4d_repeat_by_anyone_who_may_settle", stlChen, "Replay", true},
				{"R3.4d_repeat_not_by_technicians", stlWu, "Replay", false},
			}
			t.Run("R3.4d_repeat_needs_the_order_the_key_settled", func(t *testing.T) {
				_, _, err := env.svc.Replay(ctx, stlDealer, stlWang, settled.Key, "wo2")
				require.ErrorIs(t, err, billing.ErrNotFound)
			})
			for _, c := range cases {
				t.Run(c.name+"/"+c.read+"/"+string(c.actor.ID), func(t *testing.T) {
					got, err := reads[c.read](c.actor)
					if !c.ok {
						require.ErrorIs(t, err, billing.ErrForbidden)
						return
					}
					require.NoError(t, err)
					if acc, ok := got.([]billing.AdvisorAccuracy); ok {
						want := []org.EmployeeID{"chen"}
						switch c.actor {
						case stlWang:
							want = nil // wang settled nothing, and sees no one else's row
						}
						var advisors []org.EmployeeID
						for _, a := range acc {
							advisors = append(advisors, a.Advisor)
						}
						assert.Equal(t, want, advisors)
					}
				})
			}
		})
	}
}
