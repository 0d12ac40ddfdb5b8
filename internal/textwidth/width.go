package textwidth

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Width is how many columns s takes in a monospaced terminal: the sum of
// [RuneWidth] over its runes, an invalid byte counting 1.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7f {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n += RuneWidth(r)
		i += size
	}
	return n
}

// RuneWidth is how many columns r takes: 2 for East Asian Wide and
// Fullwidth, 0 for combining marks, format and control characters, 1 for
// the rest (see the package documentation). utf8.RuneError and runes that
// are not valid Unicode count 1, as the replacement character.
func RuneWidth(r rune) int {
	switch {
	case r < 0x20 || (r >= 0x7f && r < 0xa0):
		if r < 0 {
			return 1
		}
		return 0 // C0 and C1 controls
	case r < 0x300:
		if r == 0xad {
			return 0 // the soft hyphen, a format character
		}
		return 1 // Latin, before the first combining mark
	case r >= 0x4e00 && r <= 0x9fff, // CJK Unified Ideographs
		r >= 0x3000 && r <= 0x3029, // ideographic space and punctuation: 、。「」
		r >= 0xff01 && r <= 0xff60: // fullwidth forms: ，（）：
		return 2
	case unicode.In(r, zeroWidth...):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// zeroWidth are the runes a terminal draws on the one before or not at
// all. Control characters (Cc) are handled before.
var zeroWidth = []*unicode.RangeTable{
	unicode.Mn, // nonspacing marks: accents, variation selectors
	unicode.Me, // enclosing marks
	unicode.Cf, // format: zero width space and joiners, the byte order mark
	unicode.Zl, // line separator
	unicode.Zp, // paragraph separator
	hangulJamo,
}

// hangulJamo are the medial vowels and final consonants that join a
// leading consonant into one syllable of width 2.
var hangulJamo = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x1160, Hi: 0x11ff, Stride: 1},
		{Lo: 0xd7b0, Hi: 0xd7ff, Stride: 1},
	},
}

// PadRight is s followed by as many spaces as it takes to be w columns
// wide; s is returned as it is when it is already as wide. Width of the
// result is max(w, Width(s)).
func PadRight(s string, w int) string {
	n := w - Width(s)
	if n <= 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + n)
	b.WriteString(s)
	writeSpaces(&b, n)
	return b.String()
}

// PadLeft is s after as many spaces as it takes to be w columns wide, to
// right-align it; s is returned as it is when it is already as wide.
func PadLeft(s string, w int) string {
	n := w - Width(s)
	if n <= 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + n)
	writeSpaces(&b, n)
	b.WriteString(s)
	return b.String()
}

// Truncate is the longest beginning of s that is at most w columns wide,
// cut between runes: a wide rune that would overhang w is left out whole,
// so the result may be one column narrower than w, and the zero-width
// runes after the last rune kept (its accents) are kept with it. It adds
// no ellipsis; s is returned as it is when it fits, and "" when w < 0.
func Truncate(s string, w int) string {
	n := 0
	for i := 0; i < len(s); {
		rw, size := 1, 1
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				rw = 0
			}
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			rw = RuneWidth(r)
		}
		if n+rw > w {
			return s[:i]
		}
		n += rw
		i += size
	}
	return s
}

const spaces = "                                                                " // 64

func writeSpaces(b *strings.Builder, n int) {
	for n > len(spaces) {
		b.WriteString(spaces)
		n -= len(spaces)
	}
	b.WriteString(spaces[:n])
}
