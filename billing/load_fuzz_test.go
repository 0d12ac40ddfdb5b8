package billing_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// FuzzLoadPriceBook: whatever the bytes, LoadPriceBook returns a book that
// passes Validate and loads again as itself when written as JSON, or a
// *org.ValidationError whose every path names the file; it never panics.
func FuzzLoadPriceBook(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(ltDir, "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed books in %s: %v", ltDir, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, strings.HasSuffix(file, ".json"))
	}
	for _, s := range []string{
		ltBook, ltJSON,
		strings.Replace(ltBook, "rate: 90", "rate: 12345678901234567.89", 1),
		strings.Replace(ltBook, "rate: 90", "rate: 1e-99999", 1),
		strings.Replace(ltBook, "rate: 90", "rate: [90, {a: b}]", 1),
		strings.Replace(ltBook, "  scope: line", "  scope: [line", 1),
		ltBook + "fees:\n  - &f {code: A, unit_price: 1, unit: x}\n  - <<: *f\n    code: B\n  - <<: [*f, *f]\n",
		ltBook + "coupons: &c [*c]\n",
		ltBook + "---\n" + ltBook,
		"a: &a [*a, *a]\nversion: *a\n",
		"{\"version\": \"1\", \"scale\": 1e999, \"labor\": {\"rates\": [{\"rate\": \"-0\"}]}}",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		"{\"version\": \"\\ud800\", \"currency\": \"USD\",}",
		"\xef\xbb\xbfversion: 1\n",
		"version: !!binary aGVsbG8=\nscale: !!int 0x2\n",
		"? [a]\n: b\n",
		"",
		// Issue 15: nesting past MaxPriceBookDepth, flow and indented; a
		// line past MaxPriceBookBytes, and one just within it; more lines
		// than MaxPriceBookLines.
		ltBook + "x: " + llNested(40) + "\n",
		ltBook + llIndented(40),
		`{"version": "1", "labor": ` + strings.Repeat(`{"rates": [`, 20) + strings.Repeat("]}", 20) + "}",
		`version: "` + strings.Repeat("v", billing.MaxPriceBookBytes) + "\"\n",
		llPad(ltBook, billing.MaxPriceBookBytes),
		ltBook + strings.Repeat("\n", billing.MaxPriceBookLines),
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		name := "fuzz/book.yaml"
		if asJSON {
			name = "fuzz/book.json"
		}
		book, err := billing.LoadPriceBook(name, data)
		if err == nil {
			if book == nil {
				t.Fatal("no book and no error")
			}
			if verr := book.Validate(); verr != nil {
				t.Fatalf("loaded a book that does not validate: %v", verr)
			}
			out, jerr := json.Marshal(book)
			if jerr != nil {
				t.Fatalf("cannot write the book as JSON: %v", jerr)
			}
			again, aerr := billing.LoadPriceBook("again.json", out)
			if aerr != nil {
				t.Fatalf("the book written as JSON does not load: %v\n%s", aerr, out)
			}
			if out2, _ := json.Marshal(again); string(out2) != string(out) {
				t.Fatalf("the book changed through JSON:\n%s\n%s", out, out2)
			}
			return
		}
		if book != nil {
			t.Fatalf("a book and an error: %v", err)
		}
		var ve *org.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("not a *org.ValidationError: %T %v", err, err)
		}
		if len(ve.Fields) == 0 {
			t.Fatal("a validation error with no fields")
		}
		for _, fe := range ve.Fields {
			if !strings.HasPrefix(fe.Where(), name) {
				t.Fatalf("path %q does not start with %q", fe.Where(), name)
			}
			if fe.Code == "" || fe.Message == "" {
				t.Fatalf("field %q without code or message", fe.Where())
			}
		}
	})
}
