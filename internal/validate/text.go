package validate

import (
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// CodeControl is the code of text with a character no field takes: a NUL,
// a control character, or a line break or tab in a one-line field.
const CodeControl = "control_character"

// CodePlaces is the code of a number with more decimal places than its
// field keeps.
const CodePlaces = "too_many_places"

// The bounds every input value is held to, whatever its field (a field's
// own rule may be narrower; docs/CONVENTIONS.md, "Input bounds"):
const (
	// MaxIntegerDigits: a decimal has at most 20 digits before the point,
	// what every store keeps exactly.
	MaxIntegerDigits = 20
	// MaxText: a string whose field states no maximum of its own has at
	// most this many characters.
	MaxText = 8000
	// MaxPlaces: a decimal has at most 4 places after it (trailing zeros
	// aside), the scale stores keep money at; quantities, hours, rates and
	// ratings need no more.
	MaxPlaces = 4
)

// TimeFrom and TimeBefore bound every instant an input holds: a time
// outside them (year 1, 1900, 9999) is a mistake, whatever it is for.
var (
	TimeFrom   = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	TimeBefore = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Checker is a value type that checks itself as input: org.Month and
// policy.Period say whether they are within the bounds a period may have.
// Struct calls it on every value it finds that has it.
type Checker interface {
	CheckInput() (code, msg string, bad bool)
}

var (
	decimalType = reflect.TypeFor[decimal.Decimal]()
	timeType    = reflect.TypeFor[time.Time]()
	checkerType = reflect.TypeFor[Checker]()
	maxDecimal  = decimal.New(1, MaxIntegerDigits)
)

// value checks a decimal or an instant against the bounds every input is
// held to; ok is false for any other type.
func value(v reflect.Value) (code, msg string, bad, ok bool) {
	switch v.Type() {
	case decimalType:
		d := v.Interface().(decimal.Decimal)
		switch {
		case d.Abs().GreaterThanOrEqual(maxDecimal):
			return CodeRange, "must have at most " + strconv.Itoa(MaxIntegerDigits) + " digits before the point", true, true
		case !d.Equal(d.Truncate(MaxPlaces)):
			return CodePlaces, "must have at most " + strconv.Itoa(MaxPlaces) + " decimal places", true, true
		}
		return "", "", false, true
	case timeType:
		t := v.Interface().(time.Time)
		if !t.IsZero() && (t.Before(TimeFrom) || !t.Before(TimeBefore)) {
			return CodeRange, "must be from " + TimeFrom.Format("2006") + " to " + TimeBefore.AddDate(-1, 0, 0).Format("2006"), true, true
		}
		return "", "", false, true
	}
	if v.Type().Implements(checkerType) {
		code, msg, bad := v.Interface().(Checker).CheckInput()
		return code, msg, bad, true
	}
	return "", "", false, false
}

// multilineFrom is the smallest max length of a free-text field: a string
// field whose validate tag allows more than this many characters (a note,
// a reason, a description) may hold line breaks and tabs; every other
// string (names, codes, IDs, references) is one line.
const multilineFrom = 200

// The one text policy (docs/CONVENTIONS.md, "Text"), applied by Struct to
// every string an input holds, however deep (fields, list items, map keys
// and values), before any store sees it:
//
//   - valid UTF-8 (CodeFormat): a store would reject it (PostgreSQL) or
//     rewrite it (SQLite), so behaviour would depend on the store;
//   - no NUL and no control character (CodeControl): C0 and C1 controls,
//     DEL, and the Unicode line and paragraph separators;
//   - line breaks (\n, \r) and tabs only in free text: a field whose max
//     length is over 200 characters.
//
// text reports the first problem of s, if any.
func text(s string, multiline bool) (code, msg string, bad bool) {
	if !utf8.ValidString(s) {
		return CodeFormat, "must be UTF-8", true
	}
	for i, r := range s {
		switch {
		case r == 0:
			return CodeControl, "must not contain a NUL character (at byte " + strconv.Itoa(i) + ")", true
		case r == '\n' || r == '\r' || r == '\t':
			if !multiline {
				return CodeControl, "must be one line: no line break or tab (at byte " + strconv.Itoa(i) + ")", true
			}
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			return CodeControl, "must not contain control character " + strconv.QuoteRune(r) + " (at byte " + strconv.Itoa(i) + ")", true
		}
	}
	return "", "", false
}

// walkText checks every string under v (see text), adding a Problem per
// bad string at its JSON path. tag is the validate tag of the field v is.
func walkText(v reflect.Value, path, tag string, out []Problem) []Problem {
	switch v.Kind() {
	case reflect.String:
		if code, msg, bad := text(v.String(), multiline(tag)); bad {
			out = append(out, Problem{Path: path, Code: code, Message: msg})
		} else if !strings.Contains(tag, "max=") && utf8.RuneCountInString(v.String()) > MaxText {
			out = append(out, Problem{Path: path, Code: CodeTooLong, Message: "must have at most " + strconv.Itoa(MaxText) + " characters"})
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			out = walkText(v.Elem(), path, tag, out)
		}
	case reflect.Struct:
		if code, msg, bad, ok := value(v); ok {
			if bad {
				out = append(out, Problem{Path: path, Code: code, Message: msg})
			}
			return out
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue // decimal.Decimal, time.Time: not text
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-":
				continue
			case f.Anonymous && name == "":
				out = walkText(v.Field(i), path, f.Tag.Get("validate"), out)
				continue
			case name == "":
				name = f.Name
			}
			out = walkText(v.Field(i), join(path, name), f.Tag.Get("validate"), out)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return out // raw bytes (JSON documents), not text
		}
		_, dive, _ := strings.Cut(tag, "dive")
		for i := range v.Len() {
			out = walkText(v.Index(i), path+"["+strconv.Itoa(i)+"]", dive, out)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			at := path + "[" + keyText(k) + "]"
			if k.Kind() == reflect.String {
				if code, msg, bad := text(k.String(), false); bad {
					out = append(out, Problem{Path: at, Code: code, Message: "key " + msg})
				}
			}
			out = walkText(iter.Value(), at, "", out)
		}
	}
	return out
}

func keyText(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return strconv.Quote(k.String())
	}
	return strconv.Quote(k.String()) // reflect names the kind of a non-string key
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// multiline reports whether a validate tag allows free text: a max over
// multilineFrom characters.
func multiline(tag string) bool {
	for _, part := range strings.Split(tag, ",") {
		if n, ok := strings.CutPrefix(part, "max="); ok {
			if max, err := strconv.Atoi(n); err == nil && max > multilineFrom {
				return true
			}
		}
	}
	return false
}
