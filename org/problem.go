package org

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Blocker is one reason a command is refused: the rule that refuses it, by
// its ID ("R3.2c_booking_needs_an_approved_job", "state", "role"), and
// what it says.
type Blocker struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Rules naming the refusals that are not one of the dealership's rules:
// the record's state, and the actor's role.
const (
	RuleState = "state"
	RuleRole  = "role"
)

// RefusalError is the one refusal of every state machine of servicelane:
// a work order, a complaint, an appraisal cycle and its ratings, a
// training plan and session, a policy decision. It names the record, its
// state, the command and who gave it, and every blocker at once: the
// state, the role and each rule that refuses, not only the first. It
// matches ErrForbidden when the only blockers are roles, else
// ErrInvalidTransition. A command refused so has written nothing.
type RefusalError struct {
	// Op names the package that refused ("servicedesk").
	Op string `json:"op"`
	// Record is the kind of record ("work_order", "complaint", "cycle",
	// "plan", "session", "decision", "settlement").
	Record string `json:"record"`
	// ID is the record's ID (a work order's, a month, a plan's year).
	ID       string    `json:"id"`
	State    string    `json:"state"`
	Command  string    `json:"command"`
	Actor    Actor     `json:"actor"`
	Blockers []Blocker `json:"blockers"`
}

func (e *RefusalError) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s %s", strings.ReplaceAll(e.Record, "_", " "), e.ID)
	if e.State != "" { // a record without states: a customer's data
		fmt.Fprintf(&b, " in state %q", e.State)
	}
	fmt.Fprintf(&b, ": %s", e.Command)
	if e.Actor != (Actor{}) {
		fmt.Fprintf(&b, " by %s", e.Actor)
	}
	b.WriteString(" not allowed")
	for i, bl := range e.Blockers {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", bl.Rule, bl.Message)
	}
	return b.String()
}

// Is matches ErrForbidden when only roles block, else ErrInvalidTransition.
func (e *RefusalError) Is(target error) bool {
	if e.onlyRole() {
		return target == ErrForbidden
	}
	return target == ErrInvalidTransition
}

func (e *RefusalError) onlyRole() bool {
	for _, b := range e.Blockers {
		if b.Rule != RuleRole {
			return false
		}
	}
	return len(e.Blockers) > 0
}

// Refuse is a RefusalError of one blocker: command by actor on the record
// of kind record and ID id, in state, refused by rule with message. op
// names the package ("training").
func Refuse(op, record, id, state, command string, actor Actor, rule, message string) *RefusalError {
	return &RefusalError{Op: op, Record: record, ID: id, State: state, Command: command, Actor: actor,
		Blockers: []Blocker{{Rule: rule, Message: message}}}
}

// Add records one blocker, once.
func (e *RefusalError) Add(rule, message string) {
	for _, b := range e.Blockers {
		if b.Rule == rule && b.Message == message {
			return
		}
	}
	e.Blockers = append(e.Blockers, Blocker{Rule: rule, Message: message})
}

// Err returns e when it has a blocker, or nil.
func (e *RefusalError) Err() error {
	if e == nil || len(e.Blockers) == 0 {
		return nil
	}
	return e
}

// Problem is an error as an API answers it: RFC 9457 problem details, with
// the fields and blockers of servicelane's errors. [ProblemOf] makes one
// of any error the SDK returns. Its texts are safe to show to the caller:
// they never contain SQL, driver text, a DSN or another dealer's data;
// those stay in the error, for the host's logs.
type Problem struct {
	// Type is a URI naming the problem's code: "urn:servicelane:problem:invalid".
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Code is stable and machine readable: one of the Problem* constants.
	Code     string         `json:"code"`
	Fields   []ProblemField `json:"fields,omitempty"`
	Blockers []Blocker      `json:"blockers,omitempty"`
}

// ProblemField is one bad field of a Problem. File, Line and Column place
// it in a configuration file when it came from one.
type ProblemField struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

// The codes of a Problem, with the HTTP status each maps to.
const (
	ProblemInvalid           = "invalid"            // 400: *ValidationError, ErrInvalid
	ProblemForbidden         = "forbidden"          // 403: ErrForbidden, a refusal by role only
	ProblemNotFound          = "not_found"          // 404: ErrNotFound
	ProblemConflict          = "conflict"           // 409: ErrConflict: changed since read; read again and retry
	ProblemAlreadyExists     = "already_exists"     // 409: a *ValidationError whose every field is CodeDuplicate: the record exists
	ProblemInvalidTransition = "invalid_transition" // 409: ErrInvalidTransition, a *RefusalError
	ProblemStale             = "stale_version"      // 412: ErrStale: the ExpectedVersion given is not the record's
	ProblemUnprocessable     = "unprocessable"      // 422: a problem that says so (a bill whose differences need an override)
	ProblemInternal          = "internal"           // 500: anything else: a bug, a failure no store classified
	ProblemUnavailable       = "unavailable"        // 503: ErrUnavailable: the store failed or could not be reached; retry later
)

// Problemer is an error that knows its own Problem: the domain packages'
// error types implement it. [ProblemOf] finds it with errors.As.
type Problemer interface {
	error
	Problem(lang Lang) Problem
}

var problemStatus = map[string]int{
	ProblemInvalid: http.StatusBadRequest, ProblemForbidden: http.StatusForbidden, ProblemNotFound: http.StatusNotFound,
	ProblemConflict: http.StatusConflict, ProblemAlreadyExists: http.StatusConflict, ProblemInvalidTransition: http.StatusConflict,
	ProblemStale: http.StatusPreconditionFailed, ProblemUnprocessable: http.StatusUnprocessableEntity, ProblemInternal: http.StatusInternalServerError,
	ProblemUnavailable: http.StatusServiceUnavailable,
}

var problemTitle = map[string][2]string{
	ProblemInvalid:           {"The input is not valid", "輸入內容不正確"},
	ProblemForbidden:         {"Not allowed for this actor", "此身分無權執行"},
	ProblemNotFound:          {"Not found", "查無資料"},
	ProblemConflict:          {"The record changed since it was read", "資料已被他人更新"},
	ProblemAlreadyExists:     {"The record exists already", "資料已存在"},
	ProblemInvalidTransition: {"Not allowed now", "目前狀態不允許此操作"},
	ProblemStale:             {"The version given is not the record's", "指定的版本不是最新版本"},
	ProblemUnprocessable:     {"Cannot be done as asked", "無法依要求處理"},
	ProblemInternal:          {"Internal error", "系統內部錯誤"},
	ProblemUnavailable:       {"The service is unavailable; try again later", "服務暫時無法使用，請稍後再試"},
}

// NewProblem is the Problem of code in lang, with its status, type and
// title; detail is what the caller is told.
func NewProblem(code string, lang Lang, detail string) Problem {
	status, ok := problemStatus[code]
	if !ok {
		code, status = ProblemInternal, http.StatusInternalServerError
	}
	title := problemTitle[code][0]
	if lang == TraditionalChinese {
		title = problemTitle[code][1]
	}
	return Problem{Type: "urn:servicelane:problem:" + code, Title: title, Status: status, Detail: detail, Code: code}
}

// ProblemOf turns any error the SDK returns into the Problem a server
// answers with, titled in lang (English for any Lang but
// TraditionalChinese). It returns the zero Problem for nil. An error that
// knows its Problem ([Problemer]) gives it; a *ValidationError gives its
// fields; a *RefusalError its blockers; the sentinels their code. The
// detail is the first line of the SDK's own message only for errors whose
// text the SDK controls (validation, refusals); for sentinels it is a
// fixed text, and anything else is an internal error whose detail says
// nothing of its cause: a store's or driver's text never reaches a caller.
// A store's failure is ErrUnavailable (503, "unavailable"), whose detail is
// fixed too; context.Canceled and context.DeadlineExceeded are internal
// errors (500).
func ProblemOf(err error, lang Lang) Problem {
	if err == nil {
		return Problem{}
	}
	if p, ok := errors.AsType[Problemer](err); ok {
		return p.Problem(lang)
	}
	if ve, ok := errors.AsType[*ValidationError](err); ok {
		code, detail := ProblemInvalid, fmt.Sprintf("%s: %d invalid field(s)", ve.Op, len(ve.Fields))
		if len(ve.Fields) > 0 && !slices.ContainsFunc(ve.Fields, func(f FieldError) bool { return f.Code != CodeDuplicate }) {
			code, detail = ProblemAlreadyExists, ve.Op+": the record exists already"
		}
		p := NewProblem(code, lang, detail)
		for _, f := range ve.Fields {
			p.Fields = append(p.Fields, ProblemField(f))
		}
		return p
	}
	if re, ok := errors.AsType[*RefusalError](err); ok {
		code := ProblemInvalidTransition
		if re.onlyRole() {
			code = ProblemForbidden
		}
		detail := fmt.Sprintf("%s %s: %s is not allowed", strings.ReplaceAll(re.Record, "_", " "), re.ID, re.Command)
		if re.State != "" {
			detail += " in state " + re.State
		}
		p := NewProblem(code, lang, detail)
		p.Blockers = append([]Blocker(nil), re.Blockers...)
		return p
	}
	for _, s := range []struct {
		target error
		code   string
		detail string
	}{
		{ErrStale, ProblemStale, "the expected version is not the record's current version: read it again"},
		{ErrNotFound, ProblemNotFound, "no such record for this dealer"},
		{ErrForbidden, ProblemForbidden, "the actor may not do this"},
		{ErrInvalidTransition, ProblemInvalidTransition, "not allowed in the record's current state"},
		{ErrConflict, ProblemConflict, "the record changed since it was read: read it again and retry"},
		{ErrInvalid, ProblemInvalid, "the input is not valid"},
		{ErrUnavailable, ProblemUnavailable, "the store failed or could not be reached: try again later"},
	} {
		if errors.Is(err, s.target) {
			return NewProblem(s.code, lang, s.detail)
		}
	}
	return NewProblem(ProblemInternal, lang, "")
}
