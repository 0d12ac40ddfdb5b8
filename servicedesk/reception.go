package servicedesk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/servicelane/servicelane/org"
)

// Reception is the input of [Service.Receive] (R3.1c, R2.3).
type Reception struct {
	// ID, when empty, is made by the service's IDSource.
	ID WorkOrderID `json:"id" validate:"omitempty,max=64,ident"`
	// Advisor is who receives the customer; empty means the actor, who
	// must then be an advisor.
	Advisor   org.EmployeeID `json:"advisor" validate:"omitempty,max=64,ident"`
	Channel   Channel        `json:"channel" validate:"oneof=walk_in phone online"`
	Customer  Customer       `json:"customer"`
	Vehicle   Vehicle        `json:"vehicle"`
	Concerns  []string       `json:"concerns" validate:"min=1,max=20,dive,notblank,max=2000"`
	Transport Transport      `json:"transport" validate:"oneof=waiter drop_off loaner"`
	// PromisedAt is when the car is promised back; zero if not yet.
	PromisedAt time.Time `json:"promised_at,omitzero"`
}

// Receive opens a work order: the customer, the vehicle and the concerns in
// the customer's own words (R3.1c).
func (s *Service) Receive(ctx context.Context, dealer org.DealerID, actor org.Actor, in Reception) (_ WorkOrder, err error) {
	ctx, ob := s.obs.Begin(ctx, string(CmdReceive), dealer, actor)
	defer ob.End(&err)
	ve := shape("receive", in)
	if in.Vehicle.VIN != "" && !ve.Has("vehicle.vin") {
		if msg := checkVIN(in.Vehicle.VIN); msg != "" {
			ve.Add("vehicle.vin", org.CodeFormat, msg)
		}
	}
	now := org.Now(s.clock)
	if !in.PromisedAt.IsZero() && !in.PromisedAt.After(now) {
		ve.Add("promised_at", org.CodeRange, "must be in the future")
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleAdvisor, org.RoleSupervisor); err != nil {
		return WorkOrder{}, err
	}
	advisor := in.Advisor
	if advisor == "" {
		if actor.Role != org.RoleAdvisor {
			ve.Add("advisor", org.CodeRequired, "a supervisor receiving a customer names the advisor")
		}
		advisor = actor.ID
	} else if err := s.employeeIn(ctx, dealer, advisor, org.RoleAdvisor, "advisor", ve); err != nil {
		return WorkOrder{}, err
	}
	if err := ve.Err(); err != nil {
		return WorkOrder{}, err
	}
	if in.ID == "" {
		in.ID = WorkOrderID(s.ids.NewID())
	}
	w := WorkOrder{
		DealerID: dealer, ID: in.ID, Advisor: advisor, Channel: in.Channel, Customer: in.Customer, Vehicle: in.Vehicle,
		Transport: in.Transport, PromisedAt: in.PromisedAt.UTC().Truncate(time.Microsecond), OpenedAt: now,
	}
	w.Vehicle.VIN = strings.ToUpper(w.Vehicle.VIN)
	for i, c := range in.Concerns {
		w.Concerns = append(w.Concerns, Concern{ID: fmt.Sprintf("c%d", i+1), Text: strings.TrimSpace(c)})
	}
	if _, err := check(&w, CmdReceive, actor, s.opts); err != nil {
		return WorkOrder{}, err
	}
	w.State, w.Version, w.UpdatedAt = StateReceived, 1, now
	ev := s.event(dealer, actor, now, CmdReceive, w.ID, "", transitionData{From: StateNone, To: StateReceived, Input: in})
	if err := s.store.Commit(ctx, dealer, Change{WorkOrders: []WorkOrder{w}, Events: []org.Event{ev}}); err != nil {
		// A work order with this ID exists (read first, or written by a
		// concurrent Receive): the one duplicate rule, the same on every
		// store, is a field error on the ID.
		if errors.Is(err, ErrConflict) {
			if _, rerr := s.store.WorkOrder(ctx, dealer, w.ID); rerr == nil {
				ve := &org.ValidationError{Op: "servicedesk: receive"}
				ve.Add("id", org.CodeDuplicate, fmt.Sprintf("a work order with ID %s exists", w.ID))
				return WorkOrder{}, ve
			}
		}
		return WorkOrder{}, fmt.Errorf("servicedesk: receive %s: %w", w.ID, err)
	}
	return w, nil
}

// vinValues are the transliteration values of ISO 3779 / 49 CFR 565.
const vinLetters = "ABCDEFGHJKLMNPRSTUVWXYZ"

var vinValue = [...]int{1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9}
var vinWeight = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// checkVIN checks a VIN's form: 17 letters and digits without I, O or Q.
// A VIN from North America (first character 1 to 5) must also carry the
// right check digit in position 9. It returns "" when the VIN is good.
func checkVIN(vin string) string {
	vin = strings.ToUpper(vin)
	if len(vin) != 17 {
		return "must have 17 characters"
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := vin[i]
		var val int
		switch {
		case c >= '0' && c <= '9':
			val = int(c - '0')
		case strings.IndexByte(vinLetters, c) >= 0:
			val = vinValue[strings.IndexByte(vinLetters, c)]
		default:
			return "must be letters and digits only, without I, O or Q"
		}
		sum += val * vinWeight[i]
	}
	if vin[0] >= '1' && vin[0] <= '5' {
		want := byte('0' + sum%11)
		if sum%11 == 10 {
			want = 'X'
		}
		if vin[8] != want {
			return fmt.Sprintf("check digit (position 9) is %c, the VIN's characters give %c", vin[8], want)
		}
	}
	return ""
}
