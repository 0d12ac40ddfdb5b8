package textwidth_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/textwidth"
)

func TestTable(t *testing.T) {
	t.Parallel()
	item, amount := textwidth.Column{}, textwidth.Column{Align: textwidth.Right, Gap: 2}
	tests := []struct {
		name    string
		columns []textwidth.Column
		rows    [][]string
		want    string
	}{
		{
			name:    "chinese_counts_two_columns",
			columns: []textwidth.Column{item, amount},
			rows:    [][]string{{"Labor 工資", "1,800"}, {"VAT 5% (營業稅)", "88"}, {"Total", "1,888"}},
			want: "" +
				"Labor 工資       1,800\n" +
				"VAT 5% (營業稅)     88\n" +
				"Total            1,888\n",
		},
		{
			name:    "fullwidth_punctuation",
			columns: []textwidth.Column{item, amount},
			rows:    [][]string{{"小計：", "100"}, {"折扣（WELCOME）", "-10"}},
			want: "" +
				"小計：           100\n" +
				"折扣（WELCOME）  -10\n",
		},
		{
			name:    "combining_accent_takes_no_column",
			columns: []textwidth.Column{item, amount},
			rows:    [][]string{{"Cafe\u0301", "1"}, {"Cafe", "22"}},
			want:    "Cafe\u0301   1\nCafe  22\n",
		},
		{
			name:    "least_width_and_gaps_as_fmt",
			columns: []textwidth.Column{{Width: 6}, {Width: 20, Gap: 2}, {Gap: 2}},
			rows:    [][]string{{"ID", "NAME", "ROLE"}, {"lin", "Lin Mei-hua 林美華", "supervisor"}},
			want: "" +
				"ID      NAME                  ROLE\n" +
				"lin     Lin Mei-hua 林美華    supervisor\n",
		},
		{
			name:    "a_wide_cell_widens_its_whole_column",
			columns: []textwidth.Column{{Width: 2}, {Gap: 1}},
			rows:    [][]string{{"a", "x"}, {"陳偉陳", "y"}},
			want:    "a      x\n陳偉陳 y\n",
		},
		{
			name:    "gap_zero_joins_columns",
			columns: []textwidth.Column{{Align: textwidth.Right, Width: 3}, {}},
			rows:    [][]string{{"80", "%"}, {"100", "%"}},
			want:    " 80%\n100%\n",
		},
		{
			name:    "indent_is_the_first_gap",
			columns: []textwidth.Column{{Gap: 2}, {Align: textwidth.Right, Gap: 1}},
			rows:    [][]string{{"wang", "55"}, {"huang", "48"}},
			want:    "  wang  55\n  huang 48\n",
		},
		{
			name:    "a_heading_ending_its_row_neither_widens_nor_pads",
			columns: []textwidth.Column{item, amount},
			rows:    [][]string{{"客戶付費 Customer, a long heading"}, {"  工資", "1,800"}, {"  小計", "1,800"}},
			want: "" +
				"客戶付費 Customer, a long heading\n" +
				"  工資  1,800\n" +
				"  小計  1,800\n",
		},
		{
			name:    "a_right_aligned_last_cell_widens",
			columns: []textwidth.Column{item, amount},
			rows:    [][]string{{"a", "1"}, {"", "1,000,000"}},
			want:    "a          1\n   1,000,000\n",
		},
		{
			name: "zero_table_left_two_spaces_apart",
			rows: [][]string{{"RANK", "ADVISOR", "GRADE"}, {"1", "陳偉", "good"}},
			want: "RANK  ADVISOR  GRADE\n1     陳偉     good\n",
		},
		{
			name:    "no_trailing_spaces",
			columns: []textwidth.Column{{Width: 10}, {Gap: 2}},
			rows:    [][]string{{"a", ""}, {"b"}, {""}},
			want:    "a\nb\n\n",
		},
		{
			name: "empty",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tab := textwidth.Table{Columns: tt.columns}
			for _, r := range tt.rows {
				tab.Row(r...)
			}
			var b bytes.Buffer
			n, err := tab.WriteTo(&b)
			require.NoError(t, err)
			assert.Equal(t, tt.want, b.String())
			assert.Equal(t, int64(len(tt.want)), n)
			assert.Equal(t, tt.want, tab.String())
		})
	}
}

// A table padded by display width matches fmt's %-Ns and %Ns byte for
// byte when every cell is ASCII, so moving a fmt table to Table changes
// nothing for English.
func TestTable_ASCIIAsFmt(t *testing.T) {
	t.Parallel()
	tab := textwidth.Table{Columns: []textwidth.Column{
		{Width: 4}, {Width: 7, Gap: 1}, {Align: textwidth.Right, Width: 6, Gap: 1},
		{Width: 9, Gap: 2}, {Align: textwidth.Right, Width: 6, Gap: 1}, {Gap: 2},
	}}
	var want strings.Builder
	rows := [][]string{
		{"RANK", "ADVISOR", "SCORE", "GRADE", "BONUS", "KPIs (points)"},
		{"1", "chen", "80.50", "good", "10000", "satisfaction 93.3, business 60.0"},
		{"3", "huang", "22.00", "fail", "0", "satisfaction 25.0, business -"},
	}
	for _, r := range rows {
		tab.Row(r...)
		fmt.Fprintf(&want, "%-4s %-7s %6s  %-9s %6s  %s\n", r[0], r[1], r[2], r[3], r[4], r[5])
	}
	assert.Equal(t, want.String(), tab.String())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTable_WriteToError(t *testing.T) {
	t.Parallel()
	var tab textwidth.Table
	tab.Row("a", "b")
	_, err := tab.WriteTo(failingWriter{})
	assert.EqualError(t, err, "disk full")
}

func ExampleTable() {
	t := textwidth.Table{Columns: []textwidth.Column{
		{Gap: 2},                         // the item, indented
		{Align: textwidth.Right, Gap: 2}, // the amount
	}}
	t.Row("Labor 工資 BRK-01", "1,800")
	t.Row("Shop supplies 耗材費", "54")
	t.Row("VAT 5% (營業稅)", "88")
	t.Row("Total 合計", "1,854")
	_, _ = t.WriteTo(os.Stdout)
	// Output:
	//   Labor 工資 BRK-01     1,800
	//   Shop supplies 耗材費     54
	//   VAT 5% (營業稅)          88
	//   Total 合計            1,854
}

func ExamplePadRight() {
	for _, name := range []string{"Chen Wei", "陳偉", "Ｗang"} {
		fmt.Printf("[%s] [%-8s]\n", textwidth.PadRight(name, 8), name)
	}
	// Output:
	// [Chen Wei] [Chen Wei]
	// [陳偉    ] [陳偉      ]
	// [Ｗang   ] [Ｗang    ]
}
