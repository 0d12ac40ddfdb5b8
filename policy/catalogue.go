package policy

import (
	"errors"
	"strconv"
	"strings"

	"github.com/servicelane/servicelane/internal/catalog"
	"github.com/servicelane/servicelane/org"
)

// The message catalogue of policy: every text an employee or a supervisor
// reads about a proposal, in English and Traditional Chinese (Taiwan
// usage), keyed by the Key of a [Phrase]. It works as billing's does.
//
// A template is plain text with {name} placeholders. Each message declares
// the arguments it needs; rendering fails with [ErrMissingArg] when one is
// absent and with [ErrUnknownMessage] for a key the catalogue lacks, so a
// message is never shown with a hole in it. Templates are compiled once,
// when the package loads; a template that uses an undeclared argument or
// has an unbalanced brace stops the program at start-up (and so fails
// every test).
//
// An argument is declared as name or name:kind. The kind says how its value
// is shown:
//
//	(none)      as given
//	money       an amount with thousands separators: 12000 -> 12,000
//	ordinal     a count as an ordinal: 3 -> 3rd (English), 3 (Chinese, whose
//	            templates write 第 3 次)
//	kind        an IncidentKind, by its name: late -> lateness, 遲到
//	kinds       incident kinds separated by commas, named and joined:
//	            late,absent -> lateness or absence, 遲到或曠工
//	dated       lines of "date kind": 2026-11-03 late -> 2026-11-03 lateness
//	fact        a fact's name: appraisal.score -> appraisal score, 考核分數
//	factvalues  lines of "fact=value", each named: incidents.complaint=0 ->
//	            complaint in the period 0
//	op          a comparison: >= -> at least, 不低於
//	action      an ActionKind, by its name: fine -> fine, 罰款
//	periods     "n month" or "n year": 2 month -> 2 months, 2 個月
//	sortkey     "fact asc", "fact desc" or "employee": how a tie was broken
//	list        lines, joined: a, b, c or a、b、c
//
// Lines are separated by "\n". Values the catalogue does not know are
// shown as given.

// Errors of rendering a message. Match them with errors.Is.
var (
	// ErrUnknownMessage: the catalogue has no message with the key.
	ErrUnknownMessage = errors.New("policy: unknown message key")
	// ErrMissingArg: the phrase lacks an argument its message needs.
	ErrMissingArg = errors.New("policy: message argument missing")
)

// msgDef is a message as written: its arguments and its templates.
type msgDef struct {
	args string
	en   string
	zh   string
}

// msgDefs is the catalogue as written. It is read once, to build msgCatalogue.
var msgDefs = map[string]msgDef{
	// ---- A proposal's explanation: why, what, by which rule. ----
	"explain": {"reasons actions rule cites",
		"{reasons}: {actions} under rule {rule} ({cites})",
		"{reasons}：{actions}（規則 {rule}，{cites}）"},
	"explain.uncited": {"reasons actions rule",
		"{reasons}: {actions} under rule {rule}",
		"{reasons}：{actions}（規則 {rule}）"},
	"join.reasons": {"", "; ", "；"},
	"join.actions": {"", ", ", "、"},
	"join.list":    {"", ", ", "、"},
	"join.or":      {"", " or ", "或"},
	"join.and":     {"", " and ", "、"},

	// ---- Reasons: what the conditions found. ----
	"fact.compare": {"fact:fact value op:op target",
		"{fact}: {value} ({op} {target})",
		"{fact}：{value}（{op} {target}）"},
	"fact.compare_not": {"fact:fact value op:op target",
		"{fact}: {value}, not {op} {target}",
		"{fact}：{value}，不符合「{op} {target}」"},
	"fact.compare_detail": {"fact:fact value op:op target detail:list",
		"{fact}: {value} ({op} {target}): {detail}",
		"{fact}：{value}（{op} {target}）：{detail}"},
	"fact.compare_detail_not": {"fact:fact value op:op target detail:list",
		"{fact}: {value}, not {op} {target}: {detail}",
		"{fact}：{value}，不符合「{op} {target}」：{detail}"},
	"fact.true":  {"fact:fact", "{fact}", "{fact}"},
	"fact.false": {"fact:fact", "{fact}: no", "{fact}：否"},
	"fact.unknown": {"fact:fact",
		"{fact}: no appraisal",
		"{fact}：無考核結果"},
	"count": {"n:ordinal kind:kind days dates:list",
		"{n} {kind} within {days} days ({dates})",
		"{days} 天內第 {n} 次{kind}（{dates}）"},
	"count.mixed": {"n:ordinal kinds:kinds days dates:dated",
		"{n} offence ({kinds}) within {days} days ({dates})",
		"{days} 天內第 {n} 次違規（{kinds}；{dates}）"},
	"count_not": {"kinds:kinds days need most",
		"no {need} {kinds} within {days} days (at most {most})",
		"任何 {days} 天內{kinds}均未達 {need} 次（最多 {most} 次）"},
	"consecutive": {"run:periods",
		"failed the appraisal {run} in a row",
		"連續 {run}考核不合格"},
	"consecutive_not": {"run:periods need:periods",
		"failed the appraisal {run} in a row, fewer than {need}",
		"連續考核不合格 {run}，未達 {need}"},
	"consecutive.unknown": {"", "consecutive fails: no appraisal", "連續考核不合格：無考核結果"},
	"rank": {"rank ranked score top",
		"ranked {rank} of {ranked} with a score of {score} (top {top})",
		"排名第 {rank}（共 {ranked} 人），分數 {score}（前 {top} 名）"},
	"rank.min": {"rank ranked score top min",
		"ranked {rank} of {ranked} with a score of {score} (top {top}, at least {min})",
		"排名第 {rank}（共 {ranked} 人），分數 {score}（前 {top} 名，且不低於 {min} 分）"},
	"rank_not": {"rank ranked score top",
		"ranked {rank} of {ranked} with a score of {score}, not in the top {top}",
		"排名第 {rank}（共 {ranked} 人），分數 {score}，未進入前 {top} 名"},
	"rank.min_not": {"rank ranked score top min",
		"ranked {rank} of {ranked} with a score of {score}, not in the top {top} with at least {min}",
		"排名第 {rank}（共 {ranked} 人），分數 {score}，不符合前 {top} 名且不低於 {min} 分"},
	"rank.unranked": {"", "not ranked", "未列入排名"},
	"rank.unknown":  {"", "rank: no appraisal", "排名：無考核結果"},
	"amount.bracket": {"kinds:kinds currency total:money above:money at_most:money",
		"{kinds} of {currency} {total} in the period (above {above}, at most {at_most})",
		"本期{kinds}共 {currency} {total}（超過 {above}，不超過 {at_most}）"},
	"amount.above": {"kinds:kinds currency total:money above:money",
		"{kinds} of {currency} {total} in the period (above {above})",
		"本期{kinds}共 {currency} {total}（超過 {above}）"},
	"amount.bracket_not": {"kinds:kinds currency total:money above:money at_most:money",
		"{kinds} of {currency} {total} in the period, not above {above} and at most {at_most}",
		"本期{kinds}共 {currency} {total}，不在超過 {above}、不超過 {at_most} 的級距內"},
	"amount.above_not": {"kinds:kinds currency total:money above:money",
		"{kinds} of {currency} {total} in the period, not above {above}",
		"本期{kinds}共 {currency} {total}，未超過 {above}"},
	"award.place": {"place:ordinal candidates winners",
		"{place} of {candidates} meeting the condition, {winners} awarded",
		"符合條件者 {candidates} 人中排名第 {place}，取 {winners} 名"},
	"award.tie": {"others:list on:factvalues by:sortkey",
		"tied with {others} on {on}, broken by {by}",
		"與 {others} 同為{on}，依{by}決定"},
	"award.chosen": {"others:list by:sortkey",
		"chosen over {others} by {by}",
		"依{by}優先於 {others}"},
	"nomination":        {"reason by", "{reason} (by {by})", "{reason}（提名人 {by}）"},
	"sortkey.asc":       {"fact:fact", "{fact}, lowest first", "{fact}（低者優先）"},
	"sortkey.desc":      {"fact:fact", "{fact}, highest first", "{fact}（高者優先）"},
	"sortkey.employee":  {"", "employee ID, in order", "員工編號順序"},
	"factvalue":         {"fact:fact value", "{fact} {value}", "{fact} {value}"},
	"factvalue.unknown": {"fact:fact", "{fact} unknown", "{fact}不明"},

	// ---- Actions. ----
	"act":        {"kind:action", "{kind}", "{kind}"},
	"act.amount": {"kind:action currency amount:money", "{kind} {currency} {amount}", "{kind} {currency} {amount}"},
	"act.compensation_percent": {"currency amount:money percent loss:money",
		"compensation {currency} {amount} ({percent}% of the loss of {currency} {loss})",
		"賠償 {currency} {amount}（損失 {currency} {loss} 的 {percent}%）"},
	"act.compensation_fixed": {"currency amount:money loss:money",
		"compensation {currency} {amount} (fixed for a loss of {currency} {loss})",
		"賠償 {currency} {amount}（損失 {currency} {loss} 的固定賠償額）"},
	"act.compensation_capped": {"currency amount:money fixed:money",
		"compensation {currency} {amount}, the whole loss (the bracket's {currency} {fixed} is more than the loss)",
		"賠償 {currency} {amount}，以損失全額為限（級距賠償額 {currency} {fixed} 高於損失）"},
	"act.compensation_none": {"", "no compensation: no loss in the period", "本期無損失，無須賠償"},
	"act.note":              {"note_en note_zh", "note: {note_en}", "備註：{note_zh}"},

	// ---- Names. ----
	"action.certificate":             {"", "certificate", "獎狀"},
	"action.bonus":                   {"", "bonus", "獎金"},
	"action.promotion_eligibility":   {"", "eligible for promotion", "晉升資格"},
	"action.raise":                   {"", "raise", "加薪"},
	"action.training_opportunity":    {"", "training opportunity", "培訓機會"},
	"action.trip":                    {"", "trip", "旅遊獎勵"},
	"action.commendation":            {"", "commendation", "表揚"},
	"action.warning":                 {"", "warning", "警告"},
	"action.fine":                    {"", "fine", "罰款"},
	"action.demerit":                 {"", "demerit", "記過"},
	"action.demotion":                {"", "demotion", "降職"},
	"action.compensation":            {"", "compensation", "賠償"},
	"action.termination_eligibility": {"", "the contract may be ended", "公司得解除勞動合同"},
	"action.dismissal":               {"", "dismissal", "開除"},
	"action.legal_action":            {"", "legal action", "依法追究法律責任"},
	"action.interview":               {"", "performance interview", "績效面談"},
	"action.improvement_plan":        {"", "improvement plan", "制定改進計劃"},
	"action.retake":                  {"", "retake", "補考"},
	"action.retraining":              {"", "retraining", "再次培訓"},

	"incident.late":                   {"", "lateness", "遲到"},
	"incident.left_early":             {"", "leaving early", "早退"},
	"incident.absent":                 {"", "absence", "曠工"},
	"incident.bad_attitude":           {"", "bad attitude", "服務態度惡劣"},
	"incident.customer_quarrel":       {"", "quarrel with a customer", "與客戶爭吵"},
	"incident.image_harm":             {"", "harm to the company's image", "損害公司形象"},
	"incident.complaint":              {"", "complaint", "客戶投訴"},
	"incident.loss":                   {"", "loss", "經濟損失"},
	"incident.negligence":             {"", "negligence", "工作失職"},
	"incident.confidentiality_breach": {"", "leak of confidential information", "洩露公司機密或客戶資訊"},

	"outcome.excellent":     {"", "passed with excellence", "成績優秀"},
	"outcome.passed":        {"", "passed", "合格"},
	"outcome.failed":        {"", "failed", "不合格"},
	"outcome.retake_failed": {"", "failed at the retake", "補考不合格"},
	"outcome.retraining":    {"", "to be trained again", "需再次培訓"},

	"fact.appraisal.score":             {"", "appraisal score", "考核分數"},
	"fact.appraisal.grade":             {"", "appraisal grade", "考核等級"},
	"fact.appraisal.rank":              {"", "rank", "排名"},
	"fact.appraisal.ranked":            {"", "employees ranked", "排名人數"},
	"fact.appraisal.passed":            {"", "passed the appraisal", "考核合格"},
	"fact.appraisal.failed":            {"", "failed the appraisal", "考核不合格"},
	"fact.appraisal.excellent":         {"", "excellent appraisal", "考核優秀"},
	"fact.appraisal.consecutive_fails": {"", "failing appraisals in a row", "連續考核不合格次數"},
	"fact.training":                    {"outcome", "courses {outcome}", "培訓考核{outcome}課程數"},
	"fact.incidents":                   {"kind", "{kind} incidents in the period", "本期{kind}次數"},
	"fact.incidents_amount":            {"kind", "{kind} amount in the period", "本期{kind}金額"},
	"fact.nominations":                 {"", "nominations for a special contribution", "特殊貢獻提名"},

	"op.==": {"", "equal to", "等於"},
	"op.!=": {"", "other than", "不等於"},
	"op.<":  {"", "below", "低於"},
	"op.<=": {"", "at most", "不超過"},
	"op.>":  {"", "above", "高於"},
	"op.>=": {"", "at least", "不低於"},

	"periods.month":  {"n", "{n} months", "{n} 個月"},
	"periods.month1": {"", "1 month", "1 個月"},
	"periods.year":   {"n", "{n} years", "{n} 年"},
	"periods.year1":  {"", "1 year", "1 年"},
}

// msgArgKinds are the kinds an argument may have.
var msgArgKinds = []string{"", "money", "ordinal", "kind", "kinds", "dated", "fact", "factvalues", "op", "action",
	"periods", "sortkey", "list"}

// msgCatalogue is the compiled catalogue. It is built once, at load, and
// never changed.
var msgCatalogue = catalog.MustCompile(catalog.Config{
	Name:              "policy",
	Kinds:             msgArgKinds,
	ErrUnknownMessage: ErrUnknownMessage,
	ErrMissingArg:     ErrMissingArg,
}, msgCatalogueDefs(msgDefs))

// msgCatalogueDefs gives the catalogue as written to the catalog engine.
func msgCatalogueDefs(defs map[string]msgDef) map[string]catalog.Def {
	out := make(map[string]catalog.Def, len(defs))
	for key, d := range defs {
		out[key] = catalog.Def{Args: d.args, Text: map[org.Lang]string{org.English: d.en, org.TraditionalChinese: d.zh}}
	}
	return out
}

// msgRender renders the message key in lang with args.
func msgRender(key string, lang org.Lang, args map[string]string) (string, error) {
	return msgCatalogue.Render(key, lang, args, msgValue)
}

// msgTerm renders the message key, or gives fallback when it cannot.
func msgTerm(key string, lang org.Lang, args map[string]string, fallback string) string {
	return msgCatalogue.Term(key, lang, args, msgValue, fallback)
}

// msgValue shows an argument's value by its kind.
func msgValue(kind, v string, lang org.Lang) string {
	switch kind {
	case "money":
		return catalog.GroupThousands(v)
	case "ordinal":
		if lang == org.TraditionalChinese {
			return v
		}
		return ordinal(v)
	case "kind":
		return msgTerm("incident."+v, lang, nil, v)
	case "kinds":
		parts := strings.Split(v, ",")
		for i, p := range parts {
			parts[i] = msgTerm("incident."+p, lang, nil, p)
		}
		return joinOr(parts, lang)
	case "dated":
		lines := strings.Split(v, "\n")
		for i, l := range lines {
			if date, kind, ok := strings.Cut(l, " "); ok {
				lines[i] = date + " " + msgTerm("incident."+kind, lang, nil, kind)
			}
		}
		return strings.Join(lines, msgTerm("join.list", lang, nil, ", "))
	case "fact":
		return factName(v, lang)
	case "factvalues":
		lines := strings.Split(v, "\n")
		for i, l := range lines {
			if name, val, ok := strings.Cut(l, "="); ok {
				lines[i] = msgTerm("factvalue", lang, map[string]string{"fact": name, "value": val}, l)
			} else {
				lines[i] = msgTerm("factvalue.unknown", lang, map[string]string{"fact": l}, l)
			}
		}
		return strings.Join(lines, msgTerm("join.and", lang, nil, " and "))
	case "op":
		return msgTerm("op."+v, lang, nil, v)
	case "action":
		return msgTerm("action."+v, lang, nil, v)
	case "periods":
		n, unit, _ := strings.Cut(v, " ")
		if n == "1" {
			return msgTerm("periods."+unit+"1", lang, nil, v)
		}
		return msgTerm("periods."+unit, lang, map[string]string{"n": n}, v)
	case "sortkey":
		if v == "employee" {
			return msgTerm("sortkey.employee", lang, nil, v)
		}
		fact, order, _ := strings.Cut(v, " ")
		return msgTerm("sortkey."+order, lang, map[string]string{"fact": fact}, v)
	case "list":
		return strings.Join(strings.Split(v, "\n"), msgTerm("join.list", lang, nil, ", "))
	}
	return v
}

// factName names a fact in lang: appraisal.score -> appraisal score;
// incidents.late -> lateness in the period.
func factName(name string, lang org.Lang) string {
	r, ok := resolveFact(name)
	if !ok {
		return name
	}
	switch r.base {
	case fTraining:
		o := string(outcomes[r.idx])
		return msgTerm("fact.training", lang, map[string]string{"outcome": msgTerm("outcome."+o, lang, nil, o)}, name)
	case fIncidents, fIncidentAmount:
		k := string(incidentKinds[r.idx])
		key := "fact.incidents"
		if r.base == fIncidentAmount {
			key = "fact.incidents_amount"
		}
		return msgTerm(key, lang, map[string]string{"kind": msgTerm("incident."+k, lang, nil, k)}, name)
	}
	return msgTerm("fact."+name, lang, nil, name)
}

// joinOr joins names as "a, b or c" (English) or "a、b或c" (Chinese).
func joinOr(parts []string, lang org.Lang) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	sep := msgTerm("join.list", lang, nil, ", ")
	return strings.Join(parts[:len(parts)-1], sep) + msgTerm("join.or", lang, nil, " or ") + parts[len(parts)-1]
}

// ordinal writes n as an English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st.
func ordinal(v string) string {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return v
	}
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return v + suffix
}

// Message is one message of the catalogue: its key, the arguments it
// needs, and its template in every language of [org.Langs].
type Message struct {
	Key  string              `json:"key"`
	Args []string            `json:"args,omitempty"`
	Text map[org.Lang]string `json:"text"`
}

// Messages lists the catalogue, sorted by key: for translators to review,
// for tests to render every message.
func Messages() []Message {
	ms := msgCatalogue.Messages()
	out := make([]Message, 0, len(ms))
	for _, m := range ms {
		out = append(out, Message(m))
	}
	return out
}
