package appraisal

import (
	"fmt"
	"os"

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

// LoadPlanFile reads the plan in the file at path: see [LoadPlan], with
// path as the name. A file that cannot be read gives the error of
// os.ReadFile, wrapped.
func LoadPlanFile(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("appraisal: load plan: %w", err)
	}
	return LoadPlan(path, data)
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
// only. It never panics.
func LoadPlan(name string, data []byte) (*Plan, error) {
	var plan Plan
	if err := config.Load(name, data, &plan, func() error { return plan.Validate() }, planOptions); err != nil {
		return nil, err
	}
	return &plan, nil
}
