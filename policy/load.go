package policy

import (
	"fmt"
	"os"

	"github.com/servicelane/servicelane/internal/config"
)

// How a policy file is read: by internal/config, the strict YAML and JSON
// loader that billing and appraisal read their files with, which reports
// every problem at once with its file, line, column and field path, and
// reads decimals from their text (500 or "500"), never through float64.
// A comparison's value ([Value]) decodes itself from any scalar, so the
// loader hands it to yaml (YAMLFallback); nothing else of a policy does.

// policyOptions are the policy's rules for the loader. A decimal has at
// most 32 digits before and after the point, so that comparing or adding
// two never builds a huge number; both limits hold again for the decimal
// written back as text (a policy saved as JSON loads again).
var policyOptions = config.Options{
	Op:             "policy: load policy",
	Noun:           "policy",
	MaxDecimalText: 100,
	DecimalExample: "500",
	DecimalRange:   config.DigitLimit(maxDigits),
	YAMLFallback:   true,
}

// LoadFile reads the policy in the file at path: see [Load], with path as
// the name. A file that cannot be read gives the error of os.ReadFile,
// wrapped.
func LoadFile(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: load policy: %w", err)
	}
	return Load(path, data)
}

// Load decodes a policy from data and validates it. name is the file name:
// its extension chooses the format (.json is JSON; .yaml, .yml and anything
// else YAML, which reads JSON too), and it starts the path of every
// problem.
//
// It returns the policy when it is valid. Otherwise it returns a
// *org.ValidationError (Op "policy: load policy") that lists every problem
// at once, in file order: syntax, unknown fields, wrong types and every
// problem of [Policy.Validate] (unknown facts, values of the wrong type,
// impossible or overlapping brackets, unknown actions, a missing ladder
// or currency, duplicate rule ids), each FieldError.Path naming the file,
// line, column and field, as in
// "policies/taipei.yaml:12:9: rules[1].when.fact.value". A problem of a
// field not written in the file is placed at its nearest parent that is.
// A syntax error stops the reading; YAML gives its line only. It never
// panics.
func Load(name string, data []byte) (*Policy, error) {
	var p Policy
	if err := config.Load(name, data, &p, func() error { return p.Validate() }, policyOptions); err != nil {
		return nil, err
	}
	return &p, nil
}
