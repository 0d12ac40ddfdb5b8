package servicedesk

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// A customer's personal data (R7.2d: leaking customer information is the
// gravest offence) is held in these fields, and only these:
//
//   - a work order's Customer (name, phone, e-mail), its vehicle's Plate,
//     the name of whoever acknowledged the walk-around
//     (Condition.AcknowledgedBy) and whoever decided each consent
//     (Approvals[].ApprovedBy), and the number or address each consent's
//     evidence was given at (Approvals[].Evidence.Contact);
//   - a complaint's Customer;
//   - a survey's Comment, the customer's own words;
//   - the audit events of those records, which carry the commands' input:
//     the same fields under the same JSON names ("customer", "plate",
//     "acknowledged_by", "approved_by", "by", "contact", "comment").
//
// Since this version, events carry no phone, e-mail or consent contact,
// except "workorder.notify_ready", whose recipient (the host sending the
// pickup notice, R3.3d) needs them; the record holds them. Billing's
// documents print the payer's name and the consents as issued: they are
// kept as the law requires invoices to be kept, and are exported, never
// erased. docs/SECURITY.md says what the host must do with what it holds.

// ErasedName replaces a customer's name, and the name of whoever
// consented for them, when their personal data is erased.
const ErasedName = "(erased)"

// CustomerRef names one customer of the dealer for [Service.ExportCustomer]
// and [Service.EraseCustomer]: by the phone number or e-mail address the
// dealer holds for them, or by one of their work orders (whose customer's
// phone and e-mail then name them). A customer is every work order whose
// customer has that phone (compared by its digits: "+886 912-345-678" is
// "886912345678") or that e-mail (compared without case), and the
// complaints about those orders or from that phone or e-mail.
type CustomerRef struct {
	// Request is the host's reference of the customer's request
	// ("dsr-2026-0042"). The audit event names it, never the customer.
	Request   string      `json:"request" validate:"required,max=64"`
	Phone     string      `json:"phone,omitempty" validate:"omitempty,max=40"`
	Email     string      `json:"email,omitempty" validate:"omitempty,max=254"`
	WorkOrder WorkOrderID `json:"work_order,omitempty" validate:"omitempty,max=64"`
}

// CustomerExport is everything the servicedesk holds about one customer,
// as JSON: the answer to a customer's request to see their data.
type CustomerExport struct {
	Request    string             `json:"request"`
	DealerID   org.DealerID       `json:"dealer_id"`
	ExportedAt time.Time          `json:"exported_at"`
	WorkOrders []WorkOrder        `json:"work_orders"`
	Complaints []Complaint        `json:"complaints"`
	Surveys    []Survey           `json:"surveys"`
	Events     []org.Event        `json:"events"`
	Documents  []billing.Document `json:"documents"`
}

// ErasureInput is the input of [Service.EraseCustomer].
type ErasureInput struct {
	// Customer names whose data to erase.
	Customer CustomerRef `json:"customer"`
	// Reason is why the data is erased ("customer's request of
	// 2026-12-01"); it is the redacted events' reason.
	Reason string `json:"reason" validate:"notblank,max=1000"`
}

// Erasure reports what [Service.EraseCustomer] changed.
type Erasure struct {
	Request    string        `json:"request"`
	ErasedAt   time.Time     `json:"erased_at"`
	WorkOrders []WorkOrderID `json:"work_orders"`
	Complaints []ComplaintID `json:"complaints"`
	Surveys    []WorkOrderID `json:"surveys"`
	// Events are the Seqs of the audit events rewritten.
	Events []int64 `json:"events"`
	// Retained are the billing documents kept as issued, as the law
	// requires of invoices and receipts.
	Retained []billing.DocumentID `json:"retained"`
}

// OrderDocuments is what a [Biller] may offer for [Service.ExportCustomer]:
// every document issued for a work order. *billing.Service has it; with a
// Biller without it, an export lists no documents.
type OrderDocuments interface {
	DocumentsOf(ctx context.Context, dealer org.DealerID, actor org.Actor, workOrder string) ([]billing.Document, error)
}

// customerData is what the servicedesk holds about one customer.
type customerData struct {
	orders     []WorkOrder
	complaints []Complaint
	surveys    []Survey
	events     []org.Event
}

// ExportCustomer returns everything the servicedesk holds about one
// customer (R7.2d): their work orders, complaints, survey answers and the
// audit events of those, with the billing documents issued for the orders.
// Only an admin (the host, acting on the customer's request) may export;
// the export is audited ("customer.exported", subject "privacy/<request>")
// with the records' IDs and no personal data. A customer the dealer holds
// nothing about is ErrNotFound.
func (s *Service) ExportCustomer(ctx context.Context, dealer org.DealerID, actor org.Actor, ref CustomerRef) (_ CustomerExport, err error) {
	ctx, ob := s.obs.Begin(ctx, "export_customer", dealer, actor)
	defer ob.End(&err)
	const op = "servicedesk: export customer"
	if err := s.checkRef(op, ref); err != nil {
		return CustomerExport{}, err
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleAdmin); err != nil {
		return CustomerExport{}, fmt.Errorf("%s: %w", op, err)
	}
	cd, err := s.customer(ctx, dealer, op, ref)
	if err != nil {
		return CustomerExport{}, err
	}
	now := s.clock.Now().UTC()
	x := CustomerExport{Request: ref.Request, DealerID: dealer, ExportedAt: now, WorkOrders: cd.orders, Complaints: cd.complaints,
		Surveys: cd.surveys, Events: cd.events, Documents: []billing.Document{}}
	if od, ok := s.biller.(OrderDocuments); ok {
		for _, w := range cd.orders {
			docs, err := od.DocumentsOf(ctx, dealer, actor, string(w.ID))
			if err != nil {
				return CustomerExport{}, fmt.Errorf("%s: documents of %s: %w", op, w.ID, err)
			}
			x.Documents = append(x.Documents, docs...)
		}
	}
	ev := newEvent(s.ids, dealer, actor, now, "customer.exported", "privacy/"+ref.Request, "", privacyData{
		WorkOrders: ids(cd.orders, func(w WorkOrder) string { return string(w.ID) }),
		Complaints: ids(cd.complaints, func(c Complaint) string { return string(c.ID) }),
		Surveys:    ids(cd.surveys, func(sv Survey) string { return string(sv.WorkOrder) }),
		Documents:  ids(x.Documents, func(d billing.Document) string { return string(d.ID) }),
		Events:     len(cd.events),
	})
	if err := s.store.Commit(ctx, dealer, Change{Events: []org.Event{ev}}); err != nil {
		return CustomerExport{}, fmt.Errorf("%s: %w", op, err)
	}
	return x, nil
}

// EraseCustomer anonymises one customer's personal data across their work
// orders, complaints, survey answers and the audit events of those
// (R7.2d): the name becomes [ErasedName], the phone, e-mail, plate and
// consent contacts become empty, survey comments are removed, and every
// event carrying them is rewritten ([org.Redaction]) in the same commit.
// What the records say about the work, the money and the employees stays,
// so figures, appraisals and invoices are unchanged; billing documents are
// kept as issued (Erasure.Retained). Only an admin may erase, and only once
// every order of the customer is delivered, closed or cancelled and every
// complaint resolved or closed: until then a [TransitionError] (Record
// "customer") lists each one. The erasure is audited ("customer.erased",
// subject "privacy/<request>") without personal data. A customer the
// dealer holds nothing about is ErrNotFound; erasing again finds nothing.
func (s *Service) EraseCustomer(ctx context.Context, dealer org.DealerID, actor org.Actor, in ErasureInput) (_ Erasure, err error) {
	ctx, ob := s.obs.Begin(ctx, "erase_customer", dealer, actor)
	defer ob.End(&err)
	const op = "servicedesk: erase customer"
	ref := in.Customer
	ve := shape("erase customer", in)
	s.checkName(ve, "customer.", ref)
	if err := ve.Err(); err != nil {
		return Erasure{}, err
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleAdmin); err != nil {
		return Erasure{}, fmt.Errorf("%s: %w", op, err)
	}
	cd, err := s.customer(ctx, dealer, op, ref)
	if err != nil {
		return Erasure{}, err
	}
	if terr := erasable(cd, ref, actor); terr != nil {
		return Erasure{}, terr
	}
	now := s.clock.Now().UTC()
	out := Erasure{Request: ref.Request, ErasedAt: now, WorkOrders: []WorkOrderID{}, Complaints: []ComplaintID{}, Surveys: []WorkOrderID{},
		Events: []int64{}, Retained: []billing.DocumentID{}}
	var c Change
	for _, w := range cd.orders {
		w = w.Clone()
		eraseOrder(&w)
		w.Version++
		w.UpdatedAt = now
		c.WorkOrders = append(c.WorkOrders, w)
		out.WorkOrders = append(out.WorkOrders, w.ID)
		for _, id := range strings.Split(w.Settlement, ",") {
			if id != "" {
				out.Retained = append(out.Retained, billing.DocumentID(id))
			}
		}
	}
	for _, cp := range cd.complaints {
		cp.Customer = Customer{Name: ErasedName}
		cp.Version++
		c.Complaints = append(c.Complaints, cp)
		out.Complaints = append(out.Complaints, cp.ID)
	}
	for _, sv := range cd.surveys {
		sv.Comment = ""
		sv.Version++
		c.Surveys = append(c.Surveys, sv)
		out.Surveys = append(out.Surveys, sv.WorkOrder)
	}
	for _, e := range cd.events {
		data := scrub(e.Data, true)
		if bytes.Equal(data, e.Data) {
			continue
		}
		c.Redactions = append(c.Redactions, org.Redaction{Seq: e.Seq, Subject: e.Subject, Reason: e.Reason, Data: data})
		out.Events = append(out.Events, e.Seq)
	}
	c.Events = []org.Event{newEvent(s.ids, dealer, actor, now, "customer.erased", "privacy/"+ref.Request, in.Reason, privacyData{
		WorkOrders: ids(out.WorkOrders, func(id WorkOrderID) string { return string(id) }),
		Complaints: ids(out.Complaints, func(id ComplaintID) string { return string(id) }),
		Surveys:    ids(out.Surveys, func(id WorkOrderID) string { return string(id) }),
		Documents:  ids(out.Retained, func(id billing.DocumentID) string { return string(id) }),
		Events:     len(out.Events),
	})}
	if err := s.store.Commit(ctx, dealer, c); err != nil {
		return Erasure{}, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// privacyData is the data of "customer.exported" and "customer.erased":
// which records, never what they hold.
type privacyData struct {
	WorkOrders []string `json:"work_orders"`
	Complaints []string `json:"complaints"`
	Surveys    []string `json:"surveys"`
	Documents  []string `json:"documents"`
	Events     int      `json:"events"`
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// checkRef checks a CustomerRef against the input policy and that it names
// someone.
func (s *Service) checkRef(op string, ref CustomerRef) error {
	ve := shape(strings.TrimPrefix(op, "servicedesk: "), ref)
	s.checkName(ve, "", ref)
	return ve.Err()
}

// checkName records in ve, under prefix, a CustomerRef that names no one.
func (s *Service) checkName(ve *org.ValidationError, prefix string, ref CustomerRef) {
	if ref.Phone == "" && ref.Email == "" && ref.WorkOrder == "" {
		ve.Add(prefix+"phone", org.CodeRequired, "a phone, an e-mail or a work order names the customer")
	}
	if ref.Phone != "" && len(phoneKey(ref.Phone)) < 6 {
		ve.Add(prefix+"phone", "invalid_format", "has fewer than 6 digits: too short to name one customer")
	}
}

// phoneKey is a phone number's digits, how two spellings of one number
// compare.
func phoneKey(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func emailKey(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// matcher says whether a customer is the one a CustomerRef names.
type matcher struct {
	phones, emails map[string]bool
}

func (m matcher) match(c Customer) bool {
	if p := phoneKey(c.Phone); p != "" && m.phones[p] {
		return true
	}
	e := emailKey(c.Email)
	return e != "" && m.emails[e]
}

// customer finds what the dealer holds about the customer ref names, or
// ErrNotFound.
func (s *Service) customer(ctx context.Context, dealer org.DealerID, op string, ref CustomerRef) (customerData, error) {
	m := matcher{phones: map[string]bool{}, emails: map[string]bool{}}
	if ref.Phone != "" {
		m.phones[phoneKey(ref.Phone)] = true
	}
	if ref.Email != "" {
		m.emails[emailKey(ref.Email)] = true
	}
	if ref.WorkOrder != "" {
		w, err := s.store.WorkOrder(ctx, dealer, ref.WorkOrder)
		if err != nil {
			return customerData{}, fmt.Errorf("%s: work order %s: %w", op, ref.WorkOrder, err)
		}
		if p := phoneKey(w.Customer.Phone); p != "" {
			m.phones[p] = true
		}
		if e := emailKey(w.Customer.Email); e != "" {
			m.emails[e] = true
		}
	}
	cd := customerData{orders: []WorkOrder{}, complaints: []Complaint{}, surveys: []Survey{}, events: []org.Event{}}
	mine := map[WorkOrderID]bool{}
	for q := (WorkOrderQuery{Limit: org.MaxPage}); ; {
		page, err := s.store.WorkOrders(ctx, dealer, q)
		if err != nil {
			return customerData{}, fmt.Errorf("%s: %w", op, err)
		}
		for _, w := range page {
			if w.ID == ref.WorkOrder || m.match(w.Customer) {
				cd.orders = append(cd.orders, w)
				mine[w.ID] = true
			}
		}
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	for q := (ComplaintQuery{Limit: org.MaxPage}); ; {
		page, err := s.store.Complaints(ctx, dealer, q)
		if err != nil {
			return customerData{}, fmt.Errorf("%s: %w", op, err)
		}
		for _, c := range page {
			if (c.WorkOrder != "" && mine[c.WorkOrder]) || m.match(c.Customer) {
				cd.complaints = append(cd.complaints, c)
			}
		}
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	for _, w := range cd.orders {
		sv, err := s.store.Survey(ctx, dealer, w.ID)
		switch {
		case errors.Is(err, org.ErrNotFound):
		case err != nil:
			return customerData{}, fmt.Errorf("%s: survey of %s: %w", op, w.ID, err)
		default:
			cd.surveys = append(cd.surveys, sv)
		}
	}
	if len(cd.orders)+len(cd.complaints) == 0 {
		return customerData{}, fmt.Errorf("%s %s: the dealer holds nothing about this customer: %w", op, ref.Request, org.ErrNotFound)
	}
	subjects := map[string]bool{}
	for _, w := range cd.orders {
		subjects["workorder/"+string(w.ID)] = true
	}
	for _, c := range cd.complaints {
		subjects["complaint/"+string(c.ID)] = true
	}
	for _, sv := range cd.surveys {
		subjects["survey/"+string(sv.WorkOrder)] = true
	}
	evs, err := s.subjectsEvents(ctx, dealer, subjects)
	if err != nil {
		return customerData{}, fmt.Errorf("%s: %w", op, err)
	}
	cd.events = evs
	return cd, nil
}

// subjectsEvents returns the events of the subjects, in Seq order.
func (s *Service) subjectsEvents(ctx context.Context, dealer org.DealerID, subjects map[string]bool) ([]org.Event, error) {
	out := []org.Event{}
	if se, ok := s.store.(guarded).Store.(SubjectEvents); ok && len(subjects) <= 64 {
		for subject := range subjects {
			evs, err := se.SubjectEvents(ctx, dealer, subject)
			if err != nil {
				return nil, err
			}
			out = append(out, evs...)
		}
		slices.SortFunc(out, func(a, b org.Event) int { return cmp.Compare(a.Seq, b.Seq) })
		return out, nil
	}
	var after int64
	for {
		page, err := s.store.Events(ctx, dealer, after, org.MaxPage)
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			if subjects[e.Subject] {
				out = append(out, e)
			}
		}
		if len(page) < org.MaxPage {
			return out, nil
		}
		after = page[len(page)-1].Seq
	}
}

// erasable refuses an erasure while the customer still has an order in
// the shop or a complaint being handled: the dealer needs to reach them.
func erasable(cd customerData, ref CustomerRef, actor org.Actor) error {
	terr := &TransitionError{Op: "servicedesk", Record: "customer", ID: ref.Request, Command: "erase_customer", Actor: actor}
	for _, w := range cd.orders {
		switch w.State {
		case StateDelivered, StateClosed, StateCancelled:
		default:
			terr.Blockers = append(terr.Blockers, Blocker{Rule: "R7.2d_erase_after_orders_end",
				Message: fmt.Sprintf("work order %s is %s: erase once it is delivered, closed or cancelled", w.ID, w.State)})
		}
	}
	for _, c := range cd.complaints {
		switch c.State {
		case ComplaintResolved, ComplaintClosed:
		default:
			terr.Blockers = append(terr.Blockers, Blocker{Rule: "R7.2d_erase_after_complaints_end",
				Message: fmt.Sprintf("complaint %s is %s: erase once it is resolved or closed", c.ID, c.State)})
		}
	}
	if len(terr.Blockers) == 0 {
		return nil
	}
	return terr
}

// eraseOrder anonymises w's personal data in place.
func eraseOrder(w *WorkOrder) {
	w.Customer = Customer{Name: ErasedName}
	w.Vehicle.Plate = ""
	if w.Condition != nil && w.Condition.AcknowledgedBy != "" {
		w.Condition.AcknowledgedBy = ErasedName
	}
	for i := range w.Approvals {
		if w.Approvals[i].ApprovedBy != "" {
			w.Approvals[i].ApprovedBy = ErasedName
		}
		w.Approvals[i].Evidence.Contact = ""
	}
}

// hasContact reports whether event data may hold contact data, so that
// most events skip scrubbing.
func hasContact(raw []byte) bool {
	return bytes.Contains(raw, []byte(`"phone"`)) || bytes.Contains(raw, []byte(`"email"`)) || bytes.Contains(raw, []byte(`"contact"`))
}

// scrub returns an event's data without personal data. With erase, every
// field of the list above goes (a customer keeps only ErasedName); without
// it, only the contact data: a customer's phone and e-mail and a consent's
// contact, what events written since this version leave out. Data that is
// not a JSON object is returned as it is.
func scrub(data json.RawMessage, erase bool) json.RawMessage {
	if len(data) == 0 || data[0] != '{' {
		return data
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return data
	}
	if !scrubValue(v, erase) {
		return data
	}
	out, err := json.Marshal(v)
	if err != nil {
		return data
	}
	return out
}

// scrubValue scrubs v in place and reports whether it changed anything.
func scrubValue(v any, erase bool) bool {
	changed := false
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch {
			case k == "customer":
				if c, ok := x.(map[string]any); ok {
					changed = scrubCustomer(c, erase) || changed
					continue
				}
			case k == "contact":
				if s, ok := x.(string); ok && s != "" {
					v[k], changed = "", true
					continue
				}
			case erase && (k == "plate" || k == "comment"):
				if s, ok := x.(string); ok && s != "" {
					v[k], changed = "", true
					continue
				}
			case erase && (k == "by" || k == "approved_by" || k == "acknowledged_by"):
				// "by" of a Note or an Inspection is an employee (an
				// object, or an ID under "recorded_by"); a string "by" is
				// the customer's, in consents and acknowledgements.
				if s, ok := x.(string); ok && s != "" && s != ErasedName {
					v[k], changed = ErasedName, true
					continue
				}
			}
			changed = scrubValue(x, erase) || changed
		}
	case []any:
		for _, x := range v {
			changed = scrubValue(x, erase) || changed
		}
	}
	return changed
}

func scrubCustomer(c map[string]any, erase bool) bool {
	changed := false
	for k, x := range c {
		if s, ok := x.(string); ok && s != "" {
			switch {
			case k == "phone" || k == "email":
				delete(c, k)
				changed = true
			case erase && k == "name" && s != ErasedName:
				c[k], changed = ErasedName, true
			}
		}
	}
	return changed
}
