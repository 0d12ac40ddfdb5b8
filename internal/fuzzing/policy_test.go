package fuzzing_test

import (
	"sync"
	"testing"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// polNow is when the policy target's commands run: the end of November.
var polNow = time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)

// policyKeys are the keys of the decisions the seed's evaluation proposed
// (the same on every store and every run: the seed is deterministic).
var policyKeys struct {
	sync.Mutex
	keys []string
}

func decisionKeys() []string {
	policyKeys.Lock()
	defer policyKeys.Unlock()
	return append([]string(nil), policyKeys.keys...)
}

// seedPolicy activates the default policy (version 1) and saves version 2
// inactive, records a quarrel of chen's and evaluates November (a demerit
// proposed), and nominates wang for November's excellent advisor.
func seedPolicy(w *world) {
	ctx, pol := w.ctx, w.pol
	w.clock.Set(polNow.Add(-24 * time.Hour))
	do[policy.StoredPolicy](w, "save policy 1")(pol.SavePolicy(ctx, "d1", admin, policy.Default("TWD"), true))
	p2 := policy.Default("TWD")
	p2.Version = 2
	do[policy.StoredPolicy](w, "save policy 2")(pol.SavePolicy(ctx, "d1", admin, p2, false))
	do[policy.IncidentRecord](w, "quarrel")(pol.RecordIncident(ctx, "d1", lin, policy.IncidentInput{ID: "q1", Employee: "chen", Kind: policy.CustomerQuarrel,
		At: polNow.Add(-30 * time.Hour), Note: "raised his voice"}))
	res, err := pol.Evaluate(ctx, "d1", lin, policy.MonthPeriod(november))
	must(w.tb, err)
	keys := []string{}
	for _, d := range res.Decisions {
		keys = append(keys, d.Key)
	}
	if len(keys) == 0 {
		w.tb.Fatalf("seed: November's evaluation proposed nothing")
	}
	policyKeys.Lock()
	policyKeys.keys = keys
	policyKeys.Unlock()
	do[policy.NominationRecord](w, "nominate")(pol.Nominate(ctx, "d1", lin, policy.NominationInput{ID: "n1", Employee: "wang",
		Period: policy.MonthPeriod(november), Reason: "saved a customer's day"}))
}

var policyPeriods = []policy.Period{policy.MonthPeriod(november), policy.MonthPeriod(december), policy.YearPeriod(2026), policy.MonthPeriod(october)}

// policyRecords are the policies, incidents, nominations and decisions.
func policyRecords(w *world, dealer org.DealerID, put putFunc) {
	ctx, st := w.ctx, w.st.pol
	ps, err := st.Policies(ctx, dealer)
	put("policies", ps, err)
	ap, err := st.ActivePolicy(ctx, dealer)
	put("policy/active", ap, err)
	is, err := st.Incidents(ctx, dealer, time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	put("incidents", is, err)
	for _, p := range policyPeriods {
		ns, err := st.Nominations(ctx, dealer, p)
		put("nominations/"+p.String(), ns, err)
		ds, err := st.Decisions(ctx, dealer, p, "")
		put("decisions/"+p.String(), ds, err)
	}
}

func (in *input) period() policy.Period {
	k := in.byte()
	if k < 128 {
		return policyPeriods[int(k)%len(policyPeriods)]
	}
	all := []policy.Period{{}, {Year: 2026, Month: 13}, {Year: 1, Month: 1}, {Year: 1900}, {Year: 9999, Month: 12}, {Year: -1}, {Year: 2026, Month: -1}}
	return all[int(k)%len(all)]
}

var policyDecoders = []decoder{
	{"save_policy", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(admin)
		p := policy.Default(in.str("TWD", "USD", "XXX", ""))
		p.Version = in.num(3, 1, 0, -1, 1000)
		set := func(f func()) {
			if in.byte()%3 == 1 {
				f()
			}
		}
		set(func() { p.ID = in.str("custom", "") })
		set(func() { places := int32(in.num(0, 2, 4, 5, -1)); p.Places = &places })
		set(func() { p.Rules[0].ID = in.str("r1", "") })
		set(func() { p.Rules[0].Title.EN = in.str("Excellent advisor") })
		set(func() { p.Rules[0].Title.ZH = in.str("優秀顧問") })
		set(func() { p.Rules[0].Cites = []string{in.str("R7.1")} })
		set(func() { p.Rules = append(p.Rules, p.Rules[0]) }) // a rule twice
		activate := in.bool()
		return command{dealer: d, args: []any{a, p, activate}, run: func(w *world) error {
			_, err := w.pol.SavePolicy(w.ctx, d, a, p, activate)
			return err
		}}
	}},
	{"activate_policy", func(in *input, _ time.Time) command {
		d, a, v := in.dealer(), in.actor(admin), in.num(2, 1, 3, 0, -1)
		return command{dealer: d, args: []any{a, v}, run: func(w *world) error {
			_, err := w.pol.ActivatePolicy(w.ctx, d, a, v)
			return err
		}}
	}},
	{"evaluate", func(in *input, _ time.Time) command {
		d, a, p := in.dealer(), in.actor(lin), in.period()
		return command{dealer: d, args: []any{a, p}, run: func(w *world) error {
			_, err := w.pol.Evaluate(w.ctx, d, a, p)
			return err
		}}
	}},
	{"record_incident", func(in *input, now time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		ii := policy.IncidentInput{ID: in.str("", "q2", "q1", "q 2"), Employee: in.employee(), Kind: policy.IncidentKind(in.str("late", "customer_quarrel", "loss", "absent", "napping")),
			At: in.time(now.Add(-2 * time.Hour)), Amount: in.decz(), Note: in.str("", "ten minutes")}
		return command{dealer: d, args: []any{a, ii}, run: func(w *world) error {
			_, err := w.pol.RecordIncident(w.ctx, d, a, ii)
			return err
		}}
	}},
	{"nominate", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		ni := policy.NominationInput{ID: in.str("", "n2", "n1"), Employee: in.employee(), Period: in.period(), Reason: in.str("saved a customer's day")}
		return command{dealer: d, args: []any{a, ni}, run: func(w *world) error {
			_, err := w.pol.Nominate(w.ctx, d, a, ni)
			return err
		}}
	}},
	{"decide", func(in *input, _ time.Time) command {
		d, a, reject := in.dealer(), in.actor(lin), in.bool()
		di := policy.DecideInput{Key: in.id(append(decisionKeys(), "default/nope/chen/2026-11")...), Reason: in.str("agreed", ""), ExpectedVersion: in.version()}
		return command{dealer: d, args: []any{a, reject, di}, run: func(w *world) error {
			var err error
			if reject {
				_, err = w.pol.Reject(w.ctx, d, a, di)
			} else {
				_, err = w.pol.Approve(w.ctx, d, a, di)
			}
			return err
		}}
	}},
	{"read", func(in *input, now time.Time) command {
		d, a, which := in.dealer(), in.actor(lin), in.intn(6)
		from, before := in.time(now.Add(-40*24*time.Hour)), in.time(now)
		p, e, key := in.period(), in.employee(""), in.id(decisionKeys()...)
		return command{dealer: d, args: []any{a, which, from, before, p, e, key}, run: func(w *world) error {
			var err error
			switch which {
			case 0:
				_, err = w.pol.Incidents(w.ctx, d, a, from, before)
			case 1:
				_, err = w.pol.Nominations(w.ctx, d, a, p)
			case 2:
				_, err = w.pol.Decision(w.ctx, d, a, key)
			case 3:
				_, err = w.pol.Decisions(w.ctx, d, a, p, e)
			case 4:
				_, err = w.pol.ActivePolicy(w.ctx, d, a)
			default:
				_, err = w.pol.Policies(w.ctx, d, a)
			}
			return err
		}}
	}},
}

// policyTarget is the policy target's worlds.
func policyTarget(tb testing.TB) *target {
	return newTarget(tb, "policy", polNow, seedPolicy, policyRecords)
}

// FuzzPolicy fuzzes policies, incidents, nominations, evaluations and
// decisions.
func FuzzPolicy(f *testing.F) {
	ds := policyDecoders
	c := func(name string) byte { return cmdIndex(ds, name) }
	for i := range ds {
		f.Add([]byte{byte(i)})
	}
	linB := actorByte(lin)
	f.Add(enc(c("decide"), 0, linB, 0, "\xff"))           // a decision key not UTF-8
	f.Add(enc(c("decide"), 0, linB, 1, "default\x00"))    // with a NUL, rejected
	f.Add(enc(c("read"), 0, linB, 2, 0, 0, 0, 0, "\xff")) // a decision read
	incident := func(at []byte) []byte { return enc(c("record_incident"), 0, linB, "q2", "chen", "late", at) }
	f.Add(incident([]byte{11})) // an incident in year 1
	f.Add(incident([]byte{12})) // 2 January, year 1
	f.Add(incident([]byte{13})) // in 1900
	f.Add(incident([]byte{14})) // in 9999
	f.Add(incident(litTime(time.Date(1989, 12, 31, 0, 0, 0, 0, time.UTC))))
	f.Add(enc(c("record_incident"), 0, linB, "q2", "chen", "loss", 0, 1, litDec("1e30")))
	f.Add(enc(c("record_incident"), 0, linB, "q2", "chen", "loss", 0, 1, litDec("100.00000000000000000001")))
	f.Add(enc(c("record_incident"), 0, linB, "q2", "chen", "late", 0, 0, "\x1b[31mred"))
	f.Add(enc(c("nominate"), 0, linB, "n2", "chen", 130)) // a nomination for 9999
	f.Add(enc(c("evaluate"), 0, linB, 134))               // month 13
	f.Add(enc(c("save_policy"), 0, actorByte(admin), 0, 0, 1, "custom\x00"))
	f.Add(enc(c("save_policy"), 0, actorByte(admin), 0, 0, 0, 0, 0, 1, "\xff\xfe\xfd"))
	tg := policyTarget(f)
	tg.fuzz(f, ds)
}
