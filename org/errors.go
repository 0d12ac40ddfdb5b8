package org

import (
	"errors"
	"fmt"
	"strings"

	"github.com/servicelane/servicelane/internal/validate"
)

// Sentinel errors shared by every servicelane package and every store. Match
// them with errors.Is; the messages may change, the sentinels do not. Domain
// packages re-export them under their own names (servicedesk.ErrNotFound is
// org.ErrNotFound), so either name matches.
var (
	// ErrNotFound: the record does not exist for this dealer. A record of
	// another dealer is, for the caller, not found.
	ErrNotFound = errors.New("servicelane: not found")
	// ErrConflict: the record changed since it was read (its version moved),
	// or a record being created already exists. Read again and retry.
	ErrConflict = errors.New("servicelane: conflict: the record changed since it was read")
	// ErrForbidden: the actor's role does not allow the command.
	ErrForbidden = errors.New("servicelane: forbidden")
	// ErrInvalid: the input is malformed or breaks a rule about its values.
	// Every *ValidationError matches it.
	ErrInvalid = errors.New("servicelane: invalid input")
	// ErrInvalidTransition: the command is not allowed in the record's
	// current state. Every *RefusalError that is not a matter of role
	// matches it.
	ErrInvalidTransition = errors.New("servicelane: invalid transition")
	// ErrStale: the ExpectedVersion the caller gave is not the record's
	// current version: someone changed it since the caller read it. It
	// matches ErrConflict too. An HTTP server answers 412.
	ErrStale error = &conflictKind{"servicelane: stale version: the record is not at the version expected"}
	// ErrUnavailable: the store failed or could not be reached (a
	// connection refused or broken, a database closed, locked, full or
	// failing its disk). The command may be retried: it wrote nothing that a
	// retry would write twice. A store wraps its driver's error in it, for
	// the host's logs. An HTTP server answers 503.
	ErrUnavailable = errors.New("servicelane: store unavailable")
)

// conflictKind is a kind of ErrConflict with its own sentinel. (A record
// created with an ID that exists is not one: every package refuses it as
// a *ValidationError whose field, the ID's path, has CodeDuplicate.)
type conflictKind struct{ msg string }

func (e *conflictKind) Error() string { return e.msg }

// Is matches ErrConflict.
func (e *conflictKind) Is(target error) bool { return target == ErrConflict }

// Codes of FieldError, machine readable and stable. Hosts translate or
// highlight fields by them.
const (
	CodeRequired = validate.CodeRequired
	CodeTooLong  = validate.CodeTooLong
	CodeTooShort = validate.CodeTooShort
	CodeFormat   = validate.CodeFormat
	CodeUnknown  = validate.CodeUnknown
	CodeRange    = validate.CodeRange
	CodeInvalid  = validate.CodeInvalid
	// CodeControl: a NUL, a control character, or a line break in a
	// one-line field (the one text policy of docs/CONVENTIONS.md, "Text";
	// text that is not UTF-8 is CodeFormat).
	CodeControl = validate.CodeControl
	// CodePlaces: a number with more decimal places than its field keeps
	// (every input decimal: at most 4; docs/CONVENTIONS.md, "Input bounds").
	CodePlaces        = validate.CodePlaces
	CodeDuplicate     = "duplicate"
	CodeNotFound      = "not_found"
	CodeInactive      = "inactive"
	CodeSelfReference = "self_reference"
	CodeCycle         = "cycle"
	CodeSecondHolder  = "second_holder"
	CodeHasReports    = "has_reports"
	CodeStale         = "stale_version"
)

// FieldError is one bad field: its path in JSON names ("contact.email",
// "lines[2].qty"), a machine-readable code and an English message.
type FieldError struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// File, Line and Column place the field in a configuration file (a
	// price book, a plan, a policy) when it was loaded from one.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// Where is the field as a person reads it: its path, after the place in
// the file when it came from one ("pricebook.yaml:7:7: labor.rates[0].rate").
func (f FieldError) Where() string {
	if f.File == "" {
		return f.Path
	}
	var b strings.Builder
	b.WriteString(f.File)
	if f.Line > 0 {
		fmt.Fprintf(&b, ":%d", f.Line)
		if f.Column > 0 {
			fmt.Fprintf(&b, ":%d", f.Column)
		}
	}
	if f.Path != "" {
		b.WriteString(": ")
		b.WriteString(f.Path)
	}
	return b.String()
}

// ValidationError lists every bad field of one command. A command that
// returns it has written nothing. It matches ErrInvalid with errors.Is; get
// it with errors.As to read the fields.
type ValidationError struct {
	// Op names the package and command, such as "org: add employee".
	Op     string       `json:"op"`
	Fields []FieldError `json:"fields"`
}

// Error lists every field: "org: add employee: invalid input: name: is required; role: ...".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": invalid input")
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Where())
		b.WriteString(": ")
		b.WriteString(f.Message)
		b.WriteString(" (")
		b.WriteString(f.Code)
		b.WriteString(")")
	}
	return b.String()
}

// Is reports ErrInvalid as matching, so errors.Is(err, ErrInvalid) holds.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Add records one bad field.
func (e *ValidationError) Add(path, code, message string) {
	e.Fields = append(e.Fields, FieldError{Path: path, Code: code, Message: message})
}

// Has reports whether path has a problem already, so that a later check does
// not pile a second message on a field that is already wrong.
func (e *ValidationError) Has(path string) bool {
	for _, f := range e.Fields {
		if f.Path == path {
			return true
		}
	}
	return false
}

// Err returns e when it lists a field, or nil.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// FieldErrorOf returns the first FieldError of err for path, if err is a
// *ValidationError that names path: its Path, or for a field of a file,
// its Where ("plan.yaml:3:1: kpis").
func FieldErrorOf(err error, path string) (FieldError, bool) {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return FieldError{}, false
	}
	for _, f := range ve.Fields {
		if f.Path == path || f.File != "" && f.Where() == path {
			return f, true
		}
	}
	return FieldError{}, false
}
