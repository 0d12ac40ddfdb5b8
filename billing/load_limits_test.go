package billing_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// llPad pads text with a comment to exactly size bytes.
func llPad(text string, size int) string {
	return text + "#" + strings.Repeat("x", size-len(text)-2) + "\n"
}

// llProblems are the problems of a load, each as "where code: message";
// nil when it loads.
func llProblems(t *testing.T, book *billing.PriceBook, err error) []string {
	t.Helper()
	if err == nil {
		require.NotNil(t, book)
		return nil
	}
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve), "%T %v", err, err)
	assert.Equal(t, "billing: load price book", ve.Op)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code + ": " + f.Message
	}
	return out
}

// llOperations is ltBook with n operations, written on one line.
func llOperations(n int) string {
	ops := make([]string, n)
	for i := range ops {
		ops[i] = fmt.Sprintf("{code: A%d, hours: 1}", i)
	}
	return strings.Replace(ltBook, "labor:\n", "labor:\n  operations: ["+strings.Join(ops, ", ")+"]\n", 1)
}

// The issue: a 21 MB price book of 400,000 operations was parsed (4.4 s,
// 980 MB), and a 100 KB version became part of a primary key. A book is
// now refused before parsing beyond MaxPriceBookBytes, MaxPriceBookLines
// or MaxPriceBookDepth, and its version, codes and lists are bounded.
func TestLoadPriceBook_issue15_size_limits(t *testing.T) {
	var issue strings.Builder
	issue.WriteString(strings.Replace(ltBook, "labor:\n", "labor:\n  operations:\n", 1))
	for i := range 400_000 {
		fmt.Fprintf(&issue, "    - {code: OP%06d, description: Front brake pads, hours: 1.5}\n", i)
	}
	ltLines := strings.Count(ltBook, "\n")
	for _, c := range []struct {
		name, file, text string
		lim              billing.LoadLimits
		want             []string // nil: loads
	}{{
		name: "1 byte over the size refused before parsing",
		file: "book.yaml", text: llPad(ltBook, billing.MaxPriceBookBytes+1) + "{[unclosed",
		want: []string{"book.yaml too_long: is 1,048,587 bytes; a price book is at most 1,048,576 bytes (billing.MaxPriceBookBytes)"},
	}, {
		name: "exactly the size accepted",
		file: "book.yaml", text: llPad(ltBook, billing.MaxPriceBookBytes),
	}, {
		name: "the issue's book of 400,000 operations refused before parsing",
		file: "book.yaml", text: issue.String(),
		want: []string{fmt.Sprintf("book.yaml too_long: is %s bytes; a price book is at most 1,048,576 bytes (billing.MaxPriceBookBytes)",
			llThousands(issue.Len()))},
	}, {
		name: "too many lines",
		file: "book.yaml", text: ltBook + strings.Repeat("\n", billing.MaxPriceBookLines-ltLines+1),
		want: []string{"book.yaml:20001 too_long: has 20,001 lines; a price book has at most 20,000 lines (billing.MaxPriceBookLines)"},
	}, {
		name: "exactly the lines accepted",
		file: "book.yaml", text: ltBook + strings.Repeat("\n", billing.MaxPriceBookLines-ltLines),
	}, {
		name: "too deep JSON",
		file: "book.json", text: strings.Replace(ltJSON, `"scale": 2,`, `"scale": 2, "x": `+llNested(33)+`,`, 1),
		want: []string{"book.json:4:51 out_of_range: nests 34 levels deep; a price book nests at most 32 levels (billing.MaxPriceBookDepth)"},
	}, {
		name: "too deep YAML, flow",
		file: "book.yaml", text: ltBook + "x: " + llNested(32) + "\n",
		want: []string{"book.yaml:13:35 out_of_range: nests 33 levels deep; a price book nests at most 32 levels (billing.MaxPriceBookDepth)"},
	}, {
		name: "too deep YAML, indented",
		file: "book.yaml", text: ltBook + llIndented(33),
		want: []string{"book.yaml:45:65 out_of_range: nests 33 levels deep; a price book nests at most 32 levels (billing.MaxPriceBookDepth)"},
	}, {
		name: "a 100 KB version refused",
		file: "book.yaml", text: strings.Replace(ltBook, `version: "1"`, `version: "`+strings.Repeat("v", 100<<10)+`"`, 1),
		want: []string{"book.yaml:1:1: version too_long: has 102,400 characters; at most 64 characters are allowed (billing.MaxPriceBookKeyLength)"},
	}, {
		name: "a version of 64 characters accepted",
		file: "book.yaml", text: strings.Replace(ltBook, `version: "1"`, `version: "`+strings.Repeat("v", 64)+`"`, 1),
	}, {
		name: "an operation code of 65 characters refused",
		file: "book.yaml", text: strings.Replace(llOperations(1), "code: A0", "code: "+strings.Repeat("A", 65), 1),
		want: []string{"book.yaml:6:17: labor.operations[0].code too_long: has 65 characters; at most 64 characters are allowed (billing.MaxPriceBookKeyLength)"},
	}, {
		name: "too many operations",
		file: "book.yaml", text: llOperations(billing.MaxPriceBookOperations + 1),
		want: []string{"book.yaml:6:3: labor.operations too_long: has 20,001 items; at most 20,000 items are allowed (billing.MaxPriceBookOperations)"},
	}, {
		name: "exactly the operations accepted",
		file: "book.yaml", text: llOperations(billing.MaxPriceBookOperations),
	}, {
		name: "too many fees, their items not checked",
		file: "book.yaml", text: ltBook + "fees: [" + strings.Repeat("{code: F}, ", billing.MaxPriceBookEntries+1) + "]\n",
		want: []string{"book.yaml:13:1: fees too_long: has 1,001 items; at most 1,000 items are allowed (billing.MaxPriceBookEntries)"},
	}, {
		name: "raised size accepts",
		file: "book.yaml", text: llPad(ltBook, billing.MaxPriceBookBytes+1),
		lim: billing.LoadLimits{Bytes: billing.MaxPriceBookBytes + 1},
	}, {
		name: "raised lines accept",
		file: "book.yaml", text: ltBook + strings.Repeat("\n", billing.MaxPriceBookLines),
		lim: billing.LoadLimits{Lines: 2 * billing.MaxPriceBookLines},
	}, {
		name: "a limit set by the host is named",
		file: "book.yaml", text: ltBook,
		lim:  billing.LoadLimits{Depth: 3},
		want: []string{"book.yaml:7:7 out_of_range: nests 4 levels deep; a price book nests at most 3 levels (billing.LoadLimits.Depth)"},
	}, {
		name: "exactly a depth set by the host accepted",
		file: "book.yaml", text: ltBook,
		lim: billing.LoadLimits{Depth: 4},
	}} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.text)
			start := time.Now()
			book, err := billing.LoadPriceBookWith(c.file, data, c.lim)
			elapsed := time.Since(start)
			assert.Equal(t, c.want, llProblems(t, book, err))
			if c.lim == (billing.LoadLimits{}) {
				again, err2 := billing.LoadPriceBook(c.file, data)
				assert.Equal(t, c.want, llProblems(t, again, err2), "LoadPriceBook is LoadPriceBookWith with no limits set")
			}
			if len(data) > billing.MaxPriceBookBytes && c.lim.Bytes == 0 {
				assert.Less(t, elapsed, 50*time.Millisecond, "refused by its length, without parsing it")
			}
		})
	}
}

func TestLoadPriceBookFile_issue15_size_limits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(big, []byte(llPad(ltBook, billing.MaxPriceBookBytes+1)), 0o600))
	book, err := billing.LoadPriceBookFile(big)
	assert.Equal(t, []string{big + " too_long: is 1,048,577 bytes; a price book is at most 1,048,576 bytes (billing.MaxPriceBookBytes)"},
		llProblems(t, book, err))
	book, err = billing.LoadPriceBookFileWith(big, billing.LoadLimits{Bytes: billing.MaxPriceBookBytes + 1})
	assert.Nil(t, llProblems(t, book, err))

	// Every shipped book is within the limits.
	files, err := filepath.Glob(filepath.Join(ltDir, "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		_, err := billing.LoadPriceBookFile(f)
		assert.NoError(t, err, f)
	}
}

func llNested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// llIndented is n keys x, each indented under the one before: the
// first is a key of the document, and the mapping it holds n levels deep.
func llIndented(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%sx:\n", strings.Repeat("  ", i))
	}
	return b.String()
}

func llThousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
