// Package textwidth measures, pads, cuts and tabulates text by the columns
// it takes in a monospaced terminal or on a printed page, so that columns
// of Traditional Chinese line up with columns of English.
//
// fmt's %-20s, len, utf8.RuneCountInString and text/tabwriter all count
// runes or bytes; a Chinese character takes two columns, so a table padded
// by any of them drifts one column to the right for every character. Every
// printed document and command-line table of servicelane lays out its
// columns with this package instead.
//
// # Widths
//
// [Width] adds up [RuneWidth] over a string:
//
//   - 2 for East Asian Wide and Fullwidth runes (Unicode TR #11, from
//     golang.org/x/text/width): CJK ideographs (營業稅), kana, Hangul
//     syllables, fullwidth punctuation (，（）：), the ideographic space, and
//     emoji that Unicode gives a wide presentation (😀, 🚗);
//   - 0 for combining marks (the accent of "e\u0301"), format characters
//     (zero width space, joiners, the byte order mark, the soft hyphen),
//     conjoining Hangul vowels and final consonants, line and paragraph
//     separators, and control characters (tab and newline included: a
//     cell holding one does not lay out);
//   - 1 for everything else, East Asian Ambiguous runes (×, …, €, ①)
//     included, as terminals outside a CJK locale draw them; an invalid
//     UTF-8 byte counts 1, as the replacement character drawn for it.
//
// Widths are per rune, never per grapheme cluster: an emoji made of
// several runes joined by U+200D counts every emoji in it (👨‍👧 is 4), a
// skin tone modifier counts 2 on its own, and a narrow symbol with the
// emoji variation selector (❤️) counts 1. Terminals disagree about those
// sequences; printed documents of this module do not contain them.
//
// # Layout
//
// [PadRight] and [PadLeft] fill a string with spaces to a width;
// [Truncate] cuts one to a width between runes, never through a wide one.
// A [Table] lays out rows of cells in columns, left- or right-aligned
// (amounts and counts to the right), with the gaps a caller chooses:
//
//	t := textwidth.Table{Columns: []textwidth.Column{
//		{},                                // the item
//		{Align: textwidth.Right, Gap: 2}, // the amount
//	}}
//	t.Row("Labor 工資", "1,800")
//	t.Row("VAT 5% (營業稅)", "88")
//	t.WriteTo(os.Stdout)
package textwidth
