// Package validate wraps go-playground/validator/v10 behind a small API so
// that its types never reach a public signature. Each domain package builds
// one Validator at init time and turns the Problems it returns into its own
// public validation error type.
package validate

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

// Problem is one bad field. Its fields match org.FieldError exactly, so a
// domain package converts it with a plain type conversion.
type Problem struct {
	Path    string
	Code    string
	Message string
	// File, Line and Column are never set by the validator: they keep
	// Problem convertible to org.FieldError.
	File   string
	Line   int
	Column int
}

// Codes shared by every package. They are part of the public contract: hosts
// switch on them to translate or highlight a field.
const (
	CodeRequired = "required"
	CodeTooLong  = "too_long"
	CodeTooShort = "too_short"
	CodeFormat   = "invalid_format"
	CodeUnknown  = "unknown_value"
	CodeRange    = "out_of_range"
	CodeInvalid  = "invalid"
)

// Validator is safe for concurrent use once built.
type Validator struct {
	v *validator.Validate
}

var (
	identRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:\-]*$`)
	phoneRe = regexp.MustCompile(`^\+?[0-9][0-9 ()\-]*[0-9]$`)
)

// New builds a Validator with the tags every package shares:
//
//   - ident: an identifier of letters, digits and . _ : - (starting with a letter or digit)
//   - phone: a telephone number: an optional +, digits, spaces, dashes and brackets, 6 to 15 digits
//   - timezone: an IANA time zone name that this machine's time zone database knows
//   - notblank: not empty after trimming spaces
func New() *Validator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	must(v.RegisterValidation("ident", func(fl validator.FieldLevel) bool {
		return identRe.MatchString(fl.Field().String())
	}))
	must(v.RegisterValidation("phone", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		if !phoneRe.MatchString(s) {
			return false
		}
		digits := 0
		for _, r := range s {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		return digits >= 6 && digits <= 15
	}))
	must(v.RegisterValidation("timezone", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		if s == "" || s == "Local" {
			return false
		}
		_, err := time.LoadLocation(s)
		return err == nil
	}))
	must(v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
		return strings.TrimSpace(fl.Field().String()) != ""
	}))
	return &Validator{v: v}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// Struct validates s and returns every problem found, in field order, with
// paths written in JSON names ("contact.email", "lines[2].qty"). prefix, when
// not empty, is put in front of every path.
//
// Every string s holds is also held to the one text policy (see text):
// UTF-8, no NUL or control character, line breaks only in free text.
// Where a string breaks it, that problem replaces the validator's for the
// same path.
func (v *Validator) Struct(s any, prefix string) []Problem {
	textual := walkText(reflect.ValueOf(s), prefix, "", nil)
	err := v.v.Struct(s)
	if err == nil {
		return textual
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		// InvalidValidationError: a programming error (nil or non-struct).
		panic(fmt.Sprintf("validate: %v", err))
	}
	out := make([]Problem, 0, len(ves)+len(textual))
	bad := map[string]bool{}
	for _, p := range textual {
		bad[p.Path] = true
	}
	for _, fe := range ves {
		if p := toProblem(fe, prefix); !bad[p.Path] {
			out = append(out, p)
		}
	}
	return append(out, textual...)
}

func toProblem(fe validator.FieldError, prefix string) Problem {
	// Namespace is "Type.field.sub"; drop the root type name.
	path := fe.Namespace()
	if _, rest, ok := strings.Cut(path, "."); ok {
		path = rest
	}
	if prefix != "" {
		path = prefix + "." + path
	}
	code, msg := describe(fe)
	return Problem{Path: path, Code: code, Message: msg}
}

// counted says n of what a string, a list or a map of kind holds: "1
// character", "50 items".
func counted(kind reflect.Kind, n string) (string, bool) {
	var unit string
	switch kind {
	case reflect.String:
		unit = "character"
	case reflect.Slice, reflect.Array:
		unit = "item"
	case reflect.Map:
		unit = "entry"
		if n != "1" {
			return n + " entries", true
		}
		return n + " " + unit, true
	default:
		return "", false
	}
	if n != "1" {
		unit += "s"
	}
	return n + " " + unit, true
}

func describe(fe validator.FieldError) (code, msg string) {
	p := fe.Param()
	switch fe.Tag() {
	case "required", "notblank", "required_with", "required_without", "required_if":
		return CodeRequired, "is required"
	case "max":
		if n, ok := counted(fe.Kind(), p); ok {
			return CodeTooLong, "must have at most " + n
		}
		return CodeRange, "must be at most " + p
	case "min":
		if n, ok := counted(fe.Kind(), p); ok {
			return CodeTooShort, "must have at least " + n
		}
		return CodeRange, "must be at least " + p
	case "lte", "lt", "gte", "gt":
		return CodeRange, "must be " + fe.Tag() + " " + p
	case "oneof":
		return CodeUnknown, "must be one of: " + p
	case "email":
		return CodeFormat, "must be an e-mail address"
	case "phone":
		return CodeFormat, "must be a telephone number (digits, spaces, dashes, brackets, optional leading +; 6 to 15 digits)"
	case "ident":
		return CodeFormat, "must be letters, digits and . _ : - only, starting with a letter or digit"
	case "timezone":
		return CodeUnknown, "must be an IANA time zone such as Asia/Taipei"
	case "iso4217":
		return CodeUnknown, "must be an ISO 4217 currency code such as TWD"
	case "dive", "unique":
		return CodeInvalid, "must not repeat items"
	default:
		return CodeInvalid, "fails the " + fe.Tag() + " rule"
	}
}
