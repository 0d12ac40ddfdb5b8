package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	wiring "github.com/servicelane/servicelane/internal/wire"
	"github.com/servicelane/servicelane/org"
)

// Services are the SDK's services the server serves, wired by the host
// (main.go builds them on one sqlstore).
type Services = wiring.Services

// ActorHeader names who is calling, as org.ParseActor reads it
// ("advisor:chen", "admin:dms").
//
// !!! THIS IS NOT AUTHENTICATION. !!!
// The example trusts the header so that an integrator can click through
// the service lane as anyone. A real host authenticates the caller (its
// session, OAuth token, mTLS certificate) and derives the actor from that
// identity on the server; it never takes the actor from the client. The
// SDK then authorises that actor on every command and read.
const ActorHeader = "X-Servicelane-Actor"

// Server is the reference HTTP API over servicelane: one route per SDK
// command and read, HTTP conventions (ETag and If-Match, Idempotency-Key,
// RFC 9457 problems, Accept-Language) in one place, the board page at /.
type Server struct {
	svc    Services
	mux    *http.ServeMux
	routes []Route
	idem   *idempotency
	log    *slog.Logger
}

// Route is one operation of the API: what the router registers and what
// openapi.json documents, from one table.
type Route struct {
	Method  string
	Pattern string // Go 1.22 pattern without the method: "/v1/dealers/{dealer}/work-orders/{id}/start"
	ID      string // the OpenAPI operationId
	Tag     string
	Summary string
	// Body is the request body's type (nil: none); Result the response's.
	Body   reflect.Type
	Result reflect.Type
	// Status is the status of success (200 when zero).
	Status int
	// IfMatch: the operation takes If-Match as the record's expected version.
	IfMatch bool
	// Idempotent: the operation takes an Idempotency-Key.
	Idempotent bool
	// Query lists the query parameters the operation reads.
	Query []Param
	// NoActor: the operation needs no actor (the OpenAPI document, health).
	NoActor bool
	handle  func(*call) (any, error)
}

// Param is a query parameter.
type Param struct {
	Name, Type, Description string
	Required                bool
}

// NewServer builds the server over svc.
func NewServer(svc Services, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{svc: svc, mux: http.NewServeMux(), idem: newIdempotency(), log: log}
	s.routes = s.apiRoutes()
	allow := map[string][]string{}
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.serve(rt))
		allow[rt.Pattern] = append(allow[rt.Pattern], rt.Method)
	}
	// A path the API has, with a method it has not: 405 with Allow, as a
	// problem; any other path under /v1/: 404, as a problem. The mux's own
	// answers would be text/plain.
	for pattern, methods := range allow {
		s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lang := langOf(r)
			w.Header().Set("Allow", strings.Join(methods, ", "))
			writeProblem(w, lang, org.Problem{Type: "urn:servicelane:problem:method_not_allowed", Title: "Method not allowed", Status: http.StatusMethodNotAllowed,
				Code: "method_not_allowed", Detail: fmt.Sprintf("%s is not a method of %s; allowed: %s", r.Method, r.URL.Path, strings.Join(methods, ", "))})
		}))
	}
	s.mux.Handle("/v1/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := langOf(r)
		writeProblem(w, lang, org.NewProblem(org.ProblemNotFound, lang, "no such route: "+r.Method+" "+r.URL.Path))
	}))
	s.boardRoutes(s.mux)
	return s
}

// writeProblem answers with p as application/problem+json in lang.
func writeProblem(w http.ResponseWriter, lang org.Lang, p org.Problem) {
	body, _ := json.Marshal(p)
	writeRaw(w, p.Status, http.Header{"Content-Type": {"application/problem+json"}, "Content-Language": {string(lang)}}, body)
}

// Routes returns the API's operations, as registered.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// call is one request on its way through the conventions.
type call struct {
	r       *http.Request
	ctx     context.Context
	dealer  org.DealerID
	actor   org.Actor
	lang    org.Lang
	version int64 // from If-Match; 0 when absent
	key     string
	body    []byte
	header  http.Header // response headers the handler adds
	status  int         // overrides the route's status when set
}

// maxBody bounds a request body: the largest input (a price book, a
// policy) is well below it.
const maxBody = 1 << 20

func (s *Server) serve(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{r: r, ctx: r.Context(), dealer: org.DealerID(r.PathValue("dealer")), lang: langOf(r), header: http.Header{}}
		if err := s.prepare(rt, c, w); err != nil {
			s.problem(w, c.lang, err)
			return
		}
		if rt.Idempotent && c.key != "" {
			s.idempotent(w, rt, c)
			return
		}
		status, header, body := s.run(rt, c)
		writeRaw(w, status, header, body)
	})
}

// prepare reads the actor, If-Match, Idempotency-Key and the body.
func (s *Server) prepare(rt Route, c *call, w http.ResponseWriter) error {
	if !rt.NoActor {
		a, err := org.ParseActor(c.r.Header.Get(ActorHeader))
		if ve, ok := errors.AsType[*org.ValidationError](err); ok {
			// The problem names the header the caller sent, as If-Match's does.
			named := &org.ValidationError{Op: "http: " + ActorHeader}
			for _, f := range ve.Fields {
				named.Add(ActorHeader, f.Code, f.Message)
			}
			return named
		}
		if err != nil {
			return err
		}
		c.actor = a
	}
	if rt.IfMatch {
		v, err := parseIfMatch(c.r.Header.Get("If-Match"))
		if err != nil {
			return err
		}
		c.version = v
	}
	if rt.Idempotent {
		c.key = c.r.Header.Get("Idempotency-Key")
		if c.key != "" && !validKey(c.key) {
			return &org.ValidationError{Op: "http: Idempotency-Key", Fields: []org.FieldError{{Path: "Idempotency-Key", Code: org.CodeFormat,
				Message: "must be 1 to 100 letters, digits, '-', '_' or '.'"}}}
		}
	}
	if rt.Body != nil {
		b, err := io.ReadAll(http.MaxBytesReader(w, c.r.Body, maxBody))
		if err != nil {
			return &org.ValidationError{Op: "http: body", Fields: []org.FieldError{{Path: "body", Code: org.CodeRange, Message: fmt.Sprintf("must be at most %d bytes", maxBody)}}}
		}
		c.body = b
	}
	return nil
}

// run calls the handler and renders its result or its problem.
func (s *Server) run(rt Route, c *call) (int, http.Header, []byte) {
	res, err := rt.handle(c)
	if err != nil {
		p := org.ProblemOf(err, c.lang)
		if p.Status >= 500 {
			s.log.ErrorContext(c.ctx, "servicelane http", "operation", rt.ID, "dealer", c.dealer, "actor", c.actor.String(), "error", err)
		}
		body, _ := json.Marshal(p)
		h := http.Header{"Content-Type": {"application/problem+json"}, "Content-Language": {string(c.lang)}}
		return p.Status, h, body
	}
	status := rt.Status
	if c.status != 0 {
		status = c.status
	}
	if status == 0 {
		status = http.StatusOK
	}
	h := c.header.Clone()
	h.Set("Content-Type", "application/json")
	if tag := etagOf(res); tag != "" {
		h.Set("ETag", tag)
	}
	body, err := json.Marshal(res)
	if err != nil {
		s.log.ErrorContext(c.ctx, "servicelane http: encode", "operation", rt.ID, "error", err)
		p := org.NewProblem(org.ProblemInternal, c.lang, "")
		body, _ = json.Marshal(p)
		return p.Status, http.Header{"Content-Type": {"application/problem+json"}}, body
	}
	return status, h, append(body, '\n')
}

func (s *Server) problem(w http.ResponseWriter, lang org.Lang, err error) {
	writeProblem(w, lang, org.ProblemOf(err, lang))
}

func writeRaw(w http.ResponseWriter, status int, h http.Header, body []byte) {
	for k, vs := range h {
		w.Header()[k] = vs
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// decode reads the call's JSON body into a T, refusing unknown fields and
// trailing data, so a misspelt field is an error rather than a silent
// default.
func decode[T any](c *call) (T, error) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, badJSON(err)
	}
	if dec.More() {
		return v, badJSON(errors.New("more than one JSON value"))
	}
	return v, nil
}

func badJSON(err error) error {
	path := "body"
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		path = te.Field
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		if name, err := strconv.Unquote(f); err == nil {
			path, msg = name, "is not a field of this input"
		}
	}
	if errors.Is(err, io.EOF) {
		msg = "a JSON body is required"
	}
	return &org.ValidationError{Op: "http: body", Fields: []org.FieldError{{Path: path, Code: org.CodeFormat, Message: strings.TrimPrefix(msg, "json: ")}}}
}

// langOf picks the language of explanations and problems from
// Accept-Language: Traditional Chinese when the caller prefers zh-Hant
// (or zh-TW, zh-HK), English otherwise.
func langOf(r *http.Request) org.Lang {
	best, bestQ := org.English, -1.0
	for part := range strings.SplitSeq(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(tag)
		var l org.Lang
		switch {
		case tag == "zh-hant" || strings.HasPrefix(tag, "zh-hant-") || tag == "zh-tw" || tag == "zh-hk" || tag == "zh-mo":
			l = org.TraditionalChinese
		case tag == "en" || strings.HasPrefix(tag, "en-") || tag == "*":
			l = org.English
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// etagOf is the strong entity tag of a record: its version ("v3"). A
// record's version advances on every write, so the tag changes exactly
// when the record does. Lists and other results carry none.
func etagOf(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return ""
	}
	f := rv.FieldByName("Version")
	if !f.IsValid() || f.Kind() != reflect.Int64 || f.Int() == 0 {
		return ""
	}
	return fmt.Sprintf(`"v%d"`, f.Int())
}

// parseIfMatch reads If-Match as the expected version: `"v3"` is version
// 3; absent or `*` is none (the SDK then writes over whatever it read).
// A weak tag or a list is refused: If-Match compares strongly (RFC 9110).
func parseIfMatch(h string) (int64, error) {
	h = strings.TrimSpace(h)
	if h == "" || h == "*" {
		return 0, nil
	}
	bad := &org.ValidationError{Op: "http: If-Match", Fields: []org.FieldError{{Path: "If-Match", Code: org.CodeFormat,
		Message: `must be one strong entity tag from an ETag, such as "v3"`}}}
	inner, ok := strings.CutPrefix(h, `"v`)
	if !ok {
		return 0, bad
	}
	inner, ok = strings.CutSuffix(inner, `"`)
	if !ok {
		return 0, bad
	}
	v, err := strconv.ParseInt(inner, 10, 64)
	if err != nil || v <= 0 {
		return 0, bad
	}
	return v, nil
}

func validKey(k string) bool {
	if len(k) == 0 || len(k) > 100 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// idempotency remembers the answer to each Idempotency-Key, so a client
// that retries a POST after a lost response gets the first answer, not a
// second effect. It lives in this process: a host running several
// instances keeps it in its database. Settlement needs none of it: the
// key goes to the SDK as SettleInput.Key, which the store keeps with the
// settlement (R3.4d), across restarts.
type idempotency struct {
	mu   sync.Mutex
	seen map[string]*answer
	// order is the keys by first use, for forgetting them after keyTTL.
	order []keyAt
}

type keyAt struct {
	scope string
	at    time.Time
}

// keyTTL is how long a key's answer is remembered: retries come within
// minutes; a day covers a client that comes back after an outage.
const keyTTL = 24 * time.Hour

// forget drops the answers older than keyTTL. The caller holds mu.
func (m *idempotency) forget(now time.Time) {
	n := 0
	for n < len(m.order) && now.Sub(m.order[n].at) > keyTTL {
		if a, ok := m.seen[m.order[n].scope]; ok && a.at.Equal(m.order[n].at) {
			delete(m.seen, m.order[n].scope)
		}
		n++
	}
	m.order = m.order[n:]
}

type answer struct {
	at          time.Time
	done        chan struct{}
	fingerprint [32]byte
	status      int
	header      http.Header
	body        []byte
}

func newIdempotency() *idempotency { return &idempotency{seen: map[string]*answer{}} }

// idempotent answers a call with a key: the first call runs; a repeat with
// the same request gets the first answer again (with Idempotent-Replayed:
// true); a repeat with another request is refused with 422; a repeat
// while the first still runs waits for it. A failed call (4xx or 5xx) is
// not remembered: the client may fix the request and send it again.
func (s *Server) idempotent(w http.ResponseWriter, rt Route, c *call) {
	scope := strings.Join([]string{string(c.dealer), c.actor.String(), c.key}, "\x00")
	fp := sha256.Sum256([]byte(c.r.Method + " " + c.r.URL.Path + "\x00" + string(c.body)))
	for {
		s.idem.mu.Lock()
		now := time.Now()
		s.idem.forget(now)
		a, ok := s.idem.seen[scope]
		if !ok {
			a = &answer{at: now, done: make(chan struct{}), fingerprint: fp}
			s.idem.seen[scope] = a
			s.idem.order = append(s.idem.order, keyAt{scope: scope, at: now})
			s.idem.mu.Unlock()
			a.status, a.header, a.body = s.run(rt, c)
			s.idem.mu.Lock()
			if a.status >= 400 {
				delete(s.idem.seen, scope)
			}
			close(a.done)
			s.idem.mu.Unlock()
			writeRaw(w, a.status, a.header, a.body)
			return
		}
		s.idem.mu.Unlock()
		select {
		case <-a.done:
		case <-c.ctx.Done():
			return
		}
		if a.status >= 400 {
			continue // the first failed and was forgotten: run this one
		}
		if a.fingerprint != fp {
			writeProblem(w, c.lang, org.NewProblem(org.ProblemUnprocessable, c.lang, "this Idempotency-Key was used for another request; use a new key for a new request"))
			return
		}
		h := a.header.Clone()
		h.Set("Idempotent-Replayed", "true")
		writeRaw(w, a.status, h, a.body)
		return
	}
}
