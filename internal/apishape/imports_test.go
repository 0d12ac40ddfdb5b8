package apishape

import (
	"go/build"
	"slices"
	"strings"
	"testing"
)

// TestDomainsAreIndependent: the domain packages import none of each
// other, except servicedesk -> billing (settlement, R3.4); only monthend
// joins them for the month-end.
func TestDomainsAreIndependent(t *testing.T) {
	const mod = "github.com/servicelane/servicelane/"
	domains := []string{"servicedesk", "billing", "appraisal", "training", "policy"}
	allowed := map[string][]string{"servicedesk": {"billing"}}
	for _, d := range domains {
		pkg, err := build.ImportDir("../../"+d, 0)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		for _, imp := range pkg.Imports {
			other, ok := strings.CutPrefix(imp, mod)
			if !ok || !slices.Contains(append(domains, "monthend"), other) {
				continue
			}
			if !slices.Contains(allowed[d], other) {
				t.Errorf("%s imports %s: domains are independent (monthend joins them)", d, other)
			}
		}
	}
}
