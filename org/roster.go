package org

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// NewEmployee is the input of [Service.AddEmployee].
type NewEmployee struct {
	// ID, when empty, is made by the service's IDSource.
	ID   EmployeeID `json:"id" validate:"omitempty,max=64,ident"`
	Name string     `json:"name" validate:"notblank,max=200"`
	Role Role       `json:"role" validate:"required"`
	// Department, when empty, follows the role: supervisors and advisors
	// belong to service_advisor, technicians to workshop.
	Department   Department      `json:"department" validate:"omitempty,max=64"`
	SupervisorID EmployeeID      `json:"supervisor_id" validate:"omitempty,max=64,ident"`
	Email        string          `json:"email" validate:"omitempty,max=254,email"`
	Phone        string          `json:"phone" validate:"omitempty,phone"`
	Skills       []string        `json:"skills" validate:"max=50,unique,dive,notblank,max=64"`
	BonusBase    decimal.Decimal `json:"bonus_base"`
}

// EmployeeChange is the input of [Service.ChangeEmployee]. Nil fields stay
// as they are; a pointer to "" clears SupervisorID, Email or Phone.
type EmployeeChange struct {
	ID EmployeeID `json:"id" validate:"required,max=64,ident"`
	// ExpectedVersion, when not zero, must be the employee's current
	// version, or the change fails with ErrConflict.
	ExpectedVersion int64            `json:"expected_version" validate:"gte=0"`
	Name            *string          `json:"name" validate:"omitempty,notblank,max=200"`
	Role            *Role            `json:"role" validate:"omitempty,required"`
	Department      *Department      `json:"department" validate:"omitempty,required,max=64"`
	SupervisorID    *EmployeeID      `json:"supervisor_id" validate:"omitempty,max=64"`
	Email           *string          `json:"email" validate:"omitempty,max=254"`
	Phone           *string          `json:"phone" validate:"omitempty,max=40"`
	Skills          *[]string        `json:"skills" validate:"omitempty,max=50,unique,dive,notblank,max=64"`
	BonusBase       *decimal.Decimal `json:"bonus_base"`
	Reason          string           `json:"reason" validate:"max=500"`
}

// StatusChange is the input of [Service.DeactivateEmployee] and
// [Service.ReactivateEmployee].
type StatusChange struct {
	ID              EmployeeID `json:"id" validate:"required,max=64,ident"`
	ExpectedVersion int64      `json:"expected_version" validate:"gte=0"`
	Reason          string     `json:"reason" validate:"notblank,max=500"`
}

// maxBonusBase bounds BonusBase to what every store keeps exactly (20 digits
// before the point, 4 after).
var maxBonusBase = decimal.New(1, 20)

// AddEmployee puts a new employee on a dealer's roster. An admin may add
// anyone; a department's supervisor may add employees other than supervisors
// to their own department. A department has at most one active supervisor
// (R2.1).
func (s *Service) AddEmployee(ctx context.Context, dealer DealerID, actor Actor, in NewEmployee) (_ Employee, err error) {
	ctx, ob := s.obs.Begin(ctx, "add_employee", dealer, actor)
	defer ob.End(&err)
	const op = "org: add employee"
	ve := &ValidationError{Op: op, Fields: fieldErrors(v.Struct(in, ""))}
	if in.Department == "" {
		in.Department = defaultDepartment(in.Role)
	}
	s.checkValues(ve, in.Role, in.Department, in.BonusBase)
	// Go on with bad values: the roster checks below add their own
	// problems, so the caller learns every one at once.
	d, err := s.store.Dealer(ctx, dealer)
	if err != nil {
		return Employee{}, fmt.Errorf("%s: dealer %s: %w", op, dealer, err)
	}
	if in.ID == "" {
		in.ID = EmployeeID(s.ids.NewID())
	}
	e := Employee{
		DealerID: dealer, ID: in.ID, Name: strings.TrimSpace(in.Name), Role: in.Role, Department: in.Department,
		SupervisorID: in.SupervisorID, Email: in.Email, Phone: in.Phone, Skills: slices.Clone(in.Skills),
		BonusBase: in.BonusBase, Active: true, Version: 1,
	}
	if err := s.authorizeRosterChange(ctx, dealer, actor, nil, e); err != nil {
		return Employee{}, err
	}
	roster, err := s.Directory().Roster(ctx, dealer)
	if err != nil {
		return Employee{}, err
	}
	r := newRosterIndex(roster)
	if _, dup := r.byID[e.ID]; dup {
		ve.Add("id", CodeDuplicate, "an employee with this ID exists")
	}
	checkStructure(ve, r, e)
	if err := ve.Err(); err != nil {
		return Employee{}, err
	}
	e.CreatedAt = Now(s.clock)
	e.UpdatedAt = e.CreatedAt
	d.Version++ // R2.1: guards the one-supervisor rule against a concurrent add
	ev := s.event(dealer, actor, "employee.added", "employee/"+string(e.ID), "", nil, e)
	if err := s.store.Commit(ctx, dealer, Change{Dealer: &d, Employees: []Employee{e}, Events: []Event{ev}}); err != nil {
		return Employee{}, fmt.Errorf("%s %s: %w", op, e.ID, err)
	}
	return e, nil
}

// ChangeEmployee changes an employee's details. Changes to role, department
// or supervisor are checked against the whole roster.
func (s *Service) ChangeEmployee(ctx context.Context, dealer DealerID, actor Actor, in EmployeeChange) (_ Employee, err error) {
	ctx, ob := s.obs.Begin(ctx, "change_employee", dealer, actor)
	defer ob.End(&err)
	const op = "org: change employee"
	ve := &ValidationError{Op: op, Fields: fieldErrors(v.Struct(in, ""))}
	checkContact(ve, in.Email, in.Phone, in.SupervisorID)
	if ve.Has("id") {
		return Employee{}, ve // nothing to load; every other problem is listed too
	}
	d, err := s.store.Dealer(ctx, dealer)
	if err != nil {
		return Employee{}, fmt.Errorf("%s: dealer %s: %w", op, dealer, err)
	}
	before, err := s.store.Employee(ctx, dealer, in.ID)
	if err != nil {
		return Employee{}, fmt.Errorf("%s %s: %w", op, in.ID, err)
	}
	if in.ExpectedVersion > 0 && in.ExpectedVersion != before.Version {
		return Employee{}, fmt.Errorf("%s %s: read version %d, now %d: %w", op, in.ID, in.ExpectedVersion, before.Version, ErrStale)
	}
	after := applyChange(before.Clone(), in)
	if err := s.authorizeRosterChange(ctx, dealer, actor, &before, after); err != nil {
		return Employee{}, err
	}
	structural := structuralChange(before, after)
	var r rosterIndex
	if structural {
		roster, err := s.Directory().Roster(ctx, dealer)
		if err != nil {
			return Employee{}, err
		}
		r = newRosterIndex(roster)
	}
	s.checkRosterChange(ve, r, before, after)
	if err := ve.Err(); err != nil {
		return Employee{}, err
	}
	after.Version++
	after.UpdatedAt = Now(s.clock)
	c := Change{Employees: []Employee{after}}
	if structural {
		d.Version++ // guards the roster-wide rules against concurrent changes
		c.Dealer = &d
	}
	c.Events = []Event{s.event(dealer, actor, "employee.changed", "employee/"+string(after.ID), in.Reason, &before, after)}
	if err := s.store.Commit(ctx, dealer, c); err != nil {
		return Employee{}, fmt.Errorf("%s %s: %w", op, in.ID, err)
	}
	return after, nil
}

// DeactivateEmployee takes an employee off the active roster, with a reason.
// The record and its history stay. An employee who still has people
// reporting to them explicitly cannot be deactivated: move those first.
func (s *Service) DeactivateEmployee(ctx context.Context, dealer DealerID, actor Actor, in StatusChange) (_ Employee, err error) {
	ctx, ob := s.obs.Begin(ctx, "deactivate_employee", dealer, actor)
	defer ob.End(&err)
	return s.setActive(ctx, dealer, actor, in, false)
}

// ReactivateEmployee puts a deactivated employee back on the active roster,
// checked like a new one (a department still has at most one supervisor).
func (s *Service) ReactivateEmployee(ctx context.Context, dealer DealerID, actor Actor, in StatusChange) (_ Employee, err error) {
	ctx, ob := s.obs.Begin(ctx, "reactivate_employee", dealer, actor)
	defer ob.End(&err)
	return s.setActive(ctx, dealer, actor, in, true)
}

func (s *Service) setActive(ctx context.Context, dealer DealerID, actor Actor, in StatusChange, active bool) (Employee, error) {
	op, typ := "org: deactivate employee", "employee.deactivated"
	if active {
		op, typ = "org: reactivate employee", "employee.reactivated"
	}
	ve := &ValidationError{Op: op, Fields: fieldErrors(v.Struct(in, ""))}
	if err := ve.Err(); err != nil {
		return Employee{}, err
	}
	d, err := s.store.Dealer(ctx, dealer)
	if err != nil {
		return Employee{}, fmt.Errorf("%s: dealer %s: %w", op, dealer, err)
	}
	before, err := s.store.Employee(ctx, dealer, in.ID)
	if err != nil {
		return Employee{}, fmt.Errorf("%s %s: %w", op, in.ID, err)
	}
	if in.ExpectedVersion != 0 && in.ExpectedVersion != before.Version {
		return Employee{}, fmt.Errorf("%s %s: read version %d, now %d: %w", op, in.ID, in.ExpectedVersion, before.Version, ErrStale)
	}
	if before.Active == active {
		state := map[bool]string{true: "active", false: "inactive"}[active]
		return Employee{}, Refuse("org", "employee", string(in.ID), state, strings.ReplaceAll(strings.TrimPrefix(op, "org: "), " ", "_"), actor, RuleState,
			fmt.Sprintf("employee %s is %s already", in.ID, state))
	}
	if !active && actor.Role != RoleAdmin && actor.ID == in.ID {
		return Employee{}, fmt.Errorf("%s %s: nobody deactivates themselves: %w", op, in.ID, ErrForbidden)
	}
	after := before.Clone()
	after.Active = active
	if err := s.authorizeRosterChange(ctx, dealer, actor, &before, after); err != nil {
		return Employee{}, err
	}
	roster, err := s.Directory().Roster(ctx, dealer)
	if err != nil {
		return Employee{}, err
	}
	r := newRosterIndex(roster)
	if active {
		checkStructure(ve, r, after)
	} else if reps := r.explicitReports(in.ID); len(reps) > 0 {
		ve.Add("id", CodeHasReports, fmt.Sprintf("%d active employees report to this employee (%s); give them another supervisor first", len(reps), joinIDs(reps)))
	}
	if err := ve.Err(); err != nil {
		return Employee{}, err
	}
	after.Version++
	after.UpdatedAt = Now(s.clock)
	after.LeftAt = time.Time{}
	if !active {
		after.LeftAt = after.UpdatedAt // they left: a month-end still counts them for the month
	}
	d.Version++
	ev := s.event(dealer, actor, typ, "employee/"+string(after.ID), in.Reason, &before, after)
	if err := s.store.Commit(ctx, dealer, Change{Dealer: &d, Employees: []Employee{after}, Events: []Event{ev}}); err != nil {
		return Employee{}, fmt.Errorf("%s %s: %w", op, in.ID, err)
	}
	return after, nil
}

func defaultDepartment(r Role) Department {
	if r == RoleTechnician {
		return DeptWorkshop
	}
	return DeptServiceAdvisor
}

func applyChange(e Employee, in EmployeeChange) Employee {
	if in.Name != nil {
		e.Name = strings.TrimSpace(*in.Name)
	}
	if in.Role != nil {
		e.Role = *in.Role
	}
	if in.Department != nil {
		e.Department = *in.Department
	}
	if in.SupervisorID != nil {
		e.SupervisorID = *in.SupervisorID
	}
	if in.Email != nil {
		e.Email = *in.Email
	}
	if in.Phone != nil {
		e.Phone = *in.Phone
	}
	if in.Skills != nil {
		e.Skills = slices.Clone(*in.Skills)
	}
	if in.BonusBase != nil {
		e.BonusBase = *in.BonusBase
	}
	return e
}

// checkContact validates the optional contact fields of a change, where an
// empty string means "clear" and so passes.
func checkContact(ve *ValidationError, email, phone *string, sup *EmployeeID) {
	type contact struct {
		Email        string `json:"email" validate:"omitempty,email"`
		Phone        string `json:"phone" validate:"omitempty,phone"`
		SupervisorID string `json:"supervisor_id" validate:"omitempty,ident"`
	}
	var c contact
	if email != nil {
		c.Email = *email
	}
	if phone != nil {
		c.Phone = *phone
	}
	if sup != nil {
		c.SupervisorID = string(*sup)
	}
	for _, f := range fieldErrors(v.Struct(c, "")) {
		if !ve.Has(f.Path) {
			ve.Fields = append(ve.Fields, f)
		}
	}
}

// checkValues checks what the tags cannot: known role and department, and
// the bonus base within what stores keep.
func (s *Service) checkValues(ve *ValidationError, role Role, dept Department, bonus decimal.Decimal) {
	if role == "" && !ve.Has("role") {
		ve.Add("role", CodeRequired, "is required")
	}
	if dept == "" && !ve.Has("department") {
		ve.Add("department", CodeRequired, "is required")
	}
	if role != "" && !slices.Contains(s.roles, role) {
		ve.Add("role", CodeUnknown, fmt.Sprintf("must be one of %v", s.roles))
	}
	if dept != "" && !slices.Contains(s.depts, dept) && !ve.Has("department") {
		ve.Add("department", CodeUnknown, fmt.Sprintf("must be one of %v", s.depts))
	}
	switch {
	case ve.Has("bonus_base"): // out of every input's bounds already
	case bonus.IsNegative():
		ve.Add("bonus_base", CodeRange, "must not be negative")
	case bonus.Cmp(maxBonusBase) >= 0:
		ve.Add("bonus_base", CodeRange, "must be less than 10^20")
	case bonus.Exponent() < -4 && !bonus.Equal(bonus.Truncate(4)):
		ve.Add("bonus_base", CodeRange, "must have at most 4 decimal places")
	}
}

// structuralChange reports whether after moves the employee on the roster:
// another role, department or reporting line.
func structuralChange(before, after Employee) bool {
	return after.Role != before.Role || after.Department != before.Department || after.SupervisorID != before.SupervisorID
}

// checkRosterChange checks after, a change of before, as every command that
// changes an employee does ([Service.ChangeEmployee], an approved career
// move): known values, and for a structural change every rule of
// checkStructure against the roster r (R2.1).
func (s *Service) checkRosterChange(ve *ValidationError, r rosterIndex, before, after Employee) {
	s.checkValues(ve, after.Role, after.Department, after.BonusBase)
	if structuralChange(before, after) {
		checkStructure(ve, r, after)
	}
}

// checkStructure checks the rules that span the roster for e as it would
// be written: a real, active, non-circular supervisor, and one supervisor
// per department (R2.1).
func checkStructure(ve *ValidationError, r rosterIndex, e Employee) {
	if e.SupervisorID != "" && !ve.Has("supervisor_id") {
		sup, ok := r.byID[e.SupervisorID]
		switch {
		case e.SupervisorID == e.ID:
			ve.Add("supervisor_id", CodeSelfReference, "an employee cannot supervise themselves")
		case !ok:
			ve.Add("supervisor_id", CodeNotFound, "no employee with this ID on the roster")
		case !sup.Active:
			ve.Add("supervisor_id", CodeInactive, "the supervisor is not active")
		}
	}
	if !ve.Has("supervisor_id") && r.wouldCycle(e) {
		ve.Add("supervisor_id", CodeCycle, "this reporting line would loop back to the employee, directly or through a department's supervisor")
	}
	if e.Active && e.Role == RoleSupervisor {
		if other, ok := r.departmentSupervisor(e.Department, e.ID); ok {
			ve.Add("role", CodeSecondHolder, fmt.Sprintf("department %s already has an active supervisor (%s); a department has one (R2.1)", e.Department, other.ID))
		}
	}
}

// authorizeRosterChange: an admin may change anything; the active supervisor
// of a department may manage the non-supervisors of that department, before
// and after the change.
func (s *Service) authorizeRosterChange(ctx context.Context, dealer DealerID, actor Actor, before *Employee, after Employee) error {
	sup, err := s.Authorize(ctx, dealer, actor, RoleAdmin, RoleSupervisor)
	if err != nil || actor.Role == RoleAdmin {
		return err
	}
	for _, e := range []*Employee{before, &after} {
		if e == nil {
			continue
		}
		if e.Role == RoleSupervisor || e.Department != sup.Department {
			return fmt.Errorf("org: supervisor %s manages the non-supervisors of department %s only: %w", sup.ID, sup.Department, ErrForbidden)
		}
	}
	return nil
}

func joinIDs(ids []EmployeeID) string {
	ss := make([]string, len(ids))
	for i, id := range ids {
		ss[i] = string(id)
	}
	return strings.Join(ss, ", ")
}
