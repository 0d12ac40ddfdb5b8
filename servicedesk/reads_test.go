package servicedesk_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// The readers of docs/AUTHORIZATION.md, "Reads: who sees what", beside the
// fixture's people: a made-up supervisor, the supervisor of another
// department, and a supervisor of another dealer.
var (
	ghostSup = org.Actor{ID: "ghost", Role: org.RoleSupervisor}
	ho       = org.Actor{ID: "ho", Role: org.RoleSupervisor}  // the workshop's supervisor
	stranger = org.Actor{ID: "lee", Role: org.RoleSupervisor} // d2's supervisor
	// wuAsAdvisor is the technician wu claiming a role he does not hold.
	wuAsAdvisor = org.Actor{ID: "wu", Role: org.RoleAdvisor}
)

const (
	kaoPhone = "0912-000-111"
	kaoEmail = "kao@example.com"
	kaoVIN   = "JTDBR32E720123456"
)

// newReadsFixture seeds on backend: wo1, chen's order delivered with its
// survey and complaint c1 against it; wo2, chen's order just received
// from a customer with a phone and an e-mail; wo3, chen's order approved
// by phone (j1 approved, j2 declined); ho, the workshop's supervisor; and
// dealer d2 with its supervisor lee.
func newReadsFixture(t *testing.T, backend string) *sbFixture {
	t.Helper()
	f := newSBFixtureOn(t, backend, servicedesk.Options{})
	ctx := f.ctx
	// The plain Settle seam, as driveToDelivered settles.
	desk, err := servicedesk.NewService(servicedesk.Config{Store: f.desks, Roster: f.roster.Directory(), Clock: f.clock, IDs: org.SequentialIDs("rd")})
	require.NoError(t, err)
	f.desk = desk
	_, err = f.roster.AddEmployee(ctx, dealer, admin, org.NewEmployee{ID: "ho", Name: "Ho", Role: org.RoleSupervisor, Department: org.DeptWorkshop})
	require.NoError(t, err)
	_, err = f.roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d2", Name: "Kaohsiung Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	_, err = f.roster.AddEmployee(ctx, "d2", admin, org.NewEmployee{ID: "lee", Name: "Lee", Role: org.RoleSupervisor})
	require.NoError(t, err)

	f.driveToDelivered(t, "wo1", 0, 0)
	_, err = f.desk.RecordSurvey(ctx, dealer, wang, surveyIn("wo1", "4", servicedesk.SurveyByCall))
	require.NoError(t, err)
	f.openComplaint(t, "c1", servicedesk.ComplaintOpen)

	_, err = f.desk.Receive(ctx, dealer, chen, servicedesk.Reception{
		ID: "wo2", Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Mr. Kao", Phone: kaoPhone, Email: kaoEmail},
		Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2021, VIN: kaoVIN, Plate: "ABC-1234", MileageIn: 42000},
		Concerns: []string{"brakes squeal"},
	})
	require.NoError(t, err)

	f.toEstimate(t, "wo3")
	_, err = f.desk.Approve(ctx, dealer, chen, servicedesk.Ref{ID: "wo3"}, servicedesk.Consent{Approved: []string{"j1"}, Declined: []string{"j2"},
		By: "Mr. Kao", Method: servicedesk.ApprovalPhone, Evidence: f.call("front brake pads", "4250")})
	require.NoError(t, err)
	return f
}

// read is one read of the Service, given the actor.
type read struct {
	name string
	call func(f *sbFixture, actor org.Actor) error
	// noNeed is an actor on the roster whose role the read does not serve.
	noNeed org.Actor
}

func reads() []read {
	nov := org.Month{Year: 2026, Month: time.November}
	return []read{
		{"WorkOrder", func(f *sbFixture, a org.Actor) error { _, err := f.desk.WorkOrder(f.ctx, dealer, a, "wo2"); return err }, wuAsAdvisor},
		{"WorkOrders", func(f *sbFixture, a org.Actor) error {
			_, err := f.desk.WorkOrders(f.ctx, dealer, a, servicedesk.WorkOrderQuery{})
			return err
		}, wuAsAdvisor},
		{"Month", func(f *sbFixture, a org.Actor) error { _, err := f.desk.Month(f.ctx, dealer, a, nov); return err }, wuAsAdvisor},
		{"Timeline", func(f *sbFixture, a org.Actor) error { _, err := f.desk.Timeline(f.ctx, dealer, a, "wo2"); return err }, wuAsAdvisor},
		{"Calendar", func(f *sbFixture, a org.Actor) error {
			_, err := f.desk.Calendar(f.ctx, dealer, a, "wu", "2026-11-02")
			return err
		}, wuAsAdvisor},
		{"DeferredWork", func(f *sbFixture, a org.Actor) error {
			_, err := f.desk.DeferredWork(f.ctx, dealer, a, servicedesk.DeferredQuery{VIN: kaoVIN})
			return err
		}, wuAsAdvisor},
		{"Permitted", func(f *sbFixture, a org.Actor) error { _, err := f.desk.Permitted(f.ctx, dealer, a, "wo2"); return err }, wuAsAdvisor},
		{"Complaint", func(f *sbFixture, a org.Actor) error { _, err := f.desk.Complaint(f.ctx, dealer, a, "c1"); return err }, wu},
		{"Complaints", func(f *sbFixture, a org.Actor) error {
			_, err := f.desk.Complaints(f.ctx, dealer, a, servicedesk.ComplaintQuery{})
			return err
		}, wu},
		{"OverdueComplaints", func(f *sbFixture, a org.Actor) error {
			_, err := f.desk.OverdueComplaints(f.ctx, dealer, a)
			return err
		}, wu},
		{"Figures", func(f *sbFixture, a org.Actor) error { _, err := f.desk.Figures(f.ctx, dealer, a, nov); return err }, wu},
		{"Survey", func(f *sbFixture, a org.Actor) error { _, err := f.desk.Survey(f.ctx, dealer, a, "wo1"); return err }, wu},
		{"Surveys", func(f *sbFixture, a org.Actor) error {
			_, err := f.desk.Surveys(f.ctx, dealer, a, servicedesk.SurveyQuery{})
			return err
		}, wu},
	}
}

// contactIn reports whether v, marshalled, holds the customer's phone or
// e-mail.
func contactIn(t *testing.T, v any) bool {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return strings.Contains(string(raw), kaoPhone) || strings.Contains(string(raw), kaoEmail)
}

func TestReads_authorised(t *testing.T) {
	for _, backend := range sbBackends {
		t.Run(backend, func(t *testing.T) {
			f := newReadsFixture(t, backend)
			for _, r := range reads() {
				t.Run(r.name, func(t *testing.T) {
					t.Run("R2.2_stranger_refused", func(t *testing.T) {
						assert.ErrorIs(t, r.call(f, ghostSup), servicedesk.ErrForbidden)
					})
					t.Run("R2.2_actor_of_another_dealer_refused", func(t *testing.T) {
						assert.ErrorIs(t, r.call(f, stranger), servicedesk.ErrForbidden)
					})
					t.Run("R2.2_role_without_need_refused", func(t *testing.T) {
						assert.ErrorIs(t, r.call(f, r.noNeed), servicedesk.ErrForbidden)
					})
					t.Run("R2.2_admin_reads", func(t *testing.T) {
						assert.NoError(t, r.call(f, admin))
					})
				})
			}
		})
	}
}

func TestReads_customer_contact(t *testing.T) {
	for _, backend := range sbBackends {
		t.Run(backend, func(t *testing.T) {
			f := newReadsFixture(t, backend)
			ctx := f.ctx
			nov := org.Month{Year: 2026, Month: time.November}

			t.Run("R7.2d_technician_never_sees_customer_contact", func(t *testing.T) {
				for _, a := range []org.Actor{wu, wang, ho} {
					w, err := f.desk.WorkOrder(ctx, dealer, a, "wo2")
					require.NoError(t, err, a)
					assert.Equal(t, servicedesk.Customer{Name: "Mr. Kao"}, w.Customer, a)
					w3, err := f.desk.WorkOrder(ctx, dealer, a, "wo3")
					require.NoError(t, err, a)
					require.NotEmpty(t, w3.Approvals)
					assert.Empty(t, w3.Approvals[0].Evidence.Contact, a)
					assert.False(t, contactIn(t, w3), a)

					ws, err := f.desk.WorkOrders(ctx, dealer, a, servicedesk.WorkOrderQuery{})
					require.NoError(t, err)
					assert.Len(t, ws, 3)
					assert.False(t, contactIn(t, ws), a)
					ms, err := f.desk.Month(ctx, dealer, a, nov)
					require.NoError(t, err)
					assert.Len(t, ms, 3)
					assert.False(t, contactIn(t, ms), a)
					ds, err := f.desk.DeferredWork(ctx, dealer, a, servicedesk.DeferredQuery{VIN: kaoVIN})
					require.NoError(t, err)
					require.NotEmpty(t, ds)
					assert.False(t, contactIn(t, ds), a)
				}
			})
			t.Run("R7.2d_not_through_the_timeline_either", func(t *testing.T) {
				for _, id := range []servicedesk.WorkOrderID{"wo1", "wo2", "wo3"} {
					tl, err := f.desk.Timeline(ctx, dealer, wu, id)
					require.NoError(t, err)
					require.NotEmpty(t, tl)
					assert.False(t, contactIn(t, tl), id)
					for _, e := range tl {
						var d map[string]any
						require.NoError(t, json.Unmarshal(e.Data, &d))
						assert.NotContains(t, d, "input", e.Type)
						assert.Contains(t, d, "to", e.Type)
					}
				}
			})
			t.Run("R7.2d_advisor_supervisor_and_admin_see_customer_contact", func(t *testing.T) {
				for _, a := range []org.Actor{chen, sup, admin} {
					w, err := f.desk.WorkOrder(ctx, dealer, a, "wo2")
					require.NoError(t, err, a)
					assert.Equal(t, servicedesk.Customer{Name: "Mr. Kao", Phone: kaoPhone, Email: kaoEmail}, w.Customer, a)
					w3, err := f.desk.WorkOrder(ctx, dealer, a, "wo3")
					require.NoError(t, err, a)
					assert.Equal(t, kaoPhone, w3.Approvals[0].Evidence.Contact, a)
					// The events themselves carry no contact but the ready
					// notice's (TestEvents_carry_no_contact_data).
					tl, err := f.desk.Timeline(ctx, dealer, a, "wo2")
					require.NoError(t, err, a)
					assert.NotEmpty(t, tl, a)
					ds, err := f.desk.DeferredWork(ctx, dealer, a, servicedesk.DeferredQuery{VIN: kaoVIN})
					require.NoError(t, err)
					assert.True(t, contactIn(t, ds), a)
				}
			})
			t.Run("R7.2d_complaint_contact_to_its_readers", func(t *testing.T) {
				for _, a := range []org.Actor{chen, sup, admin} {
					c, err := f.desk.Complaint(ctx, dealer, a, "c1")
					require.NoError(t, err, a)
					assert.Equal(t, kaoPhone, c.Customer.Phone, a)
				}
			})
			t.Run("R2.2_calendar_to_everyone_on_the_roster", func(t *testing.T) {
				for _, a := range []org.Actor{wu, tsai, chen, wang, sup, ho, admin} {
					cal, err := f.desk.Calendar(ctx, dealer, a, "wu", "2026-11-02")
					require.NoError(t, err, a)
					assert.NotEmpty(t, cal.Slots, a)
				}
			})
		})
	}
}

func TestReads_employee_records(t *testing.T) {
	for _, backend := range sbBackends {
		t.Run(backend, func(t *testing.T) {
			f := newReadsFixture(t, backend)
			ctx := f.ctx
			nov := org.Month{Year: 2026, Month: time.November}

			t.Run("R2.2_complaint_visible_to_its_employee_and_supervisor", func(t *testing.T) {
				for _, a := range []org.Actor{chen, sup, admin} {
					c, err := f.desk.Complaint(ctx, dealer, a, "c1")
					require.NoError(t, err, a)
					assert.Equal(t, servicedesk.ComplaintID("c1"), c.ID)
					cs, err := f.desk.Complaints(ctx, dealer, a, servicedesk.ComplaintQuery{})
					require.NoError(t, err, a)
					assert.Len(t, cs, 1, a)
				}
			})
			t.Run("R2.2_peer_does_not_see_a_complaint_against_chen", func(t *testing.T) {
				for _, a := range []org.Actor{wang, ho} {
					_, err := f.desk.Complaint(ctx, dealer, a, "c1")
					assert.ErrorIs(t, err, servicedesk.ErrForbidden, a)
					cs, err := f.desk.Complaints(ctx, dealer, a, servicedesk.ComplaintQuery{})
					require.NoError(t, err, a)
					assert.Empty(t, cs, a)
				}
			})
			t.Run("R4.4_overdue_complaints_filtered", func(t *testing.T) {
				f.clock.Advance(100 * time.Hour)
				for _, tc := range []struct {
					actor org.Actor
					n     int
				}{{chen, 1}, {sup, 1}, {admin, 1}, {wang, 0}, {ho, 0}} {
					cs, err := f.desk.OverdueComplaints(ctx, dealer, tc.actor)
					require.NoError(t, err, tc.actor)
					assert.Len(t, cs, tc.n, tc.actor)
				}
			})
			t.Run("R2.2_survey_visible_to_the_advisor_and_supervisor", func(t *testing.T) {
				for _, a := range []org.Actor{chen, sup, admin} {
					_, err := f.desk.Survey(ctx, dealer, a, "wo1")
					require.NoError(t, err, a)
					svs, err := f.desk.Surveys(ctx, dealer, a, servicedesk.SurveyQuery{})
					require.NoError(t, err, a)
					assert.Len(t, svs, 1, a)
				}
				for _, a := range []org.Actor{wang, ho} {
					_, err := f.desk.Survey(ctx, dealer, a, "wo1")
					assert.ErrorIs(t, err, servicedesk.ErrForbidden, a)
					svs, err := f.desk.Surveys(ctx, dealer, a, servicedesk.SurveyQuery{})
					require.NoError(t, err, a)
					assert.Empty(t, svs, a)
				}
			})
			t.Run("R6.1_figures_an_advisor_sees_only_their_own_row", func(t *testing.T) {
				advisors := func(a org.Actor) []org.EmployeeID {
					figs, err := f.desk.Figures(ctx, dealer, a, nov)
					require.NoError(t, err, a)
					out := []org.EmployeeID{}
					for _, r := range figs {
						out = append(out, r.Advisor)
					}
					return out
				}
				// Every active advisor has a row (wang's of zeros); each
				// reader sees the rows they may.
				assert.Equal(t, []org.EmployeeID{"chen", "wang"}, advisors(admin))
				assert.Equal(t, []org.EmployeeID{"chen", "wang"}, advisors(sup))
				assert.Equal(t, []org.EmployeeID{"chen"}, advisors(chen))
				assert.Equal(t, []org.EmployeeID{"wang"}, advisors(wang), "their own row, of zeros")
				assert.Empty(t, advisors(ho))
			})
			t.Run("R2.2_permitted_refuses_a_made_up_supervisor", func(t *testing.T) {
				_, err := f.desk.Permitted(ctx, dealer, org.Actor{ID: "ghost", Role: org.RoleSupervisor}, "wo2")
				assert.ErrorIs(t, err, servicedesk.ErrForbidden)
				cmds, err := f.desk.Permitted(ctx, dealer, sup, "wo2")
				require.NoError(t, err)
				assert.NotEmpty(t, cmds)
			})
		})
	}
}
