package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
)

var update = flag.Bool("update", false, "write openapi.json from the route table")

// openAPIServer is the server on a seeded SQLite store, with a clock on
// Monday 2 November 2026, 08:30 in Taipei.
func openAPIServer(t *testing.T) (*Server, *org.ManualClock) {
	t.Helper()
	clock := org.NewManualClock(time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC))
	svc, err := wire(testdb.SQLite(t), clock, nil)
	require.NoError(t, err)
	require.NoError(t, seedDemo(t.Context(), svc, "demo"))
	return NewServer(svc, nil), clock
}

// TestOpenAPIIsTheRouteTable: the document kept in the repository is what
// the route table generates, so no route is undocumented and no
// documented route is missing; -update writes it.
func TestOpenAPIIsTheRouteTable(t *testing.T) {
	srv, _ := openAPIServer(t)
	got, err := GenerateOpenAPI(srv.Routes())
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile("openapi.json", got, 0o644))
	}
	want, err := os.ReadFile("openapi.json")
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "openapi.json is not the route table's document: go test ./examples/httpapi -run OpenAPI -update")

	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(got, &doc))
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, rt := range srv.Routes() {
		registered[rt.Method+" "+pathTemplate(rt.Pattern)] = true
	}
	assert.Equal(t, registered, documented)
}

// TestOpenAPIDocumentIsValid validates the document against the OpenAPI
// 3.1 specification.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc, err := libopenapi.NewDocument(openAPIJSON)
	require.NoError(t, err)
	v, errs := validator.NewValidator(doc)
	require.Empty(t, errs)
	ok, verrs := v.ValidateDocument()
	for _, e := range verrs {
		t.Errorf("%s: %s (%s)", e.ValidationType, e.Message, e.Reason)
	}
	assert.True(t, ok)
}

// TestEveryDocumentedRouteIsServed sends a request to each documented
// operation: the mux routes each one to its handler (an answer from the
// API, JSON or a problem), never its own 404 or 405 text.
func TestEveryDocumentedRouteIsServed(t *testing.T) {
	srv, _ := openAPIServer(t)
	for _, rt := range srv.Routes() {
		path := pathParam.ReplaceAllStringFunc(rt.Pattern, func(p string) string {
			if p == "{dealer}" {
				return "demo"
			}
			return "x"
		})
		req := httptest.NewRequest(rt.Method, path, strings.NewReader("{}"))
		req.Header.Set(ActorHeader, "advisor:chen")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		ct := rec.Header().Get("Content-Type")
		assert.True(t, ct == "application/json" || ct == "application/problem+json", "%s %s: answered %d %q by the mux, not the API", rt.Method, path, rec.Code, ct)
	}
}

// TestOpenAPIRequestsAndResponses validates real requests and the
// server's answers, successes and problems, against the document.
func TestOpenAPIRequestsAndResponses(t *testing.T) {
	srv, _ := openAPIServer(t)
	doc, err := libopenapi.NewDocument(openAPIJSON)
	require.NoError(t, err)
	v, errs := validator.NewValidator(doc)
	require.Empty(t, errs)
	chen, wu := "advisor:chen", "technician:wu"
	steps := []struct {
		name, method, path, actor, body, ifMatch string
		status                                   int
	}{
		{"dealer", "GET", "/v1/dealers/demo", chen, "", "", 200},
		{"roster", "GET", "/v1/dealers/demo/employees", chen, "", "", 200},
		{"employee", "GET", "/v1/dealers/demo/employees/wu", chen, "", "", 200},
		{"receive", "POST", "/v1/dealers/demo/work-orders", chen,
			`{"id":"RO-1","channel":"walk_in","transport":"waiter","customer":{"name":"Kao Ming","phone":"0912-000-111"},` +
				`"vehicle":{"make":"Toyota","model":"Corolla","year":2021,"plate":"ABC-1234","mileage_in":42000},"concerns":["brakes squeal"]}`, "", 201},
		{"receive_again_is_a_problem", "POST", "/v1/dealers/demo/work-orders", chen,
			`{"id":"RO-1","channel":"walk_in","transport":"waiter","customer":{"name":"Kao Ming","phone":"0912-000-111"},"vehicle":{"make":"Toyota","model":"Corolla","year":2021,"plate":"ABC-1234","mileage_in":42000},"concerns":["x"]}`, "", 409},
		{"order", "GET", "/v1/dealers/demo/work-orders/RO-1", chen, "", "", 200},
		{"orders", "GET", "/v1/dealers/demo/work-orders?state=received", chen, "", "", 200},
		{"customer_export", "POST", "/v1/dealers/demo/customers/export", "admin:dms", `{"request":"dsr-1","phone":"0912 000 111"}`, "", 200},
		{"customer_export_advisor_forbidden", "POST", "/v1/dealers/demo/customers/export", chen, `{"request":"dsr-1","phone":"0912 000 111"}`, "", 403},
		{"customer_export_names_no_one", "POST", "/v1/dealers/demo/customers/export", "admin:dms", `{"request":"dsr-1"}`, "", 400},
		{"customer_export_unknown", "POST", "/v1/dealers/demo/customers/export", "admin:dms", `{"request":"dsr-1","email":"nobody@example.com"}`, "", 404},
		{"customer_erase_while_order_open", "POST", "/v1/dealers/demo/customers/erase", "admin:dms", `{"customer":{"request":"dsr-1","work_order":"RO-1"},"reason":"request"}`, "", 409},
		{"condition", "POST", "/v1/dealers/demo/work-orders/RO-1/condition", chen, `{"items":[{"area":"body","status":"ok"}]}`, `"v1"`, 200},
		{"stale", "POST", "/v1/dealers/demo/work-orders/RO-1/acknowledge", chen, `{"by":"Kao Ming"}`, `"v1"`, 412},
		{"start_refused_with_blockers", "POST", "/v1/dealers/demo/work-orders/RO-1/start", wu, "", "", 409},
		{"forbidden", "POST", "/v1/dealers/demo/work-orders", wu, `{"customer":{"name":"X"}}`, "", 403},
		{"invalid", "POST", "/v1/dealers/demo/work-orders", chen, `{"customer":{"name":""}}`, "", 400},
		{"calendar", "GET", "/v1/dealers/demo/calendars/wu/2026-11-02", chen, "", "", 200},
		{"price_book", "GET", "/v1/dealers/demo/price-book", chen, "", "", 200},
		{"figures", "GET", "/v1/dealers/demo/figures?month=2026-11", "supervisor:lin", "", "", 200},
		{"events", "GET", "/v1/dealers/demo/events?after=0&limit=5", "admin:dms", "", "", 200},
		{"openapi", "GET", "/openapi.json", "", "", "", 200},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var body io.Reader
			if s.body != "" {
				body = strings.NewReader(s.body)
			}
			req := httptest.NewRequest(s.method, s.path, body)
			if s.actor != "" {
				req.Header.Set(ActorHeader, s.actor)
			}
			if s.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if s.ifMatch != "" {
				req.Header.Set("If-Match", s.ifMatch)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			require.Equal(t, s.status, rec.Code, rec.Body.String())
			resp := rec.Result()
			respBody := rec.Body.Bytes()
			resp.Body = io.NopCloser(bytes.NewReader(respBody))
			vreq := httptest.NewRequest(s.method, s.path, strings.NewReader(s.body))
			vreq.Header = req.Header.Clone()
			ok, verrs := v.ValidateHttpRequestResponse(vreq, resp)
			for _, e := range verrs {
				t.Errorf("%s %s: %s: %s (%s)", s.method, s.path, e.ValidationType, e.Message, e.Reason)
				for _, se := range e.SchemaValidationErrors {
					t.Errorf("  %s at %s: %s", se.Reason, se.KeywordLocation, se.FieldPath)
				}
			}
			assert.True(t, ok, "%s", respBody)
		})
	}
}

func TestPathTemplate(t *testing.T) {
	assert.Equal(t, "/v1/dealers/{dealer}/decisions/{key}", pathTemplate("/v1/dealers/{dealer}/decisions/{key...}"))
	assert.Equal(t, []string{"dealer", "key"}, pathParams("/v1/dealers/{dealer}/decisions/{key...}"))
}
