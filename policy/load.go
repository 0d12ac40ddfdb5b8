package policy

import (
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

// Limits of a policy file, checked before it is parsed (see
// docs/CONVENTIONS.md, "Configuration limits"). A file beyond one is
// refused with a *org.ValidationError whose field names the file: code
// org.CodeTooLong for bytes and lines, org.CodeRange for the nesting, and
// a message naming the limit and the actual value. A host raises (or
// lowers) them for its own files with [LoadWith] and [LoadFileWith].
const (
	// MaxPolicyBytes is the largest policy file: 1 MiB.
	MaxPolicyBytes = 1 << 20
	// MaxPolicyLines is the most lines of a policy file.
	MaxPolicyLines = 20_000
	// MaxPolicyDepth is the deepest nesting of mappings and lists in a
	// policy file. It is above the 32 of the other configurations: a
	// condition nests up to 16 deep ([Policy.Validate]), and each all or
	// any takes two levels (the list and the mapping of each condition),
	// so a policy at that limit nests about 36.
	MaxPolicyDepth = 64
)

// Limits of a policy's contents, which [Policy.Validate] checks wherever
// a policy comes from, a file or Go; a host cannot raise them. A list
// beyond its limit is reported at its path (code org.CodeTooLong) and its
// items are not checked one by one.
const (
	// MaxPolicyRules is the most rules of a policy.
	MaxPolicyRules = 500
	// MaxPolicyLadders is the most ladders of a policy, and the most
	// steps of a ladder.
	MaxPolicyLadders = 100
	// MaxPolicyIDLength is the most characters of the policy's id, which
	// every proposal records and a store keys the policy by, and of rule
	// and ladder ids.
	MaxPolicyIDLength = 64
)

// LoadLimits bound a policy file before it is parsed, for [LoadWith] and
// [LoadFileWith]. A field of 0 or less keeps its default (MaxPolicyBytes,
// MaxPolicyLines, MaxPolicyDepth); a message about a limit set here names
// it (policy.LoadLimits.Bytes). The limits of the policy's contents
// (MaxPolicyRules, ...) hold whatever these are.
type LoadLimits struct {
	// Bytes is the largest file, in bytes.
	Bytes int
	// Lines is the most lines.
	Lines int
	// Depth is the deepest nesting of mappings and lists.
	Depth int
}

func (lim LoadLimits) options() config.Options {
	return policyOptions.WithLimits(
		config.Limits{Bytes: MaxPolicyBytes, Lines: MaxPolicyLines, Depth: MaxPolicyDepth},
		config.LimitNames{Bytes: "policy.MaxPolicyBytes", Lines: "policy.MaxPolicyLines", Depth: "policy.MaxPolicyDepth"},
		config.Limits(lim), "policy.LoadLimits")
}

// LoadFile reads the policy in the file at path: see [Load], with path as
// the name. A file larger than MaxPolicyBytes is refused by its size
// before it is read. A file that cannot be read gives the error of os,
// wrapped.
func LoadFile(path string) (*Policy, error) {
	return LoadFileWith(path, LoadLimits{})
}

// LoadFileWith is [LoadFile] with the limits lim.
func LoadFileWith(path string, lim LoadLimits) (*Policy, error) {
	opt := lim.options()
	data, err := config.ReadFile(path, opt)
	if err != nil {
		return nil, err
	}
	return load(path, data, opt)
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
// A syntax error stops the reading; YAML gives its line only. Data beyond
// the limits (MaxPolicyBytes, MaxPolicyLines, MaxPolicyDepth) is refused
// before it is parsed, with that problem only. It never panics.
func Load(name string, data []byte) (*Policy, error) {
	return LoadWith(name, data, LoadLimits{})
}

// LoadWith is [Load] with the limits lim.
func LoadWith(name string, data []byte, lim LoadLimits) (*Policy, error) {
	return load(name, data, lim.options())
}

func load(name string, data []byte, opt config.Options) (*Policy, error) {
	var p Policy
	if err := config.Load(name, data, &p, func() error { return p.Validate() }, opt); err != nil {
		return nil, err
	}
	return &p, nil
}
