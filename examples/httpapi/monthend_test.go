package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
)

// The month-end over HTTP is the SDK's own call (monthend.Run): the
// supervisor runs it; running again continues and writes nothing twice;
// an admin is refused (R2.2); a month without a cycle is a 409 naming
// R6.2.
func TestMonthEndRoute(t *testing.T) {
	srv, _ := openAPIServer(t)
	call := func(actor, path, body string) (int, map[string]any) {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set(ActorHeader, actor)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var out map[string]any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
		return rec.Code, out
	}
	plan, err := json.Marshal(map[string]any{"month": "2026-11", "plan": appraisal.DefaultPlan()})
	require.NoError(t, err)
	status, body := call("supervisor:lin", "/v1/dealers/demo/month-end", `{"month":"2026-11"}`)
	require.Equal(t, http.StatusConflict, status, "%v", body)
	assert.Contains(t, body["blockers"].([]any)[0].(map[string]any)["rule"], "R6.2")
	status, body = call("supervisor:lin", "/v1/dealers/demo/appraisal/cycles", string(plan))
	require.Equal(t, http.StatusCreated, status, "%v", body)
	status, body = call("admin:dms", "/v1/dealers/demo/month-end", `{"month":"2026-11"}`)
	require.Equal(t, http.StatusForbidden, status, "%v", body)
	status, body = call("supervisor:lin", "/v1/dealers/demo/month-end", `{"month":"2026-11"}`)
	require.Equal(t, http.StatusOK, status, "%v", body)
	assert.Equal(t, string(appraisal.CycleFinalized), body["state"])
	assert.Len(t, body["advisors"], 2, "chen and wang, with zeros and notes")
	assert.Contains(t, body["text"], "Month-end of 2026-11 for demo")
	status, body = call("supervisor:lin", "/v1/dealers/demo/month-end", `{"month":"2026-11"}`)
	require.Equal(t, http.StatusOK, status, "%v", body)
	for _, s := range body["steps"].([]any)[:3] {
		assert.Equal(t, true, s.(map[string]any)["skipped"])
	}
}

// Careers over HTTP (R5.5): the supervisor proposes, management decides
// with a reason, and an approval changes the roster; a second supervisor
// of a department is refused at the decision (R2.1).
func TestCareerMoveRoutes(t *testing.T) {
	srv, _ := openAPIServer(t)
	call := func(method, actor, path, body string) (int, map[string]any) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set(ActorHeader, actor)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var out map[string]any
		if rec.Body.Len() > 0 && rec.Body.Bytes()[0] == '{' {
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
		}
		return rec.Code, out
	}
	status, body := call(http.MethodPost, "supervisor:lin", "/v1/dealers/demo/career-moves",
		`{"id":"mv1","employee":"wang","kind":"transfer","to":{"department":"workshop"},"reason":"wants to train as a technician"}`)
	require.Equal(t, http.StatusCreated, status, "%v", body)
	status, body = call(http.MethodPost, "supervisor:lin", "/v1/dealers/demo/career-moves/mv1/decision", `{"approve":true,"reason":"ok"}`)
	require.Equal(t, http.StatusForbidden, status, "management decides, not the supervisor: %v", body)
	status, body = call(http.MethodPost, "admin:hr", "/v1/dealers/demo/career-moves/mv1/decision", `{"approve":true,"reason":"workshop needs hands"}`)
	require.Equal(t, http.StatusOK, status, "%v", body)
	assert.Equal(t, "approved", body["state"])
	status, body = call(http.MethodGet, "admin:hr", "/v1/dealers/demo/employees/wang", "")
	require.Equal(t, http.StatusOK, status, "%v", body)
	assert.Equal(t, "workshop", body["department"], "the roster changed with the decision")

	status, body = call(http.MethodPost, "supervisor:lin", "/v1/dealers/demo/career-moves",
		`{"id":"mv2","employee":"chen","kind":"promotion","to":{"role":"supervisor"},"reason":"leads the front desk"}`)
	require.Equal(t, http.StatusCreated, status, "%v", body)
	status, body = call(http.MethodPost, "admin:hr", "/v1/dealers/demo/career-moves/mv2/decision", `{"approve":true,"reason":"promote"}`)
	assert.Equal(t, http.StatusBadRequest, status, "R2.1: the department has its supervisor: %v", body)
	req := httptest.NewRequest(http.MethodGet, "/v1/dealers/demo/employees/chen/career-moves", nil)
	req.Header.Set(ActorHeader, "advisor:chen")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), `"state":"proposed"`, "chen sees their own history")
}
