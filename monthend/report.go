package monthend

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/textwidth"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
)

// Report is what a month-end did and found, for one dealer: as data (JSON
// tags), as text in English or Traditional Chinese ([Report.Text]), and as
// CSV for spreadsheets ([Report.WriteCSV]).
type Report struct {
	Dealer org.DealerID `json:"dealer"`
	Month  org.Month    `json:"month"`
	Plan   string       `json:"plan"`
	// State is where the month's appraisal stands after the run; Reached
	// the last step this run did (empty when every step was done before).
	State   appraisal.CycleState `json:"state"`
	Reached Step                 `json:"reached,omitempty"`
	Steps   []StepRecord         `json:"steps"`
	// Advisors are every advisor active in the month (and a former one
	// with figures in it), with zeros and notes where there was no data.
	Advisors []AdvisorRow `json:"advisors"`
	// Warnings are what the dealer should know: orders of the month still
	// open, a calibration window left open.
	Warnings   []Note                   `json:"warnings,omitempty"`
	Evaluation *policy.EvaluationResult `json:"evaluation,omitempty"`
}

// StepRecord is one step of a run: done now, or Skipped because the
// month's records show it done before.
type StepRecord struct {
	Step    Step `json:"step"`
	Skipped bool `json:"skipped,omitempty"`
}

// AdvisorRow is one advisor's month.
type AdvisorRow struct {
	Employee  org.EmployeeID             `json:"employee"`
	Name      string                     `json:"name"`
	Active    bool                       `json:"active"`
	Figures   servicedesk.AdvisorFigures `json:"figures"`
	Appraisal *appraisal.Appraisal       `json:"appraisal,omitempty"`
	Decisions []policy.Decision          `json:"decisions,omitempty"`
	Notes     []Note                     `json:"notes,omitempty"`
}

// Note is something the report says, by code with its arguments, so a
// host can show it in its own words; [Note.Text] says it in English or
// Traditional Chinese.
type Note struct {
	Code string            `json:"code"`
	Args map[string]string `json:"args,omitempty"`
}

var noteText = map[string][2]string{
	"no_orders":            {"no orders this month: figures are zero, rates have no data", "本月無工單：數字為零，比率無資料"},
	"few_surveys":          {"{count} surveys, fewer than the {min} a customer rating needs: no customer rating", "問卷 {count} 份，少於顧客評分所需的 {min} 份：無顧客評分"},
	"missing_renormalized": {"{kpi}: no input from {missing}: their weight was shared among the others", "{kpi}：{missing} 無資料，其權重已分配給其他來源"},
	"missing_incomplete":   {"{kpi}: no input from {missing}: the KPI was left out", "{kpi}：{missing} 無資料，此指標不列入計分"},
	"not_scored":           {"not scored", "未評分"},
	"promotion_eligible":   {"eligible for promotion (R5.5): propose it from the decision", "具晉升資格（R5.5）：可依此決定提出晉升"},
	"joined":               {"joined on {date}: counted from then", "{date} 到職：自該日起計算"},
	"left":                 {"left on {date}: counted until then", "{date} 離職：計算至該日"},
	"orders_open_one":      {"1 order opened this month is still open", "本月開立的工單中有 1 張尚未結案"},
	"orders_open":          {"{count} orders opened this month are still open", "本月開立的工單中有 {count} 張尚未結案"},
	"no_policy":            {"no reward and penalty policy is active: nothing was evaluated (R7)", "尚無生效的獎懲辦法：未評估獎懲（R7）"},
	"calibration_window":   {"the results are scored, not final: calibrate, then run again to finalise", "結果已評分但尚未定案：請先校準，再執行一次以定案"},
}

// inputName is a source's or a metric's name in Traditional Chinese.
var inputName = map[string]string{
	string(appraisal.SourceSelf): "自評", string(appraisal.SourceSupervisor): "主管評分", string(appraisal.SourceCustomer): "顧客評分",
	string(appraisal.SourcePeer): "同儕評分", string(appraisal.MetricCustomersReceived): "接待客數",
	string(appraisal.MetricAppointmentSuccess): "預約達成率", string(appraisal.MetricSatisfaction): "顧客滿意度",
	string(appraisal.MetricComplaints): "客訴", string(appraisal.MetricReworks): "返修",
	string(appraisal.MetricSettlementAccuracy): "結帳正確率", string(appraisal.MetricTrainingScore): "訓練成績",
	string(appraisal.MetricTrainingPassRate): "訓練通過率",
}

// Text says the note in lang.
func (n Note) Text(lang org.Lang) string {
	i := 0
	if lang == org.TraditionalChinese {
		i = 1
	}
	code := n.Code
	if n.Args["count"] == "1" {
		if _, ok := noteText[code+"_one"]; ok {
			code += "_one" // English says "1 order", not "1 orders"
		}
	}
	t, ok := noteText[code]
	if !ok {
		return n.Code
	}
	s := t[i]
	keys := make([]string, 0, len(n.Args))
	for k := range n.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := n.Args[k]
		if k == "missing" && i == 1 {
			names := strings.Split(v, ", ")
			for j, name := range names {
				if zh, ok := inputName[name]; ok {
					names[j] = zh
				}
			}
			v = strings.Join(names, "、")
		}
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

var headings = map[string][2]string{
	"title":     {"Month-end of %s for %s (plan %s): %s", "%[2]s %[1]s 月結（考核方案 %[3]s）：%[4]s"},
	"advisor":   {"ADVISOR", "服務專員"},
	"customers": {"CUSTOMERS", "接待客數"},
	"surveys":   {"SURVEYS", "問卷"},
	"score":     {"SCORE", "分數"},
	"grade":     {"GRADE", "等第"},
	"rank":      {"RANK", "名次"},
	"bonus":     {"BONUS", "獎金"},
	"decisions": {"DECISIONS", "獎懲提案"},
	"warnings":  {"Warnings", "提醒"},
	"none":      {"-", "-"},
}

var stateName = map[appraisal.CycleState][2]string{
	appraisal.CycleOpen: {"open", "開放評分"}, appraisal.CycleScored: {"scored", "已評分"},
	appraisal.CycleFinalized: {"final", "已定案"}, appraisal.CyclePublished: {"published", "已公布"},
}

// Text is the report for people, in lang, its columns aligned by display
// width so Traditional Chinese names line up.
func (r Report) Text(lang org.Lang) string {
	i := 0
	if lang == org.TraditionalChinese {
		i = 1
	}
	h := func(k string) string { return headings[k][i] }
	var b strings.Builder
	fmt.Fprintf(&b, h("title")+"\n", r.Month, r.Dealer, r.Plan, stateName[r.State][i])
	num := func(w int) textwidth.Column { return textwidth.Column{Align: textwidth.Right, Width: w, Gap: 2} }
	tab := textwidth.Table{Columns: []textwidth.Column{{Gap: 2}, num(9), num(7), num(6), {Width: 5, Gap: 2}, num(4), num(8), {Gap: 2}}}
	tab.Row(h("advisor"), h("customers"), h("surveys"), h("score"), h("grade"), h("rank"), h("bonus"), h("decisions"))
	for _, a := range r.Advisors {
		score, grade, rank, bonus := h("none"), h("none"), h("none"), h("none")
		if a.Appraisal != nil {
			f := a.Appraisal.Final
			score, grade, rank, bonus = f.Score.String(), f.Grade, strconv.Itoa(a.Appraisal.Rank), f.Bonus.String()
		}
		var ds []string
		for _, d := range a.Decisions {
			ds = append(ds, d.Proposal.RuleID)
		}
		dec := h("none")
		if len(ds) > 0 {
			dec = strings.Join(ds, ", ")
		}
		tab.Row(a.Name, strconv.Itoa(a.Figures.CustomersReceived), strconv.Itoa(a.Figures.Surveys), score, grade, rank, bonus, dec)
		for _, n := range a.Notes {
			tab.Row("", "", "", "", "", "", "", "· "+n.Text(lang))
		}
	}
	b.WriteString(tab.String())
	if len(r.Warnings) > 0 {
		fmt.Fprintf(&b, "%s\n", h("warnings"))
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "  · %s\n", w.Text(lang))
		}
	}
	return b.String()
}

// WriteCSV writes one row per advisor with a header row: the figures, the
// final score, grade, rank, bonus, the decisions' rules and the notes (in
// English), for spreadsheets.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"dealer", "month", "employee", "name", "active", "customers_received", "appointments", "appointments_kept",
		"surveys", "satisfaction", "complaints", "reworks", "score", "grade", "rank", "bonus", "consecutive_fails", "decisions", "notes"}}
	for _, a := range r.Advisors {
		f := a.Figures
		score, grade, rank, bonus, fails := "", "", "", "", ""
		if a.Appraisal != nil {
			fr := a.Appraisal.Final
			score, grade, rank, bonus, fails = fr.Score.String(), fr.Grade, strconv.Itoa(a.Appraisal.Rank), fr.Bonus.String(), strconv.Itoa(a.Appraisal.ConsecutiveFails)
		}
		var ds, ns []string
		for _, d := range a.Decisions {
			ds = append(ds, d.Proposal.RuleID)
		}
		for _, n := range a.Notes {
			ns = append(ns, n.Text(org.English))
		}
		sat := ""
		if !f.NoSurveys {
			sat = f.Satisfaction.String()
		}
		rows = append(rows, []string{string(r.Dealer), r.Month.String(), string(a.Employee), a.Name, strconv.FormatBool(a.Active),
			strconv.Itoa(f.CustomersReceived), strconv.Itoa(f.Appointments), strconv.Itoa(f.AppointmentsKept), strconv.Itoa(f.Surveys), sat,
			strconv.Itoa(f.Complaints), strconv.Itoa(f.Reworks), score, grade, rank, bonus, fails, strings.Join(ds, "; "), strings.Join(ns, "; ")})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("monthend: write CSV: %w", err)
	}
	return nil
}
