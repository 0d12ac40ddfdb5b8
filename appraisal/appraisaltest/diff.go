package appraisaltest

import (
	"fmt"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
)

func diffCycle(got, want appraisal.Cycle) error {
	return kit.Deep(fmt.Sprintf("cycle %s/%s", want.DealerID, want.Month), got, want)
}

func diffInput(got, want appraisal.Input) error {
	return kit.Deep(fmt.Sprintf("input %s/%s/%s", want.DealerID, want.Month, want.Key()), got, want)
}

func diffAppraisal(got, want appraisal.Appraisal) error {
	return kit.Deep(fmt.Sprintf("appraisal %s/%s/%s", want.DealerID, want.Month, want.Computed.Employee), got, want)
}

func diffImprovement(got, want appraisal.Improvement) error {
	return kit.Deep(fmt.Sprintf("improvement plan %s/%s/%s", want.DealerID, want.Month, want.Employee), got, want)
}

func inputKey(in appraisal.Input) string      { return in.Key() }
func employeeOf(a appraisal.Appraisal) string { return string(a.Computed.Employee) }
func monthOf(a appraisal.Appraisal) string    { return a.Month.String() }
func monthEmployee(a appraisal.Appraisal) string {
	return a.Month.String() + "/" + string(a.Computed.Employee)
}
