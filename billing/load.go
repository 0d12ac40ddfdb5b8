package billing

import (
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

// Limits of a price book file, checked before it is parsed (see
// docs/CONVENTIONS.md, "Configuration limits"). A file beyond one is
// refused with a *org.ValidationError whose field names the file: code
// org.CodeTooLong for bytes and lines, org.CodeRange for the nesting, and
// a message naming the limit and the actual value. A host raises (or
// lowers) them for its own files with [LoadPriceBookWith] and
// [LoadPriceBookFileWith].
const (
	// MaxPriceBookBytes is the largest price book file: 1 MiB.
	MaxPriceBookBytes = 1 << 20
	// MaxPriceBookLines is the most lines of a price book file.
	MaxPriceBookLines = 20_000
	// MaxPriceBookDepth is the deepest nesting of mappings and lists in a
	// price book file; a book nests 5 levels.
	MaxPriceBookDepth = 32
)

// Limits of a price book's contents, which [PriceBook.Validate] checks
// wherever a book comes from, a file or Go; a host cannot raise them.
// A list beyond its limit is reported at its path (code org.CodeTooLong,
// "has 400,000 items; at most 20,000 items are allowed") and its items are
// not checked one by one.
const (
	// MaxPriceBookOperations is the most labor operations of a book.
	MaxPriceBookOperations = 20_000
	// MaxPriceBookEntries is the most entries of each other list of a
	// book: labor rates, parts matrix bands, fees, coupons, tax rates and
	// the roles that may price by hand.
	MaxPriceBookEntries = 1_000
	// MaxPriceBookKeyLength is the most characters of the book's version,
	// which every bill records and a store keys the book by, and of every
	// code (operations, fees, coupons, tax rates).
	MaxPriceBookKeyLength = 64
)

// LoadLimits bound a price book file before it is parsed, for
// [LoadPriceBookWith] and [LoadPriceBookFileWith]. A field of 0 or less
// keeps its default (MaxPriceBookBytes, MaxPriceBookLines,
// MaxPriceBookDepth); a message about a limit set here names it
// (billing.LoadLimits.Bytes). The limits of the book's contents
// (MaxPriceBookOperations, ...) hold whatever these are.
type LoadLimits struct {
	// Bytes is the largest file, in bytes.
	Bytes int
	// Lines is the most lines.
	Lines int
	// Depth is the deepest nesting of mappings and lists.
	Depth int
}

func (lim LoadLimits) options() config.Options {
	return priceBookOptions.WithLimits(
		config.Limits{Bytes: MaxPriceBookBytes, Lines: MaxPriceBookLines, Depth: MaxPriceBookDepth},
		config.LimitNames{Bytes: "billing.MaxPriceBookBytes", Lines: "billing.MaxPriceBookLines", Depth: "billing.MaxPriceBookDepth"},
		config.Limits(lim), "billing.LoadLimits")
}

// LoadPriceBookFile reads the price book in the file at path: see
// [LoadPriceBook], with path as the name. A file larger than
// MaxPriceBookBytes is refused by its size before it is read. A file that
// cannot be read gives the error of os, wrapped.
func LoadPriceBookFile(path string) (*PriceBook, error) {
	return LoadPriceBookFileWith(path, LoadLimits{})
}

// LoadPriceBookFileWith is [LoadPriceBookFile] with the limits lim.
func LoadPriceBookFileWith(path string, lim LoadLimits) (*PriceBook, error) {
	opt := lim.options()
	data, err := config.ReadFile(path, opt)
	if err != nil {
		return nil, err
	}
	return loadPriceBook(path, data, opt)
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
// syntax error stops the reading; YAML gives its line only. Data beyond
// the limits (MaxPriceBookBytes, MaxPriceBookLines, MaxPriceBookDepth) is
// refused before it is parsed, with that problem only. It never panics.
func LoadPriceBook(name string, data []byte) (*PriceBook, error) {
	return LoadPriceBookWith(name, data, LoadLimits{})
}

// LoadPriceBookWith is [LoadPriceBook] with the limits lim: a host that
// loads larger books of its own raises them, as
// LoadPriceBookWith(name, data, billing.LoadLimits{Bytes: 4 << 20, Lines: 100_000}).
func LoadPriceBookWith(name string, data []byte, lim LoadLimits) (*PriceBook, error) {
	return loadPriceBook(name, data, lim.options())
}

func loadPriceBook(name string, data []byte, opt config.Options) (*PriceBook, error) {
	var book PriceBook
	if err := config.Load(name, data, &book, func() error { return book.Validate() }, opt); err != nil {
		return nil, err
	}
	return &book, nil
}
