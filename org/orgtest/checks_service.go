package orgtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// checkConcurrentCommits: f.Writers goroutines each add one skill to the same
// employee by read, modify, commit with the version read, retrying on
// ErrConflict. A store that lets two writers of the same version both land
// loses a skill.
func checkConcurrentCommits(ctx context.Context, s org.Store, f Features) error {
	if err := seed(ctx, s, "d1", employee("d1", "e1")); err != nil {
		return err
	}
	conflicts, err := hammer(ctx, f.Writers, func(i int, read func()) error {
		e, err := s.Employee(ctx, "d1", "e1")
		if err != nil {
			return err
		}
		read()
		e.Skills = append(e.Skills, fmt.Sprintf("w%02d", i))
		e.Version++
		return s.Commit(ctx, "d1", org.Change{Employees: []org.Employee{e}})
	})
	if err != nil {
		return err
	}
	return expectAllSkills(ctx, s, f.Writers, 2, conflicts)
}

// checkServiceConcurrent is checkConcurrentCommits through org.Service, the
// way a host's handlers run it.
func checkServiceConcurrent(ctx context.Context, s org.Store, f Features) error {
	svc, err := newService(ctx, s)
	if err != nil {
		return err
	}
	conflicts, err := hammer(ctx, f.Writers, func(i int, read func()) error {
		e, err := svc.Employee(ctx, "d1", org.Admin("kit"), "a1")
		if err != nil {
			return err
		}
		read()
		skills := append(slices.Clone(e.Skills), fmt.Sprintf("w%02d", i))
		_, err = svc.ChangeEmployee(ctx, "d1", org.Admin("kit"), org.EmployeeChange{ID: "a1", ExpectedVersion: e.Version, Skills: &skills})
		return err
	})
	if err != nil {
		return err
	}
	if err := expectAllSkills(ctx, s, f.Writers, 0, conflicts); err != nil {
		return err
	}
	evs, err := svc.Events(ctx, "d1", org.Admin("kit"), 0, org.MaxPage)
	if err != nil {
		return err
	}
	changed := 0
	for _, ev := range evs {
		if ev.Type == "employee.changed" && ev.Subject == "employee/a1" {
			changed++
		}
	}
	if changed != f.Writers {
		return fmt.Errorf("%d employee.changed events for %d landed updates", changed, f.Writers)
	}
	return nil
}

// hammer runs write(i, read) in n goroutines at once, each retrying on
// ErrConflict until it lands, and returns how many conflicts were retried.
// write calls read() after reading and before committing: in the first
// round every writer waits there until all have read, so all of them commit
// over the same version and a store without a real version check loses
// updates every run, not only when the scheduler happens to interleave.
func hammer(ctx context.Context, n int, write func(i int, read func()) error) (int, error) {
	var (
		wg        sync.WaitGroup
		readers   sync.WaitGroup
		mu        sync.Mutex
		conflicts int
		errs      []error
		start     = make(chan struct{})
		allRead   = make(chan struct{})
	)
	readers.Add(n)
	go func() { readers.Wait(); close(allRead) }()
	for i := range n {
		wg.Go(func() {
			<-start
			first := true
			read := func() {
				if first {
					first = false
					readers.Done()
					<-allRead
				}
			}
			defer func() {
				if first { // write failed before reading: do not hold the others
					first = false
					readers.Done()
				}
			}()
			for attempt := 0; ; attempt++ {
				err := write(i, read)
				if err == nil {
					return
				}
				if !errors.Is(err, org.ErrConflict) || attempt > 100*n {
					mu.Lock()
					errs = append(errs, fmt.Errorf("writer %d, attempt %d: %w", i, attempt, err))
					mu.Unlock()
					return
				}
				mu.Lock()
				conflicts++
				mu.Unlock()
				if ctx.Err() != nil {
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	return conflicts, errors.Join(errs...)
}

func expectAllSkills(ctx context.Context, s org.Store, writers, seeded, conflicts int) error {
	got, err := s.Employee(ctx, "d1", orEmployee(seeded))
	if err != nil {
		return err
	}
	var missing []string
	for i := range writers {
		if w := fmt.Sprintf("w%02d", i); !slices.Contains(got.Skills, w) {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 || len(got.Skills) != seeded+writers {
		return fmt.Errorf("after %d writers (%d conflicts retried): skills %q; lost updates of %q", writers, conflicts, got.Skills, missing)
	}
	if got.Version != int64(1+writers) {
		return fmt.Errorf("after %d landed updates version is %d, want %d", writers, got.Version, 1+writers)
	}
	return nil
}

// orEmployee names the employee the concurrency checks update: the bare
// store check seeds e1 with two skills; the service check adds a1 with none.
func orEmployee(seeded int) org.EmployeeID {
	if seeded > 0 {
		return "e1"
	}
	return "a1"
}

func checkConcurrentEvents(ctx context.Context, s org.Store, f Features) error {
	if err := seed(ctx, s, "d1"); err != nil {
		return err
	}
	_, err := hammer(ctx, f.Writers, func(i int, read func()) error {
		read()
		return s.Commit(ctx, "d1", org.Change{Events: []org.Event{event("d1", fmt.Sprintf("w%d", i), "t")}})
	})
	if err != nil {
		return err
	}
	evs, err := s.Events(ctx, "d1", 0, org.MaxPage)
	if err != nil {
		return err
	}
	if len(evs) != f.Writers {
		return fmt.Errorf("%d concurrent commits of one event each left %d events", f.Writers, len(evs))
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq <= evs[i-1].Seq {
			return fmt.Errorf("events %s and %s have Seq %d then %d: two events share a Seq, or Seq goes back", evs[i-1].ID, evs[i].ID, evs[i-1].Seq, evs[i].Seq)
		}
	}
	return nil
}

// newService seeds dealer d1 through org.Service: supervisor sup, advisors
// a1 and a2 (a2 reports to a1 explicitly) and technician t1.
func newService(ctx context.Context, s org.Store) (*org.Service, error) {
	svc, err := org.NewService(org.Config{
		Store: s,
		Clock: org.NewManualClock(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)),
		IDs:   org.SequentialIDs("kit-"),
	})
	if err != nil {
		return nil, err
	}
	admin := org.Admin("kit")
	if _, err := svc.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Kit Motors", TimeZone: "Asia/Taipei", Currency: "TWD"}); err != nil {
		return nil, fmt.Errorf("seed dealer: %w", err)
	}
	for _, e := range []org.NewEmployee{
		{ID: "sup", Name: "Supervisor", Role: org.RoleSupervisor},
		{ID: "a1", Name: "Advisor One", Role: org.RoleAdvisor},
		{ID: "a2", Name: "Advisor Two", Role: org.RoleAdvisor, SupervisorID: "a1"},
		{ID: "t1", Name: "Technician", Role: org.RoleTechnician},
	} {
		if _, err := svc.AddEmployee(ctx, "d1", admin, e); err != nil {
			return nil, fmt.Errorf("seed employee %s: %w", e.ID, err)
		}
	}
	return svc, nil
}

func ptr[T any](v T) *T { return &v }

type badCommand struct {
	name string
	run  func(ctx context.Context, svc *org.Service) error
	// want maps each bad field's path to its code; nil wants ErrForbidden.
	want map[string]string
}

func badCommands() []badCommand {
	admin := org.Admin("kit")
	add := func(in org.NewEmployee) func(context.Context, *org.Service) error {
		return func(ctx context.Context, svc *org.Service) error {
			_, err := svc.AddEmployee(ctx, "d1", admin, in)
			return err
		}
	}
	change := func(actor org.Actor, in org.EmployeeChange) func(context.Context, *org.Service) error {
		return func(ctx context.Context, svc *org.Service) error {
			_, err := svc.ChangeEmployee(ctx, "d1", actor, in)
			return err
		}
	}
	return []badCommand{
		{"empty name, unknown role, malformed contact", add(org.NewEmployee{Name: "  ", Role: "boss", Email: "not-mail", Phone: "call me"}),
			map[string]string{"name": org.CodeRequired, "role": org.CodeUnknown, "email": org.CodeFormat, "phone": org.CodeFormat}},
		{"R2.1 a second supervisor", add(org.NewEmployee{Name: "Another", Role: org.RoleSupervisor}),
			map[string]string{"role": org.CodeSecondHolder}},
		{"supervising oneself", add(org.NewEmployee{ID: "self", Name: "Self", Role: org.RoleAdvisor, SupervisorID: "self"}),
			map[string]string{"supervisor_id": org.CodeSelfReference}},
		{"unknown supervisor and department", add(org.NewEmployee{Name: "X", Role: org.RoleAdvisor, SupervisorID: "nobody", Department: "sales"}),
			map[string]string{"supervisor_id": org.CodeNotFound, "department": org.CodeUnknown}},
		{"negative bonus base", add(org.NewEmployee{ID: "rich", Name: "Rich", Role: org.RoleAdvisor, BonusBase: decimal.New(-1, 0)}),
			map[string]string{"bonus_base": org.CodeRange}},
		{"duplicate ID", add(org.NewEmployee{ID: "a1", Name: "Twin", Role: org.RoleAdvisor}),
			map[string]string{"id": org.CodeDuplicate}},
		{"a reporting loop", change(admin, org.EmployeeChange{ID: "a1", SupervisorID: ptr[org.EmployeeID]("a2")}),
			map[string]string{"supervisor_id": org.CodeCycle}},
		{"changed contact malformed, name blank", change(admin, org.EmployeeChange{ID: "a1", Email: ptr("@@"), Phone: ptr("12"), Name: ptr("")}),
			map[string]string{"email": org.CodeFormat, "phone": org.CodeFormat, "name": org.CodeRequired}},
		{"promotion to a second supervisor", change(admin, org.EmployeeChange{ID: "a1", Role: ptr(org.RoleSupervisor)}),
			map[string]string{"role": org.CodeSecondHolder}},
		{"deactivating someone with reports", func(ctx context.Context, svc *org.Service) error {
			_, err := svc.DeactivateEmployee(ctx, "d1", admin, org.StatusChange{ID: "a1", Reason: "left"})
			return err
		}, map[string]string{"id": org.CodeHasReports}},
		{"deactivating without a reason", func(ctx context.Context, svc *org.Service) error {
			_, err := svc.DeactivateEmployee(ctx, "d1", admin, org.StatusChange{ID: "t1"})
			return err
		}, map[string]string{"reason": org.CodeRequired}},
		{"dealer with bad name, zone and currency", func(ctx context.Context, svc *org.Service) error {
			_, err := svc.CreateDealer(ctx, admin, org.NewDealer{ID: "d 2", TimeZone: "Mars/Olympus", Currency: "XXY"})
			return err
		}, map[string]string{"id": org.CodeFormat, "name": org.CodeRequired, "time_zone": org.CodeUnknown, "currency": org.CodeUnknown}},
		{"an advisor managing the roster", change(org.Actor{ID: "a1", Role: org.RoleAdvisor}, org.EmployeeChange{ID: "t1", Name: ptr("Renamed")}), nil},
		{"an actor claiming a role they do not have", change(org.Actor{ID: "a1", Role: org.RoleSupervisor}, org.EmployeeChange{ID: "t1", Name: ptr("Renamed")}), nil},
		{"a supervisor managing another department", change(org.Actor{ID: "sup", Role: org.RoleSupervisor}, org.EmployeeChange{ID: "t1", Name: ptr("Renamed")}), nil},
	}
}

func checkServiceBadInput(ctx context.Context, s org.Store, _ Features) error {
	svc, err := newService(ctx, s)
	if err != nil {
		return err
	}
	var failures []error
	for _, c := range badCommands() {
		before, err := take(ctx, s, "d1")
		if err != nil {
			return err
		}
		err = c.run(ctx, svc)
		if err := expectFields(err, c.want); err != nil {
			failures = append(failures, fmt.Errorf("%s: %w", c.name, err))
		}
		after, err := take(ctx, s, "d1")
		if err != nil {
			return err
		}
		if err := before.same(after); err != nil {
			failures = append(failures, fmt.Errorf("%s: the rejected command wrote: %w", c.name, err))
		}
	}
	if _, err := s.Dealer(ctx, "d 2"); !errors.Is(err, org.ErrNotFound) {
		failures = append(failures, fmt.Errorf("a rejected dealer was stored: %v", err))
	}
	return errors.Join(failures...)
}

// expectFields checks that err is a *ValidationError naming exactly the
// wanted paths with their codes, or, for a nil want, ErrForbidden.
func expectFields(err error, want map[string]string) error {
	if want == nil {
		return kit.ExpectErr(err, org.ErrForbidden, "command")
	}
	var ve *org.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("got %v, want a *org.ValidationError naming %v", err, want)
	}
	got := map[string]string{}
	for _, f := range ve.Fields {
		got[f.Path] = f.Code
	}
	for path, code := range want {
		if got[path] != code {
			return fmt.Errorf("field %q: got code %q, want %q (all: %v)", path, got[path], code, ve.Fields)
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("named fields %v, want exactly %v", got, want)
	}
	return nil
}

func checkLargeRoster(ctx context.Context, s org.Store, _ Features) error {
	const n = 2500
	var es []org.Employee
	for i := range n {
		es = append(es, employee("d1", org.EmployeeID(fmt.Sprintf("e%05d", n-i))))
	}
	if err := seed(ctx, s, "d1", es...); err != nil {
		return err
	}
	sn, err := take(ctx, s, "d1")
	if err != nil {
		return err
	}
	if len(sn.employees) != n {
		return fmt.Errorf("paging by %d read %d of %d employees", org.MaxPage, len(sn.employees), n)
	}
	for i, e := range sn.employees {
		if want := org.EmployeeID(fmt.Sprintf("e%05d", i+1)); e.ID != want {
			return fmt.Errorf("employee %d is %s, want %s", i, e.ID, want)
		}
	}
	return nil
}
