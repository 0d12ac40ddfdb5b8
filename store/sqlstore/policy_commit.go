package sqlstore

import (
	"context"
	"strconv"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// Commit writes c in one transaction: every record and event, or nothing.
// Its events take Seqs from the counter every view of the Store uses.
//
// It returns an error matching org.ErrInvalid, having written nothing, when
// a record or event belongs to another dealer, a record has a Version below
// 1, a nomination or decision has no valid period, or an instant lies
// outside the years 1 to 9999. It returns an error matching
// org.ErrConflict when a Version 1 record exists already, the stored
// Version of a record written with Version n > 1 is not n-1, a Change holds
// one record twice (the second write finds the first), or the commit would
// leave the dealer with two active policies. To switch policies, deactivate
// the old one in the same Change: the store writes deactivations first.
func (v PolicyStore) Commit(ctx context.Context, dealer org.DealerID, c policy.Change) error {
	ve := &org.ValidationError{Op: "sqlstore: commit for dealer " + string(dealer)}
	rows := v.policyRows(ve, dealer, c)
	if err := ve.Err(); err != nil {
		return err
	}
	sortRows(rows)
	return v.commitRows(ctx, dealer, rows, c.Events)
}

// The policy tables, written in rank order after training's. Policies go
// in twice, as price books do: the versions a commit deactivates are
// written before those it activates, so that the partial unique index on
// active never sees two active versions of a dealer in the middle of a
// switch. Decisions, which every evaluation writes by the thousand, come
// last.
var (
	policiesOffTable       = &recordTable{40, "policies", []string{"policy_version"}, []string{"policy_id", "active", "saved_at", "version", "doc"}}
	policiesOnTable        = &recordTable{41, "policies", []string{"policy_version"}, []string{"policy_id", "active", "saved_at", "version", "doc"}}
	policyIncidentsTable   = &recordTable{42, "policy_incidents", []string{"id"}, []string{"employee", "happened_at", "version", "doc"}}
	policyNominationsTable = &recordTable{43, "policy_nominations", []string{"id"}, []string{"period", "employee", "version", "doc"}}
	policyDecisionsTable   = &recordTable{44, "policy_decisions", []string{"key"}, []string{"period", "employee", "state", "version", "doc"}}
)

// policyRows checks the records and events of c, recording in ve what the
// store must not or cannot write for dealer, and returns the records
// encoded, not yet sorted.
func (v PolicyStore) policyRows(ve *org.ValidationError, dealer org.DealerID, c policy.Change) []recordRow {
	rows := make([]recordRow, 0, len(c.Policies)+len(c.Incidents)+len(c.Nominations)+len(c.Decisions))
	period := func(path string, p policy.Period) string {
		if !p.Valid() {
			ve.Add(path, org.CodeRange, "must be a month or a year")
		}
		return p.String()
	}
	for i, sp := range c.Policies {
		path := "policies[" + strconv.Itoa(i) + "]"
		what := "policy version " + strconv.Itoa(sp.Policy.Version)
		checkRecord(ve, path, what, sp.DealerID, dealer, sp.Version)
		sp = sp.Clone() // normalised by encodeDoc; the caller's stays as it was
		doc := encodeDoc(ve, path, &sp)
		table := policiesOffTable
		if sp.Active {
			table = policiesOnTable
		}
		rows = append(rows, recordRow{table, []string{strconv.Itoa(sp.Policy.Version)},
			[]any{sp.Policy.ID, sp.Active, v.timeArg(sp.SavedAt), sp.Version, doc}, sp.Version, what})
	}
	for i, r := range c.Incidents {
		path := "incidents[" + strconv.Itoa(i) + "]"
		what := "incident " + r.ID
		checkRecord(ve, path, what, r.DealerID, dealer, r.Version)
		doc := encodeDoc(ve, path, &r)
		rows = append(rows, recordRow{policyIncidentsTable, []string{r.ID},
			[]any{string(r.Employee), v.timeArg(r.At), r.Version, doc}, r.Version, what})
	}
	for i, n := range c.Nominations {
		path := "nominations[" + strconv.Itoa(i) + "]"
		what := "nomination " + n.ID
		checkRecord(ve, path, what, n.DealerID, dealer, n.Version)
		p := period(path+".period", n.Period)
		doc := encodeDoc(ve, path, &n)
		rows = append(rows, recordRow{policyNominationsTable, []string{n.ID},
			[]any{p, string(n.Employee), n.Version, doc}, n.Version, what})
	}
	for i, d := range c.Decisions {
		path := "decisions[" + strconv.Itoa(i) + "]"
		what := "decision " + d.Key
		checkRecord(ve, path, what, d.DealerID, dealer, d.Version)
		p := period(path+".proposal.period", d.Proposal.Period)
		d = d.Clone()
		doc := encodeDoc(ve, path, &d)
		rows = append(rows, recordRow{policyDecisionsTable, []string{d.Key},
			[]any{p, string(d.Proposal.Employee), string(d.State), d.Version, doc}, d.Version, what})
	}
	checkEvents(ve, dealer, c.Events)
	return rows
}
