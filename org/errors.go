package org

import (
	"errors"
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
	// current state.
	ErrInvalidTransition = errors.New("servicelane: invalid transition")
)

// Codes of FieldError, machine readable and stable. Hosts translate or
// highlight fields by them.
const (
	CodeRequired      = validate.CodeRequired
	CodeTooLong       = validate.CodeTooLong
	CodeTooShort      = validate.CodeTooShort
	CodeFormat        = validate.CodeFormat
	CodeUnknown       = validate.CodeUnknown
	CodeRange         = validate.CodeRange
	CodeInvalid       = validate.CodeInvalid
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
		b.WriteString(f.Path)
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
// *ValidationError that names path.
func FieldErrorOf(err error, path string) (FieldError, bool) {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return FieldError{}, false
	}
	for _, f := range ve.Fields {
		if f.Path == path {
			return f, true
		}
	}
	return FieldError{}, false
}
