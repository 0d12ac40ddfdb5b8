package billing_test

import (
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// exampleExplainBook is a small Taiwan price book: whole dollars, prices
// include 5% VAT, rounded once per document.
func exampleExplainBook() *billing.PriceBook {
	dec := decimal.RequireFromString
	return &billing.PriceBook{
		Version: "2026-11", Currency: "TWD", Scale: 0, Rounding: billing.HalfUp,
		Labor: billing.LaborPolicy{
			Rates: []billing.LaborRate{{Rate: dec("1200")}, {PayType: billing.PayWarranty, Rate: dec("900")}},
			Operations: []billing.Operation{
				{Code: "BRK-01", Description: "replace pads", Hours: dec("1.5")},
				{Code: "ECU-01", Description: "ECU update", Hours: dec("0.8")},
			},
			Increment: dec("0.1"),
		},
		Fees: []billing.FeeRule{
			{Code: "SHOP", Description: "shop supplies", Percent: dec("0.05"), Base: billing.BaseLabor, Max: dec("50"), Taxable: true},
			{Code: "OIL", Description: "waste oil disposal", UnitPrice: dec("5"), Unit: "L"},
		},
		Coupons: []billing.Coupon{{Code: "WELCOME", Amount: dec("100")}},
		Tax: billing.TaxPolicy{Inclusive: true, Scope: billing.ScopeDocument, DiscountBeforeTax: true,
			Rounding: billing.Rounding{Mode: billing.HalfUp, Places: 0},
			Rates:    []billing.TaxRate{{Code: "VAT", Name: "VAT", Rate: dec("0.05")}}},
	}
}

func exampleExplainOrder() billing.Order {
	dec := decimal.RequireFromString
	return billing.Order{WorkOrder: "WO-1001", Coupons: []string{"WELCOME"}, Jobs: []billing.Job{
		{ID: "j1", Title: "front brakes", PayType: billing.PayCustomer,
			Labor: []billing.LaborItem{{Op: "BRK-01"}},
			Parts: []billing.PartItem{{Number: "04465-0K240", Description: "brake pads", Quantity: dec("1"), List: dec("2400")}},
			Fees:  []billing.FeeItem{{Code: "OIL", Quantity: dec("4")}}},
		{ID: "j2", Title: "recall", PayType: billing.PayWarranty,
			Labor: []billing.LaborItem{{Op: "ECU-01"}}},
	}}
}

// A bill explained to the customer (R3.4c), in English and in Traditional
// Chinese: every line says what it is and how it was computed, then the
// totals and the tax.
func ExampleBill_Text() {
	bill, err := billing.Price(exampleExplainBook(), exampleExplainOrder())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(bill.Text(org.English))
	fmt.Println()
	fmt.Print(bill.Text(org.TraditionalChinese))
	// Output:
	// Work order WO-1001
	// Price book 2026-11, amounts in TWD
	// Prices include tax.
	//
	// Customer
	//   Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax 5% included)                           1,800
	//     less discount WELCOME: -42                                                                     -42
	//   Part 04465-0K240 brake pads: 1 x 2,400 (list price) = 2,400 (tax 5% included)                  2,400
	//     less discount WELCOME: -56                                                                     -56
	//   Fee OIL waste oil disposal: 4 L x 5/L = 20 (tax exempt)                                           20
	//     less discount WELCOME: -1                                                                       -1
	//   Fee SHOP shop supplies: 5% of labor 1,800 = 90, capped at the maximum of 50 (tax 5% included)     50
	//     less discount WELCOME: -1                                                                       -1
	//   Subtotal                                                                                       4,270
	//   Discount                                                                                        -100
	//   Tax included                                                                                     198
	//     VAT 5%                                                                                         198
	//       VAT 5% included in the prices: 198 on a net of 3,953; rounded once on the whole bill (half up to whole units)
	//   Total                                                                                          4,170
	//     Subtotal 4,270 - discount 100 = total 4,170, including tax 198
	//
	// Warranty
	//   Labor ECU-01 ECU update: 0.8 h x 900/h = 720 (tax 5% included)                                   720
	//   Subtotal                                                                                         720
	//   Tax included                                                                                      34
	//     VAT 5%                                                                                          34
	//       VAT 5% included in the prices: 34 on a net of 686; rounded once on the whole bill (half up to whole units)
	//   Total                                                                                            720
	//     Subtotal 720 - discount 0 = total 720, including tax 34
	//
	// Total, all payers                                                                                4,890
	//
	// 工單 WO-1001
	// 價目表 2026-11，金額單位：TWD
	// 以上價格均已含稅。
	//
	// 客戶付費
	//   工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800（含 5% 營業稅）                1,800
	//     折扣 WELCOME：-42                                                                        -42
	//   零件 04465-0K240 brake pads：1 × 2,400（定價）= 2,400（含 5% 營業稅）                    2,400
	//     折扣 WELCOME：-56                                                                        -56
	//   規費 OIL waste oil disposal：4 公升 × 每公升 5 = 20（免稅）                                 20
	//     折扣 WELCOME：-1                                                                          -1
	//   規費 SHOP shop supplies：工資 1,800 × 5% = 90，超過上限，以上限 50 計收（含 5% 營業稅）     50
	//     折扣 WELCOME：-1                                                                          -1
	//   小計                                                                                     4,270
	//   折扣                                                                                      -100
	//   內含營業稅                                                                                 198
	//     5% 營業稅                                                                                198
	//       5% 營業稅（內含）：未稅金額 3,953，稅額 198；整張單據合計後計算（四捨五入至整數）
	//   合計                                                                                     4,170
	//     小計 4,270 - 折扣 100 = 合計 4,170（內含營業稅 198）
	//
	// 保固
	//   工資 ECU-01 ECU update：0.8 小時 × 每小時 900 = 720（含 5% 營業稅）                        720
	//   小計                                                                                       720
	//   內含營業稅                                                                                  34
	//     5% 營業稅                                                                                 34
	//       5% 營業稅（內含）：未稅金額 686，稅額 34；整張單據合計後計算（四捨五入至整數）
	//   合計                                                                                       720
	//     小計 720 - 折扣 0 = 合計 720（內含營業稅 34）
	//
	// 總計（各付款方合計）                                                                       4,890
}

// One line, on its own and inside its bill: alone, a line does not know
// whether prices include tax, so it gives the rate only.
func ExampleLine_Text() {
	bill, err := billing.Price(exampleExplainBook(), exampleExplainOrder())
	if err != nil {
		fmt.Println(err)
		return
	}
	labor := bill.Payers[0].Lines[0]
	fmt.Println(labor.Text(org.English))
	fmt.Println(labor.Text(org.TraditionalChinese))
	fmt.Println(bill.Explained(org.English).Payers[0].Lines[0].Text)
	fmt.Println(bill.Explained(org.TraditionalChinese).Payers[0].Lines[0].Text)
	// Output:
	// Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax 5% included); less discount WELCOME: -42
	// 工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800（含 5% 營業稅）；折扣 WELCOME：-42
	// Labor BRK-01 replace pads: 1.5 h x 1,200/h = 1,800 (tax 5% included)
	// 工資 BRK-01 replace pads：1.5 小時 × 每小時 1,200 = 1,800（含 5% 營業稅）
}

// The structured form, for a screen: plain data that serialises to JSON.
func ExampleBill_Explained() {
	bill, err := billing.Price(exampleExplainBook(), exampleExplainOrder())
	if err != nil {
		fmt.Println(err)
		return
	}
	warranty := bill.Explained(org.TraditionalChinese).Payers[1]
	out, err := json.MarshalIndent(warranty, "", "  ")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output:
	// {
	//   "pay_type": "warranty",
	//   "name": "保固",
	//   "lines": [
	//     {
	//       "id": "j2/labor/ECU-01",
	//       "job": "j2",
	//       "kind": "labor",
	//       "kind_name": "工資",
	//       "text": "工資 ECU-01 ECU update：0.8 小時 × 每小時 900 = 720（含 5% 營業稅）",
	//       "amount": "720",
	//       "net": "720",
	//       "tax": "34"
	//     }
	//   ],
	//   "taxes": [
	//     {
	//       "id": "VAT",
	//       "label": "5% 營業稅",
	//       "amount": "34",
	//       "text": "5% 營業稅（內含）：未稅金額 686，稅額 34；整張單據合計後計算（四捨五入至整數）"
	//     }
	//   ],
	//   "totals": [
	//     {
	//       "id": "subtotal",
	//       "label": "小計",
	//       "amount": "720"
	//     },
	//     {
	//       "id": "discount",
	//       "label": "折扣",
	//       "amount": "0"
	//     },
	//     {
	//       "id": "tax",
	//       "label": "內含營業稅",
	//       "amount": "34"
	//     },
	//     {
	//       "id": "total",
	//       "label": "合計",
	//       "amount": "720",
	//       "text": "小計 720 - 折扣 0 = 合計 720（內含營業稅 34）"
	//     }
	//   ]
	// }
}
