// Package demo holds what the examples share: Taipei Motors' price book,
// as a dealer would keep it.
package demo

import (
	_ "embed"

	"github.com/servicelane/servicelane/billing"
)

//go:embed pricebook.yaml
var priceBookYAML []byte

// PriceBook returns Taipei Motors' price book, freshly loaded.
func PriceBook() (*billing.PriceBook, error) {
	return billing.LoadPriceBook("pricebook.yaml", priceBookYAML)
}
