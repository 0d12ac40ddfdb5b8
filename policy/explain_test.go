package policy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// Every proposal of a November under the default policy, explained in
// English and Traditional Chinese (R1.3): golden strings.
func TestExplanation_golden(t *testing.T) {
	want := []struct{ employee, rule, en, zh string }{
		{"chen", "monthly_excellent_advisor",
			"ranked 1 of 6 with a score of 95 (top 1, at least 90); 1st of 2 meeting the condition, 1 awarded; tied with huang on complaint incidents in the period 0 and nominations for a special contribution 0, broken by employee ID, in order: certificate, bonus TWD 3,000 under rule monthly_excellent_advisor (R7.1)",
			"排名第 1（共 6 人），分數 95（前 1 名，且不低於 90 分）；符合條件者 2 人中排名第 1，取 1 名；與 huang 同為本期客戶投訴次數 0、特殊貢獻提名 0，依員工編號順序決定：獎狀、獎金 TWD 3,000（規則 monthly_excellent_advisor，R7.1）"},
		{"chen", "excellent_appraisal",
			"excellent appraisal: commendation under rule excellent_appraisal (R6.4)",
			"考核優秀：表揚（規則 excellent_appraisal，R6.4）"},
		{"chen", "attendance/l1",
			"1st lateness within 30 days (2026-11-03): warning under rule attendance (R7.2a)",
			"30 天內第 1 次遲到（2026-11-03）：警告（規則 attendance，R7.2a）"},
		{"chen", "attendance/l2",
			"2nd lateness within 30 days (2026-11-03, 2026-11-10): warning under rule attendance (R7.2a)",
			"30 天內第 2 次遲到（2026-11-03、2026-11-10）：警告（規則 attendance，R7.2a）"},
		{"chen", "attendance/l3",
			"3rd lateness within 30 days (2026-11-03, 2026-11-10, 2026-11-24): fine TWD 500 under rule attendance (R7.2a)",
			"30 天內第 3 次遲到（2026-11-03、2026-11-10、2026-11-24）：罰款 TWD 500（規則 attendance，R7.2a）"},
		{"huang", "excellent_appraisal",
			"excellent appraisal: commendation under rule excellent_appraisal (R6.4)",
			"考核優秀：表揚（規則 excellent_appraisal，R6.4）"},
		{"huang", "attendance/e1",
			"2nd offence (leaving early or absence) within 30 days (2026-10-30 absence, 2026-11-02 leaving early): warning under rule attendance (R7.2a)",
			"30 天內第 2 次違規（早退或曠工；2026-10-30 曠工、2026-11-02 早退）：警告（規則 attendance，R7.2a）"},
		{"lin", "failed_appraisal",
			"failed the appraisal: performance interview, improvement plan under rule failed_appraisal (R6.4)",
			"考核不合格：績效面談、制定改進計劃（規則 failed_appraisal，R6.4）"},
		{"lin", "two_consecutive_fails",
			"failed the appraisal 2 months in a row: the contract may be ended under rule two_consecutive_fails (R6.4)",
			"連續 2 個月考核不合格：公司得解除勞動合同（規則 two_consecutive_fails，R6.4）"},
		{"lin", "training_failed",
			"courses failed: 1 (at least 1): Brake systems: retake under rule training_failed (R6.4, R5.4)",
			"培訓考核不合格課程數：1（不低於 1）：Brake systems：補考（規則 training_failed，R6.4、R5.4）"},
		{"lin", "retake_failed",
			"courses failed at the retake: 1 (at least 1): EV safety: retraining under rule retake_failed (R6.4, R5.4)",
			"培訓考核補考不合格課程數：1（不低於 1）：EV safety：再次培訓（規則 retake_failed，R6.4、R5.4）"},
		{"lin", "conduct/q2",
			"2nd offence (quarrel with a customer or harm to the company's image) within 365 days (2026-04-12 quarrel with a customer, 2026-11-18 harm to the company's image): demotion under rule conduct (R7.2b)",
			"365 天內第 2 次違規（與客戶爭吵或損害公司形象；2026-04-12 與客戶爭吵、2026-11-18 損害公司形象）：降職（規則 conduct，R7.2b）"},
		{"lin", "loss_moderate",
			"complaint, loss or negligence of TWD 30,000 in the period (above 10,000, at most 50,000): compensation TWD 6,000 (20% of the loss of TWD 30,000), demerit under rule loss_moderate (R7.2c)",
			"本期客戶投訴、經濟損失或工作失職共 TWD 30,000（超過 10,000，不超過 50,000）：賠償 TWD 6,000（損失 TWD 30,000 的 20%）、記過（規則 loss_moderate，R7.2c）"},
		{"wang", "special_contribution",
			"nominations for a special contribution: 1 (at least 1): Kept a fleet customer after a recall: bonus TWD 5,000, training opportunity, trip under rule special_contribution (R7.1)",
			"特殊貢獻提名：1（不低於 1）：Kept a fleet customer after a recall：獎金 TWD 5,000、培訓機會、旅遊獎勵（規則 special_contribution，R7.1）"},
		{"wang", "complaint_warning",
			"complaint incidents in the period: 1 (at least 1): 2026-11-07; complaint, loss or negligence of TWD 0 in the period, not above 0: warning under rule complaint_warning (R7.2c)",
			"本期客戶投訴次數：1（不低於 1）：2026-11-07；本期客戶投訴、經濟損失或工作失職共 TWD 0，未超過 0：警告（規則 complaint_warning，R7.2c）"},
		{"wang", "confidentiality_breach",
			"leak of confidential information incidents in the period: 1 (at least 1): 2026-11-21: dismissal, legal action under rule confidentiality_breach (R7.2d)",
			"本期洩露公司機密或客戶資訊次數：1（不低於 1）：2026-11-21：開除、依法追究法律責任（規則 confidentiality_breach，R7.2d）"},
	}
	props := evaluate(t, policy.Default("TWD"), nov, explainMonth()...)
	require.Len(t, props, len(want))
	for i, w := range want {
		p := props[i]
		id := p.RuleID
		if p.Incident != "" {
			id += "/" + p.Incident
		}
		t.Run(w.employee+"_"+strings.ReplaceAll(id, "/", "_"), func(t *testing.T) {
			assert.Equal(t, w.employee+" "+w.rule, string(p.Employee)+" "+id)
			assert.Equal(t, w.en, p.Explanation.Text(org.English))
			assert.Equal(t, w.zh, p.Explanation.Text(org.TraditionalChinese))
			assert.Equal(t, w.en, p.Explanation.Text("fr"), "any other language is English")
		})
	}
}

// An explanation is data: stored as JSON, it renders the same later.
func TestExplanation_json(t *testing.T) {
	props := evaluate(t, policy.Default("TWD"), nov, explainMonth()...)
	data, err := json.Marshal(props)
	require.NoError(t, err)
	var again []policy.Proposal
	require.NoError(t, json.Unmarshal(data, &again))
	require.Len(t, again, len(props))
	for i := range props {
		for _, lang := range org.Langs() {
			assert.Equal(t, props[i].Explanation.Text(lang), again[i].Explanation.Text(lang))
		}
		assert.Equal(t, props[i].Period, again[i].Period)
		assert.Equal(t, props[i].Key, again[i].Key)
	}
	assert.Contains(t, string(data), `"period":"2026-11"`)
}

// The explanations of reasons that did not hold, as a not shows them,
// and of the other tests.
func TestExplanation_phrases(t *testing.T) {
	p := testPolicy(t, `
  - id: r
    cites: [R6.4]
    title: {en: R, zh: R}
    period: month
    when:
      all:
        - not: {rank: {top: 1, min_score: 90}}
        - not: {rank: {top: 1}}
        - not: {count: {incidents: [late, absent], within_days: 10, at_least: 3}}
        - not: {consecutive: {fact: appraisal.failed, periods: 3}}
        - not: {fact: {name: appraisal.score, op: ">=", value: 90}}
        - not: {fact: {name: incidents.late, op: ">=", value: 2}}
        - not: {amount: {incidents: [loss], above: 100, at_most: 500}}
        - not: {fact: {name: appraisal.grade, op: "==", value: A}}
        - {fact: {name: appraisal.passed, op: "==", value: false}}
        - {fact: {name: incidents.loss.amount, op: ">", value: 0}}
    then:
      - {kind: warning, note: {en: see the handbook, zh: 請參閱員工手冊}}
      - {kind: raise, amount: 1000}
`)
	props := evaluate(t, p, nov, policy.Facts{Employee: "chen",
		Appraisal: &policy.AppraisalFacts{Score: dec("55"), Grade: "D", Rank: 4, Ranked: 5, ConsecutiveFails: 2},
		Incidents: []policy.Incident{inc("a", policy.Late, "2026-11-02 09:00"), inc("b", policy.Absent, "2026-11-20 09:00"),
			inc("x", policy.Loss, "2026-11-21 09:00", "50")}})
	require.Len(t, props, 1)
	var en, zh []string
	for _, ph := range props[0].Explanation.Reasons {
		en = append(en, ph.Text(org.English))
		zh = append(zh, ph.Text(org.TraditionalChinese))
	}
	assert.Equal(t, []string{
		"ranked 4 of 5 with a score of 55, not in the top 1 with at least 90",
		"ranked 4 of 5 with a score of 55, not in the top 1",
		"no 3 lateness or absence within 10 days (at most 1)",
		"failed the appraisal 2 months in a row, fewer than 3 months",
		"appraisal score: 55, not at least 90",
		"lateness incidents in the period: 1, not at least 2: 2026-11-02",
		"loss of TWD 50 in the period, not above 100 and at most 500",
		"appraisal grade: D, not equal to A",
		"passed the appraisal: no",
		"loss amount in the period: 50 (above 0)",
	}, en)
	assert.Equal(t, []string{
		"排名第 4（共 5 人），分數 55，不符合前 1 名且不低於 90 分",
		"排名第 4（共 5 人），分數 55，未進入前 1 名",
		"任何 10 天內遲到或曠工均未達 3 次（最多 1 次）",
		"連續考核不合格 2 個月，未達 3 個月",
		"考核分數：55，不符合「不低於 90」",
		"本期遲到次數：1，不符合「不低於 2」：2026-11-02",
		"本期經濟損失共 TWD 50，不在超過 100、不超過 500 的級距內",
		"考核等級：D，不符合「等於 A」",
		"考核合格：否",
		"本期經濟損失金額：50（高於 0）",
	}, zh)
	assert.Equal(t, "warning, note: see the handbook, raise TWD 1,000", joinTexts(props[0].Explanation.Actions, org.English))
	assert.Equal(t, "警告、備註：請參閱員工手冊、加薪 TWD 1,000", joinTexts(props[0].Explanation.Actions, org.TraditionalChinese))
	assert.Equal(t, "see the handbook", props[0].Actions[0].Note.EN)
}

func joinTexts(ps []policy.Phrase, lang org.Lang) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text(lang))
	}
	sep := ", "
	if lang == org.TraditionalChinese {
		sep = "、"
	}
	return strings.Join(out, sep)
}

// Every message of the catalogue renders in both languages, with no
// placeholder left; a missing argument or key is an error, and Text then
// shows the phrase as data.
func TestMessages(t *testing.T) {
	msgs := policy.Messages()
	require.NotEmpty(t, msgs)
	for _, m := range msgs {
		args := map[string]string{}
		for _, a := range m.Args {
			args[a] = "1"
		}
		for _, lang := range org.Langs() {
			s, err := policy.Phrase{Key: m.Key, Args: args}.Render(lang)
			require.NoError(t, err, m.Key)
			assert.NotContains(t, s, "{", m.Key)
			assert.NotEmpty(t, m.Text[lang], m.Key)
		}
	}
	_, err := policy.Phrase{Key: "nope"}.Render(org.English)
	assert.ErrorIs(t, err, policy.ErrUnknownMessage)
	ph := policy.Phrase{Key: "count", Args: map[string]string{"n": "3"}}
	_, err = ph.Render(org.English)
	assert.ErrorIs(t, err, policy.ErrMissingArg)
	assert.Equal(t, "count{n=3}", ph.Text(org.English))
	// Every action kind, incident kind, outcome and fact has a name in
	// both languages.
	keys := map[string]bool{}
	for _, m := range msgs {
		keys[m.Key] = true
	}
	for _, k := range policy.ActionKinds() {
		assert.True(t, keys["action."+string(k)], k)
	}
	for _, k := range policy.IncidentKinds() {
		assert.True(t, keys["incident."+string(k)], k)
	}
	for _, o := range policy.Outcomes() {
		assert.True(t, keys["outcome."+string(o)], o)
	}
	for _, op := range policy.Ops() {
		assert.True(t, keys["op."+string(op)], op)
	}
	for _, f := range policy.KnownFacts() {
		if strings.HasPrefix(f.Name, "appraisal.") {
			assert.True(t, keys["fact."+f.Name], f.Name)
		}
	}
}

func TestOrdinals(t *testing.T) {
	for n, want := range map[string]string{"1": "1st", "2": "2nd", "3": "3rd", "4": "4th", "11": "11th", "12": "12th",
		"13": "13th", "21": "21st", "22": "22nd", "101": "101st", "111": "111th"} {
		got := policy.Phrase{Key: "count", Args: map[string]string{"n": n, "kind": "late", "days": "30", "dates": "d"}}.Text(org.English)
		assert.Equal(t, want+" lateness within 30 days (d)", got)
	}
}
