package validate

import (
	"slices"
	"strings"
)

// Merge returns a value's own problems (a configuration's checks: own)
// with the problems the one input policy found in it (Struct: generic),
// one problem per path. Where both report a path, the input policy's is
// kept, except for two: a blank text (spaces and tabs) stays required,
// and a text over a bound of its own stays too long for that bound, not
// for MaxText. Nothing is reported inside a list own found too long (code
// CodeTooLong): its items are not checked one by one.
func Merge(own, generic []Problem) []Problem {
	if len(generic) == 0 {
		return own
	}
	codes := make(map[string]string, len(generic)) // path -> code
	for _, p := range generic {
		codes[p.Path] = p.Code
	}
	ownWins := map[string]bool{}
	var unchecked []string // "fees[": the items of a list too long to check
	for _, f := range own {
		if f.Code == CodeTooLong {
			unchecked = append(unchecked, f.Path+"[")
		}
		if code, ok := codes[f.Path]; ok && (f.Code == CodeRequired || f.Code == CodeTooLong && code == CodeTooLong) {
			ownWins[f.Path] = true
		}
	}
	out := make([]Problem, 0, len(own)+len(generic))
	for _, f := range own {
		if _, ok := codes[f.Path]; !ok || ownWins[f.Path] {
			out = append(out, f)
		}
	}
	for _, p := range generic {
		if !ownWins[p.Path] && !slices.ContainsFunc(unchecked, func(list string) bool { return strings.HasPrefix(p.Path, list) }) {
			out = append(out, p)
		}
	}
	return out
}
