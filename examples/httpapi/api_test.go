package main

// The reference HTTP server driven through HTTP only: every scenario runs
// on SQLite and on PostgreSQL (skipped unless SERVICELANE_POSTGRES_DSN is
// set), against a server built in-process on a manual clock that starts on
// Monday 2 November 2026 at 08:30 in Taipei.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// The actors of the demo dealer, as the X-Servicelane-Actor header names them.
const (
	asChen  = "advisor:chen"     // the advisor of every order these tests receive
	asWang  = "advisor:wang"     // another advisor
	asLin   = "supervisor:lin"   // the department's supervisor
	asWu    = "technician:wu"    // the technician the orders are booked for
	asTsai  = "technician:tsai"  // another technician
	asAdmin = "admin:dms"        // the host system
	asGhost = "advisor:ghost"    // not on the roster
	apiBase = "/v1/dealers/demo" // the demo dealer's routes
)

// apiStart is 08:30 on Monday 2 November 2026 in Taipei.
var apiStart = time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC)

// apiTaipei is the demo dealer's zone (fixed: Taiwan keeps no DST), so the
// tests need no tzdata.
var apiTaipei = time.FixedZone("Asia/Taipei", 8*60*60)

// J is a JSON object, written with the SDK's JSON field names.
type J = map[string]any

type apiEnv struct {
	store *sqlstore.Store
	clock *org.ManualClock
	svc   Services
	srv   *httptest.Server
	slot  int // the next free hour on wu's calendar, from 09:00
}

// apiBackends runs f on a fresh server over SQLite and over PostgreSQL.
func apiBackends(t *testing.T, f func(t *testing.T, e *apiEnv)) {
	t.Helper()
	for _, b := range []struct {
		name string
		open func(testing.TB) *sqlstore.Store
	}{{"sqlite", testdb.SQLite}, {"postgres", testdb.Postgres}} {
		t.Run(b.name, func(t *testing.T) { f(t, newAPIEnv(t, b.open(t))) })
	}
}

func newAPIEnv(t *testing.T, store *sqlstore.Store) *apiEnv {
	t.Helper()
	clock := org.NewManualClock(apiStart)
	svc, err := wire(store, clock, nil)
	require.NoError(t, err)
	require.NoError(t, seedDemo(t.Context(), svc, "demo"))
	e := &apiEnv{store: store, clock: clock, svc: svc}
	e.srv = httptest.NewServer(NewServer(svc, nil))
	t.Cleanup(e.srv.Close)
	return e
}

// hdr are request headers.
type hdr map[string]string

type apiResp struct {
	Status int
	Header http.Header
	Raw    []byte
}

// send makes one request: path is under the demo dealer unless it starts
// with /v1/ or is absolute; body is sent as is when a string or []byte, as
// JSON otherwise, and not at all when nil.
func (e *apiEnv) send(ctx context.Context, method, path, actor string, h hdr, body any) (apiResp, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return apiResp{}, err
		}
		rd = bytes.NewReader(raw)
	}
	url := e.srv.URL + path
	if !strings.HasPrefix(path, "/v1/") && path != "/openapi.json" {
		url = e.srv.URL + apiBase + path
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return apiResp{}, err
	}
	if actor != "" {
		req.Header.Set(ActorHeader, actor)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		return apiResp{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return apiResp{Status: res.StatusCode, Header: res.Header, Raw: raw}, err
}

func (e *apiEnv) do(t *testing.T, method, path, actor string, h hdr, body any) apiResp {
	t.Helper()
	r, err := e.send(t.Context(), method, path, actor, h, body)
	require.NoError(t, err)
	return r
}

func (e *apiEnv) get(t *testing.T, path, actor string) apiResp {
	t.Helper()
	return e.do(t, http.MethodGet, path, actor, nil, nil)
}

func (r apiResp) obj(t *testing.T) J {
	t.Helper()
	var m J
	require.NoErrorf(t, json.Unmarshal(r.Raw, &m), "body: %s", r.Raw)
	return m
}

func (r apiResp) list(t *testing.T) []any {
	t.Helper()
	var l []any
	require.NoErrorf(t, json.Unmarshal(r.Raw, &l), "body: %s", r.Raw)
	return l
}

// ok requires status and a JSON object body, and returns it.
func (r apiResp) ok(t *testing.T, status int) J {
	t.Helper()
	require.Equalf(t, status, r.Status, "body: %s", r.Raw)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	return r.obj(t)
}

// at reads a path of keys and indices in decoded JSON, failing when a key
// is absent: an assertion on it is an assertion on the wire's field names.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for i, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(J)
			require.Truef(t, ok, "%v: not an object at %v", path, path[:i])
			v, ok = m[k]
			require.Truef(t, ok, "%v: no field %q in %v", path, k, keys(m))
		case int:
			l, ok := v.([]any)
			require.Truef(t, ok, "%v: not an array at %v", path, path[:i])
			require.Greaterf(t, len(l), k, "%v: index %d out of range", path, k)
			v = l[k]
		}
	}
	return v
}

func str(t *testing.T, v any, path ...any) string {
	t.Helper()
	s, ok := at(t, v, path...).(string)
	require.Truef(t, ok, "%v is not a string", path)
	return s
}

func num(t *testing.T, v any, path ...any) int64 {
	t.Helper()
	f, ok := at(t, v, path...).(float64)
	require.Truef(t, ok, "%v is not a number", path)
	return int64(f)
}

func arr(t *testing.T, v any, path ...any) []any {
	t.Helper()
	l, ok := at(t, v, path...).([]any)
	require.Truef(t, ok, "%v is not an array: %v", path, at(t, v, path...))
	return l
}

func keys(m J) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// strs returns the field key of each object in l.
func strs(t *testing.T, l []any, key string) []string {
	t.Helper()
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = str(t, v, key)
	}
	return out
}

func etag(v int64) string { return fmt.Sprintf(`"v%d"`, v) }

// problem requires an RFC 9457 problem of status and code, with the
// type, title and status fields, and no database text in it.
func problem(t *testing.T, r apiResp, status int, code string) org.Problem {
	t.Helper()
	require.Equalf(t, status, r.Status, "body: %s", r.Raw)
	assert.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	raw := r.obj(t)
	for _, k := range []string{"type", "title", "status", "code"} {
		assert.Containsf(t, raw, k, "problem field %q", k)
	}
	var p org.Problem
	require.NoError(t, json.Unmarshal(r.Raw, &p))
	assert.Equal(t, code, p.Code)
	assert.Equal(t, status, p.Status)
	assert.Equal(t, "urn:servicelane:problem:"+code, p.Type)
	assert.NotEmpty(t, p.Title)
	low := strings.ToLower(string(r.Raw))
	for _, leak := range []string{"sql", "pgx", "sqlite", "postgres", "constraint", "duplicate key"} {
		assert.NotContainsf(t, low, leak, "a problem must not carry database text: %s", r.Raw)
	}
	return p
}

func rules(p org.Problem) []string {
	out := make([]string, len(p.Blockers))
	for i, b := range p.Blockers {
		out[i] = b.Rule
	}
	return out
}

func paths(p org.Problem) []string {
	out := make([]string, len(p.Fields))
	for i, f := range p.Fields {
		out[i] = f.Path
	}
	return out
}

// ---------------------------------------------------------------------
// Driving an order through HTTP.

// apiOrder is one work order as the client knows it: its ID and the ETag
// of the last answer, which every command sends back as If-Match.
type apiOrder struct {
	e    *apiEnv
	id   string
	etag string
	last J
}

func reception(id string) J {
	in := J{"channel": "walk_in", "transport": "waiter",
		"customer": J{"name": "Kao Ming 高明", "phone": "0912-000-111"},
		"vehicle":  J{"make": "Toyota", "model": "Corolla Altis", "year": 2021, "vin": "JTDBR32E720123456", "plate": "ABC-1234", "mileage_in": 42000},
		"concerns": []string{"brakes squeal when stopping", "oil change due"}}
	if id != "" {
		in["id"] = id
	}
	return in
}

// estimate is two jobs with the price book's codes and no prices: the
// book prices them (labor at its rate, the pads by its matrix from their
// cost, the oil at its list price, the disposal fee at the book's fee).
func estimate() J {
	return J{"jobs": []J{
		{"concern_id": "c1", "title": "Front brake pads", "hours": "1.5", "lines": []J{
			{"kind": "labor", "code": "BRK-01", "description": "replace front pads", "quantity": "1.5"},
			{"kind": "part", "code": "PAD-F", "description": "front brake pads", "quantity": "1", "cost": "1000"}}},
		{"concern_id": "c2", "title": "Oil and filter", "hours": "0.5", "lines": []J{
			{"kind": "labor", "code": "OIL-01", "description": "oil change", "quantity": "0.5"},
			{"kind": "part", "code": "OIL-5W30", "description": "oil 5W-30, litres", "quantity": "4", "unit_price": "320"},
			{"kind": "fee", "code": "DISP-OIL", "description": "waste oil disposal, litres", "quantity": "4"}}},
	}}
}

func consent(approved, declined []string) J {
	if approved == nil {
		approved = []string{}
	}
	if declined == nil {
		declined = []string{}
	}
	return J{"approved": approved, "declined": declined, "by": "Kao Ming 高明", "method": "signature",
		"evidence": J{"reference": "signed estimate"}}
}

func inspection(pass bool) J {
	return J{"items": []J{{"item": "road test", "passed": pass, "note": map[bool]string{true: "quiet", false: "squeal still heard"}[pass]},
		{"item": "torque check", "passed": true}}}
}

func settlement(total string) J {
	return J{"confirmation": J{"by": "Kao Ming 高明", "method": "signature"}, "payments": []J{{"method": "card", "amount": total}}}
}

// receive receives a customer as chen: 201, ETag "v1".
func (e *apiEnv) receive(t *testing.T, id string) *apiOrder {
	t.Helper()
	e.clock.Advance(5 * time.Minute)
	r := e.do(t, http.MethodPost, "/work-orders", asChen, nil, reception(id))
	m := r.ok(t, http.StatusCreated)
	assert.Equal(t, `"v1"`, r.Header.Get("ETag"))
	assert.Equal(t, "received", str(t, m, "state"))
	if id != "" {
		assert.Equal(t, id, str(t, m, "id"))
	}
	return &apiOrder{e: e, id: str(t, m, "id"), etag: r.Header.Get("ETag"), last: m}
}

// cmd posts command name with If-Match from the last answer, requires 200,
// the next version and its ETag, and keeps them.
func (o *apiOrder) cmd(t *testing.T, actor, name string, body any) J {
	t.Helper()
	o.e.clock.Advance(5 * time.Minute)
	r := o.e.do(t, http.MethodPost, "/work-orders/"+o.id+"/"+name, actor, hdr{"If-Match": o.etag}, body)
	m := r.ok(t, http.StatusOK)
	v := num(t, m, "version")
	require.Equal(t, etag(v), r.Header.Get("ETag"), name)
	require.Equal(t, o.etag, etag(v-1), "%s: one command, one version", name)
	o.etag, o.last = r.Header.Get("ETag"), m
	return m
}

// try posts command name with If-Match from the last answer and returns
// whatever comes back.
func (o *apiOrder) try(t *testing.T, actor, name string, body any) apiResp {
	t.Helper()
	return o.e.do(t, http.MethodPost, "/work-orders/"+o.id+"/"+name, actor, hdr{"If-Match": o.etag}, body)
}

// view is GET /work-orders/{id} as actor.
func (o *apiOrder) view(t *testing.T, actor string) J {
	t.Helper()
	r := o.e.get(t, "/work-orders/"+o.id, actor)
	m := r.ok(t, http.StatusOK)
	assert.Equal(t, etag(num(t, m, "version")), r.Header.Get("ETag"))
	return m
}

// slotStart is the next free slot on wu's calendar: from Tuesday 3
// November, two hours apart, four a day; always later than the clock,
// which stays on the 2nd unless a test moves it.
func (e *apiEnv) slotStart() time.Time {
	start := time.Date(2026, 11, 3+e.slot/4, 9+2*(e.slot%4), 0, 0, 0, apiTaipei)
	e.slot++
	return start
}

// apiStep is one step of the lane: what brings an order to state.
type apiStep struct {
	state string
	do    func()
}

// to drives the order, as the lane would, from where it is until it is in
// state; approve and decline are the customer's decisions on the
// estimate's jobs j1 and j2.
func (o *apiOrder) to(t *testing.T, state string, approve, decline []string) {
	t.Helper()
	steps := []apiStep{
		{"inspected", func() {
			o.cmd(t, asChen, "condition", J{"items": []J{{"area": "body", "status": "attention", "note": "stone chips on the bonnet"},
				{"area": "interior", "status": "ok"}}})
			o.cmd(t, asChen, "acknowledge", J{"by": "Kao Ming 高明"})
		}},
		{"diagnosed", func() {
			o.cmd(t, asChen, "diagnose", J{"technician": "wu", "findings": []J{
				{"concern_id": "c1", "cause": "front pads worn to 2 mm", "correction": "replace the front pads"},
				{"concern_id": "c2", "cause": "due by mileage", "correction": "change oil and filter"}}})
		}},
		{"estimated", func() { o.cmd(t, asChen, "estimate", estimate()) }},
		{"approved", func() { o.cmd(t, asChen, "approve", consent(approve, decline)) }},
		{"booked", func() {
			start := o.e.slotStart()
			require.True(t, start.After(o.e.clock.Now()), "a booking ahead of the clock")
			o.cmd(t, asChen, "book", J{"technician": "wu", "start": start, "end": start.Add(time.Hour), "notes": "wheel lock key in the glovebox"})
		}},
		{"in_progress", func() { o.cmd(t, asWu, "start", nil) }},
		{"repaired", func() {
			for _, j := range approve {
				o.cmd(t, asWu, "jobs/complete", J{"job": j})
			}
			o.cmd(t, asWu, "complete", nil)
		}},
		{"passed", func() { o.cmd(t, asChen, "inspect", inspection(true)) }},
		{"ready_for_pickup", func() {
			o.cmd(t, asChen, "ready", J{"explanation": "Replaced the front pads and changed the oil."})
		}},
	}
	until := slices.IndexFunc(steps, func(s apiStep) bool { return s.state == state })
	require.GreaterOrEqual(t, until, 0, "no step reaches %s", state)
	from := slices.IndexFunc(steps, func(s apiStep) bool { return s.state == str(t, o.last, "state") }) + 1 // 0 from "received"
	for _, s := range steps[from : until+1] {
		s.do()
		require.Equal(t, s.state, str(t, o.last, "state"))
	}
}

// preview is POST bill/preview as chen, in lang ("" for the default).
func (o *apiOrder) preview(t *testing.T, lang string) J {
	t.Helper()
	h := hdr{}
	if lang != "" {
		h["Accept-Language"] = lang
	}
	r := o.e.do(t, http.MethodPost, "/work-orders/"+o.id+"/bill/preview", asChen, h, J{})
	return r.ok(t, http.StatusOK)
}

// customerTotal is what the customer owes on a preview's bill.
func customerTotal(t *testing.T, preview J) string {
	t.Helper()
	for _, p := range arr(t, preview, "bill", "payers") {
		if str(t, p, "pay_type") == "customer" {
			return str(t, p, "total")
		}
	}
	t.Fatalf("no customer payer on %v", preview)
	return ""
}

// billJobs lists the jobs the lines of every payer of a bill come from.
func billJobs(t *testing.T, bill any) []string {
	t.Helper()
	var out []string
	for _, p := range arr(t, bill, "payers") {
		for _, l := range arr(t, p, "lines") {
			if j, ok := l.(J)["job"].(string); ok && !slices.Contains(out, j) {
				out = append(out, j)
			}
		}
	}
	slices.Sort(out)
	return out
}

// events reads the dealer's whole audit trail as the admin.
func (e *apiEnv) events(t *testing.T) []any {
	t.Helper()
	var all []any
	after := int64(0)
	for {
		page := e.get(t, fmt.Sprintf("/events?after=%d&limit=100", after), asAdmin)
		require.Equalf(t, http.StatusOK, page.Status, "%s", page.Raw)
		l := page.list(t)
		if len(l) == 0 {
			return all
		}
		all = append(all, l...)
		after = num(t, l[len(l)-1], "seq")
	}
}

func countEvents(t *testing.T, evs []any, typ, subjectPrefix string) int {
	t.Helper()
	n := 0
	for _, ev := range evs {
		if str(t, ev, "type") == typ && strings.HasPrefix(str(t, ev, "subject"), subjectPrefix) {
			n++
		}
	}
	return n
}

// ---------------------------------------------------------------------
// 1. One order from reception to close.

func TestAPIOrderReceptionToClose(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		o := e.receive(t, "RO-2001")
		assert.Equal(t, int64(1), num(t, o.last, "version"))
		assert.Equal(t, "chen", str(t, o.last, "advisor"))
		assert.Equal(t, "c1", str(t, o.last, "concerns", 0, "id"))
		assert.Equal(t, "JTDBR32E720123456", str(t, o.last, "vehicle", "vin"))

		m := o.cmd(t, asChen, "condition", J{"items": []J{{"area": "body", "status": "attention", "note": "stone chips on the bonnet"},
			{"area": "interior", "status": "ok"}}})
		assert.Equal(t, "received", str(t, m, "state"))
		assert.Equal(t, "chen", str(t, m, "condition", "recorded_by"))
		m = o.cmd(t, asChen, "acknowledge", J{"by": "Kao Ming 高明"})
		assert.Equal(t, "inspected", str(t, m, "state"))
		assert.Equal(t, "Kao Ming 高明", str(t, m, "condition", "acknowledged_by"))

		m = o.cmd(t, asChen, "diagnose", J{"technician": "wu", "findings": []J{
			{"concern_id": "c1", "cause": "front pads worn to 2 mm", "correction": "replace the front pads"},
			{"concern_id": "c2", "cause": "due by mileage", "correction": "change oil and filter"}}})
		assert.Equal(t, "diagnosed", str(t, m, "state"))
		assert.Equal(t, []string{"wu", "wu"}, strs(t, arr(t, m, "findings"), "technician"))
		assert.Equal(t, []string{"chen", "chen"}, strs(t, arr(t, m, "findings"), "advisor"))

		// The book prices what the estimate leaves unpriced.
		m = o.cmd(t, asChen, "estimate", estimate())
		assert.Equal(t, "estimated", str(t, m, "state"))
		assert.Equal(t, int64(1), num(t, m, "estimate_revision"))
		jobs := arr(t, m, "jobs")
		require.Len(t, jobs, 2)
		assert.Equal(t, []string{"j1", "j2"}, strs(t, jobs, "id"))
		assert.Equal(t, []string{"proposed", "proposed"}, strs(t, jobs, "status"))
		brakes := arr(t, jobs[0], "lines")
		assert.Equal(t, "rate", str(t, brakes[0], "priced_by"))
		assert.Equal(t, "1200", str(t, brakes[0], "unit_price"))
		assert.Equal(t, "1800", str(t, brakes[0], "amount"))
		assert.Equal(t, "matrix", str(t, brakes[1], "priced_by"))
		assert.Equal(t, "1600", str(t, brakes[1], "unit_price"), "cost 1000 x 1.6 by the book's matrix")
		oil := arr(t, jobs[1], "lines")
		assert.Equal(t, []string{"rate", "list", "fee"}, strs(t, oil, "priced_by"))
		assert.Equal(t, "60", str(t, oil[2], "amount"), "4 litres of disposal at the book's 15")

		m = o.cmd(t, asChen, "approve", consent([]string{"j1", "j2"}, nil))
		assert.Equal(t, "approved", str(t, m, "state"))
		assert.Equal(t, "signature", str(t, m, "approvals", 0, "method"))
		assert.Equal(t, "signed estimate", str(t, m, "approvals", 0, "evidence", "reference"))

		// Booked on wu's calendar at 10:00 Taipei, later than the clock.
		start := time.Date(2026, 11, 2, 10, 0, 0, 0, apiTaipei)
		require.True(t, start.After(e.clock.Now()))
		m = o.cmd(t, asChen, "book", J{"technician": "wu", "start": start, "end": start.Add(2 * time.Hour), "notes": "wheel lock key in the glovebox"})
		assert.Equal(t, "booked", str(t, m, "state"))
		assert.Equal(t, "wu", str(t, m, "booking", "technician"))
		cal := e.get(t, "/calendars/wu/2026-11-02", asChen).ok(t, http.StatusOK)
		assert.Equal(t, "wu", str(t, cal, "technician"))
		assert.Equal(t, "2026-11-02", str(t, cal, "day"))
		slots := arr(t, cal, "slots")
		require.Len(t, slots, 1)
		assert.Equal(t, "RO-2001", str(t, slots[0], "work_order"))
		at0, err := time.Parse(time.RFC3339, str(t, slots[0], "start"))
		require.NoError(t, err)
		assert.True(t, start.Equal(at0), "slot starts %s", at0)
		empty := e.get(t, "/calendars/tsai/2026-11-02", asChen).ok(t, http.StatusOK)
		assert.Empty(t, empty["slots"])

		// Who may do what now differs by actor (R3.3a: the booked technician starts).
		permitted := func(actor string) []string {
			var out []string
			for _, c := range arr(t, o.view(t, actor), "permitted") {
				out = append(out, c.(string))
			}
			return out
		}
		assert.NotContains(t, permitted(asChen), "start_repair")
		assert.Contains(t, permitted(asChen), "reschedule")
		assert.Contains(t, permitted(asWu), "start_repair")
		assert.NotContains(t, permitted(asWu), "reschedule")
		assert.NotContains(t, permitted(asTsai), "start_repair", "booked for wu, not tsai")
		assert.Contains(t, permitted(asLin), "start_repair")

		e.clock.Set(start)
		m = o.cmd(t, asWu, "start", nil)
		assert.Equal(t, "in_progress", str(t, m, "state"))
		m = o.cmd(t, asWu, "jobs/complete", J{"job": "j1"})
		assert.Equal(t, "in_progress", str(t, m, "state"))
		m = o.cmd(t, asWu, "jobs/complete", J{"job": "j2"})
		assert.Equal(t, []string{"done", "done"}, strs(t, arr(t, m, "jobs"), "status"))
		m = o.cmd(t, asWu, "complete", nil)
		assert.Equal(t, "repaired", str(t, m, "state"))
		m = o.cmd(t, asChen, "inspect", inspection(true))
		assert.Equal(t, "passed", str(t, m, "state"))
		assert.Equal(t, int64(0), num(t, m, "reworks"))
		m = o.cmd(t, asChen, "ready", J{"explanation": "Replaced the front pads and changed the oil."})
		assert.Equal(t, "ready_for_pickup", str(t, m, "state"))

		// The preview writes nothing, and speaks the caller's language.
		en := o.preview(t, "")
		assert.Equal(t, "RO-2001", str(t, en, "work_order"))
		assert.Equal(t, true, at(t, en, "reconciliation", "clean"))
		assert.Nil(t, en["blockers"], "nothing stops settling")
		assert.Equal(t, []string{"j1", "j2"}, billJobs(t, at(t, en, "bill")))
		text := str(t, en, "text")
		assert.Contains(t, text, "RO-2001")
		assert.Contains(t, text, "Labor")
		assert.Contains(t, text, "Total")
		assert.NotContains(t, text, "合計")
		zh := o.preview(t, "zh-Hant")
		zhText := str(t, zh, "text")
		assert.Contains(t, zhText, "工資")
		assert.Contains(t, zhText, "合計")
		assert.NotContains(t, zhText, "Total")
		assert.Equal(t, num(t, o.last, "version"), num(t, o.view(t, asChen), "version"), "a preview writes nothing")
		assert.Contains(t, str(t, o.preview(t, "zh-Hant;q=0.5, en;q=0.9"), "text"), "Total", "q-values pick the language")
		assert.Contains(t, str(t, o.preview(t, "zh-TW"), "text"), "合計")

		// Settle with an Idempotency-Key: the SDK's settlement key.
		total := customerTotal(t, en)
		e.clock.Advance(10 * time.Minute)
		r := e.do(t, http.MethodPost, "/work-orders/RO-2001/settle", asChen, hdr{"If-Match": o.etag, "Idempotency-Key": "settle-RO-2001"}, settlement(total))
		s := r.ok(t, http.StatusOK)
		wo := at(t, s, "work_order")
		assert.Equal(t, "settled", str(t, wo, "state"))
		assert.Equal(t, total, str(t, wo, "settled_total"))
		docs := arr(t, s, "documents")
		require.Len(t, docs, 1)
		assert.Equal(t, "invoice", str(t, docs[0], "kind"))
		assert.Equal(t, "RO-2001", str(t, docs[0], "work_order"))
		assert.Equal(t, total, str(t, docs[0], "total"))
		assert.Equal(t, "settle-RO-2001", str(t, docs[0], "settlement"))
		assert.Contains(t, str(t, docs[0], "text"), "Invoice "+str(t, docs[0], "id"))
		assert.Equal(t, str(t, docs[0], "id"), str(t, wo, "settlement"))
		// (That the settle answer carries the order's ETag is
		// TestAPISettleAnswersTheOrdersETag's; the client here goes on from
		// the version in the body.)
		o.etag, o.last = etag(num(t, wo, "version")), wo.(J)

		doc := e.do(t, http.MethodGet, "/documents/"+str(t, docs[0], "id"), asChen, hdr{"Accept-Language": "zh-Hant"}, nil).ok(t, http.StatusOK)
		assert.Contains(t, str(t, doc, "text"), "發票")
		assert.Equal(t, total, str(t, doc, "total"))

		m = o.cmd(t, asChen, "deliver", J{"mileage_out": 42010})
		assert.Equal(t, "delivered", str(t, m, "state"))
		assert.Equal(t, int64(42010), num(t, m, "vehicle", "mileage_out"))
		m = o.cmd(t, asChen, "close", nil)
		assert.Equal(t, "closed", str(t, m, "state"))

		// The order with its history and, closed, nothing permitted (an
		// empty list, not null).
		v := o.view(t, asChen)
		assert.Equal(t, "closed", str(t, v, "state"))
		assert.Equal(t, []any{}, at(t, v, "permitted"))
		var types []string
		for _, ev := range arr(t, v, "history") {
			types = append(types, strings.TrimPrefix(str(t, ev, "type"), "workorder."))
			assert.Equal(t, "workorder/RO-2001", str(t, ev, "subject"))
		}
		assert.Equal(t, []string{"receive", "record_condition", "acknowledge_condition", "diagnose", "estimate", "record_approval", "book",
			"start_repair", "complete_job", "complete_job", "complete_repair", "final_inspection", "notify_ready", "settle", "deliver", "close"}, types)
		assert.Equal(t, "technician:wu", func() string {
			a := at(t, v, "history", 7, "actor").(J)
			return fmt.Sprintf("%s:%s", a["role"], a["id"])
		}())

		list := e.get(t, "/work-orders?state=closed", asChen)
		require.Equal(t, http.StatusOK, list.Status)
		assert.Empty(t, list.Header.Get("ETag"), "lists carry no ETag")
		assert.Equal(t, []string{"RO-2001"}, strs(t, list.list(t), "id"))
	})
}

// ---------------------------------------------------------------------
// 2. A declined job is never worked nor billed.

func TestAPIDeclinedJob(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		o := e.receive(t, "RO-2002")
		o.to(t, "approved", []string{"j1"}, []string{"j2"})
		jobs := arr(t, o.last, "jobs")
		assert.Equal(t, []string{"approved", "declined"}, strs(t, jobs, "status"))
		assert.Equal(t, []any{"j1"}, at(t, o.last, "approvals", 0, "approved"))
		assert.Equal(t, []any{"j2"}, at(t, o.last, "approvals", 0, "declined"))
		assert.Equal(t, str(t, jobs[0], "total"), str(t, o.last, "approvals", 0, "new_total"))

		o.to(t, "in_progress", []string{"j1"}, nil)
		// Working the declined job is refused by the consent rule.
		p := problem(t, o.try(t, asWu, "jobs/complete", J{"job": "j2"}), http.StatusConflict, org.ProblemInvalidTransition)
		assert.Equal(t, []string{"R3.3b_work_needs_consent"}, rules(p))
		o.to(t, "ready_for_pickup", []string{"j1"}, nil)

		pv := o.preview(t, "")
		assert.Equal(t, []string{"j1"}, billJobs(t, at(t, pv, "bill")))
		assert.NotContains(t, str(t, pv, "text"), "OIL-01")
		r := e.do(t, http.MethodPost, "/work-orders/RO-2002/settle", asChen, hdr{"If-Match": o.etag, "Idempotency-Key": "settle-RO-2002"},
			settlement(customerTotal(t, pv)))
		s := r.ok(t, http.StatusOK)
		docs := arr(t, s, "documents")
		require.Len(t, docs, 1)
		assert.Equal(t, []string{"j1"}, billJobs(t, J{"payers": []any{at(t, docs[0], "bill")}}))
		assert.NotContains(t, str(t, docs[0], "text"), "OIL-01")
		assert.Equal(t, customerTotal(t, pv), str(t, s, "work_order", "settled_total"), "the bill is the previewed one")
		assert.Equal(t, customerTotal(t, pv), str(t, docs[0], "total"))
	})
}

// ---------------------------------------------------------------------
// 3. Added work: the technician proposes, the customer decides.

func TestAPISupplement(t *testing.T) {
	rotors := J{"reason": "rear rotors scored below minimum thickness", "jobs": []J{{"title": "Rear rotors", "hours": "1", "lines": []J{
		{"kind": "labor", "code": "BRK-04", "description": "replace rear rotors", "quantity": "1"},
		{"kind": "part", "code": "ROT-R", "description": "rear rotor", "quantity": "2", "cost": "1500"}}}}}
	phoneConsent := func(e *apiEnv, approved, declined []string, total string) J {
		ev := J{"contact": "0912-000-111", "at": e.clock.Now().Add(-2 * time.Minute), "work_told": "rear rotors"}
		if total != "" {
			ev["total_told"] = total
		}
		if approved == nil {
			approved = []string{}
		}
		if declined == nil {
			declined = []string{}
		}
		return J{"approved": approved, "declined": declined, "by": "Kao Ming 高明", "method": "phone", "evidence": ev}
	}
	for _, approve := range []bool{true, false} {
		name := map[bool]string{true: "approved", false: "declined"}[approve]
		t.Run(name, func(t *testing.T) {
			apiBackends(t, func(t *testing.T, e *apiEnv) {
				o := e.receive(t, "RO-2003")
				o.to(t, "in_progress", []string{"j1", "j2"}, nil)
				o.cmd(t, asWu, "jobs/complete", J{"job": "j1"})

				m := o.cmd(t, asWu, "supplements", rotors)
				assert.Equal(t, "in_progress", str(t, m, "state"))
				j3 := at(t, m, "jobs", 2)
				assert.Equal(t, "j3", str(t, j3, "id"))
				assert.Equal(t, int64(1), num(t, j3, "supplement"))
				assert.Equal(t, "proposed", str(t, j3, "status"))
				total := str(t, j3, "total")
				assert.NotEqual(t, "0", total)

				// Unconsented work cannot be done, nor the repair finished,
				// nor more work proposed, nor the order settled.
				p := problem(t, o.try(t, asWu, "jobs/complete", J{"job": "j3"}), http.StatusConflict, org.ProblemInvalidTransition)
				assert.Equal(t, []string{"R3.3b_work_needs_consent"}, rules(p))
				o.cmd(t, asWu, "jobs/complete", J{"job": "j2"})
				p = problem(t, o.try(t, asWu, "complete", nil), http.StatusConflict, org.ProblemInvalidTransition)
				assert.Equal(t, []string{"R3.3b_added_work_decided"}, rules(p))
				p = problem(t, o.try(t, asWu, "supplements", rotors), http.StatusConflict, org.ProblemInvalidTransition)
				assert.Equal(t, []string{"R3.3b_added_work_decided"}, rules(p))
				p = problem(t, o.try(t, asChen, "settle", J{"key": "too-early", "confirmation": J{"by": "Kao Ming", "method": "signature"},
					"payments": []J{{"method": "card", "amount": "1"}}}), http.StatusConflict, org.ProblemInvalidTransition)
				assert.Contains(t, rules(p), "state")
				assert.Contains(t, rules(p), "R3.3c_final_inspection_passed")
				// Only an advisor records the customer's decision.
				p = problem(t, o.try(t, asWu, "supplements/decision", phoneConsent(e, []string{"j3"}, nil, total)), http.StatusForbidden, org.ProblemForbidden)
				assert.Equal(t, []string{"role"}, rules(p))
				// A phone consent needs its evidence (16 CCR 3353), and the
				// total told must be the real one.
				p = problem(t, o.try(t, asChen, "supplements/decision", J{"approved": []string{"j3"}, "declined": []string{}, "by": "Kao Ming", "method": "phone",
					"evidence": J{"contact": "0912-000-111"}}), http.StatusBadRequest, org.ProblemInvalid)
				assert.Subset(t, paths(p), []string{"evidence.at", "evidence.work_told", "evidence.total_told"})
				p = problem(t, o.try(t, asChen, "supplements/decision", phoneConsent(e, []string{"j3"}, nil, "1")), http.StatusBadRequest, org.ProblemInvalid)
				assert.Contains(t, paths(p), "evidence.total_told")

				if approve {
					m = o.cmd(t, asChen, "supplements/decision", phoneConsent(e, []string{"j3"}, nil, total))
					assert.Equal(t, "approved", str(t, m, "jobs", 2, "status"))
					assert.Equal(t, int64(1), num(t, m, "approvals", 1, "supplement"))
					assert.Equal(t, "phone", str(t, m, "approvals", 1, "method"))
					assert.Equal(t, "0912-000-111", str(t, m, "approvals", 1, "evidence", "contact"))
					// Approved, still to be done: the repair cannot end yet.
					p = problem(t, o.try(t, asWu, "complete", nil), http.StatusConflict, org.ProblemInvalidTransition)
					assert.Equal(t, []string{"R3.3c_approved_jobs_done"}, rules(p))
					o.cmd(t, asWu, "jobs/complete", J{"job": "j3"})
				} else {
					m = o.cmd(t, asChen, "supplements/decision", phoneConsent(e, nil, []string{"j3"}, ""))
					assert.Equal(t, "declined", str(t, m, "jobs", 2, "status"))
					// Every approved job is done: the table's guard refuses
					// before the job's own consent check is reached.
					p = problem(t, o.try(t, asWu, "jobs/complete", J{"job": "j3"}), http.StatusConflict, org.ProblemInvalidTransition)
					assert.Equal(t, []string{"R3.3b_an_approved_job_to_work"}, rules(p))
				}
				// Nothing left to decide: a second decision is refused.
				p = problem(t, o.try(t, asChen, "supplements/decision", phoneConsent(e, []string{"j3"}, nil, total)), http.StatusConflict, org.ProblemInvalidTransition)
				assert.Equal(t, []string{"R3.3b_added_work_to_decide"}, rules(p))

				o.cmd(t, asWu, "complete", nil)
				o.cmd(t, asChen, "inspect", inspection(true))
				o.cmd(t, asChen, "ready", J{"explanation": "Pads, oil, and the rear rotors as agreed by phone."})
				want := []string{"j1", "j2"}
				if approve {
					want = []string{"j1", "j2", "j3"}
				}
				pv := o.preview(t, "")
				assert.Equal(t, want, billJobs(t, at(t, pv, "bill")))
				r := e.do(t, http.MethodPost, "/work-orders/RO-2003/settle", asChen, hdr{"If-Match": o.etag, "Idempotency-Key": "settle-RO-2003"},
					settlement(customerTotal(t, pv)))
				s := r.ok(t, http.StatusOK)
				assert.Equal(t, want, billJobs(t, J{"payers": []any{at(t, s, "documents", 0, "bill")}}))
				if !approve {
					assert.NotContains(t, str(t, s, "documents", 0, "text"), "BRK-04")
				}
			})
		})
	}
}

// ---------------------------------------------------------------------
// 4. A failed final inspection sends the car back to rework.

func TestAPIFailedInspection(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		o := e.receive(t, "RO-2004")
		o.to(t, "repaired", []string{"j1", "j2"}, nil)

		m := o.cmd(t, asChen, "inspect", inspection(false))
		assert.Equal(t, "in_progress", str(t, m, "state"))
		assert.Equal(t, int64(1), num(t, m, "reworks"))
		require.Len(t, arr(t, m, "inspections"), 1)
		assert.Equal(t, false, at(t, m, "inspections", 0, "passed"))
		assert.Equal(t, "chen", str(t, m, "inspections", 0, "by"))

		// Not ready, not settleable, while it is reworked.
		p := problem(t, o.try(t, asChen, "ready", J{"explanation": "done"}), http.StatusConflict, org.ProblemInvalidTransition)
		assert.Contains(t, rules(p), "state")
		assert.Contains(t, rules(p), "R3.3c_final_inspection_passed")
		assert.NotContains(t, arr(t, o.view(t, asChen), "permitted"), "notify_ready")
		assert.Contains(t, arr(t, o.view(t, asWu), "permitted"), "complete_repair")

		o.cmd(t, asWu, "notes", J{"text": "re-seated the pads and cleaned the slide pins"})
		m = o.cmd(t, asWu, "complete", nil)
		assert.Equal(t, "repaired", str(t, m, "state"))
		m = o.cmd(t, asChen, "inspect", inspection(true))
		assert.Equal(t, "passed", str(t, m, "state"))
		assert.Equal(t, int64(1), num(t, m, "reworks"), "a pass does not undo the rework")
		assert.Len(t, arr(t, m, "inspections"), 2)
		m = o.cmd(t, asChen, "ready", J{"explanation": "Pads replaced and re-seated; oil changed."})
		assert.Equal(t, "ready_for_pickup", str(t, m, "state"))

		var moves []string
		for _, ev := range arr(t, o.view(t, asChen), "history") {
			if str(t, ev, "type") == "workorder.final_inspection" {
				moves = append(moves, str(t, ev, "data", "from")+" -> "+str(t, ev, "data", "to"))
			}
		}
		assert.Equal(t, []string{"repaired -> in_progress", "repaired -> passed"}, moves)
	})
}

// ---------------------------------------------------------------------
// 5. Settlement and its Idempotency-Key.

func TestAPISettlementIdempotency(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		o := e.receive(t, "RO-2005")
		o.to(t, "ready_for_pickup", []string{"j1", "j2"}, nil)
		total := customerTotal(t, o.preview(t, ""))
		path := "/work-orders/RO-2005/settle"
		h := hdr{"If-Match": o.etag, "Idempotency-Key": "pay-2005"}

		first := e.do(t, http.MethodPost, path, asChen, h, settlement(total))
		s := first.ok(t, http.StatusOK)
		assert.Empty(t, first.Header.Get("Idempotent-Replayed"))
		docs := arr(t, s, "documents")
		require.Len(t, docs, 1)
		docID := str(t, docs[0], "id")
		assert.Equal(t, "pay-2005", str(t, docs[0], "settlement"), "the header is the SDK's settlement key")

		// The same request again: the first answer, marked replayed.
		again := e.do(t, http.MethodPost, path, asChen, h, settlement(total))
		assert.Equal(t, first.Status, again.Status)
		assert.Equal(t, string(first.Raw), string(again.Raw))
		assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
		assert.Equal(t, first.Header.Get("ETag"), again.Header.Get("ETag"))

		// The same key for another request is refused.
		other := settlement(total)
		other["payments"] = []J{{"method": "cash", "amount": total}}
		problem(t, e.do(t, http.MethodPost, path, asChen, h, other), http.StatusUnprocessableEntity, org.ProblemUnprocessable)
		// A key in the body that differs from the header is refused.
		withKey := settlement(total)
		withKey["key"] = "another-key"
		p := problem(t, e.do(t, http.MethodPost, path, asChen, hdr{"If-Match": o.etag, "Idempotency-Key": "pay-2005b"}, withKey), http.StatusBadRequest, org.ProblemInvalid)
		assert.Equal(t, []string{"key"}, paths(p))

		// A restarted server has forgotten its answers: the SDK's
		// settlement key still answers with the same documents.
		restarted := httptest.NewServer(NewServer(e.svc, nil))
		defer restarted.Close()
		e2 := &apiEnv{store: e.store, clock: e.clock, svc: e.svc, srv: restarted}
		after := e2.do(t, http.MethodPost, path, asChen, hdr{"Idempotency-Key": "pay-2005"}, settlement(total))
		s2 := after.ok(t, http.StatusOK)
		assert.Equal(t, []string{docID}, strs(t, arr(t, s2, "documents"), "id"))
		assert.Equal(t, "settled", str(t, s2, "work_order", "state"))

		// Exactly one set of documents was issued.
		evs := e.events(t)
		assert.Equal(t, 1, countEvents(t, evs, "settlement.settled", "settlement/"))
		assert.Equal(t, 1, countEvents(t, evs, "document.issued", "document/"))
		assert.Equal(t, 1, countEvents(t, evs, "workorder.settle", "workorder/RO-2005"))
		doc := e.get(t, "/documents/"+docID, asChen).ok(t, http.StatusOK)
		assert.Equal(t, "pay-2005", str(t, doc, "settlement"))
		assert.Contains(t, str(t, doc, "text"), "Invoice "+docID)

		// A settled order settles no more under another key.
		p = problem(t, e.do(t, http.MethodPost, path, asChen, hdr{"Idempotency-Key": "pay-2005-again"}, settlement(total)), http.StatusConflict, org.ProblemInvalidTransition)
		assert.Contains(t, rules(p), "state")

		// Without the header the body's key is the settlement key.
		o2 := e.receive(t, "RO-2006")
		o2.to(t, "ready_for_pickup", []string{"j1"}, []string{"j2"})
		body := settlement(customerTotal(t, o2.preview(t, "")))
		body["key"] = "body-key-2006"
		one := e.do(t, http.MethodPost, "/work-orders/RO-2006/settle", asChen, hdr{"If-Match": o2.etag}, body)
		s = one.ok(t, http.StatusOK)
		assert.Equal(t, "body-key-2006", str(t, s, "documents", 0, "settlement"))
		// The same body again, without If-Match: the SDK replays the settlement.
		two := e.do(t, http.MethodPost, "/work-orders/RO-2006/settle", asChen, nil, body)
		s3 := two.ok(t, http.StatusOK)
		assert.Equal(t, strs(t, arr(t, s, "documents"), "id"), strs(t, arr(t, s3, "documents"), "id"))
		assert.Empty(t, two.Header.Get("Idempotent-Replayed"), "replayed by the SDK, not the HTTP layer")
		// Neither header nor body key: the SDK requires one.
		o3 := e.receive(t, "RO-2007")
		o3.to(t, "ready_for_pickup", []string{"j1"}, []string{"j2"})
		p = problem(t, e.do(t, http.MethodPost, "/work-orders/RO-2007/settle", asChen, hdr{"If-Match": o3.etag}, settlement("1")), http.StatusBadRequest, org.ProblemInvalid)
		assert.Contains(t, paths(p), "key")

		evs = e.events(t)
		assert.Equal(t, 2, countEvents(t, evs, "settlement.settled", "settlement/"))
		assert.Equal(t, 2, countEvents(t, evs, "document.issued", "document/"))
	})
}

// The settle answer is the order's new state: its ETag is the order's, so
// that the client's next command (deliver) can send If-Match.
func TestAPISettleAnswersTheOrdersETag(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		o := e.receive(t, "RO-2008")
		o.to(t, "ready_for_pickup", []string{"j1", "j2"}, nil)
		r := e.do(t, http.MethodPost, "/work-orders/RO-2008/settle", asChen, hdr{"If-Match": o.etag, "Idempotency-Key": "settle-2008"},
			settlement(customerTotal(t, o.preview(t, ""))))
		s := r.ok(t, http.StatusOK)
		assert.Equal(t, etag(num(t, s, "work_order", "version")), r.Header.Get("ETag"),
			"settle answers the settled order: its ETag must be the order's (routes.go, settle route)")
	})
}

// ---------------------------------------------------------------------
// 6. If-Match.

func TestAPIIfMatch(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		o := e.receive(t, "RO-2010")
		o.cmd(t, asChen, "condition", J{"items": []J{{"area": "body", "status": "ok"}}}) // now "v2"
		ack := J{"by": "Kao Ming 高明"}
		path := "/work-orders/RO-2010/acknowledge"

		t.Run("stale", func(t *testing.T) {
			for _, tag := range []string{`"v1"`, `"v9"`} {
				p := problem(t, e.do(t, http.MethodPost, path, asChen, hdr{"If-Match": tag}, ack), http.StatusPreconditionFailed, org.ProblemStale)
				assert.Empty(t, p.Fields)
			}
			// A command without a body checks its version too.
			problem(t, e.do(t, http.MethodPost, "/work-orders/RO-2010/start", asWu, hdr{"If-Match": `"v1"`}, nil), http.StatusPreconditionFailed, org.ProblemStale)
			assert.Equal(t, int64(2), num(t, o.view(t, asChen), "version"), "a refused command writes nothing")
		})
		t.Run("malformed", func(t *testing.T) {
			for _, tag := range []string{`W/"v2"`, `abc`, `v2`, `"v0"`, `"v-1"`, `"vx"`, `"2"`, `"v2", "v3"`, `"v2`} {
				p := problem(t, e.do(t, http.MethodPost, path, asChen, hdr{"If-Match": tag}, ack), http.StatusBadRequest, org.ProblemInvalid)
				assert.Equalf(t, []string{"If-Match"}, paths(p), "If-Match: %s", tag)
				assert.Equal(t, org.CodeFormat, p.Fields[0].Code)
			}
			assert.Equal(t, int64(2), num(t, o.view(t, asChen), "version"))
		})
		t.Run("any", func(t *testing.T) {
			// "*" and no If-Match at all write over whatever is current.
			r := e.do(t, http.MethodPost, path, asChen, hdr{"If-Match": "*"}, ack)
			r.ok(t, http.StatusOK)
			assert.Equal(t, `"v3"`, r.Header.Get("ETag"))
			r = e.do(t, http.MethodPost, "/work-orders/RO-2010/diagnose", asChen, nil, J{"technician": "wu", "findings": []J{
				{"concern_id": "c1", "cause": "worn pads", "correction": "replace the pads"},
				{"concern_id": "c2", "cause": "due", "correction": "change the oil"}}})
			r.ok(t, http.StatusOK)
			assert.Equal(t, `"v4"`, r.Header.Get("ETag"))
		})
	})
}

// ---------------------------------------------------------------------
// 7. Every error through the HTTP layer.

func TestAPIErrors(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		e.receive(t, "RO-2020")
		approved := e.receive(t, "RO-2021")
		approved.to(t, "approved", []string{"j1", "j2"}, nil)
		// A key used once, so that it can be reused for another request.
		e.do(t, http.MethodPost, "/work-orders", asChen, hdr{"Idempotency-Key": "k-reuse"}, reception("RO-2022")).ok(t, http.StatusCreated)

		badChannel := reception("RO-2023")
		badChannel["channel"] = "carrier_pigeon"
		badFields := reception("RO-2023")
		badFields["customer"] = J{"name": " ", "phone": ""}
		badFields["vehicle"].(J)["vin"] = "JTDBR32E72012345O"
		badFields["concerns"] = []string{}
		big := strings.Repeat(" ", maxBody+1)

		for _, c := range []struct {
			name         string
			method, path string
			actor        string
			h            hdr
			body         any
			status       int
			code         string
			paths        []string // field paths the problem names (subset)
			rules        []string // blocker rules the problem names (subset)
		}{
			{name: "bad field", method: "POST", path: "/work-orders", actor: asChen, body: badChannel, status: 400, code: org.ProblemInvalid, paths: []string{"channel"}},
			{name: "every bad field at once", method: "POST", path: "/work-orders", actor: asChen, body: badFields, status: 400, code: org.ProblemInvalid,
				paths: []string{"customer.name", "customer.phone", "vehicle.vin", "concerns"}},
			{name: "unknown JSON field", method: "POST", path: "/work-orders", actor: asChen, body: `{"id":"RO-2023","colour":"red"}`, status: 400, code: org.ProblemInvalid, paths: []string{"colour"}},
			{name: "wrong JSON type", method: "POST", path: "/work-orders", actor: asChen, body: `{"vehicle":{"year":"2021"}}`, status: 400, code: org.ProblemInvalid, paths: []string{"vehicle.year"}},
			{name: "malformed JSON", method: "POST", path: "/work-orders", actor: asChen, body: `{"id":`, status: 400, code: org.ProblemInvalid, paths: []string{"body"}},
			{name: "two JSON values", method: "POST", path: "/work-orders", actor: asChen, body: `{} {}`, status: 400, code: org.ProblemInvalid, paths: []string{"body"}},
			{name: "missing body", method: "POST", path: "/work-orders", actor: asChen, status: 400, code: org.ProblemInvalid, paths: []string{"body"}},
			{name: "missing command body", method: "POST", path: "/work-orders/RO-2020/condition", actor: asChen, status: 400, code: org.ProblemInvalid, paths: []string{"body"}},
			{name: "body too large", method: "POST", path: "/work-orders", actor: asChen, body: big, status: 400, code: org.ProblemInvalid, paths: []string{"body"}},
			{name: "bad query", method: "GET", path: "/work-orders?limit=many", actor: asChen, status: 400, code: org.ProblemInvalid, paths: []string{"limit"}},
			{name: "bad day", method: "GET", path: "/calendars/wu/2026-13-45", actor: asChen, status: 400, code: org.ProblemInvalid, paths: []string{"day"}},
			{name: "bad Idempotency-Key", method: "POST", path: "/work-orders", actor: asChen, h: hdr{"Idempotency-Key": "not a key"}, body: reception("RO-2023"),
				status: 400, code: org.ProblemInvalid, paths: []string{"Idempotency-Key"}},
			{name: "no actor header", method: "GET", path: "/work-orders/RO-2020", status: 400, code: org.ProblemInvalid, paths: []string{ActorHeader}},
			{name: "actor header without role", method: "GET", path: "/work-orders/RO-2020", actor: "chen", status: 400, code: org.ProblemInvalid, paths: []string{ActorHeader}},
			{name: "actor header with a space", method: "GET", path: "/work-orders/RO-2020", actor: "advisor:chen wei", status: 400, code: org.ProblemInvalid, paths: []string{ActorHeader}},
			{name: "actor header in capitals", method: "GET", path: "/work-orders/RO-2020", actor: "Advisor:chen", status: 400, code: org.ProblemInvalid, paths: []string{ActorHeader}},
			{name: "technician receives a customer", method: "POST", path: "/work-orders", actor: asWu, body: reception("RO-2023"), status: 403, code: org.ProblemForbidden},
			{name: "stranger receives a customer", method: "POST", path: "/work-orders", actor: asGhost, body: reception("RO-2023"), status: 403, code: org.ProblemForbidden},
			{name: "stranger reads an order", method: "GET", path: "/work-orders/RO-2020", actor: asGhost, status: 403, code: org.ProblemForbidden},
			{name: "stranger reads no order", method: "GET", path: "/work-orders/RO-9999", actor: asGhost, status: 403, code: org.ProblemForbidden},
			{name: "advisor claims to be a supervisor", method: "GET", path: "/work-orders/RO-2020", actor: "supervisor:chen", status: 403, code: org.ProblemForbidden},
			{name: "another dealer", method: "GET", path: "/v1/dealers/elsewhere/work-orders/RO-2020", actor: asChen, status: 403, code: org.ProblemForbidden},
			{name: "technician receives for an advisor", method: "POST", path: "/work-orders", actor: asWu, body: func() J { r := reception("RO-2023"); r["advisor"] = "chen"; return r }(),
				status: 403, code: org.ProblemForbidden},
			{name: "technician settles an unfinished order", method: "POST", path: "/work-orders/RO-2021/settle", actor: asWu,
				body: J{"key": "k1", "confirmation": J{"by": "x", "method": "signature"}}, status: 409, code: org.ProblemInvalidTransition,
				rules: []string{"state", "role", "R3.3c_final_inspection_passed"}},
			{name: "advisor starts the repair", method: "POST", path: "/work-orders/RO-2020/start", actor: asChen, status: 409, code: org.ProblemInvalidTransition,
				rules: []string{"state", "role"}},
			{name: "unknown order", method: "GET", path: "/work-orders/RO-9999", actor: asChen, status: 404, code: org.ProblemNotFound},
			{name: "command on an unknown order", method: "POST", path: "/work-orders/RO-9999/condition", actor: asChen, body: J{"items": []J{{"area": "body", "status": "ok"}}},
				status: 404, code: org.ProblemNotFound},
			{name: "unknown document", method: "GET", path: "/documents/INV-999999", actor: asChen, status: 404, code: org.ProblemNotFound},
			{name: "unknown employee", method: "GET", path: "/employees/nobody", actor: asLin, status: 404, code: org.ProblemNotFound},
			{name: "same order ID twice", method: "POST", path: "/work-orders", actor: asChen, body: reception("RO-2020"), status: 409, code: org.ProblemAlreadyExists, paths: []string{"id"}},
			{name: "start a received order", method: "POST", path: "/work-orders/RO-2020/start", actor: asWu, status: 409, code: org.ProblemInvalidTransition,
				rules: []string{"state", "R3.2c_booking_needs_an_approved_job", "R3.2c_started_by_the_booked_technician"}},
			{name: "start before booking", method: "POST", path: "/work-orders/RO-2021/start", actor: asWu, status: 409, code: org.ProblemInvalidTransition,
				rules: []string{"state", "R3.2c_started_by_the_booked_technician"}},
			{name: "acknowledge before the walk-around", method: "POST", path: "/work-orders/RO-2020/acknowledge", actor: asChen, body: J{"by": "Kao Ming"},
				status: 409, code: org.ProblemInvalidTransition, rules: []string{"R3.1d_walkaround_recorded"}},
			{name: "stale version", method: "POST", path: "/work-orders/RO-2020/condition", actor: asChen, h: hdr{"If-Match": `"v7"`},
				body: J{"items": []J{{"area": "body", "status": "ok"}}}, status: 412, code: org.ProblemStale},
			{name: "Idempotency-Key reused for another request", method: "POST", path: "/work-orders", actor: asChen, h: hdr{"Idempotency-Key": "k-reuse"},
				body: reception("RO-2024"), status: 422, code: org.ProblemUnprocessable},
			{name: "Idempotency-Key reused on another route", method: "POST", path: "/work-orders/RO-2020/condition", actor: asChen, h: hdr{"Idempotency-Key": "k-reuse"},
				body: J{"items": []J{{"area": "body", "status": "ok"}}}, status: 422, code: org.ProblemUnprocessable},
			{name: "events for an advisor", method: "GET", path: "/events", actor: asChen, status: 403, code: org.ProblemForbidden},
		} {
			t.Run(c.name, func(t *testing.T) {
				p := problem(t, e.do(t, c.method, c.path, c.actor, c.h, c.body), c.status, c.code)
				assert.Subset(t, paths(p), c.paths, "fields: %+v", p.Fields)
				assert.Subset(t, rules(p), c.rules, "blockers: %+v", p.Blockers)
				if c.paths == nil {
					assert.Empty(t, p.Fields)
				}
				if c.rules == nil {
					for _, b := range p.Blockers {
						assert.Equal(t, org.RuleRole, b.Rule, "only a role refusal carries blockers here")
					}
				}
				for _, b := range p.Blockers {
					assert.NotEmpty(t, b.Message)
				}
			})
		}

		t.Run("missing body message", func(t *testing.T) {
			p := problem(t, e.do(t, http.MethodPost, "/work-orders", asChen, nil, nil), 400, org.ProblemInvalid)
			assert.Equal(t, "a JSON body is required", p.Fields[0].Message)
		})
		t.Run("already exists names the duplicate", func(t *testing.T) {
			p := problem(t, e.do(t, http.MethodPost, "/work-orders", asChen, nil, reception("RO-2020")), 409, org.ProblemAlreadyExists)
			require.Len(t, p.Fields, 1)
			assert.Equal(t, org.CodeDuplicate, p.Fields[0].Code)
		})
		t.Run("problems in Traditional Chinese", func(t *testing.T) {
			r := e.do(t, http.MethodGet, "/work-orders/RO-9999", asChen, hdr{"Accept-Language": "zh-Hant-TW, en;q=0.5"}, nil)
			p := problem(t, r, 404, org.ProblemNotFound)
			assert.Equal(t, "查無資料", p.Title)
			assert.Equal(t, "zh-Hant", r.Header.Get("Content-Language"))
			r = e.do(t, http.MethodGet, "/work-orders/RO-9999", asChen, hdr{"Accept-Language": "fr, de"}, nil)
			assert.Equal(t, "Not found", problem(t, r, 404, org.ProblemNotFound).Title)
			// The 422 of a reused key speaks the caller's language too.
			r = e.do(t, http.MethodPost, "/work-orders", asChen, hdr{"Idempotency-Key": "k-reuse", "Accept-Language": "zh-Hant"}, reception("RO-2025"))
			assert.Equal(t, "無法依要求處理", problem(t, r, 422, org.ProblemUnprocessable).Title)
		})
		t.Run("a failed request does not spend its key", func(t *testing.T) {
			h := hdr{"Idempotency-Key": "k-retry"}
			problem(t, e.do(t, http.MethodPost, "/work-orders", asChen, h, badChannel), 400, org.ProblemInvalid)
			r := e.do(t, http.MethodPost, "/work-orders", asChen, h, reception("RO-2026"))
			r.ok(t, http.StatusCreated)
			assert.Empty(t, r.Header.Get("Idempotent-Replayed"))
		})
		t.Run("nothing was written by the refusals", func(t *testing.T) {
			l := e.get(t, "/work-orders", asLin)
			require.Equal(t, http.StatusOK, l.Status)
			assert.Equal(t, []string{"RO-2020", "RO-2021", "RO-2022", "RO-2026"}, strs(t, l.list(t), "id"))
			assert.Equal(t, int64(1), num(t, e.get(t, "/work-orders/RO-2020", asChen).obj(t), "version"))
		})
	})
}

// A stranger (no one on the roster) learns nothing about orders: not that
// one exists, nor its version. Reads check the roster before loading
// (servicedesk/visibility.go); commands must too.
func TestAPIStrangerCannotProbeOrders(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		e.receive(t, "RO-2027")
		body := J{"items": []J{{"area": "body", "status": "ok"}}}
		for _, c := range []struct {
			name, path, ifMatch string
		}{
			{"existing order", "/work-orders/RO-2027/condition", ""},
			{"existing order, stale If-Match", "/work-orders/RO-2027/condition", `"v5"`},
			{"no such order", "/work-orders/RO-9999/condition", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				h := hdr{}
				if c.ifMatch != "" {
					h["If-Match"] = c.ifMatch
				}
				problem(t, e.do(t, http.MethodPost, c.path, asGhost, h, body), http.StatusForbidden, org.ProblemForbidden)
			})
		}
	})
}

// Every problem says its language in Content-Language, as the problems
// of handlers do; the 422 of a reused Idempotency-Key too.
func TestAPIReusedKeyProblemNamesItsLanguage(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		e.do(t, http.MethodPost, "/work-orders", asChen, hdr{"Idempotency-Key": "k-lang"}, reception("RO-2029")).ok(t, http.StatusCreated)
		r := e.do(t, http.MethodPost, "/work-orders", asChen, hdr{"Idempotency-Key": "k-lang", "Accept-Language": "zh-Hant"}, reception("RO-2030"))
		assert.Equal(t, "無法依要求處理", problem(t, r, http.StatusUnprocessableEntity, org.ProblemUnprocessable).Title)
		assert.Equal(t, "zh-Hant", r.Header.Get("Content-Language"), "api.go, idempotent: the 422's headers")
	})
}

// Requests no route serves are answered as problems too.
func TestAPIUnroutedRequestsAreProblems(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		e.receive(t, "RO-2028")
		t.Run("no such route", func(t *testing.T) {
			problem(t, e.do(t, http.MethodPost, "/work-orders/RO-2028/teleport", asChen, nil, J{}), http.StatusNotFound, org.ProblemNotFound)
		})
		t.Run("no such method", func(t *testing.T) {
			r := e.do(t, http.MethodDelete, "/work-orders/RO-2028", asChen, nil, nil)
			require.Equal(t, http.StatusMethodNotAllowed, r.Status)
			assert.Contains(t, r.Header.Get("Allow"), "GET")
			assert.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), "405 body: %q", r.Raw)
		})
	})
}

// ---------------------------------------------------------------------
// 8. Reads as different actors.

func TestAPIReadsByActor(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		o := e.receive(t, "RO-2030")
		o.to(t, "approved", []string{"j1"}, []string{"j2"})

		for _, c := range []struct {
			actor string
			sees  bool
		}{
			{asChen, true},  // the order's advisor
			{asLin, true},   // the advisor's supervisor
			{asAdmin, true}, // the host
			{asWang, false}, // another advisor
			{asWu, false},   // the technician
			{asTsai, false},
		} {
			t.Run(c.actor, func(t *testing.T) {
				v := o.view(t, c.actor)
				assert.Equal(t, "Kao Ming 高明", str(t, v, "customer", "name"), "the name is never hidden")
				phone := str(t, v, "customer", "phone")
				input := at(t, v, "history", 0, "data").(J)
				if c.sees {
					assert.Equal(t, "0912-000-111", phone)
					assert.Contains(t, input, "input", "the history carries the command's input")
				} else {
					assert.Empty(t, phone)
					assert.Equal(t, []string{"from", "to"}, keys(input), "the history is only the state changes")
					assert.NotContains(t, string(e.get(t, "/work-orders/RO-2030", c.actor).Raw), "0912-000-111")
				}
				l := e.get(t, "/work-orders", c.actor)
				require.Equal(t, http.StatusOK, l.Status)
				rows := l.list(t)
				require.Len(t, rows, 1)
				assert.Equal(t, phone, str(t, rows[0], "customer", "phone"), "the list hides what the read hides")
			})
		}

		// The audit trail and outbox are the host's alone.
		evs := e.get(t, "/events", asAdmin)
		require.Equal(t, http.StatusOK, evs.Status)
		assert.NotEmpty(t, evs.list(t))
		assert.Contains(t, strs(t, evs.list(t), "type"), "workorder.receive")
		for _, actor := range []string{asChen, asLin, asWu} {
			problem(t, e.get(t, "/events", actor), http.StatusForbidden, org.ProblemForbidden)
		}
		problem(t, e.get(t, "/events?after=-1", asAdmin), http.StatusBadRequest, org.ProblemInvalid)

		// The roster shows contact data to the employee, their supervisor, admins.
		assert.Equal(t, "0923-456-789", str(t, e.get(t, "/employees/wang", asWang).ok(t, 200), "phone"))
		assert.Equal(t, "0923-456-789", str(t, e.get(t, "/employees/wang", asLin).ok(t, 200), "phone"))
		assert.NotContains(t, e.get(t, "/employees/wang", asChen).ok(t, 200), "phone")

		// A technician reads calendars, which hold no customer data.
		cal := e.get(t, "/calendars/wu/2026-11-02", asTsai).ok(t, http.StatusOK)
		assert.Empty(t, cal["slots"])
	})
}

// ---------------------------------------------------------------------
// 9. Concurrency.

func TestAPIConcurrentIdempotentReceive(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		const n = 8
		body := reception("") // the SDK names the order: a second effect would be a second order
		res := make([]apiResp, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res[i], errs[i] = e.send(t.Context(), http.MethodPost, "/work-orders", asChen, hdr{"Idempotency-Key": "walk-in-0842"}, body)
			}()
		}
		close(start)
		wg.Wait()
		fresh := 0
		for i := range n {
			require.NoError(t, errs[i])
			require.Equalf(t, http.StatusCreated, res[i].Status, "%s", res[i].Raw)
			assert.Equal(t, string(res[0].Raw), string(res[i].Raw), "every answer is the first")
			assert.Equal(t, `"v1"`, res[i].Header.Get("ETag"))
			if res[i].Header.Get("Idempotent-Replayed") != "true" {
				fresh++
			}
		}
		assert.Equal(t, 1, fresh, "one request ran, the others were replayed")
		l := e.get(t, "/work-orders", asChen)
		require.Equal(t, http.StatusOK, l.Status)
		ids := strs(t, l.list(t), "id")
		require.Len(t, ids, 1, "one order")
		assert.Equal(t, str(t, res[0].obj(t), "id"), ids[0])

		// The same key from another advisor is another request.
		r := e.do(t, http.MethodPost, "/work-orders", asWang, hdr{"Idempotency-Key": "walk-in-0842"}, body)
		r.ok(t, http.StatusCreated)
		assert.Empty(t, r.Header.Get("Idempotent-Replayed"))
	})
}

func TestAPIConcurrentSettlement(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		const n = 4
		race := func(t *testing.T, id string, h func(i int) hdr, body func(i int) J) []apiResp {
			res := make([]apiResp, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					res[i], errs[i] = e.send(t.Context(), http.MethodPost, "/work-orders/"+id+"/settle", asChen, h(i), body(i))
				}()
			}
			close(start)
			wg.Wait()
			for _, err := range errs {
				require.NoError(t, err)
			}
			return res
		}

		t.Run("same key", func(t *testing.T) {
			o := e.receive(t, "RO-2040")
			o.to(t, "ready_for_pickup", []string{"j1", "j2"}, nil)
			body := settlement(customerTotal(t, o.preview(t, "")))
			res := race(t, "RO-2040", func(int) hdr { return hdr{"If-Match": o.etag, "Idempotency-Key": "settle-2040"} }, func(int) J { return body })
			fresh := 0
			for _, r := range res {
				require.Equalf(t, http.StatusOK, r.Status, "%s", r.Raw)
				assert.Equal(t, string(res[0].Raw), string(r.Raw))
				if r.Header.Get("Idempotent-Replayed") != "true" {
					fresh++
				}
			}
			assert.Equal(t, 1, fresh)
			evs := e.events(t)
			assert.Equal(t, 1, countEvents(t, evs, "settlement.settled", "settlement/settle-2040"))
			assert.Equal(t, 1, countEvents(t, evs, "workorder.settle", "workorder/RO-2040"))
		})
		t.Run("different keys", func(t *testing.T) {
			o := e.receive(t, "RO-2041")
			o.to(t, "ready_for_pickup", []string{"j1", "j2"}, nil)
			body := settlement(customerTotal(t, o.preview(t, "")))
			res := race(t, "RO-2041", func(i int) hdr { return hdr{"Idempotency-Key": fmt.Sprintf("settle-2041-%d", i)} }, func(int) J { return body })
			settled := 0
			for _, r := range res {
				if r.Status == http.StatusOK {
					settled++
					continue
				}
				p := problem(t, r, http.StatusConflict, org.ProblemInvalidTransition)
				assert.Contains(t, rules(p), "state")
			}
			assert.Equal(t, 1, settled, "one settlement; the others are refused")
			evs := e.events(t)
			assert.Equal(t, 1, countEvents(t, evs, "settlement.settled", "settlement/settle-2041-"))
			assert.Equal(t, 1, countEvents(t, evs, "workorder.settle", "workorder/RO-2041"))
		})
	})
}

// Two clients give a command on the same version at once: one wins, the
// other's If-Match no longer holds, which is 412 whether it lost before or
// during the write.
func TestAPIConcurrentIfMatch(t *testing.T) {
	apiBackends(t, func(t *testing.T, e *apiEnv) {
		for round := range 10 {
			o := e.receive(t, fmt.Sprintf("RO-205%d", round))
			e.clock.Advance(time.Minute)
			o.cmd(t, asChen, "condition", J{"items": []J{{"area": "body", "status": "ok"}}})
			const n = 2
			res := make([]apiResp, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					res[i], errs[i] = e.send(t.Context(), http.MethodPost, "/work-orders/"+o.id+"/notes", asChen, hdr{"If-Match": o.etag},
						J{"text": fmt.Sprintf("note %d", i)})
				}()
			}
			close(start)
			wg.Wait()
			won := 0
			for i := range n {
				require.NoError(t, errs[i])
				if res[i].Status == http.StatusOK {
					won++
					continue
				}
				problem(t, res[i], http.StatusPreconditionFailed, org.ProblemStale)
			}
			assert.Equal(t, 1, won)
			assert.Len(t, arr(t, o.view(t, asChen), "notes"), 1)
		}
	})
}
