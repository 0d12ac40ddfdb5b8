package policy_test

import (
	"testing"

	"github.com/servicelane/servicelane/policy"
)

// FuzzParsePeriod: a period read from outside (a test file, the command
// line) is accepted only in its one written form, so what is accepted
// writes back as the same text and reads back as the same period.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-11", "2026", "0001", "9999-12", "+123", "-001", "2026-1", "2026-13", " 2026", "２０２６", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := policy.ParsePeriod(s)
		if err != nil {
			return
		}
		if !p.Valid() {
			t.Fatalf("ParsePeriod(%q) = %+v, which is not valid", s, p)
		}
		if p.String() != s {
			t.Fatalf("ParsePeriod(%q) = %+v, which writes as %q", s, p, p.String())
		}
		b, err := p.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var q policy.Period
		if err := q.UnmarshalText(b); err != nil || q != p {
			t.Fatalf("%q: round trip gave %+v, %v", s, q, err)
		}
	})
}
