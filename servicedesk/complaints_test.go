package servicedesk_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// deskState is everything a complaint or survey command could write.
type deskState struct {
	Events     int
	Complaints []servicedesk.Complaint
	Surveys    []servicedesk.Survey
	Orders     []servicedesk.WorkOrder
}

// snapDesk reads the dealer's records, to check that a rejected command
// wrote nothing.
func (f *fixture) snapDesk(t testing.TB) deskState {
	t.Helper()
	evs, err := f.roster.Events(f.ctx, dealer, admin, 0, org.MaxPage)
	require.NoError(t, err)
	cs, err := f.desk.Complaints(f.ctx, dealer, admin, servicedesk.ComplaintQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	svs, err := f.desk.Surveys(f.ctx, dealer, admin, servicedesk.SurveyQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	ws, err := f.desk.WorkOrders(f.ctx, dealer, admin, servicedesk.WorkOrderQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	return deskState{Events: len(evs), Complaints: cs, Surveys: svs, Orders: ws}
}

// lastEvent is the dealer's latest audit event.
func (f *fixture) lastEvent(t testing.TB) org.Event {
	t.Helper()
	evs, err := f.roster.Events(f.ctx, dealer, org.Admin("test"), 0, org.MaxPage)
	require.NoError(t, err)
	require.NotEmpty(t, evs)
	return evs[len(evs)-1]
}

// problems lists a validation error's fields as "path:code".
func problems(t testing.TB, err error) []string {
	t.Helper()
	require.ErrorIs(t, err, servicedesk.ErrInvalid)
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	out := make([]string, len(ve.Fields))
	for i, fe := range ve.Fields {
		out[i] = fe.Path + ":" + fe.Code
	}
	return out
}

var kao = &servicedesk.Customer{Name: "Mr. Kao", Phone: "0912-000-111"}

// complaintIn is a good complaint against nothing in particular.
func complaintIn() servicedesk.ComplaintInput {
	return servicedesk.ComplaintInput{Customer: kao, Description: "waited an hour at the desk", Channel: servicedesk.ChannelWalkIn}
}

// openComplaint opens a complaint against wo1 (chen's order) and takes it
// to state as sup.
func (f *fixture) openComplaint(t testing.TB, id servicedesk.ComplaintID, state servicedesk.ComplaintState) servicedesk.Complaint {
	t.Helper()
	in := complaintIn()
	in.ID, in.WorkOrder, in.Customer = id, "wo1", nil
	c, err := f.desk.OpenComplaint(f.ctx, dealer, chen, in)
	require.NoError(t, err)
	ref := servicedesk.ComplaintRef{ID: id}
	if state == servicedesk.ComplaintOpen {
		return c
	}
	c, err = f.desk.InvestigateComplaint(f.ctx, dealer, sup, ref, servicedesk.InvestigationInput{Notes: "the desk was short-staffed"})
	require.NoError(t, err)
	if state == servicedesk.ComplaintInvestigating {
		return c
	}
	c, err = f.desk.ResolveComplaint(f.ctx, dealer, sup, ref, servicedesk.ResolutionInput{Resolution: "apology and a free wash", CustomerInformed: "phone call"})
	require.NoError(t, err)
	if state == servicedesk.ComplaintResolved {
		return c
	}
	c, err = f.desk.CloseComplaint(f.ctx, dealer, sup, ref)
	require.NoError(t, err)
	return c
}

func TestOpenComplaint(t *testing.T) {
	tests := []struct {
		name  string
		actor org.Actor
		in    func() servicedesk.ComplaintInput
		check func(t *testing.T, c servicedesk.Complaint)
	}{
		{"R2.2_against_an_order_defaults_to_its_advisor_and_customer", chen, func() servicedesk.ComplaintInput {
			return servicedesk.ComplaintInput{WorkOrder: "wo1", Description: "car returned dirty", Channel: servicedesk.ChannelPhone}
		}, func(t *testing.T, c servicedesk.Complaint) {
			assert.Equal(t, servicedesk.WorkOrderID("wo1"), c.WorkOrder)
			assert.Equal(t, org.EmployeeID("chen"), c.Advisor)
			assert.Equal(t, "Mr. Kao", c.Customer.Name)
		}},
		{"R2.2_against_an_order_with_another_advisor_and_customer", sup, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.WorkOrder, in.Advisor = "wo1", "wang"
			in.Customer = &servicedesk.Customer{Name: "Mrs. Kao", Email: "kao@example.com"}
			return in
		}, func(t *testing.T, c servicedesk.Complaint) {
			assert.Equal(t, org.EmployeeID("wang"), c.Advisor)
			assert.Equal(t, "Mrs. Kao", c.Customer.Name)
		}},
		{"R2.2_against_an_advisor", wang, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.Advisor = "chen"
			return in
		}, func(t *testing.T, c servicedesk.Complaint) {
			assert.Empty(t, c.WorkOrder)
			assert.Equal(t, org.EmployeeID("chen"), c.Advisor)
		}},
		{"R2.2_against_the_department", chen, complaintIn, func(t *testing.T, c servicedesk.Complaint) {
			assert.Empty(t, c.WorkOrder)
			assert.Empty(t, c.Advisor)
		}},
		{"chosen_id_kept", sup, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.ID = "cp-7"
			return in
		}, func(t *testing.T, c servicedesk.Complaint) {
			assert.Equal(t, servicedesk.ComplaintID("cp-7"), c.ID)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, servicedesk.Options{})
			f.receive(t, "wo1")
			before := f.snapDesk(t)
			c, err := f.desk.OpenComplaint(f.ctx, dealer, tt.actor, tt.in())
			require.NoError(t, err)
			assert.NotEmpty(t, c.ID)
			assert.Equal(t, dealer, c.DealerID)
			assert.Equal(t, servicedesk.ComplaintOpen, c.State)
			assert.Equal(t, int64(1), c.Version)
			assert.Equal(t, tt.actor, c.OpenedBy)
			assert.Equal(t, f.clock.Now().UTC(), c.OpenedAt)
			assert.Equal(t, c.OpenedAt.Add(72*time.Hour), c.DueAt, "R4.4: due ComplaintDue (default 72h) after opening")
			tt.check(t, c)

			stored, err := f.desk.Complaint(f.ctx, dealer, admin, c.ID)
			require.NoError(t, err)
			assert.Equal(t, c, stored)
			after := f.snapDesk(t)
			assert.Equal(t, before.Events+1, after.Events)
			ev := f.lastEvent(t)
			assert.Equal(t, "complaint.opened", ev.Type)
			assert.Equal(t, "complaint/"+string(c.ID), ev.Subject)
			assert.Equal(t, tt.actor, ev.Actor)
			var data struct {
				Before *servicedesk.Complaint `json:"before"`
				After  servicedesk.Complaint  `json:"after"`
			}
			require.NoError(t, json.Unmarshal(ev.Data, &data))
			assert.Nil(t, data.Before)
			// R7.2d: the event carries no contact data; the record does.
			want := c
			want.Customer = c.Customer.Redacted()
			assert.Equal(t, want, data.After)
		})
	}
}

func TestOpenComplaint_dueFromConfig(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	desk, err := servicedesk.NewService(servicedesk.Config{Store: f.store.ServiceDesk(), Roster: f.roster.Directory(), Clock: f.clock, ComplaintDue: 24 * time.Hour})
	require.NoError(t, err)
	c, err := desk.OpenComplaint(f.ctx, dealer, chen, complaintIn())
	require.NoError(t, err)
	assert.Equal(t, c.OpenedAt.Add(24*time.Hour), c.DueAt)
}

func TestOpenComplaint_invalid(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		in    func() servicedesk.ComplaintInput
		want  []string
	}{
		{"R2.2_description_and_channel_required", nil, func() servicedesk.ComplaintInput {
			return servicedesk.ComplaintInput{Customer: kao, Description: "  ", Channel: "fax"}
		}, []string{"description:required", "channel:unknown_value"}},
		{"R2.2_customer_required_without_an_order", nil, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.Customer = nil
			return in
		}, []string{"customer:required"}},
		{"R2.2_customer_checked", nil, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.Customer = &servicedesk.Customer{Phone: "call me"}
			return in
		}, []string{"customer.name:required", "customer.phone:invalid_format"}},
		{"R2.2_order_must_exist", nil, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.WorkOrder = "wo-nope"
			return in
		}, []string{"work_order:not_found"}},
		{"R2.2_advisor_on_the_roster", nil, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.Advisor = "ghost"
			return in
		}, []string{"advisor:not_found"}},
		{"R2.2_advisor_is_an_advisor_not_a_technician", nil, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.Advisor = "wu"
			return in
		}, []string{"advisor:invalid"}},
		{"R2.2_advisor_is_an_advisor_not_the_supervisor", nil, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.Advisor = "sup"
			return in
		}, []string{"advisor:invalid"}},
		{"R2.2_advisor_active", func(t *testing.T, f *fixture) {
			_, err := f.roster.DeactivateEmployee(f.ctx, dealer, admin, org.StatusChange{ID: "wang", Reason: "left"})
			require.NoError(t, err)
		}, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.Advisor = "wang"
			return in
		}, []string{"advisor:inactive"}},
		{"id_unique", func(t *testing.T, f *fixture) {
			in := complaintIn()
			in.ID = "cp1"
			_, err := f.desk.OpenComplaint(f.ctx, dealer, chen, in)
			require.NoError(t, err)
		}, func() servicedesk.ComplaintInput {
			in := complaintIn()
			in.ID = "cp1"
			return in
		}, []string{"id:duplicate"}},
		{"every_problem_at_once", nil, func() servicedesk.ComplaintInput {
			return servicedesk.ComplaintInput{ID: "bad id", WorkOrder: "wo-nope", Advisor: "wu", Channel: "fax"}
		}, []string{"id:invalid_format", "description:required", "channel:unknown_value", "work_order:not_found", "advisor:invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, servicedesk.Options{})
			f.receive(t, "wo1")
			if tt.setup != nil {
				tt.setup(t, f)
			}
			before := f.snapDesk(t)
			_, err := f.desk.OpenComplaint(f.ctx, dealer, chen, tt.in())
			assert.ElementsMatch(t, tt.want, problems(t, err))
			assert.Contains(t, err.Error(), "servicedesk: open complaint")
			assert.Equal(t, before, f.snapDesk(t), "a rejected command writes nothing")
		})
	}
}

func TestOpenComplaint_roles(t *testing.T) {
	tests := []struct {
		name  string
		actor org.Actor
	}{
		{"R2.2_not_a_technician", wu},
		{"R2.2_no_technician_at_all", tsai},
		{"R2.2_not_the_host", admin},
		{"not_on_the_roster", org.Actor{ID: "ghost", Role: org.RoleAdvisor}},
		{"role_claimed_must_be_held", org.Actor{ID: "chen", Role: org.RoleSupervisor}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, servicedesk.Options{})
			before := f.snapDesk(t)
			_, err := f.desk.OpenComplaint(f.ctx, dealer, tt.actor, complaintIn())
			require.ErrorIs(t, err, servicedesk.ErrForbidden)
			assert.Equal(t, before, f.snapDesk(t))
		})
	}
}

func TestComplaint_lifecycle(t *testing.T) {
	t.Run("R2.2_R4.4_supervisor_follows_it_until_resolved_and_told", func(t *testing.T) {
		f := newFixture(t, servicedesk.Options{})
		f.receive(t, "wo1")
		c := f.openComplaint(t, "cp1", servicedesk.ComplaintOpen)
		ref := servicedesk.ComplaintRef{ID: "cp1", ExpectedVersion: 1}

		f.clock.Advance(time.Hour)
		c, err := f.desk.InvestigateComplaint(f.ctx, dealer, sup, ref, servicedesk.InvestigationInput{Notes: "desk short-staffed"})
		require.NoError(t, err)
		assert.Equal(t, servicedesk.ComplaintInvestigating, c.State)
		assert.Equal(t, org.EmployeeID("sup"), c.Handler)
		assert.Equal(t, "desk short-staffed", c.Investigation)
		assert.Equal(t, int64(2), c.Version)

		f.clock.Advance(time.Hour)
		ref.ExpectedVersion = 2
		c, err = f.desk.ResolveComplaint(f.ctx, dealer, sup, ref, servicedesk.ResolutionInput{Resolution: "apology, free wash", CustomerInformed: "phone call, spoke to Mr. Kao"})
		require.NoError(t, err)
		assert.Equal(t, servicedesk.ComplaintResolved, c.State)
		assert.Equal(t, "apology, free wash", c.Resolution)
		assert.Equal(t, "phone call, spoke to Mr. Kao", c.CustomerInformed)
		assert.Equal(t, f.clock.Now().UTC(), c.ResolvedAt)
		assert.Equal(t, 2*time.Hour, c.Age(f.clock.Now().Add(48*time.Hour)), "age stops at resolution")
		assert.Equal(t, int64(3), c.Version)

		f.clock.Advance(time.Hour)
		ref.ExpectedVersion = 3
		c, err = f.desk.CloseComplaint(f.ctx, dealer, sup, ref)
		require.NoError(t, err)
		assert.Equal(t, servicedesk.ComplaintClosed, c.State)
		assert.Equal(t, f.clock.Now().UTC(), c.ClosedAt)
		assert.Equal(t, int64(4), c.Version)

		stored, err := f.desk.Complaint(f.ctx, dealer, admin, "cp1")
		require.NoError(t, err)
		assert.Equal(t, c, stored)

		evs, err := f.roster.Events(f.ctx, dealer, org.Admin("test"), 0, org.MaxPage)
		require.NoError(t, err)
		var types []string
		for _, e := range evs {
			if e.Subject == "complaint/cp1" {
				types = append(types, e.Type)
				assert.NotEmpty(t, e.Actor.ID)
			}
		}
		assert.Equal(t, []string{"complaint.opened", "complaint.investigation_started", "complaint.resolved", "complaint.closed"}, types)
		var data struct {
			Before servicedesk.Complaint `json:"before"`
			After  servicedesk.Complaint `json:"after"`
		}
		require.NoError(t, json.Unmarshal(f.lastEvent(t).Data, &data))
		assert.Equal(t, servicedesk.ComplaintResolved, data.Before.State)
		assert.Equal(t, servicedesk.ComplaintClosed, data.After.State)
	})
}

// complaintCommand runs one handling command on cp1.
type complaintCommand struct {
	name string
	run  func(f *fixture, actor org.Actor, ref servicedesk.ComplaintRef) (servicedesk.Complaint, error)
	// needs is the state the command is given in.
	needs servicedesk.ComplaintState
}

var complaintCommands = []complaintCommand{
	{"investigate", func(f *fixture, a org.Actor, ref servicedesk.ComplaintRef) (servicedesk.Complaint, error) {
		return f.desk.InvestigateComplaint(f.ctx, dealer, a, ref, servicedesk.InvestigationInput{Notes: "looked into it"})
	}, servicedesk.ComplaintOpen},
	{"resolve", func(f *fixture, a org.Actor, ref servicedesk.ComplaintRef) (servicedesk.Complaint, error) {
		return f.desk.ResolveComplaint(f.ctx, dealer, a, ref, servicedesk.ResolutionInput{Resolution: "refund", CustomerInformed: "e-mail"})
	}, servicedesk.ComplaintInvestigating},
	{"close", func(f *fixture, a org.Actor, ref servicedesk.ComplaintRef) (servicedesk.Complaint, error) {
		return f.desk.CloseComplaint(f.ctx, dealer, a, ref)
	}, servicedesk.ComplaintResolved},
}

func TestComplaint_onlySupervisorHandles(t *testing.T) {
	for _, cmd := range complaintCommands {
		for _, actor := range []org.Actor{chen, wang, wu, admin} {
			t.Run("R2.2_only_supervisor_handles/"+cmd.name+"_by_"+string(actor.Role)+"_"+string(actor.ID), func(t *testing.T) {
				f := newFixture(t, servicedesk.Options{})
				f.receive(t, "wo1")
				f.openComplaint(t, "cp1", cmd.needs)
				before := f.snapDesk(t)
				_, err := cmd.run(f, actor, servicedesk.ComplaintRef{ID: "cp1"})
				require.ErrorIs(t, err, servicedesk.ErrForbidden)
				assert.Equal(t, before, f.snapDesk(t))
			})
		}
	}
}

func TestComplaint_noSelfJudgement(t *testing.T) {
	for _, cmd := range complaintCommands {
		t.Run("R1.3_supervisor_cannot_handle_a_complaint_against_themselves/"+cmd.name, func(t *testing.T) {
			f := newFixture(t, servicedesk.Options{})
			// A complaint against the supervisor (say, an advisor promoted
			// since): no command makes one, so it is written directly.
			c := servicedesk.Complaint{DealerID: dealer, ID: "cp1", State: cmd.needs, Advisor: "sup", Customer: *kao,
				Description: "rude", Channel: servicedesk.ChannelPhone, OpenedBy: chen, OpenedAt: monday, DueAt: monday.Add(72 * time.Hour), Version: 1}
			require.NoError(t, f.store.ServiceDesk().Commit(f.ctx, dealer, servicedesk.Change{Complaints: []servicedesk.Complaint{c}}))
			before := f.snapDesk(t)
			_, err := cmd.run(f, sup, servicedesk.ComplaintRef{ID: "cp1"})
			require.ErrorIs(t, err, servicedesk.ErrForbidden)
			assert.Contains(t, err.Error(), "R1.3")
			assert.Equal(t, before, f.snapDesk(t))
		})
	}
}

func TestComplaint_wrongState(t *testing.T) {
	states := []servicedesk.ComplaintState{servicedesk.ComplaintOpen, servicedesk.ComplaintInvestigating,
		servicedesk.ComplaintResolved, servicedesk.ComplaintClosed}
	for _, cmd := range complaintCommands {
		for _, state := range states {
			if state == cmd.needs {
				continue
			}
			t.Run("R4.4_"+cmd.name+"_refused_when_"+string(state), func(t *testing.T) {
				f := newFixture(t, servicedesk.Options{})
				f.receive(t, "wo1")
				f.openComplaint(t, "cp1", state)
				before := f.snapDesk(t)
				_, err := cmd.run(f, sup, servicedesk.ComplaintRef{ID: "cp1"})
				require.ErrorIs(t, err, servicedesk.ErrInvalidTransition)
				assert.NotErrorIs(t, err, servicedesk.ErrForbidden)
				var terr *servicedesk.ComplaintTransitionError
				require.ErrorAs(t, err, &terr)
				assert.Equal(t, servicedesk.ComplaintTransitionError{Op: "servicedesk", Record: "complaint", ID: "cp1", State: string(state), Command: cmd.name, Actor: sup,
					Blockers: []org.Blocker{{Rule: org.RuleState, Message: cmd.name + " is allowed only in " + string(cmd.needs)}}}, *terr)
				assert.Contains(t, err.Error(), "servicedesk: complaint cp1")
				assert.Equal(t, before, f.snapDesk(t))
			})
		}
	}
}

func TestComplaint_handlingInvalid(t *testing.T) {
	tests := []struct {
		name  string
		state servicedesk.ComplaintState
		run   func(f *fixture) error
		want  []string
	}{
		{"R4.4_resolution_and_how_the_customer_was_told_required", servicedesk.ComplaintInvestigating, func(f *fixture) error {
			_, err := f.desk.ResolveComplaint(f.ctx, dealer, sup, servicedesk.ComplaintRef{ID: "cp1"}, servicedesk.ResolutionInput{Resolution: " ", CustomerInformed: ""})
			return err
		}, []string{"resolution:required", "customer_informed:required"}},
		{"R4.4_customer_must_be_told", servicedesk.ComplaintInvestigating, func(f *fixture) error {
			_, err := f.desk.ResolveComplaint(f.ctx, dealer, sup, servicedesk.ComplaintRef{ID: "cp1"}, servicedesk.ResolutionInput{Resolution: "refund"})
			return err
		}, []string{"customer_informed:required"}},
		{"R2.2_investigation_notes_required", servicedesk.ComplaintOpen, func(f *fixture) error {
			_, err := f.desk.InvestigateComplaint(f.ctx, dealer, sup, servicedesk.ComplaintRef{ID: "cp1"}, servicedesk.InvestigationInput{})
			return err
		}, []string{"notes:required"}},
		{"ref_checked", servicedesk.ComplaintResolved, func(f *fixture) error {
			_, err := f.desk.CloseComplaint(f.ctx, dealer, sup, servicedesk.ComplaintRef{ExpectedVersion: -1})
			return err
		}, []string{"id:required", "expected_version:out_of_range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, servicedesk.Options{})
			f.receive(t, "wo1")
			f.openComplaint(t, "cp1", tt.state)
			before := f.snapDesk(t)
			assert.ElementsMatch(t, tt.want, problems(t, tt.run(f)))
			assert.Equal(t, before, f.snapDesk(t))
		})
	}
}

func TestComplaint_versionAndExistence(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	f.receive(t, "wo1")
	f.openComplaint(t, "cp1", servicedesk.ComplaintOpen)
	before := f.snapDesk(t)

	_, err := f.desk.InvestigateComplaint(f.ctx, dealer, sup, servicedesk.ComplaintRef{ID: "cp1", ExpectedVersion: 2}, servicedesk.InvestigationInput{Notes: "x"})
	require.ErrorIs(t, err, servicedesk.ErrConflict, "a stale ExpectedVersion is a conflict")
	_, err = f.desk.InvestigateComplaint(f.ctx, dealer, sup, servicedesk.ComplaintRef{ID: "cp9"}, servicedesk.InvestigationInput{Notes: "x"})
	require.ErrorIs(t, err, servicedesk.ErrNotFound)
	_, err = f.desk.Complaint(f.ctx, dealer, admin, "cp9")
	require.ErrorIs(t, err, servicedesk.ErrNotFound)
	_, err = f.desk.Complaint(f.ctx, "d2", admin, "cp1")
	require.ErrorIs(t, err, servicedesk.ErrNotFound, "another dealer's complaint is not found")
	assert.Equal(t, before, f.snapDesk(t))
}

func TestOverdueComplaints(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	f.receive(t, "wo1")
	open := func(id servicedesk.ComplaintID) {
		in := complaintIn()
		in.ID = id
		_, err := f.desk.OpenComplaint(f.ctx, dealer, chen, in)
		require.NoError(t, err)
		f.clock.Advance(time.Hour)
	}
	open("cp3") // IDs out of due order: the list is by due time
	open("cp1")
	open("cp2")
	ids := func() []servicedesk.ComplaintID {
		cs, err := f.desk.OverdueComplaints(f.ctx, dealer, admin)
		require.NoError(t, err)
		out := []servicedesk.ComplaintID{}
		for _, c := range cs {
			assert.True(t, c.Overdue(f.clock.Now()))
			out = append(out, c.ID)
		}
		return out
	}
	assert.Empty(t, ids())

	f.clock.Set(monday.Add(72 * time.Hour))
	assert.Empty(t, ids(), "R4.4: due at DueAt, overdue only after it")
	f.clock.Advance(time.Microsecond)
	assert.Equal(t, []servicedesk.ComplaintID{"cp3"}, ids())

	f.clock.Advance(5 * time.Hour)
	_, err := f.desk.InvestigateComplaint(f.ctx, dealer, sup, servicedesk.ComplaintRef{ID: "cp1"}, servicedesk.InvestigationInput{Notes: "x"})
	require.NoError(t, err)
	_, err = f.desk.InvestigateComplaint(f.ctx, dealer, sup, servicedesk.ComplaintRef{ID: "cp2"}, servicedesk.InvestigationInput{Notes: "x"})
	require.NoError(t, err)
	_, err = f.desk.ResolveComplaint(f.ctx, dealer, sup, servicedesk.ComplaintRef{ID: "cp2"}, servicedesk.ResolutionInput{Resolution: "x", CustomerInformed: "sms"})
	require.NoError(t, err)
	assert.Equal(t, []servicedesk.ComplaintID{"cp3", "cp1"}, ids(), "R4.4: investigating still counts; resolved does not")

	f.clock.Advance(time.Hour)
	_, err = f.desk.OpenComplaint(f.ctx, dealer, chen, complaintIn())
	require.NoError(t, err)
	assert.Equal(t, []servicedesk.ComplaintID{"cp3", "cp1"}, ids(), "a new complaint is not overdue")
}

func TestComplaints_list(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	f.receive(t, "wo1")
	f.openComplaint(t, "cp1", servicedesk.ComplaintOpen)
	f.openComplaint(t, "cp2", servicedesk.ComplaintResolved)
	in := complaintIn()
	in.ID, in.Advisor = "cp3", "wang"
	_, err := f.desk.OpenComplaint(f.ctx, dealer, chen, in)
	require.NoError(t, err)

	ids := func(cs []servicedesk.Complaint) []servicedesk.ComplaintID {
		out := []servicedesk.ComplaintID{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	tests := []struct {
		name string
		q    servicedesk.ComplaintQuery
		want []servicedesk.ComplaintID
	}{
		{"zero_limit_means_default_page", servicedesk.ComplaintQuery{}, []servicedesk.ComplaintID{"cp1", "cp2", "cp3"}},
		{"limit", servicedesk.ComplaintQuery{Limit: 2}, []servicedesk.ComplaintID{"cp1", "cp2"}},
		{"after", servicedesk.ComplaintQuery{After: "cp1", Limit: 1}, []servicedesk.ComplaintID{"cp2"}},
		{"huge_limit_cut", servicedesk.ComplaintQuery{Limit: org.MaxPage * 10}, []servicedesk.ComplaintID{"cp1", "cp2", "cp3"}},
		{"by_state", servicedesk.ComplaintQuery{State: servicedesk.ComplaintResolved}, []servicedesk.ComplaintID{"cp2"}},
		{"by_advisor", servicedesk.ComplaintQuery{Advisor: "wang"}, []servicedesk.ComplaintID{"cp3"}},
		{"opened_before", servicedesk.ComplaintQuery{OpenedBefore: monday}, []servicedesk.ComplaintID{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := f.desk.Complaints(f.ctx, dealer, admin, tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(cs))
		})
	}
	t.Run("negative_limit_refused", func(t *testing.T) {
		_, err := f.desk.Complaints(f.ctx, dealer, admin, servicedesk.ComplaintQuery{Limit: -1})
		assert.Equal(t, []string{"limit:out_of_range"}, problems(t, err))
	})
	t.Run("another_dealer_sees_none", func(t *testing.T) {
		cs, err := f.desk.Complaints(f.ctx, "d2", admin, servicedesk.ComplaintQuery{})
		require.NoError(t, err)
		assert.Empty(t, cs)
	})
}

// TestComplaint_supervisionScope: a complaint is handled by the supervisor
// of the department of the employee complained about, one that names no
// employee by the service advisor department's supervisor; never by a
// supervisor of another department (R2.2).
func TestComplaint_supervisionScope(t *testing.T) {
	kuo := org.Actor{ID: "kuo", Role: org.RoleSupervisor} // the workshop's supervisor
	setup := func(t *testing.T, advisor org.EmployeeID, state servicedesk.ComplaintState) *fixture {
		t.Helper()
		f := newFixture(t, servicedesk.Options{})
		_, err := f.roster.AddEmployee(f.ctx, dealer, admin, org.NewEmployee{ID: "kuo", Name: "Kuo", Role: org.RoleSupervisor, Department: org.DeptWorkshop})
		require.NoError(t, err)
		in := complaintIn()
		in.ID, in.Advisor = "cp1", advisor
		_, err = f.desk.OpenComplaint(f.ctx, dealer, chen, in)
		require.NoError(t, err)
		ref := servicedesk.ComplaintRef{ID: "cp1"}
		if state != servicedesk.ComplaintOpen {
			_, err = f.desk.InvestigateComplaint(f.ctx, dealer, sup, ref, servicedesk.InvestigationInput{Notes: "x"})
			require.NoError(t, err)
		}
		if state == servicedesk.ComplaintResolved {
			_, err = f.desk.ResolveComplaint(f.ctx, dealer, sup, ref, servicedesk.ResolutionInput{Resolution: "x", CustomerInformed: "x"})
			require.NoError(t, err)
		}
		return f
	}
	for _, cmd := range complaintCommands {
		for _, against := range []org.EmployeeID{"wang", ""} {
			what := "an_advisor"
			if against == "" {
				what = "the_department"
			}
			t.Run("R2.2_other_department_supervisor_cannot_handle_complaint/"+cmd.name+"_against_"+what, func(t *testing.T) {
				f := setup(t, against, cmd.needs)
				before := f.snapDesk(t)
				_, err := cmd.run(f, kuo, servicedesk.ComplaintRef{ID: "cp1"})
				require.ErrorIs(t, err, servicedesk.ErrForbidden)
				assert.Contains(t, err.Error(), "R2.2")
				assert.Equal(t, before, f.snapDesk(t), "a refused command writes nothing")
			})
			t.Run("R2.2_department_supervisor_handles_complaint/"+cmd.name+"_against_"+what, func(t *testing.T) {
				f := setup(t, against, cmd.needs)
				_, err := cmd.run(f, sup, servicedesk.ComplaintRef{ID: "cp1"})
				require.NoError(t, err)
			})
		}
		t.Run("R2.2_supervisor_still_handles_a_complaint_against_a_former_advisor/"+cmd.name, func(t *testing.T) {
			f := setup(t, "wang", cmd.needs)
			_, err := f.roster.DeactivateEmployee(f.ctx, dealer, admin, org.StatusChange{ID: "wang", Reason: "left"})
			require.NoError(t, err)
			_, err = cmd.run(f, sup, servicedesk.ComplaintRef{ID: "cp1"})
			require.NoError(t, err)
		})
	}
}
