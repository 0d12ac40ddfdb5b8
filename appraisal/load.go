package appraisal

import (
	"github.com/servicelane/servicelane/internal/config"
)

// How a plan file is read: by internal/config, the strict YAML and JSON
// loader billing reads a price book with, which reports every problem at
// once with its file, line, column and field path, and reads decimals
// from their text (0.95 or "0.95"), never through float64. A plan adds
// maps with text keys (bonus.by_grade); a type the loader does not know
// is a problem of its own, so that a field added with one shows in the
// tests that load every field instead of panicking.

// planOptions are the plan's rules for the loader. A decimal's text is
// short enough to parse at once, and it has at most 32 digits before and
// after the point, so that comparing or adding two never builds a huge
// number. Both limits hold again for the decimal written back as text (a
// plan saved as JSON loads again).
var planOptions = config.Options{
	Op:             "appraisal: load plan",
	Noun:           "plan",
	MaxDecimalText: 100,
	DecimalExample: "0.95",
	DecimalRange:   config.DigitLimit(32),
	Maps:           true,
}

// Limits of a plan file, checked before it is parsed (see
// docs/CONVENTIONS.md, "Configuration limits"). A file beyond one is
// refused with a *org.ValidationError whose field names the file: code
// org.CodeTooLong for bytes and lines, org.CodeRange for the nesting, and
// a message naming the limit and the actual value. A host raises (or
// lowers) them for its own files with [LoadPlanWith] and
// [LoadPlanFileWith].
const (
	// MaxPlanBytes is the largest plan file: 1 MiB.
	MaxPlanBytes = 1 << 20
	// MaxPlanLines is the most lines of a plan file.
	MaxPlanLines = 20_000
	// MaxPlanDepth is the deepest nesting of mappings and lists in a plan
	// file; a plan nests 6 levels.
	MaxPlanDepth = 32
)

// Limits of a plan's contents, which [Plan.Validate] checks wherever a
// plan comes from, a file or Go; a host cannot raise them.
const (
	// MaxPlanKPIs is the most KPIs of a plan.
	MaxPlanKPIs = 50
	// MaxPlanGrades is the most grades of a plan.
	MaxPlanGrades = 50
	// MaxPlanKeyLength is the most characters of the plan's version,
	// which every result records, and of KPI and grade codes.
	MaxPlanKeyLength = 64
)

// LoadLimits bound a plan file before it is parsed, for [LoadPlanWith]
// and [LoadPlanFileWith]. A field of 0 or less keeps its default
// (MaxPlanBytes, MaxPlanLines, MaxPlanDepth); a message about a limit set
// here names it (appraisal.LoadLimits.Bytes). The limits of the plan's
// contents (MaxPlanKPIs, ...) hold whatever these are.
type LoadLimits struct {
	// Bytes is the largest file, in bytes.
	Bytes int
	// Lines is the most lines.
	Lines int
	// Depth is the deepest nesting of mappings and lists.
	Depth int
}

func (lim LoadLimits) options() config.Options {
	return planOptions.WithLimits(
		config.Limits{Bytes: MaxPlanBytes, Lines: MaxPlanLines, Depth: MaxPlanDepth},
		config.LimitNames{Bytes: "appraisal.MaxPlanBytes", Lines: "appraisal.MaxPlanLines", Depth: "appraisal.MaxPlanDepth"},
		config.Limits(lim), "appraisal.LoadLimits")
}

// LoadPlanFile reads the plan in the file at path: see [LoadPlan], with
// path as the name. A file larger than MaxPlanBytes is refused by its size
// before it is read. A file that cannot be read gives the error of os,
// wrapped.
func LoadPlanFile(path string) (*Plan, error) {
	return LoadPlanFileWith(path, LoadLimits{})
}

// LoadPlanFileWith is [LoadPlanFile] with the limits lim.
func LoadPlanFileWith(path string, lim LoadLimits) (*Plan, error) {
	opt := lim.options()
	data, err := config.ReadFile(path, opt)
	if err != nil {
		return nil, err
	}
	return loadPlan(path, data, opt)
}

// LoadPlan decodes a plan from data and validates it. name is the file
// name: its extension chooses the format (.json is JSON; .yaml, .yml and
// anything else YAML, which reads JSON too), and it starts the path of
// every problem.
//
// It returns the plan when it is valid. Otherwise it returns a
// *org.ValidationError (Op "appraisal: load plan") that lists every problem
// at once, in file order: syntax, unknown fields, wrong types and every
// problem of [Plan.Validate], each FieldError.Path naming the file, line,
// column and field, as in "plans/taipei.yaml:12:9: kpis[1].weight". A
// problem of a field not written in the file is placed at its nearest
// parent that is. A syntax error stops the reading; YAML gives its line
// only. Data beyond the limits (MaxPlanBytes, MaxPlanLines, MaxPlanDepth)
// is refused before it is parsed, with that problem only. It never panics.
func LoadPlan(name string, data []byte) (*Plan, error) {
	return LoadPlanWith(name, data, LoadLimits{})
}

// LoadPlanWith is [LoadPlan] with the limits lim.
func LoadPlanWith(name string, data []byte, lim LoadLimits) (*Plan, error) {
	return loadPlan(name, data, lim.options())
}

func loadPlan(name string, data []byte, opt config.Options) (*Plan, error) {
	var plan Plan
	if err := config.Load(name, data, &plan, func() error { return plan.Validate() }, opt); err != nil {
		return nil, err
	}
	return &plan, nil
}
