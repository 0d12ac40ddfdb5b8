package orgtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// t0 is a fixed instant with microseconds and a non-UTC zone, so a store
// that drops either is caught.
var t0 = time.Date(2026, 11, 2, 9, 30, 15, 123456000, time.FixedZone("CST", 8*3600)).UTC()

func dealer(id org.DealerID) org.Dealer {
	return org.Dealer{ID: id, Name: "Dealer " + string(id), TimeZone: "Asia/Taipei", Currency: "TWD", Version: 1, CreatedAt: t0, UpdatedAt: t0}
}

func employee(d org.DealerID, id org.EmployeeID) org.Employee {
	return org.Employee{
		DealerID: d, ID: id, Name: "Name of " + string(id), Role: org.RoleAdvisor, Department: org.DeptServiceAdvisor,
		Email: string(id) + "@example.com", Phone: "+886 912-345-678", Skills: []string{"EV", "hybrid"},
		BonusBase: decimal.RequireFromString("12.50"), Active: true, Version: 1, CreatedAt: t0, UpdatedAt: t0,
	}
}

// fullEmployee is employee id with every field set: a supervisor, a
// bonus base of 20 digits, and inactive, its LeftAt set (gone).
func fullEmployee(d org.DealerID, id org.EmployeeID) org.Employee {
	e := gone(d, id)
	e.Name = "陳 小明 (Chen)"
	e.SupervisorID = "sup-1"
	e.BonusBase = decimal.RequireFromString("12345678901234567.89")
	return e
}

// amounts are the values every decimal keeps exactly (AmountsExact).
var amounts = []string{"12345678901234567.89", "12.50", "0", "0.0001", "99999999999999999999.9999", "9007199254740993"}

// gone is employee id deactivated: inactive, with LeftAt set, after t0
// and with microseconds of its own, so a store that drops LeftAt, or
// keeps UpdatedAt in its place, is caught.
func gone(d org.DealerID, id org.EmployeeID) org.Employee {
	e := employee(d, id)
	e.Active = false
	e.UpdatedAt = t0.Add(36*time.Hour + 2500*time.Microsecond)
	e.LeftAt = t0.Add(36*time.Hour + 1500*time.Microsecond)
	return e
}

func event(d org.DealerID, id, typ string) org.Event {
	return org.Event{
		DealerID: d, ID: id, At: t0, Actor: org.Actor{ID: "sup-1", Role: org.RoleSupervisor},
		Type: typ, Subject: "employee/e1", Reason: "kit: " + id, Data: json.RawMessage(`{"after":{"n":1}}`),
	}
}

// seed commits a dealer with the given employees.
func seed(ctx context.Context, s org.Store, d org.DealerID, es ...org.Employee) error {
	dl := dealer(d)
	if err := s.Commit(ctx, d, org.Change{Dealer: &dl, Employees: es}); err != nil {
		return fmt.Errorf("seeding dealer %s with %d employees: %w", d, len(es), err)
	}
	return nil
}

func diffDealer(got, want org.Dealer) error {
	return kit.Deep(fmt.Sprintf("dealer %s", want.ID), got, want)
}

func diffEmployee(got, want org.Employee) error {
	return kit.Deep(fmt.Sprintf("employee %s/%s", want.DealerID, want.ID), got, want)
}

// snapshot is everything a store holds for one dealer.
type snapshot struct {
	dealer    org.Dealer
	hasDealer bool
	employees []org.Employee
	events    []org.Event
}

func take(ctx context.Context, s org.Store, d org.DealerID) (snapshot, error) {
	var sn snapshot
	dl, err := s.Dealer(ctx, d)
	switch {
	case err == nil:
		sn.dealer, sn.hasDealer = dl, true
	case !errors.Is(err, org.ErrNotFound):
		return sn, fmt.Errorf("snapshot: dealer: %w", err)
	}
	q := org.EmployeeQuery{IncludeInactive: true, Limit: org.MaxPage}
	for {
		page, err := s.Employees(ctx, d, q)
		if err != nil {
			return sn, fmt.Errorf("snapshot: employees: %w", err)
		}
		sn.employees = append(sn.employees, page...)
		if len(page) < q.Limit {
			break
		}
		// A store that ignores After would page forever: stop it.
		if last := page[len(page)-1].ID; last <= q.After {
			return sn, fmt.Errorf("snapshot: employees after %q began with %q again: After is ignored", q.After, last)
		} else {
			q.After = last
		}
	}
	var after int64
	for {
		page, err := s.Events(ctx, d, after, org.MaxPage)
		if err != nil {
			return sn, fmt.Errorf("snapshot: events: %w", err)
		}
		sn.events = append(sn.events, page...)
		if len(page) < org.MaxPage {
			break
		}
		if last := page[len(page)-1].Seq; last <= after {
			return sn, fmt.Errorf("snapshot: events after Seq %d ended at Seq %d: the cursor is ignored", after, last)
		} else {
			after = last
		}
	}
	return sn, nil
}

// same reports how b differs from a, or nil.
func (a snapshot) same(b snapshot) error {
	if a.hasDealer != b.hasDealer {
		return fmt.Errorf("dealer present: was %v, now %v", a.hasDealer, b.hasDealer)
	}
	if a.hasDealer {
		if err := diffDealer(b.dealer, a.dealer); err != nil {
			return fmt.Errorf("dealer changed: %w", err)
		}
	}
	if len(a.employees) != len(b.employees) {
		return fmt.Errorf("employees: were %d, now %d", len(a.employees), len(b.employees))
	}
	for i := range a.employees {
		if err := diffEmployee(b.employees[i], a.employees[i]); err != nil {
			return fmt.Errorf("employee changed: %w", err)
		}
	}
	if len(a.events) != len(b.events) {
		return fmt.Errorf("events: were %d, now %d", len(a.events), len(b.events))
	}
	return nil
}
