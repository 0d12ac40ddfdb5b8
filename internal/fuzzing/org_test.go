package fuzzing_test

import (
	"testing"
	"time"

	"github.com/servicelane/servicelane/org"
)

// orgNow is when the org target's commands run.
var orgNow = time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)

// seedOrg adds a proposed move: wang to the parts department.
func seedOrg(w *world) {
	w.clock.Set(orgNow.Add(-time.Hour))
	do[org.CareerMove](w, "propose move")(w.orgs.ProposeMove(w.ctx, "d1", lin, org.MoveInput{ID: "mv1", Employee: "wang", Kind: org.MoveTransfer,
		To: org.Position{Department: "parts"}, Reason: "knows the catalogue"}))
}

// orgRecords are the roster's career moves, per employee.
func orgRecords(w *world, dealer org.DealerID, put putFunc) {
	es, err := w.st.org.Employees(w.ctx, dealer, org.EmployeeQuery{IncludeInactive: true, Limit: org.MaxPage})
	if err != nil {
		put("moves", nil, err)
		return
	}
	for _, e := range append(es, org.Employee{ID: "ghost"}) {
		ms, err := w.st.org.Moves(w.ctx, dealer, e.ID)
		put("moves/"+string(e.ID), ms, err)
	}
}

func (in *input) role() org.Role {
	return org.Role(in.str("advisor", "supervisor", "technician", "admin", "foreman"))
}

func (in *input) department() org.Department {
	return org.Department(in.str("", "service_advisor", "workshop", "parts", "sales"))
}

func (in *input) strp(choices ...string) *string {
	if in.byte()%3 != 1 {
		return nil
	}
	s := in.str(choices...)
	return &s
}

func (in *input) skills() []string {
	var out []string
	for range in.intn(4) {
		out = append(out, in.str("EV", "hybrid", "alignment"))
	}
	return out
}

var orgDecoders = []decoder{
	{"create_dealer", func(in *input, _ time.Time) command {
		a := in.actor(admin)
		nd := org.NewDealer{ID: org.DealerID(in.str("d3", "d1", "d2", "D3")), Name: in.str("Hsinchu Motors 新竹汽車"),
			TimeZone: in.str("Asia/Taipei", "UTC", "America/New_York", "Mars/Olympus", "Local", "+08:00"),
			Currency: in.str("TWD", "USD", "XXX", "twd", "TWDX")}
		return command{dealer: nd.ID, args: []any{a, nd}, run: func(w *world) error {
			_, err := w.orgs.CreateDealer(w.ctx, a, nd)
			return err
		}}
	}},
	{"change_dealer", func(in *input, _ time.Time) command {
		a := in.actor(admin)
		dc := org.DealerChange{ID: org.DealerID(in.str("d1", "d2", "d3")), ExpectedVersion: in.version(),
			Name: in.strp("Taipei Motors 2"), TimeZone: in.strp("Asia/Tokyo", "UTC", "Nowhere/Else", ""), Reason: in.str("", "renamed")}
		return command{dealer: dc.ID, args: []any{a, dc}, run: func(w *world) error {
			_, err := w.orgs.ChangeDealer(w.ctx, a, dc)
			return err
		}}
	}},
	{"add_employee", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(admin)
		ne := org.NewEmployee{ID: org.EmployeeID(in.str("new", "", "chen", "li")), Name: in.str("New Hire 新人"), Role: in.role(),
			Department: in.department(), SupervisorID: org.EmployeeID(in.str("", "lin", "kuo", "chen", "ghost")),
			Email: in.str("", "new@example.com", "not-an-email"), Phone: in.str("", "0912-000-222", "call me"),
			Skills: in.skills(), BonusBase: in.dec()}
		return command{dealer: d, args: []any{a, ne}, run: func(w *world) error {
			_, err := w.orgs.AddEmployee(w.ctx, d, a, ne)
			return err
		}}
	}},
	{"change_employee", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(admin)
		ec := org.EmployeeChange{ID: in.employee(), ExpectedVersion: in.version(), Name: in.strp("Chen Wei 2")}
		if in.bool() {
			r := in.role()
			ec.Role = &r
		}
		if in.bool() {
			dp := in.department()
			ec.Department = &dp
		}
		if s := in.strp("", "lin", "kuo", "chen", "wang"); s != nil {
			id := org.EmployeeID(*s)
			ec.SupervisorID = &id
		}
		ec.Email, ec.Phone = in.strp("", "c@example.com", "nope"), in.strp("", "0912-000-333", "x")
		if in.bool() {
			sk := in.skills()
			ec.Skills = &sk
		}
		if in.bool() {
			b := in.dec()
			ec.BonusBase = &b
		}
		ec.Reason = in.str("", "changed")
		return command{dealer: d, args: []any{a, ec}, run: func(w *world) error {
			_, err := w.orgs.ChangeEmployee(w.ctx, d, a, ec)
			return err
		}}
	}},
	{"deactivate_employee", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(admin)
		sc := org.StatusChange{ID: in.employee(), ExpectedVersion: in.version(), Reason: in.str("left")}
		return command{dealer: d, args: []any{a, sc}, run: func(w *world) error {
			_, err := w.orgs.DeactivateEmployee(w.ctx, d, a, sc)
			return err
		}}
	}},
	{"reactivate_employee", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(admin)
		sc := org.StatusChange{ID: org.EmployeeID(in.id("li", "chen", "ghost")), ExpectedVersion: in.version(), Reason: in.str("back")}
		return command{dealer: d, args: []any{a, sc}, run: func(w *world) error {
			_, err := w.orgs.ReactivateEmployee(w.ctx, d, a, sc)
			return err
		}}
	}},
	{"propose_move", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		mi := org.MoveInput{ID: org.MoveID(in.str("mv2", "", "mv1")), Employee: in.employee(), Kind: org.MoveKind(in.str("transfer", "promotion", "demotion")),
			To:     org.Position{Role: org.Role(in.str("", "supervisor", "technician", "admin")), Department: org.Department(in.str("parts", "", "workshop", "sales")), SupervisorID: org.EmployeeID(in.str("", "kuo", "lin", "ghost"))},
			Reason: in.str("ready for it"), Source: in.str("", "policy decision default/promotion_eligibility/chen/2026-11")}
		return command{dealer: d, args: []any{a, mi}, run: func(w *world) error {
			_, err := w.orgs.ProposeMove(w.ctx, d, a, mi)
			return err
		}}
	}},
	{"decide_move", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(admin)
		ref := org.MoveRef{ID: org.MoveID(in.str("mv1", "mv2")), ExpectedVersion: in.version()}
		md := org.MoveDecision{Approve: in.byte()%2 == 0, Reason: in.str("agreed")}
		return command{dealer: d, args: []any{a, ref, md}, run: func(w *world) error {
			_, err := w.orgs.DecideMove(w.ctx, d, a, ref, md)
			return err
		}}
	}},
	{"read_roster", func(in *input, _ time.Time) command {
		d, a, which := in.dealer(), in.actor(lin), in.intn(6)
		id := in.employee()
		q := org.EmployeeQuery{Role: in.role(), Department: in.department(), IncludeInactive: in.bool(), After: in.employee(""), Limit: in.num(0, 1, 10, 1000)}
		return command{dealer: d, args: []any{a, which, id, q}, run: func(w *world) error {
			var err error
			switch which {
			case 0:
				_, err = w.orgs.Employee(w.ctx, d, a, id)
			case 1:
				_, err = w.orgs.Employees(w.ctx, d, a, q)
			case 2:
				_, err = w.orgs.Reports(w.ctx, d, a, id)
			case 3:
				_, err = w.orgs.SupervisorOf(w.ctx, d, a, id)
			case 4:
				_, err = w.orgs.Moves(w.ctx, d, a, id)
			default:
				_, err = w.orgs.Move(w.ctx, d, a, org.MoveID(id))
			}
			return err
		}}
	}},
	{"events", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(admin)
		after, limit := int64(in.num(0, 1, 5)), in.num(0, 1, 10, 1000)
		return command{dealer: d, args: []any{a, after, limit}, run: func(w *world) error {
			_, err := w.orgs.Events(w.ctx, d, a, after, limit)
			return err
		}}
	}},
}

// orgTarget is the org target's worlds.
func orgTarget(tb testing.TB) *target { return newTarget(tb, "org", orgNow, seedOrg, orgRecords) }

// FuzzOrg fuzzes the roster's commands.
func FuzzOrg(f *testing.F) {
	ds := orgDecoders
	c := func(name string) byte { return cmdIndex(ds, name) }
	// Each valid command, from the bytes that pick its defaults.
	for i := range ds {
		f.Add([]byte{byte(i)})
	}
	f.Add(enc(c("add_employee"), 200, "\xff", actorByte(admin), "X"))      // dealer "\xff" (the finding 1)
	f.Add(enc(c("add_employee"), 0, actorByte(admin), "", "Wang\x00Ling")) // NUL in a name
	f.Add(enc(c("add_employee"), 0, actorByte(admin), "n1", "N", 0, 0, 0, 0, 0, 0, litDec("1e30")))
	f.Add(enc(c("add_employee"), 0, actorByte(admin), "n1", "N", 0, 0, 0, 0, 0, 0, litDec("0.00000000000000000001")))
	f.Add(enc(c("change_employee"), 0, actorByte(admin), "chen", 0, 0, 0, 0, 0, 0, 0, 0, 1, litDec("-1e-30")))
	f.Add(enc(c("change_employee"), 0, actorByte(admin), "chen\x00", 0))
	f.Add(enc(c("create_dealer"), actorByte(admin), "d\x001"))
	f.Add(enc(c("create_dealer"), actorByte(admin), "d9", string(make([]byte, 300))))
	f.Add(enc(c("change_dealer"), actorByte(admin), "d1", 0, 1, "\xff\xfe\xfd"))
	f.Add(enc(c("propose_move"), 0, actorByte(lin), "mv2", "chen", "promotion", "supervisor", "", "", "\x1b[31mred"))
	f.Add(enc(c("decide_move"), 0, actorByte(admin), "mv1\x00"))
	f.Add(enc(c("deactivate_employee"), 0, actorByte(admin), "\xff"))
	f.Add(enc(c("read_roster"), 0, actorByte(lin), 0, "RO\x001"))
	tg := orgTarget(f)
	tg.fuzz(f, ds)
}
