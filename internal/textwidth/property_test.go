package textwidth_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/internal/textwidth"
)

// The property tests honour rapid's flags:
// go test ./internal/textwidth -run Property -rapid.checks=20000

// propPieces are what printed documents are made of, and what breaks a
// rune count: ideographs, fullwidth punctuation, accents, emoji, controls.
var propPieces = []string{
	"a", "Z", "0", " ", ",", "%", "(", ")",
	"營", "業", "稅", "，", "（", "）", "：", "　", "。",
	"e\u0301", "\u0301", "\u200b", "\u200d", "\ufe0f",
	"😀", "🇹🇼", "×", "…", "ｱ", "가",
	"\t", "\n", "\x00", "\xff", "\xe7\x87",
}

// propText is text from the pieces above, or any string at all.
func propText(t *rapid.T, label string) string {
	if rapid.Bool().Draw(t, label+"_any") {
		return rapid.String().Draw(t, label)
	}
	return strings.Join(rapid.SliceOfN(rapid.SampledFrom(propPieces), 0, 20).Draw(t, label), "")
}

func TestPropertyPad(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		s := propText(t, "s")
		w := rapid.IntRange(-5, 60).Draw(t, "w")
		want := max(w, textwidth.Width(s))
		right, left := textwidth.PadRight(s, w), textwidth.PadLeft(s, w)
		if got := textwidth.Width(right); got != want {
			t.Fatalf("Width(PadRight(%q, %d)) = %d, want max(w, Width(s)) = %d", s, w, got, want)
		}
		if got := textwidth.Width(left); got != want {
			t.Fatalf("Width(PadLeft(%q, %d)) = %d, want %d", s, w, got, want)
		}
		if !strings.HasPrefix(right, s) || strings.TrimRight(right[len(s):], " ") != "" {
			t.Fatalf("PadRight(%q, %d) = %q is not s and spaces", s, w, right)
		}
		if !strings.HasSuffix(left, s) || strings.TrimLeft(left[:len(left)-len(s)], " ") != "" {
			t.Fatalf("PadLeft(%q, %d) = %q is not spaces and s", s, w, left)
		}
	})
}

func TestPropertyTruncate(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		s := propText(t, "s")
		w := rapid.IntRange(-2, 40).Draw(t, "w")
		got := textwidth.Truncate(s, w)
		if !strings.HasPrefix(s, got) {
			t.Fatalf("Truncate(%q, %d) = %q is not a beginning of s", s, w, got)
		}
		if gw := textwidth.Width(got); gw > max(w, 0) {
			t.Fatalf("Truncate(%q, %d) = %q is %d wide", s, w, got, gw)
		}
		if got == s {
			return
		}
		// The longest beginning that fits: one rune more does not.
		_, size := utf8.DecodeRuneInString(s[len(got):])
		if next := s[:len(got)+size]; textwidth.Width(next) <= w {
			t.Fatalf("Truncate(%q, %d) = %q, but %q fits too", s, w, got, next)
		}
	})
}

// Width adds up: the width of two strings together is the sum of theirs,
// so a padded cell followed by another starts where the table says.
func TestPropertyWidthAdds(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		a, b := propText(t, "a"), propText(t, "b")
		if !utf8.ValidString(a) {
			return // an invalid tail of a may join a valid head of b into one rune
		}
		if got, want := textwidth.Width(a+b), textwidth.Width(a)+textwidth.Width(b); got != want {
			t.Fatalf("Width(%q + %q) = %d, want %d", a, b, got, want)
		}
	})
}

// Every line of a table is as wide as its columns say: a right-aligned
// last column ends at the same display column on every row.
func TestPropertyTableAligns(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		tab := textwidth.Table{Columns: []textwidth.Column{{Gap: 2}, {Align: textwidth.Right, Gap: 2}}}
		n := rapid.IntRange(1, 8).Draw(t, "rows")
		var rows [][2]string
		for range n {
			text := strings.Map(visible, propText(t, "text"))
			amount := rapid.SampledFrom([]string{"0", "88", "1,800", "-500", "12,345.67"}).Draw(t, "amount")
			rows = append(rows, [2]string{text, amount})
			tab.Row(text, amount)
		}
		lines := strings.Split(strings.TrimSuffix(tab.String(), "\n"), "\n")
		if len(lines) != n {
			t.Fatalf("%d rows made %d lines", n, len(lines))
		}
		end := textwidth.Width(lines[0])
		for i, line := range lines {
			if !strings.HasSuffix(line, rows[i][1]) {
				t.Fatalf("line %d %q does not end in its amount %q", i, line, rows[i][1])
			}
			if w := textwidth.Width(line); w != end {
				t.Fatalf("line %d %q ends at column %d, line 0 at %d", i, line, w, end)
			}
		}
	})
}

// visible maps what cannot sit in a table cell (line breaks, controls,
// invalid bytes) to a dot.
func visible(r rune) rune {
	if r == utf8.RuneError || textwidth.RuneWidth(r) == 0 && r < 0x300 {
		return '.'
	}
	return r
}
