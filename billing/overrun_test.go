package billing_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
)

func TestCheckOverrun(t *testing.T) {
	amount := func(a string) billing.OverrunPolicy { return billing.OverrunPolicy{Amount: d(a)} }
	pct := func(p string) billing.OverrunPolicy { return billing.OverrunPolicy{Percent: d(p)} }
	both := func(a, p string) billing.OverrunPolicy { return billing.OverrunPolicy{Amount: d(a), Percent: d(p)} }
	for _, c := range []struct {
		name             string
		policy           billing.OverrunPolicy
		approved, final  string
		excess, allowed  string // as written in the explanation
		needs            bool
		allowedAsDecimal string
	}{
		// With no limit any excess is added cost the customer has not seen.
		{"no_limit_equal", billing.OverrunPolicy{}, "1000.00", "1000.00", "0.00", "0.00", false, "0"},
		{"no_limit_below", billing.OverrunPolicy{}, "1000.00", "900.00", "0.00", "0.00", false, "0"},
		{"no_limit_one_cent_over", billing.OverrunPolicy{}, "1000.00", "1000.01", "0.01", "0.00", true, "0"},

		{"amount_below_estimate", amount("50"), "1000.00", "400.00", "0.00", "50.00", false, "50"},
		{"amount_under_limit", amount("50"), "1000.00", "1049.99", "49.99", "50.00", false, "50"},
		{"amount_exactly_at_limit", amount("50"), "1000.00", "1050.00", "50.00", "50.00", false, "50"},
		{"amount_one_cent_over_limit", amount("50"), "1000.00", "1050.01", "50.01", "50.00", true, "50"},

		{"percent_exactly_at_limit", pct("0.10"), "1000.00", "1100.00", "100.00", "100.00", false, "100"},
		{"percent_one_cent_over", pct("0.10"), "1000.00", "1100.01", "100.01", "100.00", true, "100"},
		// 10% of 123.45 is 12.345: the limit is exact, never rounded up to
		// 12.35 to let 12.35 through.
		{"percent_limit_not_rounded_up", pct("0.10"), "123.45", "135.80", "12.35", "12.345", true, "12.345"},
		{"percent_limit_exact_below", pct("0.10"), "123.45", "135.79", "12.34", "12.345", false, "12.345"},
		{"percent_of_zero_estimate", pct("0.10"), "0.00", "0.01", "0.01", "0.00", true, "0"},

		// Either limit that is set: the smaller one binds.
		{"both_amount_binds_at", both("50", "0.10"), "1000.00", "1050.00", "50.00", "50.00", false, "50"},
		{"both_amount_binds_over", both("50", "0.10"), "1000.00", "1060.00", "60.00", "50.00", true, "50"},
		{"both_percent_binds_at", both("500", "0.10"), "1000.00", "1100.00", "100.00", "100.00", false, "100"},
		{"both_percent_binds_over", both("500", "0.10"), "1000.00", "1100.01", "100.01", "100.00", true, "100"},

		// A negative limit allows nothing rather than everything.
		{"negative_amount_allows_nothing", amount("-5"), "1000.00", "1000.01", "0.01", "0.00", true, "0"},
		{"negative_percent_allows_nothing", pct("-0.1"), "1000.00", "1000.01", "0.01", "0.00", true, "0"},

		{"whole_dollars_TWD", pct("0.05"), "7330", "7697", "367", "366.5", true, "366.5"},
		{"whole_dollars_TWD_within", pct("0.05"), "7330", "7696", "366", "366.5", false, "366.5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := billing.CheckOverrun(c.policy, d(c.approved), d(c.final))
			assert.True(t, o.Approved.Equal(d(c.approved)), "approved %s", o.Approved)
			assert.True(t, o.Final.Equal(d(c.final)), "final %s", o.Final)
			assert.True(t, o.Excess.Equal(d(c.excess)), "excess %s, want %s", o.Excess, c.excess)
			assert.True(t, o.Allowed.Equal(d(c.allowedAsDecimal)), "allowed %s, want %s", o.Allowed, c.allowedAsDecimal)
			assert.Equal(t, c.needs, o.NeedsReapproval)
			key := "overrun.within"
			if c.needs {
				key = "overrun.exceeds"
			}
			assert.Equal(t, billing.Explanation{Key: key, Args: map[string]string{
				"approved": c.approved, "final": c.final, "excess": c.excess, "allowed": c.allowed,
			}}, o.Explain)
		})
	}
}

// TestCheckOverrunNeverSilent sweeps finals around the estimate: at or
// below it never needs re-approval, and above it needs it exactly when the
// excess is above the limit.
func TestCheckOverrunNeverSilent(t *testing.T) {
	policy := billing.OverrunPolicy{Amount: d("25.00"), Percent: d("0.05")} // 5% of 400.00 = 20.00 binds
	approved := d("400.00")
	for cents := int64(-500); cents <= 3000; cents += 7 {
		final := approved.Add(decimal.New(cents, -2))
		o := billing.CheckOverrun(policy, approved, final)
		if cents <= 0 {
			assert.False(t, o.NeedsReapproval, "final %s", final)
			assert.True(t, o.Excess.IsZero(), "final %s", final)
			continue
		}
		assert.True(t, o.Excess.Equal(decimal.New(cents, -2)), "final %s", final)
		assert.Equal(t, cents > 2000, o.NeedsReapproval, "final %s", final)
	}
	assert.False(t, billing.CheckOverrun(policy, approved, d("420.00")).NeedsReapproval, "exactly 5%% over")
	assert.True(t, billing.CheckOverrun(policy, approved, d("420.01")).NeedsReapproval, "a cent above 5%%")
}

// Everything is explainable: both overrun outcomes render in every
// language, with their amounts (before, the catalogue had no overrun
// message and Text printed the raw key).
func TestCheckOverrunExplains(t *testing.T) {
	p := billing.OverrunPolicy{Percent: decimal.RequireFromString("0.10")}
	for _, c := range []struct {
		final string
		want  map[org.Lang]string
	}{
		{"105.00", map[org.Lang]string{
			org.English:            "The bill of 105.00 is within what the approved estimate of 100.00 allows (up to 10.00 above it)",
			org.TraditionalChinese: "帳單金額 105.00 在核准估價 100.00 的容許範圍內（最多可超出 10.00）"}},
		{"125.00", map[org.Lang]string{
			org.English:            "The bill of 125.00 is 25.00 above the approved estimate of 100.00, more than the 10.00 allowed: the customer must approve the excess first",
			org.TraditionalChinese: "帳單金額 125.00 比核准估價 100.00 高出 25.00，超過容許的 10.00：須先經客戶同意超出的部分"}},
	} {
		o := billing.CheckOverrun(p, decimal.RequireFromString("100.00"), decimal.RequireFromString(c.final))
		for _, lang := range org.Langs() {
			got, err := o.Explain.Render(lang)
			require.NoError(t, err)
			assert.Equal(t, c.want[lang], got)
			assert.Equal(t, c.want[lang], o.Explain.Text(lang))
		}
	}
}
