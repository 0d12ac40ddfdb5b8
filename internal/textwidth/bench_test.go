package textwidth_test

import (
	"io"
	"strings"
	"testing"

	"github.com/servicelane/servicelane/internal/textwidth"
)

var (
	benchASCII   = "Labor BRK-01 replace front pads: 1.5 h x 1,200/h = 1,800 (tax 5% included)"
	benchChinese = "工資 BRK-01 replace front pads：1.5 小時 × 每小時 1,200 = 1,800（含 5% 營業稅）"
	benchSink    int
	benchString  string
)

func BenchmarkWidth(b *testing.B) {
	for _, bc := range []struct{ name, s string }{{"ascii", benchASCII}, {"zh-Hant", benchChinese}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.s)))
			for b.Loop() {
				benchSink = textwidth.Width(bc.s)
			}
		})
	}
}

func BenchmarkPadRight(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchString = textwidth.PadRight(benchChinese, 100)
	}
}

func BenchmarkTruncate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchString = textwidth.Truncate(benchChinese, 40)
	}
}

// BenchmarkTable lays out a 50-line bill, as a printed invoice of a large
// job: a line's text and its amount.
func BenchmarkTable(b *testing.B) {
	var rows [][]string
	for i := range 50 {
		text := benchASCII
		if i%2 == 1 {
			text = benchChinese
		}
		rows = append(rows, []string{text, strings.Repeat("9", 1+i%6)})
	}
	b.ReportAllocs()
	for b.Loop() {
		t := textwidth.Table{Columns: []textwidth.Column{{Gap: 2}, {Align: textwidth.Right, Gap: 2}}}
		for _, r := range rows {
			t.Row(r...)
		}
		if _, err := t.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
