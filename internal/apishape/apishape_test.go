// Package apishape checks that every exported method of every package's
// Service has the one shape docs/CONVENTIONS.md gives: commands
// Verb(ctx, dealer, actor, [ref,] [in]) and reads Noun(ctx, dealer, actor,
// [id or query]), returning the record and an error; configuration saved
// by pointer. A method that does not is listed by name.
package apishape

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/training"
)

// services are the Service types of every package.
var services = []reflect.Type{
	reflect.TypeFor[*org.Service](), reflect.TypeFor[*servicedesk.Service](), reflect.TypeFor[*billing.Service](),
	reflect.TypeFor[*appraisal.Service](), reflect.TypeFor[*training.Service](), reflect.TypeFor[*policy.Service](),
	reflect.TypeFor[*monthend.Service](),
}

// accessors are not part of the command and read API: they hand the
// host what it wires (a store, the configured roles, the month-end's
// month-end's figure sources, the roster lookups the SDK's own services call) and take no
// context.
var accessors = []string{"org.Store", "org.Roles", "org.Departments", "org.Directory", "servicedesk.FigureSource", "billing.AccuracySource", "training.ResultSource"}

// exceptions keep another shape, each for its reason.
var exceptions = map[string]string{
	"org.CreateDealer":  "creates the tenant: there is no dealer before it; (ctx, actor, in)",
	"org.ChangeDealer":  "its input names the dealer it changes; (ctx, actor, in)",
	"monthend.RunGroup": "runs many dealers, each with its own supervisor; (ctx, runs, in, opts)",
}

// configs are the configurations a loader returns by pointer; a save
// takes them the same way.
var configs = []reflect.Type{reflect.TypeFor[billing.PriceBook](), reflect.TypeFor[policy.Policy]()}

func TestEveryServiceMethodHasTheShape(t *testing.T) {
	ctxT, dealerT, actorT := reflect.TypeFor[context.Context](), reflect.TypeFor[org.DealerID](), reflect.TypeFor[org.Actor]()
	errT := reflect.TypeFor[error]()
	var wrong []string
	seen := map[string]bool{}
	for _, typ := range services {
		pkg := typ.Elem().PkgPath()[len("github.com/servicelane/servicelane/"):]
		for i := range typ.NumMethod() {
			m := typ.Method(i)
			name := pkg + "." + m.Name
			seen[name] = true
			ft := m.Type
			if slices.Contains(accessors, name) {
				if ft.NumIn() > 1 && ft.In(1) == ctxT {
					wrong = append(wrong, name+": listed as an accessor but takes a context")
				}
				continue
			}
			if _, ok := exceptions[name]; ok {
				continue
			}
			switch {
			case ft.NumIn() < 4 || ft.In(1) != ctxT || ft.In(2) != dealerT || ft.In(3) != actorT:
				wrong = append(wrong, fmt.Sprintf("%s%s: must start (ctx context.Context, dealer org.DealerID, actor org.Actor, ...)", name, ft.String()[len("func"):]))
			case ft.NumOut() == 0 || ft.Out(ft.NumOut()-1) != errT:
				wrong = append(wrong, name+": must return an error last")
			}
			for j := 4; j < ft.NumIn(); j++ {
				if slices.Contains(configs, ft.In(j)) {
					wrong = append(wrong, fmt.Sprintf("%s: takes the configuration %s by value; configurations go by pointer", name, ft.In(j)))
				}
			}
		}
	}
	for name := range exceptions {
		if !seen[name] {
			wrong = append(wrong, name+": an exception for a method that does not exist")
		}
	}
	slices.Sort(wrong)
	if len(wrong) > 0 {
		t.Errorf("%d methods do not have the shape of docs/CONVENTIONS.md:\n  %s", len(wrong), joinLines(wrong))
	}
}

func joinLines(s []string) string {
	out := ""
	for i, l := range s {
		if i > 0 {
			out += "\n  "
		}
		out += l
	}
	return out
}
