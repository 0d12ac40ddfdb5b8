package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// The board is the service lane as a page: the dealer's open work orders
// in one column per state, each card with a button for exactly the
// commands the SDK permits the chosen actor now (servicedesk's Permitted),
// and a form for the input a command needs. A button posts to the board,
// the board calls the SDK, and either redirects back (303) or shows the
// SDK's refusal: its title, every blocker by rule ID, every bad field.
// Nothing on the board decides a rule; it only asks and shows.
//
// Like [ActorHeader], the actor is chosen on the page and travels in every
// form. THAT IS NOT AUTHENTICATION: it lets an integrator click an order
// through as anyone. A real host derives the actor from its own session
// and never takes it from the client.
//
//	GET  /?dealer=demo&actor=advisor:chen&lang=zh-Hant
//	POST /board/{dealer}/receive
//	POST /board/{dealer}/work-orders/{id}/{command}   (command: a servicedesk.Command, "record_approval")

//go:embed board.html
var boardHTML string

var boardTemplate = template.Must(template.New("board").Parse(boardHTML))

const (
	boardDefaultDealer = "demo"
	boardDefaultActor  = "advisor:chen"
	// boardAdminID names the board in the audit trail when it reads the
	// roster for the actor picker, and is the admin the picker offers.
	boardAdminID = "board"
	// boardMaxForm bounds a posted form.
	boardMaxForm = 64 << 10
	// boardTimeLayout is what an <input type="datetime-local"> sends.
	boardTimeLayout = "2006-01-02T15:04"
)

// boardRoutes registers the board page.
func (s *Server) boardRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.boardGet)
	mux.HandleFunc("POST /board/{dealer}/receive", s.boardReceive)
	mux.HandleFunc("POST /board/{dealer}/work-orders/{id}/{command}", s.boardCommand)
}

// boardView is what board.html renders.
type boardView struct {
	Dealer     org.DealerID
	DealerName string
	// Actor is the actor as given ("advisor:chen"), valid or not.
	Actor   string
	Lang    org.Lang
	Actors  []boardOption
	Langs   []boardOption
	Columns []boardColumn
	Open    int
	// Problem is the SDK's answer to the last command, or to reading the
	// board; Attempt says what was tried.
	Problem *org.Problem
	Attempt string
	// Flash confirms the command a redirect came back from.
	Flash   *boardFlash
	Receive boardForm
}

type boardColumn struct {
	State servicedesk.State
	Label string
	Cards []boardCard
}

type boardCard struct {
	W         servicedesk.WorkOrder
	Vehicle   string
	Promised  string
	Booking   string
	Focus     bool
	Jobs      []boardJob
	Commands  []boardForm
	Bill      string // the bill a ready order would be settled with, in the page's language
	Overrun   string
	WouldStop []org.Blocker // what would refuse settling now, by rule ID (PreviewBill)
	Note      string        // why the bill or the documents are not shown
	Docs      []boardDoc
}

type boardJob struct {
	ID, Title, Status, Total string
	Supplement               int
}

type boardDoc struct {
	ID   billing.DocumentID
	Text string
}

type boardFlash struct {
	Order   servicedesk.WorkOrderID
	Command string
	Label   string
}

// boardForm is one command's form: a button, and the fields its input needs.
type boardForm struct {
	Command string
	Label   string
	Action  string
	Hidden  []boardField
	Fields  []boardField
	Danger  bool
}

type boardField struct {
	Name, Label, Type, Value string
	Options                  []boardOption
	Checked                  bool
}

type boardOption struct {
	Value, Label string
	Selected     bool
}

// T is the page's word for key in its language.
func (v *boardView) T(key string) string { return boardWord(v.Lang, key) }

// boardGet renders the board.
func (s *Server) boardGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	dealer := org.DealerID(boardOr(q.Get("dealer"), boardDefaultDealer))
	actor := boardOr(q.Get("actor"), boardDefaultActor)
	lang := boardLang(r, q.Get("lang"))
	focus := servicedesk.WorkOrderID(q.Get("order"))
	v, status := s.boardBuild(r.Context(), dealer, actor, lang, focus)
	if done := q.Get("done"); done != "" && focus != "" && v.Problem == nil {
		v.Flash = &boardFlash{Order: focus, Command: done, Label: boardCommandLabel(lang, done)}
	}
	s.boardRender(w, r, status, v)
}

// boardBuild reads the board as actor sees it. A problem reading it is on
// the view, with its status.
func (s *Server) boardBuild(ctx context.Context, dealer org.DealerID, actorText string, lang org.Lang, focus servicedesk.WorkOrderID) (*boardView, int) {
	v := &boardView{Dealer: dealer, Actor: actorText, Lang: lang,
		Langs: []boardOption{{Value: string(org.English), Label: "English"}, {Value: string(org.TraditionalChinese), Label: "繁體中文"}}}
	for i := range v.Langs {
		v.Langs[i].Selected = v.Langs[i].Value == string(lang)
	}
	fail := func(err error) (*boardView, int) {
		p := org.ProblemOf(err, lang)
		v.Problem = &p
		return v, p.Status
	}
	admin := org.Admin(boardAdminID)
	d, err := s.svc.Org.Dealer(ctx, dealer, admin)
	if err != nil {
		return fail(err)
	}
	v.DealerName = d.Name
	loc, err := d.Location()
	if err != nil {
		return fail(err)
	}
	roster, err := s.svc.Org.Roster(ctx, dealer, admin)
	if err != nil {
		return fail(err)
	}
	v.Actors = boardActors(roster, actorText)
	actor, err := org.ParseActor(actorText)
	if err != nil {
		return fail(err)
	}
	v.Receive = s.boardReceiveForm(v, actor, roster)
	b := boardCtx{s: s, ctx: ctx, dealer: dealer, actor: actor, lang: lang, loc: loc, roster: roster, now: time.Now()}
	for _, st := range servicedesk.States() {
		if st.Terminal() {
			continue
		}
		// One query per state: the open orders, however many closed ones
		// the dealer has (a query for "not closed" does not exist).
		orders, err := s.svc.Desk.WorkOrders(ctx, dealer, actor, servicedesk.WorkOrderQuery{State: st, Limit: org.MaxPage})
		if err != nil {
			return fail(err)
		}
		col := boardColumn{State: st, Label: boardStateLabel(lang, st)}
		for _, o := range orders {
			card, err := b.card(o, v.Actor)
			if err != nil {
				return fail(err)
			}
			card.Focus = o.ID == focus
			col.Cards = append(col.Cards, card)
		}
		v.Open += len(col.Cards)
		v.Columns = append(v.Columns, col)
	}
	return v, http.StatusOK
}

// boardActors is the actor picker: every active employee as "role:id",
// the admin, and the actor given when it is neither.
func boardActors(roster []org.Employee, current string) []boardOption {
	var out []boardOption
	for _, e := range roster {
		if !e.Active {
			continue
		}
		a := org.As(e).String()
		out = append(out, boardOption{Value: a, Label: a + " · " + e.Name, Selected: a == current})
	}
	admin := org.Admin(boardAdminID).String()
	out = append(out, boardOption{Value: admin, Label: admin, Selected: admin == current})
	if !slices.ContainsFunc(out, func(o boardOption) bool { return o.Selected }) {
		out = append(out, boardOption{Value: current, Label: current, Selected: true})
	}
	return out
}

// boardCtx is what building one page's cards needs.
type boardCtx struct {
	s      *Server
	ctx    context.Context
	dealer org.DealerID
	actor  org.Actor
	lang   org.Lang
	loc    *time.Location
	roster []org.Employee
	now    time.Time
}

func (b *boardCtx) word(key string) string { return boardWord(b.lang, key) }

func (b *boardCtx) local(t time.Time) string {
	return t.In(b.loc).Format("2006-01-02 15:04")
}

// card is one work order's card, with a form per permitted command.
func (b *boardCtx) card(w servicedesk.WorkOrder, actorText string) (boardCard, error) {
	c := boardCard{W: w, Vehicle: strings.TrimSpace(w.Vehicle.Make + " " + w.Vehicle.Model)}
	if w.Vehicle.Plate != "" {
		c.Vehicle += " · " + w.Vehicle.Plate
	}
	if !w.PromisedAt.IsZero() {
		c.Promised = b.local(w.PromisedAt)
	}
	if bk := w.Booking; bk != nil {
		c.Booking = fmt.Sprintf("%s %s–%s", bk.Technician, b.local(bk.Start), bk.End.In(b.loc).Format("15:04"))
	}
	for _, j := range w.Jobs {
		c.Jobs = append(c.Jobs, boardJob{ID: j.ID, Title: j.Title, Status: b.word("job_" + string(j.Status)), Total: j.Total.String(), Supplement: j.Supplement})
	}
	permitted, err := b.s.svc.Desk.Permitted(b.ctx, b.dealer, b.actor, w.ID)
	if err != nil {
		return c, err
	}
	var preview *servicedesk.BillPreview
	if w.State == servicedesk.StateReady {
		// The bill the order would be settled with, and what would stop
		// it: the SDK's preview, for those who may settle.
		p, err := b.s.svc.Desk.PreviewBill(b.ctx, b.dealer, b.actor, servicedesk.Ref{ID: w.ID, ExpectedVersion: w.Version}, servicedesk.BillTerms{})
		if err != nil {
			c.Note = b.word("bill") + ": " + org.ProblemOf(err, b.lang).Title
		} else {
			preview = &p
			c.Bill = p.Bill.Text(b.lang)
			c.Overrun = p.Overrun.Explain.Text(b.lang)
			c.WouldStop = p.Blockers
		}
	}
	if w.Settlement != "" {
		for id := range strings.SplitSeq(w.Settlement, ",") {
			doc, err := b.s.svc.Billing.Document(b.ctx, b.dealer, b.actor, billing.DocumentID(id))
			if err != nil {
				c.Docs = append(c.Docs, boardDoc{ID: billing.DocumentID(id)})
				c.Note = b.word("documents") + ": " + org.ProblemOf(err, b.lang).Title
				continue
			}
			c.Docs = append(c.Docs, boardDoc{ID: doc.ID, Text: doc.Text(b.lang, b.loc)})
		}
	}
	for _, cmd := range permitted {
		f := b.form(w, cmd, preview)
		f.Action = "/board/" + url.PathEscape(string(b.dealer)) + "/work-orders/" + url.PathEscape(string(w.ID)) + "/" + url.PathEscape(string(cmd))
		f.Hidden = []boardField{
			{Name: "actor", Type: "hidden", Value: actorText},
			{Name: "lang", Type: "hidden", Value: string(b.lang)},
			{Name: "version", Type: "hidden", Value: strconv.FormatInt(w.Version, 10)},
		}
		c.Commands = append(c.Commands, f)
	}
	return c, nil
}

// Field constructors.
func boardText(name, label, value string) boardField {
	return boardField{Name: name, Label: label, Type: "text", Value: value}
}

func boardNumber(name, label, value string) boardField {
	return boardField{Name: name, Label: label, Type: "number", Value: value}
}

func boardSelect(name, label, value string, opts ...boardOption) boardField {
	for i := range opts {
		opts[i].Selected = opts[i].Value == value
	}
	return boardField{Name: name, Label: label, Type: "select", Value: value, Options: opts}
}

func boardHiddenField(name, value string) boardField {
	return boardField{Name: name, Type: "hidden", Value: value}
}

// form is the form of cmd on w: the fields its input needs, filled with
// what lets the lane go on with a click.
func (b *boardCtx) form(w servicedesk.WorkOrder, cmd servicedesk.Command, preview *servicedesk.BillPreview) boardForm {
	f := boardForm{Command: string(cmd), Label: boardCommandLabel(b.lang, string(cmd)), Danger: cmd == servicedesk.CmdCancel}
	add := func(fs ...boardField) { f.Fields = append(f.Fields, fs...) }
	switch cmd {
	case servicedesk.CmdRecordCondition:
		for _, area := range []string{"body", "interior", "wheels"} {
			add(boardText("area", b.word("area"), area),
				boardSelect("condition", b.word("status"), string(servicedesk.ConditionOK), b.options("cond_", "ok", "attention", "damaged")...),
				boardText("note", b.word("note"), ""))
		}
	case servicedesk.CmdAcknowledge:
		add(boardText("by", b.word("customer"), w.Customer.Name))
	case servicedesk.CmdDiagnose:
		if b.actor.Role != org.RoleTechnician {
			add(boardSelect("technician", b.word("technician"), string(b.technicianFor(w)), b.technicians()...))
		}
		for _, c := range w.Concerns {
			add(boardHiddenField("concern", c.ID),
				boardText("cause", b.word("cause")+" ("+c.ID+": "+c.Text+")", "confirmed on inspection"),
				boardText("correction", b.word("correction"), "repair: "+c.Text))
		}
	case servicedesk.CmdEstimate:
		add(b.jobFields(w, false)...)
	case servicedesk.CmdProposeSupplement:
		add(boardText("reason", b.word("reason"), "found during the repair"))
		add(b.jobFields(w, true)...)
	case servicedesk.CmdApprove, servicedesk.CmdDecideSupplement:
		supplement, reference := 0, "signed estimate "+string(w.ID)
		if cmd == servicedesk.CmdDecideSupplement {
			reference = "signed added work " + string(w.ID)
			for _, j := range w.Jobs {
				if j.Status == servicedesk.JobProposed {
					supplement = max(supplement, j.Supplement)
				}
			}
		}
		for _, j := range w.Jobs {
			if j.Status != servicedesk.JobProposed || j.Supplement != supplement {
				continue
			}
			add(boardHiddenField("job", j.ID),
				boardField{Name: "approve", Type: "checkbox", Value: j.ID, Checked: true, Label: fmt.Sprintf("%s %s · %s %s", b.word("approve"), j.ID, j.Title, j.Total)})
		}
		add(b.consentFields(w, reference)...)
	case servicedesk.CmdBook, servicedesk.CmdReschedule:
		tech := b.technicianFor(w)
		add(boardSelect("technician", b.word("technician"), string(tech), b.technicians()...),
			boardField{Name: "start", Label: b.word("start"), Type: "datetime-local", Value: b.freeSlot(w, tech).Format(boardTimeLayout)},
			boardNumber("hours", b.word("hours"), "1"),
			boardText("notes", b.word("notes"), ""))
	case servicedesk.CmdNoShow:
		add(boardText("reason", b.word("reason"), "the customer did not come"))
	case servicedesk.CmdNote:
		add(boardText("text", b.word("text"), ""))
	case servicedesk.CmdPause:
		add(boardText("reason", b.word("reason"), "waiting for parts"))
	case servicedesk.CmdCompleteJob:
		var opts []boardOption
		for _, j := range w.Jobs {
			if j.Status == servicedesk.JobApproved {
				opts = append(opts, boardOption{Value: j.ID, Label: j.ID + " " + j.Title})
			}
		}
		first := ""
		if len(opts) > 0 {
			first = opts[0].Value
		}
		add(boardSelect("job", b.word("job"), first, opts...))
	case servicedesk.CmdInspect:
		add(boardText("item", b.word("item"), "road test"),
			boardField{Name: "passed", Type: "checkbox", Value: "true", Checked: true, Label: b.word("passed")},
			boardText("note", b.word("note"), ""))
	case servicedesk.CmdNotifyReady:
		var done []string
		for _, j := range w.Jobs {
			if j.Status == servicedesk.JobDone {
				done = append(done, j.Title)
			}
		}
		add(boardField{Name: "explanation", Label: b.word("explanation"), Type: "textarea",
			Value: fmt.Sprintf("Your %s is ready. Done: %s.", strings.TrimSpace(w.Vehicle.Make+" "+w.Vehicle.Model), strings.Join(done, ", "))})
	case servicedesk.CmdApproveOverrun:
		total := ""
		if preview != nil {
			total = preview.Overrun.Final.String()
		}
		add(boardNumber("total", b.word("total"), total))
		add(b.consentFields(w, "signed final bill "+string(w.ID))...)
	case servicedesk.CmdSettle:
		if preview != nil {
			if due, ok := preview.Bill.Payer(billing.PayCustomer); ok {
				add(boardField{Type: "static", Label: fmt.Sprintf("%s: %s %s", b.word("customer_pays"), due.Total.StringFixed(preview.Bill.Scale), preview.Bill.Currency)})
			}
		}
		add(boardSelect("payment", b.word("payment"), string(billing.PayCard), b.options("pay_", "card", "cash", "transfer", "other")...),
			boardText("by", b.word("confirmed_by"), w.Customer.Name))
		if preview == nil || !preview.Reconciliation.Clean {
			add(boardText("override_reason", b.word("override_reason"), ""))
		}
	case servicedesk.CmdDeliver:
		add(boardNumber("mileage_out", b.word("mileage_out"), strconv.FormatInt(w.Vehicle.MileageIn, 10)))
	case servicedesk.CmdCancel:
		add(boardText("reason", b.word("reason"), "the customer withdrew"))
	}
	return f
}

// jobFields are one job with one labor line; the price book prices a
// book operation such as BRK-01 by itself.
func (b *boardCtx) jobFields(w servicedesk.WorkOrder, supplement bool) []boardField {
	title, code, desc, hours := "Front brake pads", "BRK-01", "replace front pads", "1.5"
	concern := ""
	var opts []boardOption
	if supplement {
		title, code, desc, hours = "Rear rotors", "BRK-04", "replace rear rotors", "1"
		opts = append(opts, boardOption{Value: "", Label: "—"})
	} else if len(w.Concerns) > 0 {
		concern = w.Concerns[0].ID
	}
	for _, c := range w.Concerns {
		opts = append(opts, boardOption{Value: c.ID, Label: c.ID + ": " + c.Text})
	}
	return []boardField{
		boardText("title", b.word("job_title"), title),
		boardSelect("concern_id", b.word("concern"), concern, opts...),
		boardNumber("hours", b.word("hours"), hours),
		boardText("code", b.word("labor_code"), code),
		boardText("description", b.word("description"), desc),
		boardNumber("quantity", b.word("quantity"), hours),
		boardNumber("unit_price", b.word("unit_price"), ""),
	}
}

// consentFields are the customer's consent: who, how, the evidence.
func (b *boardCtx) consentFields(w servicedesk.WorkOrder, reference string) []boardField {
	return []boardField{
		boardText("by", b.word("customer"), w.Customer.Name),
		boardSelect("method", b.word("method"), string(servicedesk.ApprovalSignature), b.options("method_", "signature", "in_person")...),
		boardText("reference", b.word("reference"), reference),
	}
}

func (b *boardCtx) options(prefix string, values ...string) []boardOption {
	out := make([]boardOption, len(values))
	for i, v := range values {
		out[i] = boardOption{Value: v, Label: b.word(prefix + v)}
	}
	return out
}

func (b *boardCtx) technicians() []boardOption {
	var out []boardOption
	for _, e := range b.roster {
		if e.Active && e.Role == org.RoleTechnician {
			out = append(out, boardOption{Value: string(e.ID), Label: string(e.ID) + " · " + e.Name})
		}
	}
	return out
}

// technicianFor is the technician to offer for w: the one it is booked
// with, else the one who diagnosed it, else the first on the roster.
func (b *boardCtx) technicianFor(w servicedesk.WorkOrder) org.EmployeeID {
	techs := b.technicians()
	ok := func(id org.EmployeeID) bool {
		return id != "" && slices.ContainsFunc(techs, func(o boardOption) bool { return o.Value == string(id) })
	}
	if w.Booking != nil && ok(w.Booking.Technician) {
		return w.Booking.Technician
	}
	for _, f := range w.Findings {
		if ok(f.Technician) {
			return f.Technician
		}
	}
	if b.actor.Role == org.RoleTechnician && ok(b.actor.ID) {
		return b.actor.ID
	}
	if len(techs) > 0 {
		return org.EmployeeID(techs[0].Value)
	}
	return ""
}

// freeSlot is the first whole hour from now on tech's calendar that is
// free, within the working hours. The desk's configured hours are not
// readable, so the board assumes servicedesk.DefaultWorkingHours; the SDK
// checks the slot either way.
func (b *boardCtx) freeSlot(w servicedesk.WorkOrder, tech org.EmployeeID) time.Time {
	hours := servicedesk.DefaultWorkingHours()
	now := b.now.In(b.loc)
	for d := range 21 {
		day := time.Date(now.Year(), now.Month(), now.Day()+d, 0, 0, 0, 0, b.loc)
		if !slices.Contains(hours.Days, day.Weekday()) {
			continue
		}
		var slots []servicedesk.Slot
		if tech != "" {
			cal, err := b.s.svc.Desk.Calendar(b.ctx, b.dealer, b.actor, tech, day.Format(time.DateOnly))
			if err == nil {
				slots = cal.Slots
			}
		}
		for m := (hours.Open + 59) / 60 * 60; m+60 <= hours.Close; m += 60 {
			start := time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, b.loc)
			end := start.Add(time.Hour)
			busy := slices.ContainsFunc(slots, func(sl servicedesk.Slot) bool {
				return sl.WorkOrder != w.ID && start.Before(sl.End) && sl.Start.Before(end)
			})
			if start.After(now) && !busy {
				return start
			}
		}
	}
	return time.Date(now.Year(), now.Month(), now.Day()+1, 9, 0, 0, 0, b.loc)
}

// boardReceiveForm is the reception form.
func (s *Server) boardReceiveForm(v *boardView, actor org.Actor, roster []org.Employee) boardForm {
	b := boardCtx{lang: v.Lang}
	advisors := []boardOption{{Value: "", Label: b.word("me")}}
	for _, e := range roster {
		if e.Active && e.Role == org.RoleAdvisor {
			advisors = append(advisors, boardOption{Value: string(e.ID), Label: string(e.ID) + " · " + e.Name})
		}
	}
	advisor := ""
	if actor.Role != org.RoleAdvisor && len(advisors) > 1 {
		advisor = advisors[1].Value // a supervisor names the advisor
	}
	return boardForm{Command: string(servicedesk.CmdReceive), Label: boardCommandLabel(v.Lang, string(servicedesk.CmdReceive)),
		Action: "/board/" + url.PathEscape(string(v.Dealer)) + "/receive",
		Hidden: []boardField{{Name: "actor", Type: "hidden", Value: v.Actor}, {Name: "lang", Type: "hidden", Value: string(v.Lang)}},
		Fields: []boardField{
			boardText("name", b.word("customer"), "Kao Ming 高明"),
			boardText("phone", b.word("phone"), "0912-000-111"),
			boardText("make", b.word("make"), "Toyota"),
			boardText("model", b.word("model"), "Corolla Altis"),
			boardText("plate", b.word("plate"), "ABC-1234"),
			boardNumber("mileage", b.word("mileage"), "42000"),
			boardText("concern", b.word("concern"), "brakes squeal when stopping"),
			boardSelect("channel", b.word("channel"), string(servicedesk.ChannelWalkIn), b.options("channel_", "walk_in", "phone", "online")...),
			boardSelect("transport", b.word("transport"), string(servicedesk.TransportWaiter), b.options("transport_", "waiter", "drop_off", "loaner")...),
			boardSelect("advisor", b.word("advisor"), advisor, advisors...),
			{Name: "promised", Label: b.word("promised"), Type: "datetime-local"},
		}}
}

// boardPost is one posted form: who, in which language, for which dealer.
type boardPost struct {
	ctx       context.Context
	dealer    org.DealerID
	actorText string
	actor     org.Actor
	lang      org.Lang
	loc       *time.Location
	form      url.Values
	// bad collects the fields the board itself cannot read (a number that
	// is not one); the SDK judges everything else.
	bad *org.ValidationError
}

// boardPostOf reads the form. An error is the problem to show.
func (s *Server) boardPostOf(w http.ResponseWriter, r *http.Request) (*boardPost, error) {
	p := &boardPost{ctx: r.Context(), dealer: org.DealerID(r.PathValue("dealer")), lang: langOf(r)}
	r.Body = http.MaxBytesReader(w, r.Body, boardMaxForm)
	if err := r.ParseForm(); err != nil {
		p.actorText = boardDefaultActor
		return p, &org.ValidationError{Op: "board: form", Fields: []org.FieldError{{Path: "form", Code: org.CodeFormat, Message: "the form could not be read"}}}
	}
	p.form = r.PostForm
	p.lang = boardLang(r, p.form.Get("lang"))
	p.actorText = boardOr(p.form.Get("actor"), boardDefaultActor)
	p.bad = &org.ValidationError{Op: "board: form"}
	a, err := org.ParseActor(p.actorText)
	if err != nil {
		return p, err
	}
	p.actor = a
	d, err := s.svc.Org.Dealer(p.ctx, p.dealer, org.Admin(boardAdminID))
	if err != nil {
		return p, err
	}
	if p.loc, err = d.Location(); err != nil {
		return p, err
	}
	return p, nil
}

func (p *boardPost) str(name string) string { return strings.TrimSpace(p.form.Get(name)) }

// dec reads a decimal; empty is zero.
func (p *boardPost) dec(name string) decimal.Decimal {
	v := p.str(name)
	if v == "" {
		return decimal.Zero
	}
	d, err := decimal.NewFromString(v)
	if err != nil {
		p.bad.Add(name, org.CodeFormat, "must be a number")
	}
	return d
}

func (p *boardPost) integer(name string) int64 {
	v := p.str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.bad.Add(name, org.CodeFormat, "must be a whole number")
	}
	return n
}

// when reads a dealer-local time; empty is zero.
func (p *boardPost) when(name string) time.Time {
	v := p.str(name)
	if v == "" {
		return time.Time{}
	}
	for _, layout := range []string{boardTimeLayout, boardTimeLayout + ":05"} {
		if t, err := time.ParseInLocation(layout, v, p.loc); err == nil {
			return t
		}
	}
	p.bad.Add(name, org.CodeFormat, "must be a date and time, 2026-11-02T09:00")
	return time.Time{}
}

// all reads a repeated field.
func (p *boardPost) all(name string) []string {
	out := make([]string, len(p.form[name]))
	for i, v := range p.form[name] {
		out[i] = strings.TrimSpace(v)
	}
	return out
}

// boardReceive receives a customer from the reception form.
func (s *Server) boardReceive(w http.ResponseWriter, r *http.Request) {
	p, err := s.boardPostOf(w, r)
	attempt := boardCommandLabel(p.lang, string(servicedesk.CmdReceive))
	if err != nil {
		s.boardRefused(w, r, p, err, attempt)
		return
	}
	in := servicedesk.Reception{
		Advisor:   org.EmployeeID(p.str("advisor")),
		Channel:   servicedesk.Channel(p.str("channel")),
		Transport: servicedesk.Transport(p.str("transport")),
		Customer:  servicedesk.Customer{Name: p.str("name"), Phone: p.str("phone")},
		Vehicle: servicedesk.Vehicle{Make: p.str("make"), Model: p.str("model"), Plate: p.str("plate"),
			MileageIn: p.integer("mileage")},
		Concerns:   []string{p.form.Get("concern")},
		PromisedAt: p.when("promised"),
	}
	if err := p.bad.Err(); err != nil {
		s.boardRefused(w, r, p, err, attempt)
		return
	}
	// The ID is left to the SDK (Reception.ID: made by its IDSource).
	wo, err := s.svc.Desk.Receive(p.ctx, p.dealer, p.actor, in)
	if err != nil {
		s.boardRefused(w, r, p, err, attempt)
		return
	}
	s.boardDone(w, r, p, wo.ID, string(servicedesk.CmdReceive))
}

// boardCommand gives one command on one work order.
func (s *Server) boardCommand(w http.ResponseWriter, r *http.Request) {
	p, err := s.boardPostOf(w, r)
	id := servicedesk.WorkOrderID(r.PathValue("id"))
	cmd := servicedesk.Command(r.PathValue("command"))
	attempt := fmt.Sprintf("%s · %s · %s", boardCommandLabel(p.lang, string(cmd)), id, p.actorText)
	if err != nil {
		s.boardRefused(w, r, p, err, attempt)
		return
	}
	give, ok := boardCommands[cmd]
	if !ok {
		prob := org.NewProblem(org.ProblemNotFound, p.lang, fmt.Sprintf("the board gives no command %q", cmd))
		s.boardProblem(w, r, p, prob, attempt)
		return
	}
	ref := servicedesk.Ref{ID: id, ExpectedVersion: p.integer("version")}
	if err := p.bad.Err(); err != nil {
		s.boardRefused(w, r, p, err, attempt)
		return
	}
	if err := give(s, p, ref); err != nil {
		s.boardRefused(w, r, p, err, attempt)
		return
	}
	s.boardDone(w, r, p, id, string(cmd))
}

// boardDone redirects back to the board after a command (303).
func (s *Server) boardDone(w http.ResponseWriter, r *http.Request, p *boardPost, id servicedesk.WorkOrderID, cmd string) {
	q := url.Values{"dealer": {string(p.dealer)}, "actor": {p.actorText}, "lang": {string(p.lang)}, "order": {string(id)}, "done": {cmd}}
	http.Redirect(w, r, "/?"+q.Encode()+"#card-"+url.PathEscape(string(id)), http.StatusSeeOther)
}

// boardRefused shows the board again with the SDK's problem.
func (s *Server) boardRefused(w http.ResponseWriter, r *http.Request, p *boardPost, err error, attempt string) {
	prob := org.ProblemOf(err, p.lang)
	if prob.Status >= 500 {
		s.log.ErrorContext(r.Context(), "servicelane board", "dealer", p.dealer, "actor", p.actorText, "attempt", attempt, "error", err)
	}
	s.boardProblem(w, r, p, prob, attempt)
}

func (s *Server) boardProblem(w http.ResponseWriter, r *http.Request, p *boardPost, prob org.Problem, attempt string) {
	v, _ := s.boardBuild(r.Context(), p.dealer, p.actorText, p.lang, servicedesk.WorkOrderID(r.PathValue("id")))
	v.Problem, v.Attempt = &prob, attempt
	s.boardRender(w, r, prob.Status, v)
}

func (s *Server) boardRender(w http.ResponseWriter, r *http.Request, status int, v *boardView) {
	var buf bytes.Buffer
	if err := boardTemplate.Execute(&buf, v); err != nil {
		s.log.ErrorContext(r.Context(), "servicelane board: render", "error", err)
		http.Error(w, "the board could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(v.Lang))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// boardCommands gives each command from its form, through the SDK.
var boardCommands = map[servicedesk.Command]func(s *Server, p *boardPost, ref servicedesk.Ref) error{
	servicedesk.CmdRecordCondition: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		areas, conds, notes := p.all("area"), p.all("condition"), p.all("note")
		var in servicedesk.ConditionInput
		for i, a := range areas {
			if a == "" {
				continue
			}
			in.Items = append(in.Items, servicedesk.ConditionItem{Area: a, Status: servicedesk.ConditionStatus(boardAt(conds, i)), Note: boardAt(notes, i)})
		}
		return boardGive(s.svc.Desk.RecordCondition, p, ref, in)
	},
	servicedesk.CmdAcknowledge: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.Acknowledge, p, ref, servicedesk.Acknowledgement{By: p.str("by")})
	},
	servicedesk.CmdDiagnose: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		in := servicedesk.DiagnosisInput{Technician: org.EmployeeID(p.str("technician"))}
		causes, corrections := p.all("cause"), p.all("correction")
		for i, c := range p.all("concern") {
			in.Findings = append(in.Findings, servicedesk.FindingInput{ConcernID: c, Cause: boardAt(causes, i), Correction: boardAt(corrections, i)})
		}
		return boardGive(s.svc.Desk.Diagnose, p, ref, in)
	},
	servicedesk.CmdEstimate: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.Estimate, p, ref, servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{p.job()}})
	},
	servicedesk.CmdProposeSupplement: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.ProposeSupplement, p, ref, servicedesk.SupplementInput{Reason: p.str("reason"), Jobs: []servicedesk.JobInput{p.job()}})
	},
	servicedesk.CmdApprove: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.Approve, p, ref, p.consent())
	},
	servicedesk.CmdDecideSupplement: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.DecideSupplement, p, ref, p.consent())
	},
	servicedesk.CmdBook: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.Book, p, ref, p.booking())
	},
	servicedesk.CmdReschedule: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.Reschedule, p, ref, p.booking())
	},
	servicedesk.CmdNoShow: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.NoShow, p, ref, servicedesk.NoShowInput{Reason: p.str("reason")})
	},
	servicedesk.CmdStart: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive0(s.svc.Desk.Start, p, ref)
	},
	servicedesk.CmdNote: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.AddNote, p, ref, servicedesk.NoteInput{Text: p.str("text")})
	},
	servicedesk.CmdPause: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.Pause, p, ref, servicedesk.PauseInput{Reason: p.str("reason")})
	},
	servicedesk.CmdResume: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive0(s.svc.Desk.Resume, p, ref)
	},
	servicedesk.CmdCompleteJob: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.CompleteJob, p, ref, servicedesk.JobRef{Job: p.str("job")})
	},
	servicedesk.CmdCompleteRepair: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive0(s.svc.Desk.CompleteRepair, p, ref)
	},
	servicedesk.CmdInspect: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		in := servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: p.str("item"), Passed: p.str("passed") == "true", Note: p.str("note")}}}
		return boardGive(s.svc.Desk.Inspect, p, ref, in)
	},
	servicedesk.CmdNotifyReady: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.NotifyReady, p, ref, servicedesk.ReadyInput{Explanation: p.str("explanation")})
	},
	servicedesk.CmdApproveOverrun: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		c := p.consent()
		in := servicedesk.OverrunConsent{Total: p.dec("total"), By: c.By, Method: c.Method, Evidence: c.Evidence}
		return boardGive(s.svc.Desk.ApproveOverrun, p, ref, in)
	},
	servicedesk.CmdSettle: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		// The SDK derives the bill; the board pays the customer's part in
		// full, as the preview prices it, and keys the settlement by the
		// order's version, so a repeated post is the same settlement.
		prev, err := s.svc.Desk.PreviewBill(p.ctx, p.dealer, p.actor, ref, servicedesk.BillTerms{})
		if err != nil {
			return err
		}
		in := servicedesk.SettleInput{Key: fmt.Sprintf("board-%s-v%d", ref.ID, ref.ExpectedVersion),
			Confirmation:   billing.Confirmation{By: p.str("by"), Method: string(servicedesk.ApprovalSignature)},
			OverrideReason: p.str("override_reason")}
		if due, ok := prev.Bill.Payer(billing.PayCustomer); ok && due.Total.IsPositive() {
			in.Payments = []billing.Payment{{Method: billing.PaymentMethod(p.str("payment")), Amount: due.Total}}
		}
		_, _, err = s.svc.Desk.SettleBill(p.ctx, p.dealer, p.actor, ref, in)
		return err
	},
	servicedesk.CmdDeliver: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.Deliver, p, ref, servicedesk.DeliveryInput{MileageOut: p.integer("mileage_out")})
	},
	servicedesk.CmdClose: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive0(s.svc.Desk.Close, p, ref)
	},
	servicedesk.CmdCancel: func(s *Server, p *boardPost, ref servicedesk.Ref) error {
		return boardGive(s.svc.Desk.Cancel, p, ref, servicedesk.CancelInput{Reason: p.str("reason")})
	},
}

// boardGive gives a command with an input, unless the form had a field
// the board could not read.
func boardGive[In any](f func(context.Context, org.DealerID, org.Actor, servicedesk.Ref, In) (servicedesk.WorkOrder, error), p *boardPost, ref servicedesk.Ref, in In) error {
	if err := p.bad.Err(); err != nil {
		return err
	}
	_, err := f(p.ctx, p.dealer, p.actor, ref, in)
	return err
}

func boardGive0(f func(context.Context, org.DealerID, org.Actor, servicedesk.Ref) (servicedesk.WorkOrder, error), p *boardPost, ref servicedesk.Ref) error {
	_, err := f(p.ctx, p.dealer, p.actor, ref)
	return err
}

// job is the one job of an estimate or supplement form.
func (p *boardPost) job() servicedesk.JobInput {
	return servicedesk.JobInput{ConcernID: p.str("concern_id"), Title: p.str("title"), Hours: p.dec("hours"),
		Lines: []servicedesk.LineInput{{Kind: servicedesk.LineLabor, Code: p.str("code"), Description: p.str("description"),
			Quantity: p.dec("quantity"), UnitPrice: p.dec("unit_price")}}}
}

// consent is the customer's decision: the jobs ticked are approved, the
// others declined.
func (p *boardPost) consent() servicedesk.Consent {
	c := servicedesk.Consent{By: p.str("by"), Method: servicedesk.ApprovalMethod(p.str("method")),
		Evidence: servicedesk.ConsentEvidence{Reference: p.str("reference")}}
	approved := p.all("approve")
	for _, j := range p.all("job") {
		if slices.Contains(approved, j) {
			c.Approved = append(c.Approved, j)
		} else {
			c.Declined = append(c.Declined, j)
		}
	}
	return c
}

func (p *boardPost) booking() servicedesk.BookingInput {
	start := p.when("start")
	hours := p.dec("hours")
	in := servicedesk.BookingInput{Technician: org.EmployeeID(p.str("technician")), Start: start, Notes: p.str("notes")}
	if !start.IsZero() {
		in.End = start.Add(time.Duration(hours.Mul(decimal.NewFromInt(60)).IntPart()) * time.Minute)
	}
	return in
}

func boardAt(vs []string, i int) string {
	if i < len(vs) {
		return vs[i]
	}
	return ""
}

func boardOr(v, def string) string {
	if v = strings.TrimSpace(v); v == "" {
		return def
	}
	return v
}

// boardLang is the page's language: the lang parameter when it names one,
// else the Accept-Language's.
func boardLang(r *http.Request, v string) org.Lang {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "zh-hant", "zh-tw":
		return org.TraditionalChinese
	case "en":
		return org.English
	}
	return langOf(r)
}

func boardStateLabel(lang org.Lang, st servicedesk.State) string {
	return boardWord(lang, "state_"+string(st))
}

func boardCommandLabel(lang org.Lang, cmd string) string {
	return boardWord(lang, "cmd_"+cmd)
}

// boardWord is key in lang; an unknown key is itself.
func boardWord(lang org.Lang, key string) string {
	w, ok := boardWords[key]
	if !ok {
		if _, rest, found := strings.Cut(key, "_"); found {
			return rest
		}
		return key
	}
	if lang == org.TraditionalChinese {
		return w[1]
	}
	return w[0]
}

var boardWords = map[string][2]string{
	"title":           {"Service lane board", "服務接待看板"},
	"actor":           {"Acting as", "目前身分"},
	"language":        {"Language", "語言"},
	"switch":          {"Switch", "切換"},
	"open_orders":     {"open work orders", "張進行中工單"},
	"not_auth":        {"The actor is chosen here to try the lane: this is not authentication.", "此處可任意切換身分以試用流程，並非身分驗證。"},
	"refused":         {"Refused", "未執行"},
	"blockers":        {"Blocked by", "阻擋規則"},
	"fields":          {"Fields", "欄位問題"},
	"done":            {"Done", "已完成"},
	"customer":        {"Customer", "客戶"},
	"phone":           {"Phone", "電話"},
	"make":            {"Make", "廠牌"},
	"model":           {"Model", "車型"},
	"plate":           {"Plate", "車牌"},
	"mileage":         {"Mileage in", "進廠里程"},
	"concern":         {"Concern", "客戶描述"},
	"channel":         {"Channel", "來源"},
	"transport":       {"Transport", "交通方式"},
	"advisor":         {"Advisor", "服務顧問"},
	"promised":        {"Promised", "預計交車"},
	"version":         {"version", "版本"},
	"booking":         {"Booked", "預約"},
	"jobs":            {"Jobs", "工項"},
	"bill":            {"Bill", "帳單"},
	"documents":       {"Documents", "單據"},
	"would_stop":      {"Settling now would be refused by", "目前結帳會被以下規則阻擋"},
	"me":              {"(me)", "（本人）"},
	"area":            {"Area", "部位"},
	"status":          {"Status", "狀況"},
	"note":            {"Note", "備註"},
	"technician":      {"Technician", "技師"},
	"cause":           {"Cause", "原因"},
	"correction":      {"Correction", "處置"},
	"reason":          {"Reason", "原因"},
	"job_title":       {"Job", "工項"},
	"hours":           {"Hours", "工時"},
	"labor_code":      {"Labor code", "工資代碼"},
	"description":     {"Description", "說明"},
	"quantity":        {"Quantity (h)", "數量（小時）"},
	"unit_price":      {"Unit price (empty: the price book's)", "單價（空白：依價目表）"},
	"approve":         {"approve", "同意"},
	"method":          {"Consent by", "同意方式"},
	"reference":       {"Evidence reference", "同意憑據"},
	"start":           {"Start", "開始時間"},
	"notes":           {"Notes", "備註"},
	"text":            {"Note", "備註"},
	"job":             {"Job", "工項"},
	"item":            {"Check", "檢查項目"},
	"passed":          {"passed", "合格"},
	"explanation":     {"What was done", "施工說明"},
	"total":           {"Total accepted", "同意金額"},
	"customer_pays":   {"The customer pays", "客戶應付"},
	"payment":         {"Payment", "付款方式"},
	"confirmed_by":    {"Bill confirmed by", "帳單確認人"},
	"override_reason": {"Override reason (supervisor)", "主管覆核理由"},
	"mileage_out":     {"Mileage out", "出廠里程"},

	"cond_ok":            {"ok", "良好"},
	"cond_attention":     {"attention", "注意"},
	"cond_damaged":       {"damaged", "損傷"},
	"method_signature":   {"signature", "簽名"},
	"method_in_person":   {"in person", "當面"},
	"pay_card":           {"card", "信用卡"},
	"pay_cash":           {"cash", "現金"},
	"pay_transfer":       {"transfer", "轉帳"},
	"pay_other":          {"other", "其他"},
	"channel_walk_in":    {"walk-in", "現場"},
	"channel_phone":      {"phone", "電話"},
	"channel_online":     {"online", "線上"},
	"transport_waiter":   {"waits", "現場等候"},
	"transport_drop_off": {"drops off", "留車"},
	"transport_loaner":   {"loaner", "代步車"},
	"job_proposed":       {"proposed", "待決定"},
	"job_approved":       {"approved", "已同意"},
	"job_declined":       {"declined", "已拒絕"},
	"job_done":           {"done", "已完成"},

	"state_received":         {"Received", "已接車"},
	"state_inspected":        {"Walk-around done", "已環車檢查"},
	"state_diagnosed":        {"Diagnosed", "已診斷"},
	"state_estimated":        {"Estimated", "已估價"},
	"state_approved":         {"Approved", "客戶已同意"},
	"state_booked":           {"Booked", "已預約"},
	"state_in_progress":      {"In progress", "維修中"},
	"state_paused":           {"Paused", "暫停"},
	"state_repaired":         {"Repaired", "已完修"},
	"state_passed":           {"Inspection passed", "終檢合格"},
	"state_ready_for_pickup": {"Ready for pickup", "待取車"},
	"state_settled":          {"Settled", "已結帳"},
	"state_delivered":        {"Delivered", "已交車"},

	"cmd_receive":                    {"Receive", "接車"},
	"cmd_record_condition":           {"Record walk-around", "記錄環車檢查"},
	"cmd_acknowledge_condition":      {"Customer acknowledges", "客戶確認車況"},
	"cmd_diagnose":                   {"Diagnose", "診斷"},
	"cmd_estimate":                   {"Estimate", "估價"},
	"cmd_record_approval":            {"Record approval", "記錄客戶同意"},
	"cmd_book":                       {"Book", "預約排程"},
	"cmd_reschedule":                 {"Reschedule", "改期"},
	"cmd_record_no_show":             {"No-show", "客戶未到"},
	"cmd_start_repair":               {"Start repair", "開始維修"},
	"cmd_add_note":                   {"Add note", "新增備註"},
	"cmd_pause":                      {"Pause", "暫停"},
	"cmd_resume":                     {"Resume", "繼續"},
	"cmd_propose_supplement":         {"Propose added work", "追加工項"},
	"cmd_record_supplement_decision": {"Record added-work decision", "記錄追加決定"},
	"cmd_complete_job":               {"Complete job", "完成工項"},
	"cmd_complete_repair":            {"Complete repair", "完成維修"},
	"cmd_final_inspection":           {"Final inspection", "終檢"},
	"cmd_notify_ready":               {"Notify ready", "通知取車"},
	"cmd_record_overrun_approval":    {"Record overrun approval", "記錄超額同意"},
	"cmd_settle":                     {"Settle", "結帳"},
	"cmd_deliver":                    {"Deliver", "交車"},
	"cmd_close":                      {"Close", "結案"},
	"cmd_cancel":                     {"Cancel", "取消"},
}
