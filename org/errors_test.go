package org_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		fields []org.FieldError
		want   string
	}{
		{"no_fields", nil, "org: add employee: invalid input"},
		{"one_field", []org.FieldError{{Path: "name", Code: org.CodeRequired, Message: "is required"}},
			"org: add employee: invalid input: name: is required (required)"},
		{"fields_in_order", []org.FieldError{
			{Path: "name", Code: org.CodeRequired, Message: "is required"},
			{Path: "lines[2].qty", Code: org.CodeRange, Message: "must be at least 1"},
			{Path: "role", Code: org.CodeUnknown, Message: "must be one of [a b]"},
		}, "org: add employee: invalid input: name: is required (required); lines[2].qty: must be at least 1 (out_of_range); role: must be one of [a b] (unknown_value)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ve := &org.ValidationError{Op: "org: add employee", Fields: c.fields}
			assert.Equal(t, c.want, ve.Error())
		})
	}
}

func TestValidationErrorMatching(t *testing.T) {
	t.Parallel()
	ve := &org.ValidationError{Op: "org: test"}
	ve.Add("name", org.CodeRequired, "is required")
	wrapped := fmt.Errorf("handler: %w", ve)

	assert.ErrorIs(t, ve, org.ErrInvalid)
	assert.ErrorIs(t, wrapped, org.ErrInvalid)
	for _, other := range []error{org.ErrNotFound, org.ErrConflict, org.ErrForbidden, org.ErrInvalidTransition} {
		assert.NotErrorIs(t, wrapped, other)
	}
	var got *org.ValidationError
	require.ErrorAs(t, wrapped, &got)
	assert.Same(t, ve, got)
	assert.True(t, errors.Is(errors.Join(errors.New("other"), ve), org.ErrInvalid))
}

func TestValidationErrorErr(t *testing.T) {
	t.Parallel()
	var nilVE *org.ValidationError
	assert.NoError(t, nilVE.Err(), "a nil *ValidationError")
	empty := &org.ValidationError{Op: "org: test"}
	assert.NoError(t, empty.Err(), "no fields")
	// Err must return an untyped nil: a typed nil in an error is not nil.
	assert.True(t, empty.Err() == nil)

	empty.Add("name", org.CodeRequired, "is required")
	assert.Same(t, empty, empty.Err())
	assert.Equal(t, []org.FieldError{{Path: "name", Code: org.CodeRequired, Message: "is required"}}, empty.Fields)
}

func TestValidationErrorHas(t *testing.T) {
	t.Parallel()
	ve := &org.ValidationError{}
	assert.False(t, ve.Has("name"))
	ve.Add("name", org.CodeRequired, "is required")
	assert.True(t, ve.Has("name"))
	assert.False(t, ve.Has("nam"))
	assert.False(t, ve.Has(""))
}

func TestFieldErrorOf(t *testing.T) {
	t.Parallel()
	ve := &org.ValidationError{Op: "org: test"}
	ve.Add("email", org.CodeFormat, "must be an e-mail address")
	ve.Add("role", org.CodeUnknown, "first")
	ve.Add("role", org.CodeSecondHolder, "second")

	for _, c := range []struct {
		name string
		err  error
		path string
		want org.FieldError
		ok   bool
	}{
		{"named_path", ve, "email", org.FieldError{Path: "email", Code: org.CodeFormat, Message: "must be an e-mail address"}, true},
		{"first_of_two", ve, "role", org.FieldError{Path: "role", Code: org.CodeUnknown, Message: "first"}, true},
		{"wrapped", fmt.Errorf("x: %w", ve), "email", org.FieldError{Path: "email", Code: org.CodeFormat, Message: "must be an e-mail address"}, true},
		{"path_not_named", ve, "name", org.FieldError{}, false},
		{"not_a_validation_error", org.ErrInvalid, "email", org.FieldError{}, false},
		{"nil", nil, "email", org.FieldError{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, ok := org.FieldErrorOf(c.err, c.path)
			assert.Equal(t, c.ok, ok)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestValidationErrorJSON(t *testing.T) {
	t.Parallel()
	ve := &org.ValidationError{Op: "org: test"}
	ve.Add("name", org.CodeRequired, "is required")
	b, err := json.Marshal(ve)
	require.NoError(t, err)
	assert.JSONEq(t, `{"op":"org: test","fields":[{"path":"name","code":"required","message":"is required"}]}`, string(b))
}

// TestCodesAreStable: hosts switch on the codes; renaming one breaks them.
func TestCodesAreStable(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]string{
		org.CodeRequired: "required", org.CodeTooLong: "too_long", org.CodeTooShort: "too_short",
		org.CodeFormat: "invalid_format", org.CodeUnknown: "unknown_value", org.CodeRange: "out_of_range",
		org.CodeInvalid: "invalid", org.CodeDuplicate: "duplicate", org.CodeNotFound: "not_found",
		org.CodeInactive: "inactive", org.CodeSelfReference: "self_reference", org.CodeCycle: "cycle",
		org.CodeSecondHolder: "second_holder", org.CodeHasReports: "has_reports", org.CodeStale: "stale_version",
	} {
		assert.Equal(t, want, code)
	}
}

func TestSentinelsAreDistinct(t *testing.T) {
	t.Parallel()
	all := []error{org.ErrNotFound, org.ErrConflict, org.ErrForbidden, org.ErrInvalid, org.ErrInvalidTransition, org.ErrUnavailable}
	for i, a := range all {
		for j, b := range all {
			assert.Equal(t, i == j, errors.Is(a, b), "%v vs %v", a, b)
		}
	}
}

// TestProblemOf_issue15_store_unavailable_is_503: a store's failure is
// ErrUnavailable, wrapped around the driver's error; ProblemOf answers 503
// "unavailable" with a fixed detail, never the driver's text. Every other
// sentinel keeps its mapping, and a context error stays an internal error.
func TestProblemOf_issue15_store_unavailable_is_503(t *testing.T) {
	t.Parallel()
	const driverText = "dial tcp 10.0.0.7:5432: connect: connection refused; postgres://app:secret@db/dms"
	driver := errors.New(driverText)
	for _, c := range []struct {
		name   string
		err    error
		status int
		code   string
		titles [2]string
	}{
		{"unavailable", fmt.Errorf("sqlstore: dealer d1: employee e1: %w: %w", org.ErrUnavailable, driver), 503, org.ProblemUnavailable,
			[2]string{"The service is unavailable; try again later", "服務暫時無法使用，請稍後再試"}},
		{"unavailable_bare", org.ErrUnavailable, 503, org.ProblemUnavailable,
			[2]string{"The service is unavailable; try again later", "服務暫時無法使用，請稍後再試"}},
		{"invalid_from_a_driver", fmt.Errorf("sqlstore: commit: %w: %w", org.ErrInvalid, driver), 400, org.ProblemInvalid,
			[2]string{"The input is not valid", "輸入內容不正確"}},
		{"conflict_from_a_driver", fmt.Errorf("sqlstore: commit: %w: %w", org.ErrConflict, driver), 409, org.ProblemConflict,
			[2]string{"The record changed since it was read", "資料已被他人更新"}},
		{"not_found", fmt.Errorf("x: %w", org.ErrNotFound), 404, org.ProblemNotFound, [2]string{"Not found", "查無資料"}},
		{"forbidden", org.ErrForbidden, 403, org.ProblemForbidden, [2]string{"Not allowed for this actor", "此身分無權執行"}},
		{"invalid_transition", org.ErrInvalidTransition, 409, org.ProblemInvalidTransition, [2]string{"Not allowed now", "目前狀態不允許此操作"}},
		{"stale", org.ErrStale, 412, org.ProblemStale, [2]string{"The version given is not the record's", "指定的版本不是最新版本"}},
		{"canceled", fmt.Errorf("sqlstore: commit: %w: %w", context.Canceled, driver), 500, org.ProblemInternal,
			[2]string{"Internal error", "系統內部錯誤"}},
		{"deadline", fmt.Errorf("sqlstore: commit: %w", context.DeadlineExceeded), 500, org.ProblemInternal,
			[2]string{"Internal error", "系統內部錯誤"}},
		{"unclassified", driver, 500, org.ProblemInternal, [2]string{"Internal error", "系統內部錯誤"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for i, lang := range []org.Lang{org.English, org.TraditionalChinese} {
				p := org.ProblemOf(c.err, lang)
				assert.Equal(t, c.status, p.Status)
				assert.Equal(t, c.code, p.Code)
				assert.Equal(t, "urn:servicelane:problem:"+c.code, p.Type)
				assert.Equal(t, c.titles[i], p.Title)
				assert.NotContains(t, p.Detail, "5432")
				assert.NotContains(t, p.Detail, "secret")
			}
		})
	}
	assert.Equal(t, "unavailable", org.ProblemUnavailable, "hosts switch on the code")
	assert.Equal(t, 503, org.NewProblem(org.ProblemUnavailable, org.English, "").Status)
	assert.ErrorIs(t, fmt.Errorf("%w: %w", org.ErrUnavailable, driver), driver, "the cause stays for the logs")
}

// TestRefusal_of_a_record_without_states: a refusal about a record that has
// no states (a customer's data, R7.2d) says no "in state" in its message or
// its problem's detail; one with a state says it.
func TestRefusal_of_a_record_without_states(t *testing.T) {
	t.Parallel()
	bl := []org.Blocker{{Rule: "R7.2d_erase_after_orders_end", Message: "work order RO-1 is received"}}
	stateless := &org.RefusalError{Op: "servicedesk", Record: "customer", ID: "dsr-1", Command: "erase_customer", Actor: org.Admin("dms"), Blockers: bl}
	assert.Equal(t, "servicedesk: customer dsr-1: erase_customer by admin:dms not allowed: R7.2d_erase_after_orders_end: work order RO-1 is received", stateless.Error())
	assert.Equal(t, "customer dsr-1: erase_customer is not allowed", org.ProblemOf(stateless, org.English).Detail)
	stated := &org.RefusalError{Op: "servicedesk", Record: "work_order", ID: "RO-1", State: "received", Command: "start", Blockers: bl}
	assert.Equal(t, `servicedesk: work order RO-1 in state "received": start not allowed: R7.2d_erase_after_orders_end: work order RO-1 is received`, stated.Error())
	assert.Equal(t, "work order RO-1: start is not allowed in state received", org.ProblemOf(stated, org.English).Detail)
}
