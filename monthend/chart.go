package monthend

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/textwidth"
	"github.com/servicelane/servicelane/org"
)

// The month-end's charts are SVG 1.1 documents written here, without a
// browser: the ranking of a month ([Report.RankingSVG]) and an advisor's
// year ([TrendSVG]). Every value a chart shows is the exact decimal as text;
// positions are computed in decimals too, never in floating point, so the
// same report makes the same bytes on every machine. Text is sized by
// display width (internal/textwidth), a Chinese character taking two
// columns, and drawn in a font that has Traditional Chinese.

// chartFont is the charts' font: a CJK font first, so names in Chinese
// are drawn, then the viewer's sans-serif.
const chartFont = "'Noto Sans CJK TC', 'Noto Sans TC', 'Microsoft JhengHei', 'PingFang TC', sans-serif"

// chartColPx is how many pixels one display column of 12px text takes:
// a Latin letter a little less, a Chinese character (two columns) a
// little more than its 12px.
const chartColPx = 7

// chartNameCols is the widest an advisor's name is drawn, in columns;
// a longer one is cut and ends in "…".
const chartNameCols = 32

// The charts' colours.
const (
	chartPassColour = "#2f6db5"
	chartFailColour = "#c0392b"
	chartInk        = "#222222"
	chartMuted      = "#6b6b6b"
	chartGrid       = "#d0d0d0"
	chartFailBand   = "#fbe9e7"
	chartTopBand    = "#e6f4ea"
)

// chartPassBands shade the passing grades that are not excellent, in turn.
var chartPassBands = [...]string{"#eef2f7", "#e2e9f2"}

var chartText = map[string][2]string{
	"ranking":      {"Ranking, %s", "%s 排名"},
	"ranking_desc": {"Final appraisal scores of %s (0 to 100), rank 1 at the top, over the plan's grade bands", "%s 考核最終分數（0 至 100），第 1 名在最上方，底色為考核方案的等第區間"},
	"trend":        {"Trend of %s, %d", "%s %d 年考核趨勢"},
	"trend_desc":   {"Final appraisal score of each month of %d (0 to 100); months without a result are gaps", "%d 年每月考核最終分數（0 至 100）；無結果的月份留空"},
	"no_result":    {"no result", "無結果"},
	"no_advisors":  {"no advisors", "無服務專員"},
	"no_results":   {"no results in %d", "%d 年無考核結果"},
	"pass":         {"pass", "及格"},
	"fail":         {"fail", "不及格"},
	"rank":         {"rank %d", "第 %d 名"},
}

// chartLang is the index of lang in chartText.
func chartLang(lang org.Lang, ve *org.ValidationError) int {
	switch lang {
	case org.English:
		return 0
	case org.TraditionalChinese:
		return 1
	}
	ve.Add("lang", org.CodeUnknown, "must be one of: en zh-Hant")
	return 0
}

// chartEsc is s escaped for XML text and attribute values; characters
// XML cannot carry become U+FFFD.
func chartEsc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// chartNum writes a position: a decimal at most two places, no exponent.
func chartNum(d decimal.Decimal) string { return d.Round(2).String() }

var (
	chartZero    = decimal.Zero
	chartHundred = decimal.NewFromInt(100)
)

// chartClamp is a score kept to the axis, 0 to 100: a score outside (a
// plan never makes one) is drawn at the end and shown as it is.
func chartClamp(d decimal.Decimal) decimal.Decimal {
	return decimal.Min(decimal.Max(d, chartZero), chartHundred)
}

// chartBand is one grade's band of scores, From up to To.
type chartBand struct {
	grade    appraisal.Grade
	from, to decimal.Decimal
	fill     string
}

// chartBands checks the plan's grades and lays them out as bands from the
// lowest up: each from its Min to the next one's.
func chartBands(grades []appraisal.Grade, ve *org.ValidationError) []chartBand {
	if len(grades) == 0 {
		ve.Add("grades", org.CodeRequired, "the plan's grades are required")
		return nil
	}
	codes := map[string]int{}
	for i, g := range grades {
		at := fmt.Sprintf("grades[%d]", i)
		if first, dup := codes[g.Code]; dup {
			ve.Add(at+".code", org.CodeDuplicate, fmt.Sprintf("%q is already the code of grades[%d]", g.Code, first))
		} else {
			codes[g.Code] = i
		}
		if strings.TrimSpace(g.Code) == "" {
			ve.Add(at+".code", org.CodeRequired, "is required")
		}
		if g.Min.IsNegative() || g.Min.GreaterThan(chartHundred) {
			ve.Add(at+".min", org.CodeRange, "must be between 0 and 100")
		}
	}
	gs := slices.Clone(grades)
	slices.SortStableFunc(gs, func(a, b appraisal.Grade) int { return cmp.Or(a.Min.Cmp(b.Min), strings.Compare(a.Code, b.Code)) })
	out := make([]chartBand, 0, len(gs))
	passes := 0
	for i, g := range gs {
		b := chartBand{grade: g, from: chartClamp(g.Min), to: chartHundred}
		if i+1 < len(gs) {
			b.to = chartClamp(gs[i+1].Min)
		}
		switch {
		case !g.Pass:
			b.fill = chartFailBand
		case g.Excellent:
			b.fill = chartTopBand
		default:
			b.fill = chartPassBands[passes%len(chartPassBands)]
			passes++
		}
		out = append(out, b)
	}
	return out
}

// chartGradeOf finds the grade a result was given, by its code, or else
// the band its score falls in (a grade of an earlier plan's version).
func chartGradeOf(bands []chartBand, code string, score decimal.Decimal) (appraisal.Grade, bool) {
	for _, b := range bands {
		if b.grade.Code == code {
			return b.grade, true
		}
	}
	for i := len(bands) - 1; i >= 0; i-- {
		if score.GreaterThanOrEqual(bands[i].grade.Min) {
			return bands[i].grade, true
		}
	}
	return appraisal.Grade{}, false
}

func chartGradeName(g appraisal.Grade) string {
	if strings.TrimSpace(g.Name) != "" {
		return g.Name
	}
	return g.Code
}

// chartCols is the width of s in pixels of 12px text.
func chartCols(s string) int { return textwidth.Width(s) * chartColPx }

// chartName is an advisor's name as a chart shows it: cut to
// chartNameCols columns, or the employee ID when there is no name.
func chartName(name string, id org.EmployeeID) string {
	name = strings.TrimSpace(name)
	if name == "" {
		name = string(id)
	}
	if textwidth.Width(name) > chartNameCols {
		name = textwidth.Truncate(name, chartNameCols-1) + "…"
	}
	return name
}

// svgDoc writes an SVG document. Callers escape text with chartEsc; the
// numbers written are the charts' own.
type svgDoc struct{ b strings.Builder }

func (d *svgDoc) f(format string, args ...any) { fmt.Fprintf(&d.b, format, args...) }

// open begins the document: its size, title and description, and a white
// background.
func (d *svgDoc) open(w, h int, title, desc string) {
	d.f("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	d.f(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s" font-size="12" fill="%s">`+"\n",
		w, h, w, h, chartEsc(chartFont), chartInk)
	d.f("<title>%s</title>\n<desc>%s</desc>\n", chartEsc(title), chartEsc(desc))
	d.f(`<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", w, h)
}

func (d *svgDoc) close() []byte {
	d.f("</svg>\n")
	return []byte(d.b.String())
}

// legend draws the pass and fail keys from x on baseline y.
func (d *svgDoc) legend(x, y, li int) {
	pass, fail := chartText["pass"][li], chartText["fail"][li]
	d.f(`<g class="legend">` + "\n")
	d.f(`<circle cx="%d" cy="%d" r="5" fill="%s"/>`+"\n", x+5, y-4, chartPassColour)
	d.f(`<text x="%d" y="%d">%s</text>`+"\n", x+14, y, chartEsc(pass))
	x += 14 + chartCols(pass) + 16
	d.f(`<rect x="%d" y="%d" width="10" height="10" fill="%s"/>`+"\n", x, y-9, chartFailColour)
	d.f(`<text x="%d" y="%d">%s</text>`+"\n", x+14, y, chartEsc(fail))
	d.f("</g>\n")
}

// RankingSVG draws the month's ranking as an SVG 1.1 document: a
// horizontal bar per advisor of their final score on a 0 to 100 axis,
// rank 1 at the top (ties by score, then name), each bar labelled with
// the rank and the advisor's name on the left and the exact score at its
// end, blue when the result passes and red when it fails. The plan's
// grades (appraisal.Plan.Grades of the report's plan) are drawn behind the
// bars as shaded bands, each labelled with the grade's name, the axis
// marked at every band's start. Advisors without a result come last, by
// name, with "no result" and no bar. Text is in lang (English or
// Traditional Chinese); names and grade names are shown as they are. The
// same report makes the same bytes.
func (r Report) RankingSVG(lang org.Lang, grades []appraisal.Grade) ([]byte, error) {
	ve := &org.ValidationError{Op: "monthend: ranking chart"}
	li := chartLang(lang, ve)
	bands := chartBands(grades, ve)
	if err := ve.Err(); err != nil {
		return nil, err
	}

	type row struct {
		rank  string
		name  string
		tip   string
		score decimal.Decimal
		text  string
		pass  bool
		has   bool
		a     AdvisorRow
	}
	rows := make([]row, 0, len(r.Advisors))
	for _, a := range r.Advisors {
		rw := row{name: chartName(a.Name, a.Employee), a: a}
		if a.Appraisal != nil {
			f := a.Appraisal.Final
			rw.has, rw.score, rw.text, rw.pass = true, f.Score, f.Score.String(), f.Pass
			rw.rank = strconv.Itoa(a.Appraisal.Rank)
			grade := f.Grade
			if g, ok := chartGradeOf(bands, f.Grade, f.Score); ok && g.Code == f.Grade {
				grade = chartGradeName(g)
			}
			rw.tip = fmt.Sprintf("%s. %s: %s (%s)", rw.rank, rw.name, rw.text, grade)
		} else {
			rw.text = chartText["no_result"][li]
			rw.tip = rw.name + ": " + rw.text
		}
		rows = append(rows, rw)
	}
	slices.SortStableFunc(rows, func(x, y row) int {
		if x.has != y.has {
			if x.has {
				return -1
			}
			return 1
		}
		if x.has {
			if c := cmp.Compare(x.a.Appraisal.Rank, y.a.Appraisal.Rank); c != 0 {
				return c
			}
			if c := y.score.Cmp(x.score); c != 0 {
				return c
			}
		}
		return cmp.Or(strings.Compare(x.name, y.name), strings.Compare(string(x.a.Employee), string(y.a.Employee)))
	})

	// Columns: the rank (right-aligned), the name, the plot, the score.
	const (
		margin  = 16
		plotW   = 500 // 5px a point
		rowH    = 28
		barH    = 18
		plotTop = 84
	)
	scale := decimal.NewFromInt(plotW / 100)
	rankW, nameW, textW := 0, 0, chartCols(chartText["no_result"][li])
	for _, rw := range rows {
		rankW = max(rankW, chartCols(rw.rank))
		nameW = max(nameW, chartCols(rw.name))
		textW = max(textW, chartCols(rw.text))
	}
	rankX := margin + rankW // the ranks end here
	nameX := rankX + 8
	if rankW == 0 {
		nameX = margin
	}
	plotX := nameX + nameW + 12
	title := fmt.Sprintf(chartText["ranking"][li], r.Month)
	width := max(plotX+plotW+6+textW+margin, margin+chartCols(title)*4/3+margin)
	// Band names may run past the plot's end.
	for _, b := range bands {
		lx := decimal.NewFromInt(int64(plotX)).Add(b.from.Mul(scale)).IntPart() + 4
		width = max(width, int(lx)+chartCols(chartGradeName(b.grade))+margin)
	}
	n := max(len(rows), 1)
	plotBottom := plotTop + n*rowH
	height := plotBottom + 44

	var d svgDoc
	d.open(width, height, title, fmt.Sprintf(chartText["ranking_desc"][li], r.Month))
	d.f(`<text x="%d" y="30" font-size="16" font-weight="bold">%s</text>`+"\n", margin, chartEsc(title))
	d.legend(margin, 56, li)

	x := func(score decimal.Decimal) string {
		return chartNum(decimal.NewFromInt(int64(plotX)).Add(chartClamp(score).Mul(scale)))
	}
	d.f(`<g class="bands">` + "\n")
	for _, b := range bands {
		x0 := x(b.from)
		w := chartNum(chartClamp(b.to).Sub(chartClamp(b.from)).Mul(scale))
		d.f(`<g class="band"><title>%s</title>`, chartEsc(fmt.Sprintf("%s: %s–%s", chartGradeName(b.grade), b.grade.Min, b.to)))
		d.f(`<rect x="%s" y="%d" width="%s" height="%d" fill="%s"/>`, x0, plotTop-20, w, plotBottom-plotTop+20, b.fill)
		d.f(`<text x="%s" y="%d" font-size="11" fill="%s">%s</text></g>`+"\n", chartNum(decimal.RequireFromString(x0).Add(decimal.NewFromInt(4))), plotTop-6, chartMuted, chartEsc(chartGradeName(b.grade)))
	}
	d.f("</g>\n")

	// The axis, marked at 0, every band's start and 100.
	marks := []decimal.Decimal{chartZero, chartHundred}
	for _, b := range bands {
		marks = append(marks, b.grade.Min)
	}
	slices.SortFunc(marks, decimal.Decimal.Cmp)
	marks = slices.CompactFunc(marks, decimal.Decimal.Equal)
	d.f(`<g class="axis" font-size="11" fill="%s">`+"\n", chartMuted)
	d.f(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`+"\n", plotX, plotBottom, plotX+plotW, plotBottom, chartMuted)
	for _, m := range marks {
		d.f(`<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s"/>`, x(m), plotBottom, x(m), plotBottom+4, chartMuted)
		d.f(`<text x="%s" y="%d" text-anchor="middle">%s</text>`+"\n", x(m), plotBottom+17, chartEsc(m.String()))
	}
	d.f("</g>\n")

	d.f(`<g class="advisors">` + "\n")
	if len(rows) == 0 {
		d.f(`<text x="%d" y="%d" fill="%s" font-style="italic">%s</text>`+"\n", plotX+6, plotTop+18, chartMuted, chartEsc(chartText["no_advisors"][li]))
	}
	for i, rw := range rows {
		top := plotTop + i*rowH
		base := top + 18
		d.f(`<g class="advisor"><title>%s</title>`+"\n", chartEsc(rw.tip))
		if rw.rank != "" {
			d.f(`<text class="rank" x="%d" y="%d" text-anchor="end">%s</text>`+"\n", rankX, base, chartEsc(rw.rank))
		}
		d.f(`<text class="name" x="%d" y="%d">%s</text>`+"\n", nameX, base, chartEsc(rw.name))
		if !rw.has {
			d.f(`<text class="score" x="%d" y="%d" fill="%s" font-style="italic">%s</text>`+"\n", plotX+6, base, chartMuted, chartEsc(rw.text))
			d.f("</g>\n")
			continue
		}
		fill := chartPassColour
		if !rw.pass {
			fill = chartFailColour
		}
		d.f(`<rect class="bar" x="%d" y="%d" width="%s" height="%d" fill="%s"/>`+"\n", plotX, top+(rowH-barH)/2, chartNum(chartClamp(rw.score).Mul(scale)), barH, fill)
		d.f(`<text class="score" x="%s" y="%d">%s</text>`+"\n", chartNum(decimal.RequireFromString(x(rw.score)).Add(decimal.NewFromInt(6))), base, chartEsc(rw.text))
		d.f("</g>\n")
	}
	d.f("</g>\n")
	return d.close(), nil
}

// TrendSVG draws one advisor's year as an SVG 1.1 document: the final
// score of each month of year (the points appraisal.Service.Trend returns
// for it) as a line over the twelve months "2026-01" to "2026-12", on a
// 0 to 100 axis with gridlines at 0, 25, 50, 75 and 100 and the plan's
// grade bands shaded behind, named on the right. A month without a result
// leaves a gap: no line runs across it. Each month with a result is marked, with its exact
// score above: a blue circle when its grade passes, a red square when it
// fails, as the legend (in lang) says. A point's grade is looked up in
// grades by its code; a code grades does not have (a plan changed in the
// year) is judged by the band its score falls in. TrendPoint carries no
// pass or fail of its own, so the plan's grades are required.
//
// Points may come in any order; two of one month, or one outside year,
// are refused with an *org.ValidationError, as are an unknown lang and
// grades without codes or with a Min outside 0 to 100.
func TrendSVG(lang org.Lang, name string, year int, points []appraisal.TrendPoint, grades []appraisal.Grade) ([]byte, error) {
	ve := &org.ValidationError{Op: "monthend: trend chart"}
	li := chartLang(lang, ve)
	bands := chartBands(grades, ve)
	if strings.TrimSpace(name) == "" {
		ve.Add("name", org.CodeRequired, "is required")
	}
	first := org.Month{Year: year, Month: 1}
	if !first.Valid() {
		ve.Add("year", org.CodeRange, "must be 1 to 9999")
	}
	var byMonth [12]*appraisal.TrendPoint
	for i := range points {
		p := &points[i]
		at := fmt.Sprintf("points[%d].month", i)
		switch {
		case !p.Month.Valid() || p.Month.Year != year:
			ve.Add(at, org.CodeRange, fmt.Sprintf("must be a month of %d", year))
		case byMonth[p.Month.Month-1] != nil:
			ve.Add(at, org.CodeDuplicate, fmt.Sprintf("%s is in the points twice", p.Month))
		default:
			byMonth[p.Month.Month-1] = p
		}
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}

	const (
		margin   = 16
		slotW    = 56 // a month
		plotH    = 200
		plotTop  = 84
		yScale   = plotH / 100
		markerR  = 4
		axisCols = 3 // "100"
	)
	plotX := margin + axisCols*chartColPx + 8
	plotW := 12 * slotW
	plotBottom := plotTop + plotH
	shown := chartName(name, "")
	title := fmt.Sprintf(chartText["trend"][li], shown, year)
	width := max(plotX+plotW+margin, margin+chartCols(title)*4/3+margin)
	for _, b := range bands { // their names to the right of the plot
		width = max(width, plotX+plotW+6+chartCols(chartGradeName(b.grade))+margin)
	}
	height := plotBottom + 40

	y := func(score decimal.Decimal) decimal.Decimal {
		return decimal.NewFromInt(int64(plotBottom)).Sub(chartClamp(score).Mul(decimal.NewFromInt(yScale)))
	}
	mx := func(i int) int { return plotX + i*slotW + slotW/2 }

	var d svgDoc
	d.open(width, height, title, fmt.Sprintf(chartText["trend_desc"][li], year))
	d.f(`<text x="%d" y="30" font-size="16" font-weight="bold">%s</text>`+"\n", margin, chartEsc(title))
	d.legend(margin, 56, li)

	d.f(`<g class="bands">` + "\n")
	for _, b := range bands {
		y0, y1 := y(b.to), y(b.from)
		d.f(`<g class="band"><title>%s</title>`, chartEsc(fmt.Sprintf("%s: %s–%s", chartGradeName(b.grade), b.grade.Min, b.to)))
		d.f(`<rect x="%d" y="%s" width="%d" height="%s" fill="%s"/>`, plotX, chartNum(y0), plotW, chartNum(y1.Sub(y0)), b.fill)
		d.f(`<text x="%d" y="%s" font-size="11" fill="%s">%s</text></g>`+"\n", plotX+plotW+6, chartNum(y1.Sub(decimal.NewFromInt(3))), chartMuted, chartEsc(chartGradeName(b.grade)))
	}
	d.f("</g>\n")

	d.f(`<g class="grid" font-size="11" fill="%s">`+"\n", chartMuted)
	for v := 0; v <= 100; v += 25 {
		gy := chartNum(y(decimal.NewFromInt(int64(v))))
		d.f(`<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="%s"/>`, plotX, gy, plotX+plotW, gy, chartGrid)
		d.f(`<text x="%d" y="%s" text-anchor="end">%d</text>`+"\n", plotX-6, chartNum(y(decimal.NewFromInt(int64(v))).Add(decimal.NewFromInt(4))), v)
	}
	for i := range 12 {
		m := first.Add(i)
		d.f(`<text class="month" x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", mx(i), plotBottom+18, m)
	}
	d.f("</g>\n")

	// The line: a subpath for every run of months with results.
	var path []string
	for i, p := range byMonth {
		if p == nil {
			continue
		}
		cmd := "L"
		if i == 0 || byMonth[i-1] == nil {
			if i == 11 || byMonth[i+1] == nil {
				continue // alone: its marker is enough
			}
			cmd = "M"
		}
		path = append(path, fmt.Sprintf("%s%d %s", cmd, mx(i), chartNum(y(p.Score))))
	}
	if len(path) > 0 {
		d.f(`<path class="line" d="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"/>`+"\n", strings.Join(path, " "), chartInk)
	}

	d.f(`<g class="points">` + "\n")
	if len(points) == 0 {
		d.f(`<text x="%d" y="%d" text-anchor="middle" fill="%s" font-style="italic">%s</text>`+"\n", plotX+plotW/2, plotTop+plotH/2, chartMuted, chartEsc(fmt.Sprintf(chartText["no_results"][li], year)))
	}
	for i, p := range byMonth {
		if p == nil {
			continue
		}
		g, known := chartGradeOf(bands, p.Grade, p.Score)
		pass := known && g.Pass
		grade := p.Grade
		if known && g.Code == p.Grade {
			grade = chartGradeName(g)
		}
		verdict := chartText["fail"][li]
		if pass {
			verdict = chartText["pass"][li]
		}
		tip := fmt.Sprintf("%s: %s, %s (%s)", p.Month, p.Score, grade, verdict)
		if p.Rank > 0 {
			tip += ", " + fmt.Sprintf(chartText["rank"][li], p.Rank)
		}
		cy := y(p.Score)
		class := "point pass"
		if !pass {
			class = "point fail"
		}
		d.f(`<g class="%s"><title>%s</title>`, class, chartEsc(tip))
		if pass {
			d.f(`<circle cx="%d" cy="%s" r="%d" fill="%s"/>`, mx(i), chartNum(cy), markerR, chartPassColour)
		} else {
			d.f(`<rect x="%d" y="%s" width="%d" height="%d" fill="%s"/>`, mx(i)-markerR, chartNum(cy.Sub(decimal.NewFromInt(markerR))), 2*markerR, 2*markerR, chartFailColour)
		}
		d.f(`<text class="score" x="%d" y="%s" font-size="10" text-anchor="middle">%s</text></g>`+"\n", mx(i), chartNum(cy.Sub(decimal.NewFromInt(8))), chartEsc(p.Score.String()))
	}
	d.f("</g>\n")
	return d.close(), nil
}
