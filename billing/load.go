package billing

import (
	"fmt"
	"os"

	"github.com/servicelane/servicelane/internal/config"
)

// How a price book file is read: by internal/config, the strict YAML and
// JSON loader that reports every problem at once with its file, line,
// column and field path, and reads decimals from their text (12.50 or
// "12.50"), never through float64. A type that decodes itself goes
// through yaml.

// priceBookOptions are the price book's rules for the loader: a decimal's
// text is enough for any amount, rate or hours, and small enough that
// comparing two decimals never builds a huge number.
var priceBookOptions = config.Options{
	Op:             "billing: load price book",
	Noun:           "price book",
	MaxDecimalText: 64,
	DecimalExample: "12.50",
	DecimalRange:   config.ExponentLimit(32),
	YAMLFallback:   true,
}

// LoadPriceBookFile reads the price book in the file at path: see
// [LoadPriceBook], with path as the name. A file that cannot be read gives
// the error of os.ReadFile, wrapped.
func LoadPriceBookFile(path string) (*PriceBook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("billing: load price book: %w", err)
	}
	return LoadPriceBook(path, data)
}

// LoadPriceBook decodes a price book from data and validates it. name is
// the file name: its extension chooses the format (.json is JSON; .yaml,
// .yml and anything else YAML, which reads JSON too), and it starts the
// path of every problem.
//
// It returns the book when it is valid. Otherwise it returns a
// *org.ValidationError (Op "billing: load price book") that lists every
// problem at once: syntax, unknown fields, wrong types and every problem of
// [PriceBook.Validate], each FieldError.Path naming the file, line, column
// and field, as in "pricebooks/taipei.yaml:12:5: labor.rates[2].rate". A
// syntax error stops the reading; YAML gives its line only. It never
// panics.
func LoadPriceBook(name string, data []byte) (*PriceBook, error) {
	var book PriceBook
	if err := config.Load(name, data, &book, func() error { return book.Validate() }, priceBookOptions); err != nil {
		return nil, err
	}
	return &book, nil
}
