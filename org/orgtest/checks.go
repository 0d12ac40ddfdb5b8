package orgtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
	"github.com/shopspring/decimal"
)

func checkDealerRoundTrip(ctx context.Context, s org.Store, _ Features) error {
	d := dealer("d1")
	if err := s.Commit(ctx, "d1", org.Change{Dealer: &d}); err != nil {
		return fmt.Errorf("commit dealer: %w", err)
	}
	got, err := s.Dealer(ctx, "d1")
	if err != nil {
		return fmt.Errorf("read dealer: %w", err)
	}
	if err := diffDealer(got, d); err != nil {
		return err
	}
	d2 := d
	d2.Name, d2.TimeZone, d2.Version, d2.UpdatedAt = "Renamed 更名", "Asia/Shanghai", 2, t0.Add(1500*time.Microsecond)
	if err := s.Commit(ctx, "d1", org.Change{Dealer: &d2}); err != nil {
		return fmt.Errorf("update dealer to version 2: %w", err)
	}
	got, err = s.Dealer(ctx, "d1")
	if err != nil {
		return fmt.Errorf("read dealer after update: %w", err)
	}
	return diffDealer(got, d2)
}

func checkDealerNotFound(ctx context.Context, s org.Store, _ Features) error {
	if err := seed(ctx, s, "d1"); err != nil {
		return err
	}
	// d1 in another case and padded with a space are unknown dealers too,
	// which a _ci or PAD SPACE collation finds.
	for _, id := range []org.DealerID{"nobody", "D1", "d1 "} {
		_, err := s.Dealer(ctx, id)
		if err := kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Dealer(%q), stored d1", id)); err != nil {
			return err
		}
	}
	return nil
}

func checkEmployeeRoundTrip(ctx context.Context, s org.Store, _ Features) error {
	full := employee("d1", "e1")
	full.Name = "陳 小明 (Chen)"
	full.SupervisorID = "sup-1"
	full.BonusBase = decimal.RequireFromString("12345678901234567.89")
	bare := org.Employee{DealerID: "d1", ID: "e2", Name: "Bare", Role: org.RoleTechnician, Department: org.DeptWorkshop, Version: 1, CreatedAt: t0, UpdatedAt: t0}
	left := gone("d1", "e3")
	if err := seed(ctx, s, "d1", full, bare, left); err != nil {
		return err
	}
	if err := readBack(ctx, s, "", full, bare, left); err != nil {
		return err
	}
	// Updates write every field too: full leaves, and left comes back, its
	// LeftAt cleared to zero.
	full2, left2 := full.Clone(), left.Clone()
	full2.Active, full2.Version = false, 2
	full2.UpdatedAt = t0.Add(48*time.Hour + 750*time.Microsecond)
	full2.LeftAt = full2.UpdatedAt
	left2.Active, left2.Version, left2.LeftAt = true, 2, time.Time{}
	left2.UpdatedAt = t0.Add(72*time.Hour + 250*time.Microsecond)
	if err := s.Commit(ctx, "d1", org.Change{Employees: []org.Employee{full2, left2}}); err != nil {
		return fmt.Errorf("deactivate e1 and reactivate e3 (version 2): %w", err)
	}
	return readBack(ctx, s, "after an update: ", full2, bare, left2)
}

// readBack reads each employee of wants back, one by one and as a list,
// and diffs it.
func readBack(ctx context.Context, s org.Store, when string, wants ...org.Employee) error {
	list, err := s.Employees(ctx, "d1", org.EmployeeQuery{IncludeInactive: true, Limit: 100})
	if err != nil {
		return fmt.Errorf("%slist employees: %w", when, err)
	}
	if len(list) != len(wants) {
		return fmt.Errorf("%slist employees: got %d, want %d", when, len(list), len(wants))
	}
	for i, want := range wants {
		got, err := s.Employee(ctx, "d1", want.ID)
		if err != nil {
			return fmt.Errorf("%sread employee %s: %w", when, want.ID, err)
		}
		if err := diffEmployee(got, want); err != nil {
			return fmt.Errorf("%s%w", when, err)
		}
		if err := diffEmployee(list[i], want); err != nil {
			return fmt.Errorf("%sas listed: %w", when, err)
		}
	}
	return nil
}

func checkCreateExisting(ctx context.Context, s org.Store, _ Features) error {
	if err := seed(ctx, s, "d1", employee("d1", "e1")); err != nil {
		return err
	}
	again := employee("d1", "e1")
	again.Name = "Impostor"
	err := s.Commit(ctx, "d1", org.Change{Employees: []org.Employee{again}})
	if err := kit.ExpectErr(err, org.ErrConflict, "creating employee e1 a second time"); err != nil {
		return err
	}
	d := dealer("d1")
	err = s.Commit(ctx, "d1", org.Change{Dealer: &d})
	if err := kit.ExpectErr(err, org.ErrConflict, "creating dealer d1 a second time"); err != nil {
		return err
	}
	got, err := s.Employee(ctx, "d1", "e1")
	if err != nil {
		return err
	}
	return diffEmployee(got, employee("d1", "e1"))
}

func checkStaleVersion(ctx context.Context, s org.Store, _ Features) error {
	v1 := employee("d1", "e1")
	if err := seed(ctx, s, "d1", v1); err != nil {
		return err
	}
	v2 := v1.Clone()
	v2.Name, v2.Version = "Second", 2
	if err := s.Commit(ctx, "d1", org.Change{Employees: []org.Employee{v2}}); err != nil {
		return fmt.Errorf("writing version 2 over 1: %w", err)
	}
	for _, bad := range []struct {
		version int64
		what    string
	}{{2, "writing version 2 again (a writer that read version 1)"}, {4, "writing version 4 over 2 (a skipped version)"}} {
		e := v2.Clone()
		e.Name, e.Version = "Lost", bad.version
		if err := kit.ExpectErr(s.Commit(ctx, "d1", org.Change{Employees: []org.Employee{e}}), org.ErrConflict, bad.what); err != nil {
			return err
		}
	}
	d3 := dealer("d1")
	d3.Name, d3.Version = "Lost", 3
	if err := kit.ExpectErr(s.Commit(ctx, "d1", org.Change{Dealer: &d3}), org.ErrConflict, "writing dealer version 3 over 1"); err != nil {
		return err
	}
	gotD, err := s.Dealer(ctx, "d1")
	if err != nil {
		return err
	}
	if err := diffDealer(gotD, dealer("d1")); err != nil {
		return fmt.Errorf("a refused dealer write changed the dealer: %w", err)
	}
	got, err := s.Employee(ctx, "d1", "e1")
	if err != nil {
		return err
	}
	if err := diffEmployee(got, v2); err != nil {
		return fmt.Errorf("a refused employee write changed the employee: %w", err)
	}
	return nil
}

func checkUpdateMissing(ctx context.Context, s org.Store, _ Features) error {
	if err := seed(ctx, s, "d1"); err != nil {
		return err
	}
	e := employee("d1", "ghost")
	e.Version = 2
	if err := kit.ExpectErr(s.Commit(ctx, "d1", org.Change{Employees: []org.Employee{e}}), org.ErrConflict, "writing version 2 of a missing employee"); err != nil {
		return err
	}
	if _, err := s.Employee(ctx, "d1", "ghost"); kit.ExpectErr(err, org.ErrNotFound, "") != nil {
		return fmt.Errorf("reading the employee a refused commit named: %w", kit.ExpectErr(err, org.ErrNotFound, "Employee(d1, ghost)"))
	}
	d := dealer("d-ghost")
	d.Version = 2
	if err := kit.ExpectErr(s.Commit(ctx, "d-ghost", org.Change{Dealer: &d}), org.ErrConflict, "writing version 2 of a missing dealer"); err != nil {
		return err
	}
	_, err := s.Dealer(ctx, "d-ghost")
	return kit.ExpectErr(err, org.ErrNotFound, "reading the dealer a refused commit named")
}

func checkVersionBelowOne(ctx context.Context, s org.Store, _ Features) error {
	if err := seed(ctx, s, "d1"); err != nil {
		return err
	}
	e := employee("d1", "e0")
	e.Version = 0
	if err := kit.ExpectErr(s.Commit(ctx, "d1", org.Change{Employees: []org.Employee{e}}), org.ErrInvalid, "writing employee version 0"); err != nil {
		return err
	}
	if _, err := s.Employee(ctx, "d1", "e0"); !errors.Is(err, org.ErrNotFound) {
		return fmt.Errorf("reading the employee a refused commit named: got %v, want ErrNotFound", err)
	}
	d := dealer("d0")
	d.Version = 0
	if err := kit.ExpectErr(s.Commit(ctx, "d0", org.Change{Dealer: &d}), org.ErrInvalid, "writing dealer version 0"); err != nil {
		return err
	}
	_, err := s.Dealer(ctx, "d0")
	return kit.ExpectErr(err, org.ErrNotFound, "reading the dealer a refused commit named")
}

func checkEmployeesPages(ctx context.Context, s org.Store, _ Features) error {
	// Byte order: upper case before "_" before lower case; "e10" before "e9".
	ids := []org.EmployeeID{"e9", "a", "B", "e10", "_x", "A", "Z", "e1", "b", "e2"}
	var es []org.Employee
	for _, id := range ids {
		es = append(es, employee("d1", id))
	}
	if err := seed(ctx, s, "d1", es...); err != nil {
		return err
	}
	want := slices.Clone(ids)
	slices.Sort(want)
	var got []org.EmployeeID
	q := org.EmployeeQuery{Limit: 3}
	for page := 0; ; page++ {
		list, err := s.Employees(ctx, "d1", q)
		if err != nil {
			return err
		}
		if len(list) > q.Limit {
			return fmt.Errorf("page %d: %d employees, more than Limit %d", page, len(list), q.Limit)
		}
		for _, e := range list {
			got = append(got, e.ID)
		}
		if len(list) < q.Limit || page > len(ids) {
			break
		}
		q.After = list[len(list)-1].ID
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("paging by 3 gave %q, want %q (byte order, each once)", got, want)
	}
	return nil
}

func checkEmployeesFilters(ctx context.Context, s org.Store, _ Features) error {
	adv, tech, sup, left := employee("d1", "adv"), employee("d1", "tech"), employee("d1", "sup"), gone("d1", "gone")
	tech.Role, tech.Department = org.RoleTechnician, org.DeptWorkshop
	sup.Role = org.RoleSupervisor
	if err := seed(ctx, s, "d1", adv, tech, sup, left); err != nil {
		return err
	}
	cases := []struct {
		q    org.EmployeeQuery
		want []org.EmployeeID
	}{
		{org.EmployeeQuery{}, []org.EmployeeID{"adv", "sup", "tech"}},
		{org.EmployeeQuery{IncludeInactive: true}, []org.EmployeeID{"adv", "gone", "sup", "tech"}},
		{org.EmployeeQuery{Role: org.RoleAdvisor}, []org.EmployeeID{"adv"}},
		{org.EmployeeQuery{Role: org.RoleAdvisor, IncludeInactive: true}, []org.EmployeeID{"adv", "gone"}},
		{org.EmployeeQuery{Department: org.DeptWorkshop}, []org.EmployeeID{"tech"}},
		{org.EmployeeQuery{Department: org.DeptServiceAdvisor, Role: org.RoleTechnician}, nil},
	}
	for _, c := range cases {
		c.q.Limit = 100
		list, err := s.Employees(ctx, "d1", c.q)
		if err != nil {
			return err
		}
		var got []org.EmployeeID
		for _, e := range list {
			got = append(got, e.ID)
		}
		if !slices.Equal(got, c.want) {
			return fmt.Errorf("Employees(%+v) = %q, want %q", c.q, got, c.want)
		}
	}
	return nil
}

func checkEmpty(ctx context.Context, s org.Store, _ Features) error {
	for _, d := range []org.DealerID{"never-seen", "d1"} {
		if d == "d1" {
			if err := seed(ctx, s, "d1"); err != nil {
				return err
			}
		}
		list, err := s.Employees(ctx, d, org.EmployeeQuery{Limit: 10})
		if err != nil || len(list) != 0 {
			return fmt.Errorf("Employees(%s) with no employees: %d results, err %v; want none, nil", d, len(list), err)
		}
		evs, err := s.Events(ctx, d, 0, 10)
		if err != nil || len(evs) != 0 {
			return fmt.Errorf("Events(%s) with no events: %d results, err %v; want none, nil", d, len(evs), err)
		}
	}
	return nil
}

func checkEventsInOrder(ctx context.Context, s org.Store, _ Features) error {
	if err := seed(ctx, s, "d1"); err != nil {
		return err
	}
	var want []org.Event
	for i, n := range []int{1, 3, 0, 2} {
		var evs []org.Event
		for j := range n {
			evs = append(evs, event("d1", fmt.Sprintf("c%d-e%d", i, j), "employee.changed"))
		}
		want = append(want, evs...)
		if err := s.Commit(ctx, "d1", org.Change{Events: evs}); err != nil {
			return fmt.Errorf("commit %d: %w", i, err)
		}
	}
	all, err := s.Events(ctx, "d1", 0, 100)
	if err != nil {
		return err
	}
	if len(all) != len(want) {
		return fmt.Errorf("Events(after 0) gave %d events, want %d", len(all), len(want))
	}
	for i := range all {
		if err := kit.DiffEvent(all[i], want[i]); err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
		if i > 0 && all[i].Seq <= all[i-1].Seq {
			return fmt.Errorf("event %d has Seq %d after Seq %d: not strictly increasing", i, all[i].Seq, all[i-1].Seq)
		}
	}
	if all[0].Seq <= 0 {
		return fmt.Errorf("first Seq is %d; Seq starts above 0 so that 0 is the cursor before everything", all[0].Seq)
	}
	page, err := s.Events(ctx, "d1", all[2].Seq, 2)
	if err != nil {
		return err
	}
	if len(page) != 2 || page[0].ID != all[3].ID || page[1].ID != all[4].ID {
		return fmt.Errorf("Events(after Seq %d, limit 2) = %v, want events %s and %s", all[2].Seq, page, all[3].ID, all[4].ID)
	}
	return nil
}
