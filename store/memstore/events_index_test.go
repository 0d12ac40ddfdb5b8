package memstore_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
)

// TestEvents_acrossChunks: a trail of thousands of events (several chunks,
// committed one, two and three at a time, by the roster, the desk and a
// redaction) reads back as one list in Seq order: every page of Events,
// after every cursor and at every limit around the chunks' edges, is that
// list's slice; SubjectEvents is its subject's events; a redaction in a late
// chunk rewrites that event only; nothing read shares memory with the store.
func TestEvents_acrossChunks(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	desk := s.ServiceDesk()
	const total = 2*1024 + 700
	var want []org.Event
	subjects := []string{"workorder/wo-1", "workorder/wo-2", "complaint/cp-1", "employee/e-1"}
	for len(want) < total {
		n := 1 + len(want)%3
		var evs []org.Event
		for range n {
			k := len(want) + len(evs)
			evs = append(evs, org.Event{DealerID: "d1", ID: fmt.Sprintf("ev%d", k), At: time.Unix(int64(k), 0).UTC(),
				Actor: org.Actor{ID: "chen", Role: org.RoleAdvisor}, Type: "workorder.changed", Subject: subjects[k%len(subjects)],
				Reason: fmt.Sprint("r", k), Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, k))})
		}
		var err error
		if len(want)%2 == 0 {
			err = desk.Commit(ctx, "d1", servicedesk.Change{Events: evs})
		} else {
			err = s.Commit(ctx, "d1", org.Change{Events: evs})
		}
		require.NoError(t, err)
		for _, e := range evs {
			e.Seq = int64(len(want) + 1)
			want = append(want, e)
		}
		// Another dealer's trail interleaves and stays its own.
		require.NoError(t, s.Commit(ctx, "d2", org.Change{Events: []org.Event{{DealerID: "d2", ID: "x", Subject: subjects[0], Data: json.RawMessage(`{}`)}}}))
	}
	// A redaction of an event in the third chunk.
	target := want[2*1024+17]
	r := org.Redaction{Seq: target.Seq, Subject: target.Subject, Reason: "erased", Data: json.RawMessage(`{"erased":true}`)}
	require.NoError(t, desk.Commit(ctx, "d1", servicedesk.Change{Redactions: []org.Redaction{r}}))
	want[target.Seq-1].Data, want[target.Seq-1].Reason = r.Data, r.Reason
	// A redaction past the end, or naming another subject, is refused.
	for _, bad := range []org.Redaction{{Seq: int64(total + 1), Subject: subjects[0]}, {Seq: want[1025].Seq, Subject: "workorder/wo-9"}, {Seq: -1, Subject: subjects[0]}} {
		require.ErrorIs(t, desk.Commit(ctx, "d1", servicedesk.Change{Redactions: []org.Redaction{bad}}), org.ErrInvalid)
	}

	all, err := s.Events(ctx, "d1", 0, -1)
	require.NoError(t, err)
	require.Equal(t, want, all)
	for _, after := range []int64{-5, 0, 1, 2, 1022, 1023, 1024, 1025, 2047, 2048, 2049, total - 1, total, total + 10} {
		for _, limit := range []int{0, 1, 2, 3, 1000, 1024, 1025, 5000} {
			got, err := s.Events(ctx, "d1", after, limit)
			require.NoError(t, err)
			from := int(min(max(after, 0), total))
			exp := want[from:min(from+limit, total)]
			require.Equal(t, len(exp), len(got), "after %d limit %d", after, limit)
			if len(exp) > 0 {
				require.Equal(t, exp, got, "after %d limit %d", after, limit)
			}
			require.NotNil(t, got)
		}
	}
	for _, sub := range append(subjects, "workorder/none") {
		got, err := desk.SubjectEvents(ctx, "d1", sub)
		require.NoError(t, err)
		var exp []org.Event
		for _, e := range want {
			if e.Subject == sub {
				exp = append(exp, e)
			}
		}
		require.Len(t, got, len(exp), sub)
		if len(exp) > 0 {
			require.Equal(t, exp, got, sub)
		}
	}
	// Scribbling over what was read changes nothing stored.
	for i := range all {
		all[i].Data[0] = 'X'
	}
	sub, err := desk.SubjectEvents(ctx, "d1", subjects[1])
	require.NoError(t, err)
	for i := range sub {
		sub[i].Data[0] = 'X'
	}
	again, err := s.Events(ctx, "d1", 0, -1)
	require.NoError(t, err)
	require.Equal(t, want, again)
	other, err := s.Events(ctx, "d2", 0, -1)
	require.NoError(t, err)
	for i, e := range other {
		require.Equal(t, int64(i+1), e.Seq)
	}
}

// TestWorkOrders_index: on orders committed in any ID order, created and
// replaced, for any query (state, advisor, opening range, cursor, limit),
// WorkOrders lists what filtering and sorting every order lists: the
// order's latest version, ordered by ID, at most Limit.
func TestWorkOrders_index(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		ctx := context.Background()
		s := memstore.New()
		desk := s.ServiceDesk()
		t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		stored := map[servicedesk.WorkOrderID]servicedesk.WorkOrder{}
		states := []servicedesk.State{servicedesk.StateReceived, servicedesk.StateInProgress, servicedesk.StateClosed}
		advisors := []org.EmployeeID{"chen", "wang"}
		for range rapid.IntRange(0, 60).Draw(rt, "commits") {
			var c servicedesk.Change
			for _, id := range rapid.SliceOfNDistinct(rapid.IntRange(0, 40), 1, 3, rapid.ID[int]).Draw(rt, "ids") {
				oid := servicedesk.WorkOrderID(fmt.Sprintf("wo%02d", id))
				w, ok := stored[oid]
				if !ok {
					w = servicedesk.WorkOrder{DealerID: "d1", ID: oid, OpenedAt: t0.Add(time.Duration(rapid.IntRange(0, 20).Draw(rt, "opened")) * 24 * time.Hour),
						Concerns: []servicedesk.Concern{{ID: "c1", Text: "noise"}}}
				}
				w.Version++
				w.State = rapid.SampledFrom(states).Draw(rt, "state")
				w.Advisor = rapid.SampledFrom(advisors).Draw(rt, "advisor")
				c.WorkOrders = append(c.WorkOrders, w)
			}
			if err := desk.Commit(ctx, "d1", c); err != nil {
				rt.Fatal(err)
			}
			for _, w := range c.WorkOrders {
				stored[w.ID] = w
			}
		}
		for range 10 {
			q := servicedesk.WorkOrderQuery{
				State:   rapid.SampledFrom(append(states, "")).Draw(rt, "q_state"),
				Advisor: rapid.SampledFrom(append(advisors, "")).Draw(rt, "q_advisor"),
				After:   servicedesk.WorkOrderID(rapid.SampledFrom([]string{"", "wo00", "wo05", "wo17", "wo3", "wo40", "wo99"}).Draw(rt, "q_after")),
				Limit:   rapid.IntRange(-1, 12).Draw(rt, "q_limit"),
			}
			if rapid.Bool().Draw(rt, "q_range") {
				q.OpenedFrom = t0.Add(time.Duration(rapid.IntRange(0, 10).Draw(rt, "q_from")) * 24 * time.Hour)
				q.OpenedBefore = q.OpenedFrom.Add(time.Duration(rapid.IntRange(0, 10).Draw(rt, "q_days")) * 24 * time.Hour)
			}
			want := []servicedesk.WorkOrder{}
			for _, w := range stored {
				if (q.State == "" || w.State == q.State) && (q.Advisor == "" || w.Advisor == q.Advisor) &&
					(q.OpenedFrom.IsZero() || !w.OpenedAt.Before(q.OpenedFrom)) &&
					(q.OpenedBefore.IsZero() || w.OpenedAt.Before(q.OpenedBefore)) && w.ID > q.After {
					want = append(want, w)
				}
			}
			slices.SortFunc(want, func(a, b servicedesk.WorkOrder) int { return cmp.Compare(a.ID, b.ID) })
			if q.Limit > 0 && len(want) > q.Limit {
				want = want[:q.Limit]
			}
			got, err := desk.WorkOrders(ctx, "d1", q)
			if err != nil {
				rt.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				rt.Fatalf("WorkOrders(%+v):\n got %v\nwant %v", q, ids(got), ids(want))
			}
		}
	})
}

func ids(ws []servicedesk.WorkOrder) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = fmt.Sprintf("%s@v%d", w.ID, w.Version)
	}
	return out
}

// TestWorkOrders_pagesAreCopies: orders listed and read share nothing with
// each other or with the store, though the store keeps one copy per
// version.
func TestWorkOrders_pagesAreCopies(t *testing.T) {
	ctx := context.Background()
	desk := memstore.New().ServiceDesk()
	w := servicedesk.WorkOrder{DealerID: "d1", ID: "wo1", Version: 1, Concerns: []servicedesk.Concern{{ID: "c1", Text: "noise"}},
		Booking: &servicedesk.Booking{Technician: "wu"}}
	require.NoError(t, desk.Commit(ctx, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w}}))
	a, err := desk.WorkOrders(ctx, "d1", servicedesk.WorkOrderQuery{})
	require.NoError(t, err)
	b, err := desk.WorkOrder(ctx, "d1", "wo1")
	require.NoError(t, err)
	a[0].Concerns[0].Text, a[0].Booking.Technician = "scribbled", "scribbled"
	b.Concerns[0].Text, b.Booking.Technician = "scribbled too", "scribbled too"
	c, err := desk.WorkOrders(ctx, "d1", servicedesk.WorkOrderQuery{})
	require.NoError(t, err)
	require.Equal(t, []servicedesk.WorkOrder{w}, c)
}
