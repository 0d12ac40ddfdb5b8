package appraisal

import (
	"cmp"
	"slices"

	"github.com/servicelane/servicelane/org"
)

// Ranked is a result with its rank in the department.
type Ranked struct {
	Result
	// Rank is 1 for the highest score; equal scores share a rank and the
	// next rank skips (1, 1, 3): no tie is broken by anything but the score
	// (R1.3).
	Rank int `json:"rank"`
}

// Rank orders a department's results by score, highest first; equal
// scores share a rank and are listed by employee ID.
func Rank(results []Result) []Ranked {
	out := make([]Ranked, len(results))
	for i, r := range results {
		out[i] = Ranked{Result: r}
	}
	slices.SortStableFunc(out, func(a, b Ranked) int {
		if c := b.Score.Cmp(a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Employee, b.Employee)
	})
	for i := range out {
		if i > 0 && out[i].Score.Equal(out[i-1].Score) {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// MonthResult is a past month's outcome, for history.
type MonthResult struct {
	Month org.Month `json:"month"`
	Pass  bool      `json:"pass"`
}

// ConsecutiveFails counts the failing months that end at the latest month
// of history, month after month without a gap (R6.4: two consecutive fails
// make the contract terminable). A month missing from history breaks the
// run: no appraisal is no fail.
func ConsecutiveFails(history []MonthResult) int {
	hs := slices.Clone(history)
	slices.SortFunc(hs, func(a, b MonthResult) int {
		switch {
		case a.Month.Before(b.Month):
			return -1
		case b.Month.Before(a.Month):
			return 1
		}
		return 0
	})
	n := 0
	for i := len(hs) - 1; i >= 0; i-- {
		if hs[i].Pass || (i < len(hs)-1 && hs[i].Month.Next() != hs[i+1].Month) {
			break
		}
		n++
	}
	return n
}
