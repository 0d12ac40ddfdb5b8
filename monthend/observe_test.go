package monthend_test

import (
	"testing"

	"github.com/servicelane/servicelane/internal/observetest"
)

// Every command of monthend is observed as org.Observer says.
func TestEveryMonthendCommandIsObserved(t *testing.T) {
	observetest.CheckPackage(t, "monthend", ".")
}
