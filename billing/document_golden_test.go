package billing_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/textwidth"
	"github.com/servicelane/servicelane/org"
)

// update rewrites the printed documents under testdata/documents:
// go test ./billing -run DocumentText_golden -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/documents")

// goldenDocuments settles a work order through the service on memstore: a
// customer's invoice with a coupon, a deposit and cash with change, and
// the maker's warranty invoice, both addressed in Chinese.
func goldenDocuments(t testing.TB) []billing.Document {
	t.Helper()
	env := stlMemEnv(t)
	in := env.stlInput(t, "st-wo1", "RO-1001", true)
	order := stlOrder("RO-1001", true)
	order.Coupons = []string{"WELCOME"}
	bill, err := billing.Price(env.book, order)
	require.NoError(t, err)
	cust, ok := bill.Payer(billing.PayCustomer)
	require.True(t, ok)
	in.Bill, in.Submitted = bill, stlSubmitted(bill)
	in.Confirmation.By = "高明 Kao Ming"
	in.Payers = map[billing.PayType]billing.Party{billing.PayWarranty: {Name: "和泰汽車 Hotai Motor", TaxID: "12345678"}}
	in.Payments = []billing.Payment{
		{Method: billing.PayDeposit, Amount: stlDec("500")},
		{Method: billing.PayCash, Amount: cust.Total.Sub(stlDec("500")).Add(stlDec("138"))},
	}
	_, docs, err := env.svc.Settle(env.ctx, stlDealer, stlChen, in)
	require.NoError(t, err)
	require.Len(t, docs, 2, "one invoice per payer")
	return docs
}

// TestDocumentText_golden prints each document in English and in
// Traditional Chinese, compares it with its golden file column by column,
// and checks the layout: in every table line the amount ends at the same
// display column, in both languages, at least two columns after its text.
// Padding by rune count (fmt's %-Ns, utf8.RuneCountInString,
// text/tabwriter) pushes every line with Chinese in it to the right and
// fails here.
func TestDocumentText_golden(t *testing.T) {
	taipei := time.FixedZone("Asia/Taipei", 8*60*60)
	for _, d := range goldenDocuments(t) {
		t.Run(string(d.ID), func(t *testing.T) {
			printed := map[org.Lang][]amountRow{}
			for _, lang := range org.Langs() {
				got := d.Text(lang, taipei)
				golden(t, filepath.Join("documents", fmt.Sprintf("%s.%s.txt", d.ID, lang)), got)
				printed[lang] = amountRows(got)
				require.NotEmpty(t, printed[lang], "%s in %s prints no amounts", d.ID, lang)
			}
			en, zh := printed[org.English], printed[org.TraditionalChinese]
			require.Equal(t, amountsOf(en), amountsOf(zh), "both languages print the same amounts in the same order")

			end := en[0].amountEnd
			width := 0
			for _, r := range append(en, zh...) {
				width = max(width, textwidth.Width(r.amount))
			}
			start := end - width // where the amount column starts
			gap := end
			for _, lang := range org.Langs() {
				for _, r := range printed[lang] {
					assert.Equal(t, end, r.amountEnd, "%s line %d %q: the amount ends at display column %d, the first English one at %d",
						lang, r.line, r.text, r.amountEnd, end)
					assert.LessOrEqual(t, r.textEnd+2, start, "%s line %d %q: the text runs into the amount column at %d", lang, r.line, r.text, start)
					gap = min(gap, start-r.textEnd)
				}
			}
			assert.Equal(t, 2, gap, "two columns between the widest text, in either language, and the amounts")
		})
	}
}

// BenchmarkDocumentText prints the customer's invoice of the golden test:
// the layout is measured in both languages, so this is about two renders.
func BenchmarkDocumentText(b *testing.B) {
	d := goldenDocuments(b)[0]
	for _, lang := range org.Langs() {
		b.Run(string(lang), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = d.Text(lang, nil)
			}
		})
	}
}

// amountRow is a printed line that ends in an amount, with the display
// columns where its text ends and its amount ends.
type amountRow struct {
	line               int // from 1
	text, amount       string
	textEnd, amountEnd int
}

// amountLine is a text, two spaces or more, and an amount: "1,800",
// "-500", "12.50".
var amountLine = regexp.MustCompile(`^(.*\S)( {2,})(-?[0-9][0-9,]*(?:\.[0-9]+)?)$`)

func amountRows(printed string) []amountRow {
	var rows []amountRow
	for i, line := range strings.Split(printed, "\n") {
		m := amountLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows = append(rows, amountRow{line: i + 1, text: m[1], amount: m[3],
			textEnd: textwidth.Width(m[1]), amountEnd: textwidth.Width(line)})
	}
	return rows
}

func amountsOf(rows []amountRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.amount)
	}
	return out
}

// golden compares got with testdata/name, or writes it with -update. A
// difference names the first line and display column where they part.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./billing -run DocumentText_golden -update")
	if string(want) == got {
		return
	}
	line, col := firstDifference(string(want), got)
	assert.Equal(t, string(want), got, "%s first differs at line %d, display column %d: run go test ./billing -run DocumentText_golden -update and review the diff",
		path, line, col)
}

// firstDifference is the line (from 1) and the display column (from 0)
// where a and b first differ.
func firstDifference(a, b string) (line, col int) {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x == y {
			continue
		}
		n := 0
		for n < len(x) && n < len(y) && x[n] == y[n] {
			n++
		}
		return i + 1, textwidth.Width(strings.ToValidUTF8(x[:n], ""))
	}
	return 0, 0
}
