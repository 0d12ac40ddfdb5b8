package billing_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// requireSameBill holds got to want byte for byte: the bill's JSON, its
// text and its explained form in English and Traditional Chinese, and the
// same of its credit note.
func requireSameBill(t require.TestingT, want, got billing.Bill) {
	for _, pair := range [][2]billing.Bill{{want, got}, {want.Negate(), got.Negate()}} {
		w, err := json.Marshal(pair[0])
		require.NoError(t, err)
		g, err := json.Marshal(pair[1])
		require.NoError(t, err)
		require.Equal(t, string(w), string(g), "bill JSON")
		for _, lang := range []org.Lang{org.English, org.TraditionalChinese} {
			require.Equal(t, pair[0].Text(lang), pair[1].Text(lang), "Bill.Text(%s)", lang)
			w, err := json.Marshal(pair[0].Explained(lang))
			require.NoError(t, err)
			g, err := json.Marshal(pair[1].Explained(lang))
			require.NoError(t, err)
			require.Equal(t, string(w), string(g), "Bill.Explained(%s) JSON", lang)
			for i, pb := range pair[0].Payers {
				require.Equal(t, pb.Text(lang), pair[1].Payers[i].Text(lang), "PayerBill.Text(%s)", lang)
				for k, l := range pb.Lines {
					require.Equal(t, l.Text(lang), pair[1].Payers[i].Lines[k].Text(lang), "Line.Text(%s)", lang)
				}
			}
		}
	}
}

// TestPropertyPriceSameAsFrozenOld: Price, with its fast paths (issue 16),
// gives every random order the bill a frozen copy of the Price before them
// gives (price_frozen_old_test.go): the same JSON, the same texts and
// explanations in both languages, the same errors.
func TestPropertyPriceSameAsFrozenOld(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := propBook(t)
		require.NoError(t, book.Validate(), "the generator makes valid books")
		o := propOrder(t, book)
		want, werr := billing.OldPriceForTest(book, o)
		got, gerr := billing.Price(book, o)
		require.Equal(t, werr, gerr)
		requireSameBill(t, want, got)
	})
}

// TestPriceBenchOrderSameAsFrozenOld: the benchmark's 50-line order, and
// one with its jobs split over payers, price as before.
func TestPriceBenchOrderSameAsFrozenOld(t *testing.T) {
	book := benchBook()
	for _, split := range []bool{false, true} {
		o := benchOrder()
		if split {
			for i := range o.Jobs {
				o.Jobs[i].PayType = billing.PayTypes()[i%len(billing.PayTypes())]
			}
		}
		want, werr := billing.OldPriceForTest(book, o)
		require.NoError(t, werr)
		got, gerr := billing.Price(book, o)
		require.NoError(t, gerr)
		requireSameBill(t, want, got)
	}
}

// TestPriceLargeJobsSameAsFrozenOld: jobs of many lines with codes repeated
// ("j1/labor/OP01#7", counted in a map past a few lines) and many payers
// price as before.
func TestPriceLargeJobsSameAsFrozenOld(t *testing.T) {
	book := benchBook()
	for _, n := range []int{15, 16, 17, 18, 60} {
		o := benchOrder()
		for i := range o.Jobs {
			job := &o.Jobs[i]
			job.PayType = billing.PayTypes()[i%len(billing.PayTypes())]
			for k := range n {
				job.Labor = append(job.Labor, billing.LaborItem{Op: fmt.Sprintf("OP%02d", k%3)})
				job.Parts = append(job.Parts, billing.PartItem{Number: fmt.Sprintf("M%d", k%2), Description: "part", Quantity: d("1.5"), Cost: d(fmt.Sprintf("%d.37", 10+k)), Core: d("4.00")})
				job.Fees = append(job.Fees, billing.FeeItem{Code: "TIRE", Quantity: d("1")})
			}
		}
		want, werr := billing.OldPriceForTest(book, o)
		require.NoError(t, werr)
		got, gerr := billing.Price(book, o)
		require.NoError(t, gerr)
		requireSameBill(t, want, got)
	}
}
