package policytest

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// stDiffer collects the differences between a record read back and the
// one written, each named by its path ("proposal.actions[0].amount").
// Decimals compare by value (100.0000 is 100), instants with Equal and
// must be in UTC, lists element by element with nil and empty alike.
type stDiffer struct {
	what  string
	diffs []string
}

func (d *stDiffer) add(path, format string, args ...any) {
	d.diffs = append(d.diffs, path+": "+fmt.Sprintf(format, args...))
}

func (d *stDiffer) err() error {
	if len(d.diffs) == 0 {
		return nil
	}
	const most = 8
	list, more := d.diffs, ""
	if len(list) > most {
		list, more = list[:most], fmt.Sprintf("; and %d more", len(d.diffs)-most)
	}
	return fmt.Errorf("%s reads back different: %s%s", d.what, strings.Join(list, "; "), more)
}

func stEq[T comparable](d *stDiffer, path string, got, want T) {
	if got != want {
		d.add(path, "got %#v, want %#v", got, want)
	}
}

func (d *stDiffer) amount(path string, got, want decimal.Decimal) {
	if !got.Equal(want) {
		d.add(path, "got %s, want %s", got, want)
	}
}

func (d *stDiffer) instant(path string, got, want time.Time) {
	if err := stSameInstant(got, want); err != nil {
		d.add(path, "%v", err)
	}
}

func stSameInstant(got, want time.Time) error {
	switch {
	case want.IsZero() && !got.IsZero():
		return fmt.Errorf("got %s, want the zero time", got.Format(time.RFC3339Nano))
	case want.IsZero():
		return nil
	case !got.Equal(want):
		return fmt.Errorf("got %s, want %s", got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	case got.Location() != time.UTC:
		return fmt.Errorf("got zone %s (%s), want UTC", got.Location(), got.Format(time.RFC3339Nano))
	}
	return nil
}

// value compares two values of a record that hold no instant (a policy, a
// proposal) by their JSON: decimals marshal as their value, so 100.0000
// and 100 are alike; a null, an empty list and an empty object are alike
// and alike a field left out. Every difference is named by its path.
func (d *stDiffer) value(path string, got, want any) {
	g, errG := stJSONValue(got)
	w, errW := stJSONValue(want)
	switch {
	case errW != nil:
		d.add(path, "the kit cannot marshal what it wrote: %v", errW)
	case errG != nil:
		d.add(path, "what was read back does not marshal: %v", errG)
	default:
		stJSONDiff(d, path, g, w)
	}
}

// stJSONValue is v as decoded JSON, with nulls and empty lists and objects
// dropped.
func stJSONValue(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var x any
	if err := json.Unmarshal(raw, &x); err != nil {
		return nil, err
	}
	return stDropEmpty(x), nil
}

func stDropEmpty(x any) any {
	switch v := x.(type) {
	case map[string]any:
		for k, e := range v {
			if e = stDropEmpty(e); e == nil {
				delete(v, k)
			} else {
				v[k] = e
			}
		}
		if len(v) == 0 {
			return nil
		}
	case []any:
		for i := range v {
			v[i] = stDropEmpty(v[i])
		}
		if len(v) == 0 {
			return nil
		}
	}
	return x
}

func stJSONDiff(d *stDiffer, path string, got, want any) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			d.add(path, "got %s, want an object", stShort(got))
			return
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			stJSONDiff(d, path+"."+k, g[k], w[k])
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			d.add(path, "got %s, want a list of %d", stShort(got), len(w))
			return
		}
		if len(g) != len(w) {
			d.add(path, "got %d elements, want %d", len(g), len(w))
			return
		}
		for i := range w {
			stJSONDiff(d, path+"["+strconv.Itoa(i)+"]", g[i], w[i])
		}
	default:
		if got != want {
			d.add(path, "got %s, want %s", stShort(got), stShort(want))
		}
	}
}

func stShort(v any) string {
	if v == nil {
		return "nothing"
	}
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

func stDiffStoredPolicy(got, want policy.StoredPolicy) error {
	d := &stDiffer{what: fmt.Sprintf("policy %s/%d", want.DealerID, want.Policy.Version)}
	stEq(d, "dealer_id", got.DealerID, want.DealerID)
	d.value("policy", got.Policy, want.Policy)
	stEq(d, "active", got.Active, want.Active)
	d.instant("saved_at", got.SavedAt, want.SavedAt)
	stEq(d, "saved_by", got.SavedBy, want.SavedBy)
	stEq(d, "version", got.Version, want.Version)
	return d.err()
}

func stDiffIncident(got, want policy.IncidentRecord) error {
	d := &stDiffer{what: fmt.Sprintf("incident %s/%s", want.DealerID, want.ID)}
	stEq(d, "dealer_id", got.DealerID, want.DealerID)
	stEq(d, "id", got.ID, want.ID)
	stEq(d, "employee", got.Employee, want.Employee)
	stEq(d, "kind", got.Kind, want.Kind)
	d.instant("at", got.At, want.At)
	d.amount("amount", got.Amount, want.Amount)
	stEq(d, "note", got.Note, want.Note)
	stEq(d, "recorded_by", got.RecordedBy, want.RecordedBy)
	d.instant("recorded_at", got.RecordedAt, want.RecordedAt)
	stEq(d, "version", got.Version, want.Version)
	return d.err()
}

func stDiffNomination(got, want policy.NominationRecord) error {
	d := &stDiffer{what: fmt.Sprintf("nomination %s/%s", want.DealerID, want.ID)}
	stEq(d, "dealer_id", got.DealerID, want.DealerID)
	stEq(d, "id", got.ID, want.ID)
	stEq(d, "employee", got.Employee, want.Employee)
	stEq(d, "period", got.Period, want.Period)
	stEq(d, "reason", got.Reason, want.Reason)
	stEq(d, "by", got.By, want.By)
	d.instant("at", got.At, want.At)
	stEq(d, "version", got.Version, want.Version)
	return d.err()
}

func stDiffDecision(got, want policy.Decision) error {
	d := &stDiffer{what: fmt.Sprintf("decision %s/%s", want.DealerID, want.Key)}
	stEq(d, "dealer_id", got.DealerID, want.DealerID)
	stEq(d, "key", got.Key, want.Key)
	d.value("proposal", got.Proposal, want.Proposal)
	stEq(d, "state", got.State, want.State)
	d.instant("proposed_at", got.ProposedAt, want.ProposedAt)
	stEq(d, "decided_by", got.DecidedBy, want.DecidedBy)
	d.instant("decided_at", got.DecidedAt, want.DecidedAt)
	stEq(d, "reason", got.Reason, want.Reason)
	stEq(d, "version", got.Version, want.Version)
	return d.err()
}

// stDiffEvent compares everything but Seq, which the store assigns.
func stDiffEvent(got, want org.Event) error {
	d := &stDiffer{what: fmt.Sprintf("event %s/%s", want.DealerID, want.ID)}
	stEq(d, "dealer_id", got.DealerID, want.DealerID)
	stEq(d, "id", got.ID, want.ID)
	d.instant("at", got.At, want.At)
	stEq(d, "actor", got.Actor, want.Actor)
	stEq(d, "type", got.Type, want.Type)
	stEq(d, "subject", got.Subject, want.Subject)
	stEq(d, "reason", got.Reason, want.Reason)
	if string(got.Data) != string(want.Data) {
		d.add("data", "got %s, want %s (byte for byte)", got.Data, want.Data)
	}
	return d.err()
}

// stDiffEvents compares two runs of events, Seq included.
func stDiffEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %d %s", what, len(got), stEventIDs(got), len(want), stEventIDs(want))
	}
	var errs []error
	for i := range want {
		if err := stDiffEvent(got[i], want[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s, event %d: %w", what, i, err))
		} else if got[i].Seq != want[i].Seq {
			errs = append(errs, fmt.Errorf("%s, event %d (%s): Seq %d, want %d", what, i, want[i].ID, got[i].Seq, want[i].Seq))
		}
	}
	return errors.Join(errs...)
}

// stSameEvents compares events without their Seq.
func stSameEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %s", what, len(got), stEventIDs(got), stEventIDs(want))
	}
	for i := range want {
		if err := stDiffEvent(got[i], want[i]); err != nil {
			return fmt.Errorf("%s, event %d: %w", what, i, err)
		}
	}
	return nil
}

func stEventIDs(evs []org.Event) string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = fmt.Sprintf("%s@%d", ev.ID, ev.Seq)
	}
	return "[" + strings.Join(ids, " ") + "]"
}

// stDiffList compares a list read back with the records it must hold, in
// order: first their keys, then each record.
func stDiffList[T any](what string, got, want []T, key func(T) string, diff func(got, want T) error) error {
	g, w := make([]string, len(got)), make([]string, len(want))
	for i := range got {
		g[i] = key(got[i])
	}
	for i := range want {
		w[i] = key(want[i])
	}
	if !slices.Equal(g, w) {
		if len(g) > 20 || len(w) > 20 {
			return fmt.Errorf("%s: got %d records, want %d, or in another order (first difference at %d)", what, len(g), len(w), stFirstDiff(g, w))
		}
		return fmt.Errorf("%s = %q, want %q", what, g, w)
	}
	var errs []error
	for i := range want {
		if err := diff(got[i], want[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s, element %d: %w", what, i, err))
		}
	}
	return errors.Join(errs...)
}

func stFirstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func stPolicyKey(sp policy.StoredPolicy) string       { return strconv.Itoa(sp.Policy.Version) }
func stIncidentID(r policy.IncidentRecord) string     { return r.ID }
func stNominationID(n policy.NominationRecord) string { return n.ID }
func stDecisionKey(d policy.Decision) string          { return d.Key }

func stByVersion(ps []policy.StoredPolicy) []policy.StoredPolicy {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b policy.StoredPolicy) int { return cmp.Compare(a.Policy.Version, b.Policy.Version) })
	return ps
}

// stByTime orders incidents as Incidents must: by At as instants, then by
// ID in byte order.
func stByTime(rs []policy.IncidentRecord) []policy.IncidentRecord {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b policy.IncidentRecord) int { return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID)) })
	return rs
}

func stByID(ns []policy.NominationRecord) []policy.NominationRecord {
	ns = slices.Clone(ns)
	slices.SortFunc(ns, func(a, b policy.NominationRecord) int { return strings.Compare(a.ID, b.ID) })
	return ns
}

func stByKey(ds []policy.Decision) []policy.Decision {
	ds = slices.Clone(ds)
	slices.SortFunc(ds, func(a, b policy.Decision) int { return strings.Compare(a.Key, b.Key) })
	return ds
}

func stOrErr(err error, then func() error) error {
	if err != nil {
		return err
	}
	return then()
}

func stCountNone(what string, n int) error {
	if n != 0 {
		return fmt.Errorf("%s: %d records, want none: another dealer's, or another period's", what, n)
	}
	return nil
}
