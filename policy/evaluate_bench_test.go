package policy_test

import (
	"testing"

	"github.com/servicelane/servicelane/policy"
)

const benchEmployees = 10000

// BenchmarkEvaluateDefault evaluates the default policy for 10,000
// employees for one month and reports the time per employee.
func BenchmarkEvaluateDefault(b *testing.B) {
	p := policy.Default("TWD")
	in := policy.Input{Period: nov, Location: taipei, Facts: policy.BenchMonth(benchEmployees)}
	props, err := p.Evaluate(in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Evaluate(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchEmployees, "ns/employee")
	b.ReportMetric(float64(len(props))/benchEmployees, "proposals/employee")
}
