package policy_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// The one input policy (docs/CONVENTIONS.md) holds a policy as it holds
// every other input: text valid UTF-8, one line, no NUL or control
// character, at most 8,000 characters; decimals at most 20 digits before
// the point and 4 places after it (issue 15, found by fuzzing:
// internal/fuzzing/known_test.go, finding 6).

// ipRule is the index of the default policy's rule id.
func ipRule(t *testing.T, p *policy.Policy, id string) int {
	t.Helper()
	i := slices.IndexFunc(p.Rules, func(r policy.Rule) bool { return r.ID == id })
	require.GreaterOrEqual(t, i, 0, "no rule %s", id)
	return i
}

// ipCase changes the default policy and names the one problem it must
// have; change returns the path.
type ipCase struct {
	name   string
	change func(t *testing.T, p *policy.Policy) string
	code   string
}

func ipPlaces(n int32) *int32 { return &n }

func ipCases() []ipCase {
	return []ipCase{
		// Text.
		{"rule_title_not_UTF8", func(t *testing.T, p *policy.Policy) string {
			p.Rules[0].Title.EN = "\xff\xfe\xfd"
			return "rules[0].title.en"
		}, org.CodeFormat},
		{"rule_title_with_NUL", func(t *testing.T, p *policy.Policy) string {
			p.Rules[0].Title.EN = "Best\x00advisor"
			return "rules[0].title.en"
		}, org.CodeControl},
		{"rule_title_on_two_lines", func(t *testing.T, p *policy.Policy) string {
			p.Rules[0].Title.ZH = "月度\n優秀服務顧問"
			return "rules[0].title.zh"
		}, org.CodeControl},
		{"rule_title_over_8000_characters", func(t *testing.T, p *policy.Policy) string {
			p.Rules[0].Title.EN = strings.Repeat("x", 8001)
			return "rules[0].title.en"
		}, org.CodeTooLong},
		{"action_note_with_escape", func(t *testing.T, p *policy.Policy) string {
			p.Rules[0].Then[0].Note = policy.Text{EN: "Well done", ZH: "做得好\x1b"}
			return "rules[0].then[0].note.zh"
		}, org.CodeControl},
		{"ladder_step_note_with_NUL", func(t *testing.T, p *policy.Policy) string {
			p.Ladders[0].Steps[0][0].Note = policy.Text{EN: "First\x00", ZH: "第一次"}
			return "ladders[0].steps[0][0].note.en"
		}, org.CodeControl},
		{"policy_id_with_NUL", func(t *testing.T, p *policy.Policy) string {
			p.ID = "default\x00"
			return "id"
		}, org.CodeControl},
		{"cite_not_UTF8", func(t *testing.T, p *policy.Policy) string {
			p.Rules[0].Cites = []string{"R7.1\xff"}
			return "rules[0].cites[0]"
		}, org.CodeFormat},
		{"fact_name_with_NUL", func(t *testing.T, p *policy.Policy) string {
			r := ipRule(t, p, "special_contribution")
			p.Rules[r].When.Fact.Name = "nominations\x00"
			return fmt.Sprintf("rules[%d].when.fact.name", r)
		}, org.CodeControl},
		{"fact_value_not_UTF8", func(t *testing.T, p *policy.Policy) string {
			r := ipRule(t, p, "special_contribution")
			p.Rules[r].When.Fact.Value = "1\xff"
			return fmt.Sprintf("rules[%d].when.fact.value", r)
		}, org.CodeFormat},
		{"tie_break_fact_with_DEL", func(t *testing.T, p *policy.Policy) string {
			p.Rules[0].Award.TieBreak[0].Fact = "nominations\x7f"
			return "rules[0].award.tie_break[0].fact"
		}, org.CodeControl},
		// Decimals: 20 digits before the point, 4 places after it.
		{"bonus_amount_1e30", func(t *testing.T, p *policy.Policy) string {
			p.Rules[0].Then[1].Amount = svDec("1e30")
			return "rules[0].then[1].amount"
		}, org.CodeRange},
		{"bonus_amount_5_places", func(t *testing.T, p *policy.Policy) string {
			p.Places = ipPlaces(4)
			p.Rules[0].Then[1].Amount = svDec("3000.00001")
			return "rules[0].then[1].amount"
		}, org.CodePlaces},
		{"bonus_amount_5_places_beyond_the_policy_places_is_one_problem", func(t *testing.T, p *policy.Policy) string {
			p.Rules[0].Then[1].Amount = svDec("3000.00001")
			return "rules[0].then[1].amount"
		}, org.CodePlaces},
		{"min_score_5_places", func(t *testing.T, p *policy.Policy) string {
			p.Rules[0].When.Rank.MinScore = new(svDec("90.00001"))
			return "rules[0].when.rank.min_score"
		}, org.CodePlaces},
		{"bracket_above_5_places", func(t *testing.T, p *policy.Policy) string {
			p.Places = ipPlaces(4)
			r := ipRule(t, p, "loss_moderate")
			p.Rules[r].When.Amount.Above = svDec("10000.00001")
			return fmt.Sprintf("rules[%d].when.amount.above", r)
		}, org.CodePlaces},
		{"compensation_percent_5_places", func(t *testing.T, p *policy.Policy) string {
			r := ipRule(t, p, "loss_minor")
			p.Rules[r].Then[0].Compensation = &policy.Compensation{Of: []policy.IncidentKind{policy.Loss},
				Brackets: []policy.CompensationBracket{{Percent: svDec("10.00001")}}}
			return fmt.Sprintf("rules[%d].then[0].compensation.brackets[0].percent", r)
		}, org.CodePlaces},
		{"compensation_amount_1e30", func(t *testing.T, p *policy.Policy) string {
			r := ipRule(t, p, "loss_minor")
			p.Rules[r].Then[0].Compensation = &policy.Compensation{Of: []policy.IncidentKind{policy.Loss},
				Brackets: []policy.CompensationBracket{{Amount: svDec("1e30")}}}
			return fmt.Sprintf("rules[%d].then[0].compensation.brackets[0].amount", r)
		}, org.CodeRange},
	}
}

func TestPolicyValidate_inputPolicy(t *testing.T) {
	for _, c := range ipCases() {
		t.Run(c.name, func(t *testing.T) {
			p := policy.Default("TWD")
			path := c.change(t, p)
			assert.Equal(t, []string{path + " " + c.code}, ipProblems(t, p.Validate(), "policy: policy"))
		})
	}
}

// ipProblems is every problem of err as "path code"; err must be a
// *org.ValidationError with op, and ErrInvalid.
func ipProblems(t *testing.T, err error, op string) []string {
	t.Helper()
	require.ErrorIs(t, err, org.ErrInvalid)
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, op, ve.Op)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code
		assert.NotEmpty(t, f.Message, "message of %s", f.Where())
	}
	return out
}

func TestSavePolicy_inputPolicy(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := svNew(t, nil)
	w.save(svDefault(1))
	for _, c := range ipCases() {
		t.Run(c.name, func(t *testing.T) {
			p := svDefault(2)
			path := c.change(t, p)
			events := len(w.events())
			_, err := w.svc.SavePolicy(ctx, "d1", svLin, p, true)
			assert.Equal(t, []string{path + " " + c.code}, ipProblems(t, err, "policy: policy"))

			// Nothing stored: version 1 alone, active; no event.
			saved, err := w.store.Policy().Policies(ctx, "d1")
			require.NoError(t, err)
			require.Len(t, saved, 1)
			assert.Equal(t, 1, saved[0].Policy.Version)
			assert.True(t, saved[0].Active)
			assert.Len(t, w.events(), events, "a refused policy writes no event")
		})
	}
}

// The precedence of the policy's own rules, and what the walk leaves out.
func TestPolicyValidate_inputPolicyPrecedence(t *testing.T) {
	t.Run("blank_title_with_a_tab_stays_required", func(t *testing.T) {
		p := policy.Default("TWD")
		p.Rules[0].Title.EN = " \t"
		assert.Equal(t, []string{"rules[0].title.en required"}, ipProblems(t, p.Validate(), "policy: policy"))
	})
	t.Run("long_id_is_too_long_for_its_own_bound", func(t *testing.T) {
		p := policy.Default("TWD")
		p.ID = strings.Repeat("a", 9000)
		err := p.Validate()
		assert.Equal(t, []string{"id too_long"}, ipProblems(t, err, "policy: policy"))
		f, ok := org.FieldErrorOf(err, "id")
		require.True(t, ok)
		assert.Contains(t, f.Message, "policy.MaxPolicyIDLength")
	})
	t.Run("rules_of_a_list_too_long_are_not_checked", func(t *testing.T) {
		p := policy.Default("TWD")
		r := p.Rules[0]
		r.Title.EN = "\x00"
		p.Rules = nil
		for range policy.MaxPolicyRules + 1 {
			p.Rules = append(p.Rules, r)
		}
		assert.Equal(t, []string{"rules too_long"}, ipProblems(t, p.Validate(), "policy: policy"))
	})
	t.Run("condition_that_contains_itself_ends", func(t *testing.T) {
		p := policy.Default("TWD")
		loop := &policy.Condition{}
		loop.Not = loop
		p.Rules[0].When = *loop
		p.Rules[0].Title.EN = "Best\x00advisor"
		got := ipProblems(t, p.Validate(), "policy: policy")
		assert.Contains(t, got, "rules[0].title.en control_character", "the rest of the rule is checked")
		assert.True(t, slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, ".not out_of_range") }), "%v", got)
	})
}

// A policy file is held to the input policy when it loads.
func TestLoad_inputPolicy(t *testing.T) {
	text := string(policy.DefaultFile())
	old := "title: {en: Monthly excellent advisor, zh: 月度優秀服務顧問}"
	require.Contains(t, text, old)
	_, err := policy.Load("p.yaml", []byte(strings.Replace(text, old, `title: {en: "Monthly\u0000excellent advisor", zh: 月度優秀服務顧問}`, 1)))
	require.ErrorIs(t, err, org.ErrInvalid)
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1, "%v", err)
	assert.Equal(t, "rules[0].title.en", ve.Fields[0].Path)
	assert.Equal(t, org.CodeControl, ve.Fields[0].Code)
	assert.Equal(t, "p.yaml", ve.Fields[0].File)
}

// Every policy the SDK ships still loads.
func TestShippedPoliciesKeepTheInputPolicy(t *testing.T) {
	require.NoError(t, policy.Default("TWD").Validate())
	for _, path := range []string{
		"default.yaml",
		"testdata/policies/taipei.yaml",
		"testdata/policies/taipei.json",
		"../examples/policy/policy.yaml",
	} {
		t.Run(path, func(t *testing.T) {
			_, err := policy.LoadFile(path)
			require.NoError(t, err)
		})
	}
}
