package policytest

import (
	"cmp"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/policy"
)

// stValue compares two values of a record that hold no instant (a policy, a
// proposal) by their JSON: decimals marshal as their value, so 100.0000
// and 100 are alike; a null, an empty list and an empty object are alike
// and alike a field left out. Every difference is named by its path.
func stValue(d *kit.Differ, path string, got, want any) {
	g, errG := stJSONValue(got)
	w, errW := stJSONValue(want)
	switch {
	case errW != nil:
		d.Add(path, "the kit cannot marshal what it wrote: %v", errW)
	case errG != nil:
		d.Add(path, "what was read back does not marshal: %v", errG)
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

func stJSONDiff(d *kit.Differ, path string, got, want any) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			d.Add(path, "got %s, want an object", stShort(got))
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
			d.Add(path, "got %s, want a list of %d", stShort(got), len(w))
			return
		}
		if len(g) != len(w) {
			d.Add(path, "got %d elements, want %d", len(g), len(w))
			return
		}
		for i := range w {
			stJSONDiff(d, path+"["+strconv.Itoa(i)+"]", g[i], w[i])
		}
	default:
		if got != want {
			d.Add(path, "got %s, want %s", stShort(got), stShort(want))
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
	d := kit.NewDiffer("policy %s/%d", want.DealerID, want.Policy.Version)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	stValue(d, "policy", got.Policy, want.Policy)
	kit.Eq(d, "active", got.Active, want.Active)
	d.Instant("saved_at", got.SavedAt, want.SavedAt)
	kit.Eq(d, "saved_by", got.SavedBy, want.SavedBy)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func stDiffIncident(got, want policy.IncidentRecord) error {
	d := kit.NewDiffer("incident %s/%s", want.DealerID, want.ID)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "id", got.ID, want.ID)
	kit.Eq(d, "employee", got.Employee, want.Employee)
	kit.Eq(d, "kind", got.Kind, want.Kind)
	d.Instant("at", got.At, want.At)
	d.Amount("amount", got.Amount, want.Amount)
	kit.Eq(d, "note", got.Note, want.Note)
	kit.Eq(d, "recorded_by", got.RecordedBy, want.RecordedBy)
	d.Instant("recorded_at", got.RecordedAt, want.RecordedAt)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func stDiffNomination(got, want policy.NominationRecord) error {
	d := kit.NewDiffer("nomination %s/%s", want.DealerID, want.ID)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "id", got.ID, want.ID)
	kit.Eq(d, "employee", got.Employee, want.Employee)
	kit.Eq(d, "period", got.Period, want.Period)
	kit.Eq(d, "reason", got.Reason, want.Reason)
	kit.Eq(d, "by", got.By, want.By)
	d.Instant("at", got.At, want.At)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func stDiffDecision(got, want policy.Decision) error {
	d := kit.NewDiffer("decision %s/%s", want.DealerID, want.Key)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	kit.Eq(d, "key", got.Key, want.Key)
	stValue(d, "proposal", got.Proposal, want.Proposal)
	kit.Eq(d, "state", got.State, want.State)
	d.Instant("proposed_at", got.ProposedAt, want.ProposedAt)
	kit.Eq(d, "decided_by", got.DecidedBy, want.DecidedBy)
	d.Instant("decided_at", got.DecidedAt, want.DecidedAt)
	kit.Eq(d, "reason", got.Reason, want.Reason)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
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
