package textwidth_test

import (
	"strings"
	"testing"

	"github.com/servicelane/servicelane/internal/textwidth"
)

// FuzzWidth: whatever the bytes, Width never panics and is never negative,
// Truncate's result is a beginning of s that fits, and PadRight and
// PadLeft reach the width asked.
func FuzzWidth(f *testing.F) {
	for _, s := range []string{
		"", "Subtotal", "VAT 5% (營業稅)", "工資 BRK-01：1.5 小時 × 每小時 1,200 = 1,800（含 5% 營業稅）",
		"Cafe\u0301", "\u0301\u0301", "👨\u200d👧", "🇹🇼", "❤\ufe0f", "a\tb\n", "\xff\xfe", "\xe7\x87", "\xf4\x90\x80\x80",
	} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		n := textwidth.Width(s)
		if n < 0 || n > len(s)*2 {
			t.Fatalf("Width(%q) = %d", s, n)
		}
		w %= 1 << 10 // padding to a billion columns proves nothing
		got := textwidth.Truncate(s, w)
		if !strings.HasPrefix(s, got) {
			t.Fatalf("Truncate(%q, %d) = %q is not a beginning of s", s, w, got)
		}
		if gw := textwidth.Width(got); gw > max(w, 0) {
			t.Fatalf("Truncate(%q, %d) = %q is %d wide", s, w, got, gw)
		}
		if pw := textwidth.Width(textwidth.PadRight(s, w)); pw != max(w, n) {
			t.Fatalf("Width(PadRight(%q, %d)) = %d, want %d", s, w, pw, max(w, n))
		}
		if pw := textwidth.Width(textwidth.PadLeft(s, w)); pw != max(w, n) {
			t.Fatalf("Width(PadLeft(%q, %d)) = %d, want %d", s, w, pw, max(w, n))
		}
	})
}
