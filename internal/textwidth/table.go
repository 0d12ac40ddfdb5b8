package textwidth

import (
	"io"
	"strings"
)

// Align is where a cell sits in its column.
type Align uint8

const (
	// Left aligns text: names, descriptions, codes.
	Left Align = iota
	// Right aligns amounts, counts, scores and percentages.
	Right
)

// Column lays out one column of a [Table].
type Column struct {
	Align Align
	// Width is the column's least width in columns; a wider cell widens
	// the column on every row, never just its own.
	Width int
	// Gap is how many spaces come before the column: between it and the
	// column before, or for the first column the indent of every row. It
	// is exact: 0 joins a column to the one before ("80" and "%").
	Gap int
}

// Table lays out rows of cells in columns by their display width (see
// [Width]), as text/tabwriter does by rune count. The zero Table is ready
// to use: a row's cells beyond Columns are left-aligned, two spaces after
// the cell before.
//
// A left-aligned cell that ends its row, a heading or a note shorter rows
// carry, is written as it is: it neither widens its column nor is padded.
// Lines carry no trailing spaces and end in "\n".
type Table struct {
	Columns []Column
	rows    [][]string
}

// Row adds a row of cells, one per column from the first; a row may have
// fewer cells than another.
func (t *Table) Row(cells ...string) {
	t.rows = append(t.rows, cells)
}

// WriteTo writes the rows, their columns aligned, to w in one Write.
func (t *Table) WriteTo(w io.Writer) (int64, error) {
	n, err := io.WriteString(w, t.String())
	return int64(n), err
}

// String is what WriteTo writes.
func (t *Table) String() string {
	widths := t.widths()
	size := 0
	for _, row := range t.rows {
		for i, cell := range row {
			size += t.column(i).Gap + widths[i] + len(cell)
		}
		size++
	}
	var b strings.Builder
	b.Grow(size)
	var line []byte // one row, trimmed before it is written
	for _, row := range t.rows {
		line = line[:0]
		for i, cell := range row {
			c := t.column(i)
			line = appendSpaces(line, c.Gap)
			pad := widths[i] - Width(cell)
			switch {
			case c.Align == Right:
				line = appendSpaces(line, pad)
				line = append(line, cell...)
			case i == len(row)-1:
				line = append(line, cell...)
			default:
				line = append(line, cell...)
				line = appendSpaces(line, pad)
			}
		}
		for len(line) > 0 && line[len(line)-1] == ' ' {
			line = line[:len(line)-1]
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// widths is every column's width: its least width or its widest cell,
// left-aligned cells that end their row aside.
func (t *Table) widths() []int {
	var widths []int
	for _, row := range t.rows {
		for len(widths) < len(row) {
			widths = append(widths, t.column(len(widths)).Width)
		}
		for i, cell := range row {
			if i == len(row)-1 && t.column(i).Align == Left {
				break
			}
			widths[i] = max(widths[i], Width(cell))
		}
	}
	return widths
}

// column is the layout of column i: its Column, or left-aligned two
// spaces after the one before.
func (t *Table) column(i int) Column {
	switch {
	case i < len(t.Columns):
		return t.Columns[i]
	case i == 0:
		return Column{}
	}
	return Column{Gap: 2}
}

func appendSpaces(b []byte, n int) []byte {
	for n > 0 {
		k := min(n, len(spaces))
		b = append(b, spaces[:k]...)
		n -= k
	}
	return b
}
