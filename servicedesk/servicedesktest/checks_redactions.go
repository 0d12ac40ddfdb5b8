package servicedesktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"

	"github.com/servicelane/servicelane/internal/kit"
)

// redactionWorld commits, for d1 and then d2, the events of two subjects
// (two of workorder/wo-1, one of complaint/cp-1), so that both dealers hold
// events with the same Seqs. It returns d1's and d2's events as stored.
func redactionWorld(ctx context.Context, s servicedesk.Store) (d1, d2 []org.Event, err error) {
	for _, d := range []org.DealerID{"d1", "d2"} {
		c := servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{workOrder(d, "wo-1")},
			Events:     append(events(d, "r"+string(d), "workorder/wo-1", 2), event(d, "r"+string(d)+"-c", "complaint/cp-1")),
		}
		if err := commit(ctx, s, d, c, "commit of "+string(d)+"'s events"); err != nil {
			return nil, nil, err
		}
	}
	if d1, err = s.Events(ctx, "d1", 0, 100); err != nil {
		return nil, nil, err
	}
	if d2, err = s.Events(ctx, "d2", 0, 100); err != nil {
		return nil, nil, err
	}
	if len(d1) != 3 || len(d2) != 3 {
		return nil, nil, fmt.Errorf("after committing three events each, d1 holds %d and d2 %d", len(d1), len(d2))
	}
	return d1, d2, nil
}

// checkRedactions: a redaction replaces the Data and Reason of the one
// event it names (Seq and subject, within the committing dealer) and
// nothing else.
func checkRedactions(ctx context.Context, s servicedesk.Store, _ Features) error {
	d1, d2, err := redactionWorld(ctx, s)
	if err != nil {
		return err
	}
	target := d1[1]
	r := org.Redaction{Seq: target.Seq, Subject: target.Subject, Reason: "erased: request dsr-7", Data: json.RawMessage(`{"erased":true}`)}
	// A new event in the same Change lands with it.
	added := event("d1", "r-after", "workorder/wo-1")
	if err := commit(ctx, s, "d1", servicedesk.Change{Redactions: []org.Redaction{r}, Events: []org.Event{added}}, "commit of a redaction of d1's second event"); err != nil {
		return err
	}
	want := append([]org.Event(nil), d1...)
	want[1].Data, want[1].Reason = r.Data, r.Reason
	got, err := s.Events(ctx, "d1", 0, 100)
	if err != nil {
		return err
	}
	if len(got) != 4 {
		return fmt.Errorf("Events(d1) after a redaction committed with one new event: got %d events %s, want 4: a redaction adds and removes no event", len(got), kit.EventIDs(got))
	}
	if err := kit.DiffEvents("Events(d1) after redacting Seq "+fmt.Sprint(r.Seq)+" (only its data and reason change)", got[:3], want); err != nil {
		return err
	}
	if err := kit.SameEvents("Events(d1) after the redaction: the event committed with it", got[3:], []org.Event{added}); err != nil {
		return err
	}
	other, err := s.Events(ctx, "d2", 0, 100)
	if err != nil {
		return err
	}
	if err := kit.DiffEvents("Events(d2) after d1 redacted its Seq "+fmt.Sprint(r.Seq)+" (d2 has one too: untouched)", other, d2); err != nil {
		return err
	}
	if se, ok := s.(servicedesk.SubjectEvents); ok {
		sub, err := se.SubjectEvents(ctx, "d1", "workorder/wo-1")
		if err != nil {
			return err
		}
		if err := kit.DiffEvents("SubjectEvents(d1, workorder/wo-1) after the redaction", sub, []org.Event{want[0], want[1], got[3]}); err != nil {
			return err
		}
	}
	// No data at all is a redaction too.
	empty := org.Redaction{Seq: d1[0].Seq, Subject: d1[0].Subject, Reason: "erased"}
	if err := commit(ctx, s, "d1", servicedesk.Change{Redactions: []org.Redaction{empty}}, "commit of a redaction to no data"); err != nil {
		return err
	}
	got, err = s.Events(ctx, "d1", 0, 1)
	if err != nil {
		return err
	}
	if len(got) != 1 || len(got[0].Data) != 0 || got[0].Reason != "erased" {
		return fmt.Errorf("Events(d1) after redacting Seq %d to no data and reason %q: got %s, want the event with no data", empty.Seq, empty.Reason, eventSummary(got))
	}
	return nil
}

// checkRedactionsRefused: a redaction naming a Seq the dealer does not
// have, or a subject other than its event's, fails the whole commit with
// ErrInvalid.
func checkRedactionsRefused(ctx context.Context, s servicedesk.Store, _ Features) error {
	d1, d2, err := redactionWorld(ctx, s)
	if err != nil {
		return err
	}
	last := d1[len(d1)-1].Seq
	for _, c := range []struct {
		what string
		r    org.Redaction
	}{
		{"a Seq d1 does not have", org.Redaction{Seq: last + 100, Subject: "workorder/wo-1", Data: json.RawMessage(`{}`)}},
		{"Seq 0", org.Redaction{Seq: 0, Subject: "workorder/wo-1", Data: json.RawMessage(`{}`)}},
		{"the Seq of a complaint's event with a work order's subject", org.Redaction{Seq: d1[2].Seq, Subject: "workorder/wo-1", Data: json.RawMessage(`{}`)}},
		{"a subject that only starts like the event's", org.Redaction{Seq: d1[0].Seq, Subject: "workorder/wo-", Data: json.RawMessage(`{}`)}},
	} {
		// The redaction comes with a new work order and event: nothing of
		// the change may land.
		change := servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-refused")},
			Events:     []org.Event{event("d1", "refused", "workorder/wo-refused")},
			Redactions: []org.Redaction{c.r},
		}
		err := s.Commit(ctx, "d1", change)
		if !errors.Is(err, org.ErrInvalid) {
			return fmt.Errorf("Commit(d1) with a redaction of %s (Seq %d, subject %q): got %v, want an error matching ErrInvalid", c.what, c.r.Seq, c.r.Subject, err)
		}
		if _, err := s.WorkOrder(ctx, "d1", "wo-refused"); !errors.Is(err, org.ErrNotFound) {
			return fmt.Errorf("Commit(d1) refused a redaction of %s but wrote the work order committed with it (WorkOrder: %v)", c.what, err)
		}
		got, err := s.Events(ctx, "d1", 0, 100)
		if err != nil {
			return err
		}
		if err := kit.DiffEvents("Events(d1) after a refused redaction of "+c.what, got, d1); err != nil {
			return err
		}
	}
	got, err := s.Events(ctx, "d2", 0, 100)
	if err != nil {
		return err
	}
	return kit.DiffEvents("Events(d2) after d1's refused redactions", got, d2)
}

func eventSummary(evs []org.Event) string {
	out := "["
	for i, e := range evs {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%d %s %q data %s", e.Seq, e.Subject, e.Reason, e.Data)
	}
	return out + "]"
}
