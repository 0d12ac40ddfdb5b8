package billing_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

// A customer's invoice as printed (R3.4d, R3.4e): the bill explained, a
// deposit applied as a negative line, cash with its change, the warranty
// reminder and the fee disclosure.
func ExampleDocument_Text() {
	book, _ := billing.LoadPriceBookFile("testdata/pricebooks/taipei.yaml")
	bill, _ := billing.Price(book, billing.Order{WorkOrder: "RO-1", Jobs: []billing.Job{{ID: "j1", Title: "brakes",
		PayType: billing.PayCustomer, Labor: []billing.LaborItem{{Op: "BRK-01"}}}}})
	cust, _ := bill.Payer(billing.PayCustomer)
	doc := billing.Document{ID: "INV-000001", Kind: billing.Invoice, WorkOrder: "RO-1", Payer: billing.Party{Name: "Kao Ming"},
		Inclusive: true, Bill: cust, Total: cust.Total, IssuedAt: time.Date(2026, 11, 2, 5, 0, 0, 0, time.UTC),
		Payments: []billing.Payment{{Method: billing.PayDeposit, Amount: decimal.NewFromInt(500)}, {Method: billing.PayCash, Amount: decimal.NewFromInt(2000)}},
		Notes:    []billing.Explanation{{Key: "note.warranty"}, {Key: "note.fee_disclosure", Args: map[string]string{"code": "SHOP", "description": "Shop supplies"}}}}
	fmt.Print(doc.Text(org.TraditionalChinese, nil))
	// Output:
	// 發票第 INV-000001 號
	// 開立日期 2026-11-02，買受人：Kao Ming
	// 工單 RO-1
	//
	// 客戶付費
	//   工資 BRK-01 Front brake pads, replace：1.5 小時 × 每小時 1,200 = 1,800（含 5% 營業稅）  1,800
	//   規費 SHOP Shop supplies：工資 1,800 × 3% = 54（含 5% 營業稅）                              54
	//   小計                                                                                    1,854
	//   內含營業稅                                                                                 88
	//     5% VAT 5% (營業稅)                                                                       88
	//       5% VAT 5% (營業稅)（內含）：未稅金額 1,766，稅額 88；整張單據合計後計算（四捨五入至整數）
	//   合計                                                                                    1,854
	//     小計 1,854 - 折扣 0 = 合計 1,854（內含營業稅 88）
	//   訂金抵扣                                                                                 -500
	//   付款方式：現金                                                                          2,000
	//   找零                                                                                      646
	//
	// 請妥善保存本憑證，以便日後查詢及申請保固。
	// 規費 SHOP（Shop supplies）依價目表收取；計算方式請洽您的服務顧問。
}
