package appraisaltest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// roundTripInputs differ from one another in one part of their Key each,
// so a store keying inputs by fewer parts loses one.
func roundTripInputs() []appraisal.Input {
	a := input("d1", nov, "adv-1", "sup-1", appraisal.SourceSupervisor, "TEAM")
	a.Value = amount("87.5")
	b := input("d1", nov, "adv-1", "sup-1", appraisal.SourceSupervisor, "CSI") // another KPI
	b.Value, b.At = amount("12.50"), at(8)
	c := input("d1", nov, "adv-1", "sup-1", appraisal.SourceSelf, "TEAM") // another source
	c.Value = amount("3.0001")
	d := input("d1", nov, "adv-1", "adv-2", appraisal.SourcePeer, "TEAM") // another rater
	d.Value = amount(big)
	e := input("d1", nov, "adv-2", "sup-1", appraisal.SourceSupervisor, "TEAM") // another ratee
	e.Value, e.At = amount("0"), at(9)
	f := input("d1", nov, "adv-1", "customer:survey-7; 林", appraisal.SourceCustomer, "CSI")
	f.Value = amount("-1.25")
	return []appraisal.Input{a, b, c, d, e, f}
}

func sortedByKey(ins []appraisal.Input) []appraisal.Input {
	ins = slices.Clone(ins)
	slices.SortFunc(ins, func(a, b appraisal.Input) int { return strings.Compare(a.Key(), b.Key()) })
	return ins
}

func checkInputRoundTrip(ctx context.Context, s appraisal.Store, _ Features) error {
	ins := roundTripInputs()
	if err := commit(ctx, s, "d1", appraisal.Change{Inputs: ins}, "commit six inputs, each differing from another in one part of its Key"); err != nil {
		return err
	}
	if err := readInputs(ctx, s, ins); err != nil {
		return err
	}
	up := ins[3]
	up.Value, up.At, up.Version = amount("0.0001"), at(90), 2
	ins[3] = up
	if err := commit(ctx, s, "d1", appraisal.Change{Inputs: []appraisal.Input{up}}, "update an input to version 2"); err != nil {
		return err
	}
	if err := readInputs(ctx, s, ins); err != nil {
		return fmt.Errorf("after updating %s: %w", up.Key(), err)
	}
	return nil
}

// readInputs reads want, all of d1's November, with Inputs for everyone
// and for each ratee.
func readInputs(ctx context.Context, s appraisal.Store, want []appraisal.Input) error {
	all, err := s.Inputs(ctx, "d1", nov, "")
	if err != nil {
		return fmt.Errorf("Inputs(d1, %s, everyone): %w", nov, err)
	}
	if err := kit.DiffList("Inputs(d1, "+nov.String()+", everyone)", all, sortedByKey(want), inputKey, diffInput); err != nil {
		return err
	}
	for _, ratee := range []org.EmployeeID{"adv-1", "adv-2"} {
		got, err := s.Inputs(ctx, "d1", nov, ratee)
		if err != nil {
			return fmt.Errorf("Inputs(d1, %s, %s): %w", nov, ratee, err)
		}
		of := slices.DeleteFunc(slices.Clone(want), func(in appraisal.Input) bool { return in.Ratee != ratee })
		if err := kit.DiffList(fmt.Sprintf("Inputs(d1, %s, %s)", nov, ratee), got, sortedByKey(of), inputKey, diffInput); err != nil {
			return err
		}
	}
	return nil
}

// checkAppraisalRoundTrip writes a full appraisal (calibrated) and a bare
// one, then swaps what they have: the calibration goes from set to nil and
// from nil to set, KPIs and sources shrink and grow.
func checkAppraisalRoundTrip(ctx context.Context, s appraisal.Store, _ Features) error {
	full := fullAppraisal("d1", nov, "adv-1")
	bare := appraisal.Appraisal{DealerID: "d1", Month: nov, Computed: appraisal.Result{Employee: "adv-2"},
		Final: appraisal.Result{Employee: "adv-2"}, Version: 1}
	if err := commit(ctx, s, "d1", appraisal.Change{Appraisals: []appraisal.Appraisal{bare, full}}, "commit a full and a bare appraisal"); err != nil {
		return err
	}
	if err := readAppraisals(ctx, s, full, bare); err != nil {
		return err
	}
	shrunk := fullAppraisal("d1", nov, "adv-1")
	shrunk.Version, shrunk.Calibration, shrunk.Final = 2, nil, shrunk.Computed
	shrunk.Computed.KPIs = shrunk.Computed.KPIs[1:]
	shrunk.Computed.KPIs[0].Missing = shrunk.Computed.KPIs[0].Missing[1:]
	shrunk.Computed.KPIs[0].Sources = shrunk.Computed.KPIs[0].Sources[:1]
	shrunk.Final = shrunk.Computed
	grown := fullAppraisal("d1", nov, "adv-2")
	grown.Version = 2
	if err := commit(ctx, s, "d1", appraisal.Change{Appraisals: []appraisal.Appraisal{shrunk, grown}}, "update both to version 2"); err != nil {
		return err
	}
	if err := readAppraisals(ctx, s, shrunk, grown); err != nil {
		return fmt.Errorf("after clearing the full appraisal's calibration and calibrating the bare one: %w", err)
	}
	return nil
}

// readAppraisals reads want (sorted by employee, all of d1's November)
// with Appraisals and History.
func readAppraisals(ctx context.Context, s appraisal.Store, want ...appraisal.Appraisal) error {
	got, err := s.Appraisals(ctx, "d1", nov)
	if err != nil {
		return fmt.Errorf("Appraisals(d1, %s): %w", nov, err)
	}
	if err := kit.DiffList("Appraisals(d1, "+nov.String()+")", got, want, employeeOf, diffAppraisal); err != nil {
		return err
	}
	for _, w := range want {
		e := w.Computed.Employee
		h, err := s.History(ctx, "d1", e, nov)
		if err != nil {
			return fmt.Errorf("History(d1, %s, %s): %w", e, nov, err)
		}
		if err := kit.DiffList(fmt.Sprintf("History(d1, %s, %s)", e, nov), h, []appraisal.Appraisal{w}, monthOf, diffAppraisal); err != nil {
			return err
		}
	}
	return nil
}

func checkImprovementNotFound(ctx context.Context, s appraisal.Store, _ Features) error {
	c := appraisal.Change{Improvements: []appraisal.Improvement{improvement("d1", nov, "adv-1"), improvement("d1", dec, "adv-2")}}
	if err := commit(ctx, s, "d1", c, "seed plans of adv-1 for 2026-11 and adv-2 for 2026-12"); err != nil {
		return err
	}
	for _, k := range []struct {
		m org.Month
		e org.EmployeeID
	}{
		{nov, "adv-2"}, // another employee's month
		{dec, "adv-1"}, // another month of the employee
		{month("2025-11"), "adv-1"},
		{nov, "adv-"}, // a prefix
		{nov, "ADV-1"},
		{nov, "adv-1 "},
		{nov, ""},
	} {
		_, err := s.Improvement(ctx, "d1", k.m, k.e)
		if err := kit.ExpectErr(err, org.ErrNotFound, fmt.Sprintf("Improvement(d1, %s, %q)", k.m, k.e)); err != nil {
			return err
		}
	}
	return nil
}

// amounts are the values every decimal must keep exactly: above 2^53, with
// trailing zeros, at the fourth decimal, at the contract's widest, below
// zero, and a result's shares (8 places) and means (16 places).
var amounts = []string{big, "12.50", "0", "0.0001", "99999999999999999999.9999", "9007199254740993", "-1234.5678", "-" + big,
	"0.33333333", "3.6666666666666667"}

// setAmounts sets every decimal inside *p (a pointer to a record) to v,
// in every element of every slice and every value of every map: a field
// added later is covered too.
func setAmounts(p any, v decimal.Decimal) {
	decType := reflect.TypeFor[decimal.Decimal]()
	var walk func(x reflect.Value)
	walk = func(x reflect.Value) {
		if x.Type() == decType {
			x.Set(reflect.ValueOf(v))
			return
		}
		switch x.Kind() {
		case reflect.Struct:
			for i := range x.NumField() {
				if x.Type().Field(i).IsExported() {
					walk(x.Field(i))
				}
			}
		case reflect.Pointer:
			if !x.IsNil() {
				walk(x.Elem())
			}
		case reflect.Slice:
			for i := range x.Len() {
				walk(x.Index(i))
			}
		case reflect.Map:
			for _, k := range x.MapKeys() {
				e := reflect.New(x.Type().Elem()).Elem()
				e.Set(x.MapIndex(k))
				walk(e)
				x.SetMapIndex(k, e)
			}
		}
	}
	walk(reflect.ValueOf(p).Elem())
}

func checkAmountsExact(ctx context.Context, s appraisal.Store, _ Features) error {
	var c appraisal.Change
	for i, a := range amounts {
		v := amount(a)
		m := month(fmt.Sprintf("2030-%02d", i+1))
		cy := fullCycle("d1", m)
		setAmounts(&cy, v)
		in := input("d1", nov, "adv-1", "sup-1", appraisal.SourceSupervisor, fmt.Sprintf("K%02d", i))
		setAmounts(&in, v)
		ap := fullAppraisal("d1", nov, org.EmployeeID(fmt.Sprintf("adv-%02d", i)))
		setAmounts(&ap, v)
		c.Cycles, c.Inputs, c.Appraisals = append(c.Cycles, cy), append(c.Inputs, in), append(c.Appraisals, ap)
	}
	if err := commit(ctx, s, "d1", c, "commit a cycle, an input and an appraisal per amount"); err != nil {
		return err
	}
	ins, err := s.Inputs(ctx, "d1", nov, "adv-1")
	if err != nil {
		return fmt.Errorf("read inputs: %w", err)
	}
	as, err := s.Appraisals(ctx, "d1", nov)
	if err != nil {
		return fmt.Errorf("read appraisals: %w", err)
	}
	if len(ins) != len(amounts) || len(as) != len(amounts) {
		return fmt.Errorf("read %d inputs and %d appraisals, want %d of each", len(ins), len(as), len(amounts))
	}
	var errs []error
	for i, a := range amounts {
		cy, err := s.Cycle(ctx, "d1", c.Cycles[i].Month)
		if err != nil {
			return fmt.Errorf("read cycle %s: %w", c.Cycles[i].Month, err)
		}
		// Keys K00.. and adv-00.. sort as written.
		for _, err := range []error{diffCycle(cy, c.Cycles[i]), diffInput(ins[i], c.Inputs[i]), diffAppraisal(as[i], c.Appraisals[i])} {
			if err != nil {
				errs = append(errs, fmt.Errorf("decimal %s: %w", a, err))
			}
		}
	}
	return errors.Join(errs...)
}
