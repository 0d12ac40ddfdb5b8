package trainingtest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/training"
)

func diffPlan(got, want training.Plan) error {
	return kit.Deep(fmt.Sprintf("plan %s/%d", want.DealerID, want.Year), got, want)
}

func diffSession(got, want training.Session) error {
	return kit.Deep(fmt.Sprintf("session %s/%s", want.DealerID, want.ID), got, want)
}

func diffProgress(got, want training.Progress) error {
	return kit.Deep(fmt.Sprintf("progress %s/%s", want.DealerID, want.Key()), got, want)
}

func diffCareer(got, want training.Career) error {
	return kit.Deep(fmt.Sprintf("career %s/%s", want.DealerID, want.Employee), got, want)
}

func planYear(p training.Plan) string         { return fmt.Sprint(p.Year) }
func sessionID(s training.Session) string     { return s.ID }
func progressKey(p training.Progress) string  { return p.Key() }
func careerEmployee(c training.Career) string { return string(c.Employee) }
func sortedByKey(ps []training.Progress) []training.Progress {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b training.Progress) int { return strings.Compare(a.Key(), b.Key()) })
	return ps
}

func sortedByEmployee(cs []training.Career) []training.Career {
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b training.Career) int { return strings.Compare(string(a.Employee), string(b.Employee)) })
	return cs
}

// sortedByStart orders sessions as Sessions must: by Start as instants,
// then by ID in byte order.
func sortedByStart(ss []training.Session) []training.Session {
	ss = slices.Clone(ss)
	slices.SortFunc(ss, func(a, b training.Session) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return ss
}
