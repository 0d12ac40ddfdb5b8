package billingtest

import (
	"fmt"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/kit"
)

func diffStoredPriceBook(got, want billing.StoredPriceBook) error {
	return kit.Deep(fmt.Sprintf("price book %s/%s", want.DealerID, want.Book.Version), got, want)
}

func diffSettlement(got, want billing.Settlement) error {
	return kit.Deep(fmt.Sprintf("settlement %s/%s", want.DealerID, want.Key), got, want)
}

func diffDocument(got, want billing.Document) error {
	return kit.Deep(fmt.Sprintf("document %s/%s", want.DealerID, want.ID), got, want)
}

func diffSeries(got, want billing.Series) error {
	return kit.Deep(fmt.Sprintf("series %s/%s", want.DealerID, want.Name), got, want)
}
