package bench_test

import (
	"slices"
	"testing"

	"github.com/servicelane/servicelane/servicedesk"
)

// Goal "Permitted, all commands (UI buttons)": Service.Permitted on
// memstore for technician wu on his order in repair. No peer: the issue
// asks for at most 1 µs and 2 allocations.

func TestPermittedOnOrderInRepair(t *testing.T) {
	f := newDesk(t)
	w := f.inRepair(t, "wo-p")
	got, err := f.svc.Permitted(f.ctx, dealer, wu, "wo-p")
	must(t, err)
	if want := servicedesk.Permitted(&w, wu, servicedesk.Options{}); !slices.Equal(got, want) {
		t.Fatalf("Service.Permitted %v, Permitted %v", got, want)
	}
	if !slices.Contains(got, servicedesk.CmdPause) || slices.Contains(got, servicedesk.CmdResume) {
		t.Fatalf("wu may %v on an order in repair", got)
	}
}

func BenchmarkPermitted(b *testing.B) {
	b.Run("sdk", func(b *testing.B) {
		f := newDesk(b)
		f.inRepair(b, "wo-p")
		b.ReportAllocs()
		for b.Loop() {
			cmds, err := f.svc.Permitted(f.ctx, dealer, wu, "wo-p")
			if err != nil || len(cmds) == 0 {
				b.Fatal(cmds, err)
			}
		}
	})
}
