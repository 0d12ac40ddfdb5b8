package policytest

import (
	"cmp"
	"encoding/json"
	"fmt"
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

// stDiffStoredPolicy compares a stored policy field by field with
// kit.Deep, all but Policy: that one stays compared by its JSON (stValue),
// as the policy's own format, which is what a store keeps of it, says
// which policies are alike (a null, an empty list, an empty object and a
// field left out all are).
func stDiffStoredPolicy(got, want policy.StoredPolicy) error {
	d := kit.NewDiffer("policy %s/%d", want.DealerID, want.Policy.Version)
	stValue(d, "policy", got.Policy, want.Policy)
	got.Policy, want.Policy = policy.Policy{}, policy.Policy{}
	d.Deep("", got, want)
	return d.Err()
}

func stDiffIncident(got, want policy.IncidentRecord) error {
	return kit.Deep(fmt.Sprintf("incident %s/%s", want.DealerID, want.ID), got, want)
}

func stDiffNomination(got, want policy.NominationRecord) error {
	return kit.Deep(fmt.Sprintf("nomination %s/%s", want.DealerID, want.ID), got, want)
}

// stDiffDecision compares a decision field by field with kit.Deep, all
// but Proposal, compared by its JSON (stValue) for the reason
// stDiffStoredPolicy gives.
func stDiffDecision(got, want policy.Decision) error {
	d := kit.NewDiffer("decision %s/%s", want.DealerID, want.Key)
	stValue(d, "proposal", got.Proposal, want.Proposal)
	got.Proposal, want.Proposal = policy.Proposal{}, policy.Proposal{}
	d.Deep("", got, want)
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
