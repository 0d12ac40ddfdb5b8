package monthend_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
)

// go test ./monthend -run 'SVG|Chart|Trend' -update-charts rewrites the
// charts' golden files in testdata from what the code draws now.
var updateCharts = flag.Bool("update-charts", false, "rewrite the charts' golden files in testdata")

var chartMonth = org.Month{Year: 2026, Month: time.November}

// chartResult is an appraisal with its final score, grade and rank as the
// default plan gives them.
func chartResult(t *testing.T, id org.EmployeeID, rank int, score string) *appraisal.Appraisal {
	t.Helper()
	s := decimal.RequireFromString(score)
	var g appraisal.Grade
	for _, c := range appraisal.DefaultPlan().Grades {
		if s.GreaterThanOrEqual(c.Min) && (g.Code == "" || c.Min.GreaterThan(g.Min)) {
			g = c
		}
	}
	require.NotEmpty(t, g.Code, "score %s has no grade", score)
	return &appraisal.Appraisal{Month: chartMonth, Rank: rank, Final: appraisal.Result{
		Employee: id, PlanVersion: "2026.1", Score: s, Grade: g.Code, Pass: g.Pass, Excellent: g.Excellent}}
}

// chartReport is November's report of five advisors in roster order (not
// rank order): three scored, one failing, one with a score of zero, and
// one not scored.
func chartReport(t *testing.T) monthend.Report {
	return monthend.Report{Dealer: "d1", Month: chartMonth, Plan: "2026.1", State: appraisal.CycleFinalized, Advisors: []monthend.AdvisorRow{
		{Employee: "wang", Name: "Wang Ling 王玲", Active: true, Appraisal: chartResult(t, "wang", 2, "81.5")},
		{Employee: "huang", Name: "Huang Jie 黃傑", Active: true, Notes: []monthend.Note{{Code: "not_scored"}}},
		{Employee: "chen", Name: "Chen Wei 陳偉", Active: true, Appraisal: chartResult(t, "chen", 1, "92.25")},
		{Employee: "li", Name: "Li 李", Active: false, Appraisal: chartResult(t, "li", 4, "0")},
		{Employee: "zhou", Name: "周杰", Active: true, Appraisal: chartResult(t, "zhou", 3, "58.75")},
	}}
}

// chartTrend is a year of points, in month order, of the months listed
// (1 to 12) with the scores given.
func chartTrend(t *testing.T, months []int, scores []string) []appraisal.TrendPoint {
	t.Helper()
	require.Len(t, scores, len(months))
	var out []appraisal.TrendPoint
	for i, m := range months {
		a := chartResult(t, "chen", 1+i%3, scores[i])
		out = append(out, appraisal.TrendPoint{Month: org.Month{Year: 2026, Month: time.Month(m)}, Score: a.Final.Score, Grade: a.Final.Grade, Rank: a.Rank})
	}
	return out
}

// svgNode is an element of a parsed chart.
type svgNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []svgNode  `xml:",any"`
}

func (n svgNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n svgNode) hasClass(c string) bool { return slices.Contains(strings.Fields(n.attr("class")), c) }

// all is every element under n (n too) that has the tag, and the class
// when class is not empty, in document order.
func (n svgNode) all(tag, class string) []svgNode {
	var out []svgNode
	if n.XMLName.Local == tag && (class == "" || n.hasClass(class)) {
		out = append(out, n)
	}
	for _, c := range n.Nodes {
		out = append(out, c.all(tag, class)...)
	}
	return out
}

func (n svgNode) one(t *testing.T, tag, class string) svgNode {
	t.Helper()
	got := n.all(tag, class)
	require.Len(t, got, 1, "<%s class=%q>", tag, class)
	return got[0]
}

func (n svgNode) texts(tag, class string) []string {
	var out []string
	for _, c := range n.all(tag, class) {
		out = append(out, c.Text)
	}
	return out
}

func chartFloat(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	require.NoError(t, err, "%q is not a number", s)
	return d
}

// parseSVG proves svg well-formed XML, token by token, and a standalone
// SVG 1.1 document with a title, and returns its tree.
func parseSVG(t *testing.T, svg []byte) svgNode {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "the SVG is not well-formed XML")
	}
	var root svgNode
	require.NoError(t, xml.Unmarshal(svg, &root))
	assert.Equal(t, xml.Name{Space: "http://www.w3.org/2000/svg", Local: "svg"}, root.XMLName)
	assert.Equal(t, "1.1", root.attr("version"))
	w, h := root.attr("width"), root.attr("height")
	assert.Equal(t, "0 0 "+w+" "+h, root.attr("viewBox"))
	assert.Positive(t, chartFloat(t, w).Sign())
	assert.Positive(t, chartFloat(t, h).Sign())
	assert.True(t, strings.HasPrefix(root.attr("font-family"), "'Noto Sans CJK TC'"), "a CJK font first: %s", root.attr("font-family"))
	assert.True(t, strings.HasSuffix(root.attr("font-family"), "sans-serif"))
	require.NotEmpty(t, root.Nodes)
	assert.Equal(t, "title", root.Nodes[0].XMLName.Local, "the title is the first child, for screen readers")
	assert.NotEmpty(t, strings.TrimSpace(root.Nodes[0].Text))
	assert.NotContains(t, string(svg), "NaN")
	assert.NotContains(t, string(svg), "e+", "positions have no exponent")
	return root
}

// golden compares svg with testdata/name.svg, or writes it there with
// -update-charts.
func golden(t *testing.T, name string, svg []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".svg")
	if *updateCharts {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, svg, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no golden file: run go test ./monthend -run 'SVG|Chart|Trend' -update-charts")
	assert.Equal(t, string(want), string(svg), "%s differs: look at the chart, then -update-charts if it is right", path)
}

func TestRankingSVG(t *testing.T) {
	grades := appraisal.DefaultPlan().Grades
	rep := chartReport(t)
	empty := monthend.Report{Dealer: "d1", Month: chartMonth, Plan: "2026.1", State: appraisal.CycleOpen}
	unscored := monthend.Report{Dealer: "d1", Month: chartMonth, Advisors: []monthend.AdvisorRow{
		{Employee: "b", Name: "Bo 柏"}, {Employee: "a", Name: "Ann"}}}
	odd := monthend.Report{Dealer: "d1", Month: chartMonth, Advisors: []monthend.AdvisorRow{
		{Employee: "x", Name: `<Tom & "Jerry"> 湯姆`, Appraisal: chartResult(t, "x", 1, "100")},
		{Employee: "y", Name: "  ", Appraisal: chartResult(t, "y", 2, "60")}}}

	for _, tc := range []struct {
		name   string
		rep    monthend.Report
		lang   org.Lang
		title  string
		names  []string // top to bottom
		scores []string // the text at each bar's end, or "no result"
	}{
		{"ranking_en", rep, org.English, "Ranking, 2026-11",
			[]string{"Chen Wei 陳偉", "Wang Ling 王玲", "周杰", "Li 李", "Huang Jie 黃傑"},
			[]string{"92.25", "81.5", "58.75", "0", "no result"}},
		{"ranking_zh-Hant", rep, org.TraditionalChinese, "2026-11 排名",
			[]string{"Chen Wei 陳偉", "Wang Ling 王玲", "周杰", "Li 李", "Huang Jie 黃傑"},
			[]string{"92.25", "81.5", "58.75", "0", "無結果"}},
		{"ranking_empty_en", empty, org.English, "Ranking, 2026-11", nil, nil},
		{"ranking_empty_zh-Hant", empty, org.TraditionalChinese, "2026-11 排名", nil, nil},
		{"ranking_unscored_en", unscored, org.English, "Ranking, 2026-11",
			[]string{"Ann", "Bo 柏"}, []string{"no result", "no result"}},
		{"ranking_escaped_en", odd, org.English, "Ranking, 2026-11",
			[]string{`<Tom & "Jerry"> 湯姆`, "y"}, []string{"100", "60"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg, err := tc.rep.RankingSVG(tc.lang, grades)
			require.NoError(t, err)
			root := parseSVG(t, svg)
			golden(t, tc.name, svg)

			assert.Equal(t, tc.title, root.Nodes[0].Text)
			assert.Equal(t, []string{tc.title}, root.texts("text", "")[:1], "the title is drawn first")

			// The bands: every grade from the lowest, labelled by name.
			bands := root.all("g", "band")
			require.Len(t, bands, len(grades))
			var labels []string
			for _, b := range bands {
				labels = append(labels, b.one(t, "text", "").Text)
			}
			assert.Equal(t, []string{"Fail", "Pass", "Good", "Excellent"}, labels)
			// Each band starts where the one below ends, 0 to 100 over 500px.
			var x0 decimal.Decimal
			for i, b := range bands {
				r := b.one(t, "rect", "")
				x, w := chartFloat(t, r.attr("x")), chartFloat(t, r.attr("width"))
				if i == 0 {
					x0 = x
				} else {
					assert.True(t, x.Equal(x0), "band %d starts at %s, not %s", i, x, x0)
				}
				x0 = x.Add(w)
			}
			assert.Equal(t, []string{"0", "60", "80", "90", "100"}, root.one(t, "g", "axis").texts("text", ""))

			// The bars, in rank order from the top.
			rows := root.all("g", "advisor")
			require.Len(t, rows, len(tc.names))
			prevY := decimal.NewFromInt(-1)
			for i, row := range rows {
				name := row.one(t, "text", "name")
				assert.Equal(t, tc.names[i], name.Text, "row %d", i)
				y := chartFloat(t, name.attr("y"))
				assert.True(t, y.GreaterThan(prevY), "row %d is below row %d", i, i-1)
				prevY = y
				assert.Equal(t, tc.scores[i], row.one(t, "text", "score").Text)
				bars := row.all("rect", "bar")
				if tc.scores[i] == "no result" || tc.scores[i] == "無結果" {
					assert.Empty(t, bars, "no bar without a result")
					assert.Empty(t, row.all("text", "rank"))
					continue
				}
				require.Len(t, bars, 1)
				assert.Equal(t, strconv.Itoa(i+1), row.one(t, "text", "rank").Text)
				// 5px a point: the bar is as long as the score.
				want := chartFloat(t, tc.scores[i]).Mul(decimal.NewFromInt(5))
				assert.True(t, chartFloat(t, bars[0].attr("width")).Equal(want), "bar %d is %s wide, want %s", i, bars[0].attr("width"), want)
				fail := chartFloat(t, tc.scores[i]).LessThan(decimal.NewFromInt(60))
				assert.Equal(t, fail, bars[0].attr("fill") == "#c0392b", "a failing result's bar is red")
			}
			if len(tc.names) == 0 {
				assert.Contains(t, root.one(t, "g", "advisors").texts("text", ""), map[org.Lang]string{org.English: "no advisors", org.TraditionalChinese: "無服務專員"}[tc.lang])
			}
			legend := root.one(t, "g", "legend").texts("text", "")
			assert.Equal(t, map[org.Lang][]string{org.English: {"pass", "fail"}, org.TraditionalChinese: {"及格", "不及格"}}[tc.lang], legend)
		})
	}
}

func TestRankingSVGEscapesText(t *testing.T) {
	name := `<script>"x" & 'co'`
	rep := monthend.Report{Month: chartMonth, Advisors: []monthend.AdvisorRow{
		{Employee: "x", Name: name, Appraisal: chartResult(t, "x", 1, "75")},
		{Employee: "y", Name: "Bad\x00byte\x1b"},
	}}
	grades := appraisal.DefaultPlan().Grades
	grades[0].Name = `Fail <below "pass"> & out`
	svg, err := rep.RankingSVG(org.English, grades)
	require.NoError(t, err)
	root := parseSVG(t, svg)
	s := string(svg)
	assert.NotContains(t, s, "<script>")
	assert.Contains(t, s, "&lt;script&gt;&#34;x&#34; &amp; &#39;co&#39;")
	assert.Contains(t, root.texts("text", "name"), name, "the name reads back as it was")
	assert.Contains(t, root.texts("text", ""), grades[0].Name)
	assert.Contains(t, root.texts("text", "name"), "Bad\uFFFDbyte\uFFFD", "characters XML cannot carry are replaced")
}

// The name column is as wide as the widest name by display width: four
// Chinese characters take as much room as eight letters.
func TestRankingSVGSizesNamesByDisplayWidth(t *testing.T) {
	barX := func(name string) decimal.Decimal {
		rep := monthend.Report{Month: chartMonth, Advisors: []monthend.AdvisorRow{{Employee: "x", Name: name, Appraisal: chartResult(t, "x", 1, "70")}}}
		svg, err := rep.RankingSVG(org.English, appraisal.DefaultPlan().Grades)
		require.NoError(t, err)
		return chartFloat(t, parseSVG(t, svg).one(t, "rect", "bar").attr("x"))
	}
	assert.True(t, barX("陳偉陳偉").Equal(barX("abcdefgh")), "4 Chinese characters are 8 columns")
	assert.True(t, barX("陳偉陳偉").Sub(barX("abcd")).Equal(decimal.NewFromInt(28)), "4 columns more are 28px more")
	// A very long name is cut with an ellipsis.
	long := strings.Repeat("很長的名字", 10)
	rep := monthend.Report{Month: chartMonth, Advisors: []monthend.AdvisorRow{{Employee: "x", Name: long}}}
	svg, err := rep.RankingSVG(org.TraditionalChinese, appraisal.DefaultPlan().Grades)
	require.NoError(t, err)
	got := parseSVG(t, svg).one(t, "text", "name").Text
	assert.True(t, strings.HasSuffix(got, "…"), got)
	assert.Less(t, len([]rune(got)), len([]rune(long)))
}

// The same report, its advisors in any order, draws the same bytes.
func TestRankingSVGIsDeterministic(t *testing.T) {
	rep := chartReport(t)
	grades := appraisal.DefaultPlan().Grades
	want, err := rep.RankingSVG(org.English, grades)
	require.NoError(t, err)
	for range 10 {
		rep.Advisors = slices.Clone(rep.Advisors)
		slices.Reverse(rep.Advisors)
		rep.Advisors[0], rep.Advisors[2] = rep.Advisors[2], rep.Advisors[0]
		got, err := rep.RankingSVG(org.English, grades)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
		reversed := slices.Clone(grades) // the plan's grades in any order
		slices.Reverse(reversed)
		rgot, err := rep.RankingSVG(org.English, reversed)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(rgot))
	}
}

func TestChartRefusesBadInput(t *testing.T) {
	rep := chartReport(t)
	grades := appraisal.DefaultPlan().Grades
	badMin := slices.Clone(grades)
	badMin[0].Min = decimal.NewFromInt(101)
	dupCode := slices.Clone(grades)
	dupCode[1].Code = dupCode[0].Code
	year := chartTrend(t, []int{1, 2}, []string{"70", "80"})
	twice := append(slices.Clone(year), year[0])
	other := slices.Clone(year)
	other[1].Month = org.Month{Year: 2025, Month: time.December}

	for _, tc := range []struct {
		name string
		draw func() ([]byte, error)
		path string
		code string
	}{
		{"ranking, unknown lang", func() ([]byte, error) { return rep.RankingSVG("fr", grades) }, "lang", org.CodeUnknown},
		{"ranking, no grades", func() ([]byte, error) { return rep.RankingSVG(org.English, nil) }, "grades", org.CodeRequired},
		{"ranking, min over 100", func() ([]byte, error) { return rep.RankingSVG(org.English, badMin) }, "grades[0].min", org.CodeRange},
		{"ranking, a code twice", func() ([]byte, error) { return rep.RankingSVG(org.English, dupCode) }, "grades[1].code", org.CodeDuplicate},
		{"trend, unknown lang", func() ([]byte, error) { return monthend.TrendSVG("", "Chen", 2026, year, grades) }, "lang", org.CodeUnknown},
		{"trend, no name", func() ([]byte, error) { return monthend.TrendSVG(org.English, " ", 2026, year, grades) }, "name", org.CodeRequired},
		{"trend, no year", func() ([]byte, error) { return monthend.TrendSVG(org.English, "Chen", 0, nil, grades) }, "year", org.CodeRange},
		{"trend, no grades", func() ([]byte, error) { return monthend.TrendSVG(org.English, "Chen", 2026, year, nil) }, "grades", org.CodeRequired},
		{"trend, a month twice", func() ([]byte, error) { return monthend.TrendSVG(org.English, "Chen", 2026, twice, grades) }, "points[2].month", org.CodeDuplicate},
		{"trend, another year", func() ([]byte, error) { return monthend.TrendSVG(org.English, "Chen", 2026, other, grades) }, "points[1].month", org.CodeRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg, err := tc.draw()
			assert.Nil(t, svg)
			var ve *org.ValidationError
			require.ErrorAs(t, err, &ve)
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Path+" "+f.Code)
			}
			assert.Contains(t, got, tc.path+" "+tc.code)
		})
	}
}

var pathStep = regexp.MustCompile(`([ML])(\d+(?:\.\d+)?) (\d+(?:\.\d+)?)`)

func TestTrendSVG(t *testing.T) {
	grades := appraisal.DefaultPlan().Grades
	all := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	full := chartTrend(t, all, []string{"55", "61.5", "70", "78.25", "80", "85", "90", "95.5", "100", "59.99", "0", "88"})
	// March, April and July have no result; September stands alone.
	gaps := chartTrend(t, []int{1, 2, 5, 6, 8, 10, 11, 12}, []string{"72", "58", "66.5", "81", "91", "40", "62", "75"})
	gaps[3], gaps[6] = gaps[6], gaps[3] // points in any order
	alone := chartTrend(t, []int{2, 4, 12}, []string{"65", "50", "99"})

	for _, tc := range []struct {
		name     string
		lang     org.Lang
		who      string
		points   []appraisal.TrendPoint
		title    string
		segments [][]int // the months (1 to 12) each subpath of the line joins
		fails    []int   // the failing months
	}{
		{"trend_12_en", org.English, "Chen Wei 陳偉", full, "Trend of Chen Wei 陳偉, 2026",
			[][]int{all}, []int{1, 10, 11}},
		{"trend_12_zh-Hant", org.TraditionalChinese, "Chen Wei 陳偉", full, "Chen Wei 陳偉 2026 年考核趨勢",
			[][]int{all}, []int{1, 10, 11}},
		{"trend_gaps_en", org.English, "Wang Ling 王玲", gaps, "Trend of Wang Ling 王玲, 2026",
			[][]int{{1, 2}, {5, 6}, {10, 11, 12}}, []int{2, 10}},
		{"trend_gaps_zh-Hant", org.TraditionalChinese, "王玲", gaps, "王玲 2026 年考核趨勢",
			[][]int{{1, 2}, {5, 6}, {10, 11, 12}}, []int{2, 10}},
		{"trend_alone_en", org.English, `<A&B> "quoted"`, alone, `Trend of <A&B> "quoted", 2026`, nil, []int{4}},
		{"trend_empty_zh-Hant", org.TraditionalChinese, "黃傑", nil, "黃傑 2026 年考核趨勢", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg, err := monthend.TrendSVG(tc.lang, tc.who, 2026, tc.points, grades)
			require.NoError(t, err)
			root := parseSVG(t, svg)
			golden(t, tc.name, svg)
			assert.Equal(t, tc.title, root.Nodes[0].Text)
			assert.Equal(t, tc.title, root.texts("text", "")[0])

			var months []string
			for m := 1; m <= 12; m++ {
				months = append(months, "2026-"+[]string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}[m-1])
			}
			assert.Equal(t, months, root.texts("text", "month"), "the x axis is the year's months in order")
			grid := root.one(t, "g", "grid")
			assert.Equal(t, []string{"0", "25", "50", "75", "100"}, grid.texts("text", "")[:5])
			assert.Len(t, grid.all("line", ""), 5)
			assert.Len(t, root.all("g", "band"), len(grades))

			// x of each month's slot, from the axis labels.
			slot := map[string]int{}
			for i, m := range root.all("text", "month") {
				slot[m.attr("x")] = i + 1
			}
			// Every point is marked at its month with its exact score.
			pts := root.all("g", "point")
			require.Len(t, pts, len(tc.points))
			var failing []int
			byMonth := map[int]appraisal.TrendPoint{}
			for _, p := range tc.points {
				byMonth[int(p.Month.Month)] = p
			}
			for _, g := range pts {
				score := g.one(t, "text", "score")
				m := slot[score.attr("x")]
				require.NotZero(t, m, "a point at x=%s is not on a month", score.attr("x"))
				assert.Equal(t, byMonth[m].Score.String(), score.Text)
				// 2px a point, 0 at y=284.
				wantY := decimal.NewFromInt(284).Sub(byMonth[m].Score.Mul(decimal.NewFromInt(2)))
				if g.hasClass("fail") {
					failing = append(failing, m)
					require.Len(t, g.all("rect", ""), 1, "a failing month is a square")
					r := g.one(t, "rect", "")
					assert.Equal(t, "#c0392b", r.attr("fill"))
					assert.True(t, chartFloat(t, r.attr("y")).Add(decimal.NewFromInt(4)).Equal(wantY))
				} else {
					require.True(t, g.hasClass("pass"))
					c := g.one(t, "circle", "")
					assert.Equal(t, "#2f6db5", c.attr("fill"))
					assert.True(t, chartFloat(t, c.attr("cy")).Equal(wantY), "month %d at y=%s, want %s", m, c.attr("cy"), wantY)
				}
			}
			assert.Equal(t, tc.fails, failing)

			// The line joins only months next to each other: a gap where
			// a month has no result.
			paths := root.all("path", "line")
			if tc.segments == nil {
				assert.Empty(t, paths, "no line without two months in a row")
			} else {
				require.Len(t, paths, 1)
				var segs [][]int
				for _, st := range pathStep.FindAllStringSubmatch(paths[0].attr("d"), -1) {
					if st[1] == "M" {
						segs = append(segs, nil)
					}
					require.NotEmpty(t, segs, "the path starts with M")
					segs[len(segs)-1] = append(segs[len(segs)-1], slot[st[2]])
				}
				assert.Equal(t, tc.segments, segs)
			}

			legend := root.one(t, "g", "legend").texts("text", "")
			assert.Equal(t, map[org.Lang][]string{org.English: {"pass", "fail"}, org.TraditionalChinese: {"及格", "不及格"}}[tc.lang], legend)
			if len(tc.points) == 0 {
				assert.Contains(t, root.one(t, "g", "points").texts("text", ""), "2026 年無考核結果")
			}
		})
	}
}

// A point's pass or fail is its grade's in the plan given; a grade of an
// earlier plan's version is judged by the band its score falls in.
func TestTrendSVGJudgesGradesByThePlan(t *testing.T) {
	grades := appraisal.DefaultPlan().Grades
	pts := []appraisal.TrendPoint{
		{Month: org.Month{Year: 2026, Month: time.March}, Score: decimal.RequireFromString("65"), Grade: "fail"}, // calibrated down to fail
		{Month: org.Month{Year: 2026, Month: time.April}, Score: decimal.RequireFromString("70"), Grade: "old-c"},
		{Month: org.Month{Year: 2026, Month: time.May}, Score: decimal.RequireFromString("50"), Grade: "old-d"},
	}
	svg, err := monthend.TrendSVG(org.English, "Chen", 2026, pts, grades)
	require.NoError(t, err)
	root := parseSVG(t, svg)
	var classes, tips []string
	for _, g := range root.all("g", "point") {
		classes = append(classes, g.attr("class"))
		tips = append(tips, g.one(t, "title", "").Text)
	}
	assert.Equal(t, []string{"point fail", "point pass", "point fail"}, classes)
	assert.Equal(t, []string{"2026-03: 65, Fail (fail)", "2026-04: 70, old-c (pass)", "2026-05: 50, old-d (fail)"}, tips)
}
