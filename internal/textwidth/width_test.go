package textwidth_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/servicelane/servicelane/internal/textwidth"
)

func TestWidth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    string
		want int
	}{
		{"empty", "", 0},
		{"ascii", "Subtotal", 8},
		{"ascii_punctuation", "1,800 (tax 5% included)", 23},
		{"ideographs_count_two", "營業稅", 6},
		{"mixed_vat", "VAT 5% (營業稅)", 15},
		{"fullwidth_punctuation", "，（）：", 8},
		{"fullwidth_in_text", "工資 BRK-01：1.5 小時", 21},
		{"ideographic_space_and_stops", "\u3000、。「」", 10},
		{"fullwidth_digits_and_letters", "１２ＡＢ", 8},
		{"halfwidth_katakana_counts_one", "ｱｲｳ", 3},
		{"hangul_syllables", "가나", 4},
		{"hangul_conjoining_jamo", "\u1100\u1161\u11a8", 2},
		{"cjk_extension_a_and_b", "\u3400\U00020000", 4},
		{"combining_acute_counts_zero", "e\u0301", 1},
		{"precomposed_acute_counts_one", "é", 1},
		{"several_combining_marks", "a\u0300\u0301\u0302", 1},
		{"combining_kana_voiced_mark", "か\u3099", 2},
		{"zero_width_space_and_joiners", "a\u200bb\u200c\u200d\u2060", 2},
		{"byte_order_mark", "\ufeffok", 2},
		{"soft_hyphen", "ser\u00advice", 7},
		{"control_characters", "a\tb\nc\x00\x7f\u0085", 3},
		{"line_separator", "a\u2028b", 2},
		{"ambiguous_counts_one", "1.5 h × 1,200…€①", 16},
		{"invalid_utf8_byte_counts_one", "a\xffb", 3},
		{"truncated_utf8_counts_per_byte", "\xe7\x87", 2},
		{"replacement_character", "\ufffd", 1},
		// Emoji: wide presentation counts 2; sequences count per rune.
		{"emoji_wide", "😀🚗", 4},
		{"emoji_zwj_sequence_counts_each", "👨\u200d👧", 4},
		{"emoji_skin_tone_counts_two", "👍🏻", 4},
		{"narrow_symbol_with_variation_selector", "❤\ufe0f", 1},
		{"flag_two_regional_indicators", "🇹🇼", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, textwidth.Width(tt.s), "%q", tt.s)
			sum := 0
			for _, r := range tt.s {
				sum += textwidth.RuneWidth(r)
			}
			assert.Equal(t, tt.want, sum, "Width is the sum of RuneWidth over %q", tt.s)
		})
	}
}

func TestRuneWidth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r    rune
		want int
	}{
		{'a', 1}, {' ', 1}, {'~', 1}, {'\t', 0}, {0x7f, 0}, {0x9f, 0}, {0xa0, 1},
		{'中', 2}, {'，', 2}, {'（', 2}, {'）', 2}, {'：', 2}, {'　', 2}, {'ｱ', 1},
		{0x0301, 0}, {0x20dd, 0}, {0xfe0f, 0}, {0x200b, 0}, {0x00ad, 0},
		{'×', 1}, {'…', 1}, {'😀', 2},
		{utf8.RuneError, 1}, {-1, 1}, {0xd800, 1}, {utf8.MaxRune + 1, 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, textwidth.RuneWidth(tt.r), "%U", tt.r)
	}
}

func TestPad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		s           string
		w           int
		right, left string
	}{
		{"ascii", "Total", 8, "Total   ", "   Total"},
		{"chinese_counts_two", "合計", 8, "合計    ", "    合計"},
		{"mixed", "VAT 5% (營業稅)", 17, "VAT 5% (營業稅)  ", "  VAT 5% (營業稅)"},
		{"fullwidth_punctuation", "（含稅）：", 12, "（含稅）：  ", "  （含稅）："},
		{"combining", "Cafe\u0301", 6, "Cafe\u0301  ", "  Cafe\u0301"},
		{"already_wide_enough", "營業稅", 6, "營業稅", "營業稅"},
		{"wider_than_w", "營業稅", 4, "營業稅", "營業稅"},
		{"zero_and_negative", "ab", -3, "ab", "ab"},
		{"empty", "", 3, "   ", "   "},
		{"long_padding", "x", 70, "x" + strings.Repeat(" ", 69), strings.Repeat(" ", 69) + "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.right, textwidth.PadRight(tt.s, tt.w))
			assert.Equal(t, tt.left, textwidth.PadLeft(tt.s, tt.w))
		})
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    string
		w    int
		want string
	}{
		{"fits", "Subtotal", 8, "Subtotal"},
		{"ascii_cut", "Subtotal", 3, "Sub"},
		{"wide_fits_exactly", "營業稅", 4, "營業"},
		{"wide_never_cut_in_half", "營業稅", 5, "營業"},
		{"mixed_cut_before_wide", "VAT 5% (營業稅)", 9, "VAT 5% ("},
		{"mixed_cut_after_wide", "VAT 5% (營業稅)", 10, "VAT 5% (營"},
		{"fullwidth_punctuation", "合計：100", 5, "合計"},
		{"keeps_accent_with_its_letter", "Cafe\u0301 au lait", 4, "Cafe\u0301"},
		{"invalid_byte_counts_one", "a\xffb", 2, "a\xff"},
		{"zero", "營業稅", 0, ""},
		{"one_column_for_a_wide_rune", "營業稅", 1, ""},
		{"negative", "abc", -1, ""},
		{"emoji", "😀😀", 3, "😀"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := textwidth.Truncate(tt.s, tt.w)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, textwidth.Width(got), max(tt.w, 0))
			assert.True(t, strings.HasPrefix(tt.s, got))
		})
	}
}
