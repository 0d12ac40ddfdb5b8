// Command ratios runs the peer benchmarks of package bench interleaved and
// prints, for each goal of issue 16, the median of ours and of the peer,
// their ratio, our allocations and whether the goal is met.
//
// It builds the test binary once (go test -c), then for each of -rounds
// rounds runs every side of every pair once, each in its own process
// (-test.bench '^BenchmarkX$/^side$' -test.count 1), so that both sides
// of a pair see the same load on the machine. Odd rounds run a pair's
// sides in reverse order. Run it from the bench directory (ratios.sh
// does):
//
//	go run ./cmd/ratios                 # 10 rounds, full benchtimes
//	go run ./cmd/ratios -quick          # 2 rounds, short benchtimes: a smoke test
//	go run ./cmd/ratios -only 'Price|Settle' -raw out.txt
//
// -raw writes every benchmark line as the binary printed it, which
// benchstat reads.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pair is one goal of the issue: a benchmark whose sub-benchmarks are the
// sides, ours first.
type pair struct {
	name      string   // the measure
	bench     string   // BenchmarkX
	ours      string   // our side
	peers     []string // the peers' sides, compared one row each
	benchtime string   // -test.benchtime, and in -quick mode:
	quick     string
	// goal says what the issue asks of the row with peer (empty: an
	// absolute goal) and whether m meets it; "" says there is no goal for
	// that row (a second peer, shown for reference).
	goal func(peer string, m row) (string, bool)
}

// stats are the medians of one side.
type stats struct {
	ns, bytes, allocs float64
	extra             map[string]float64 // other metrics: tx/s, ns/employee
	n                 int                // runs
}

// row is one line of the table.
type row struct {
	ours, peer stats
	ratio      float64 // ours.ns / peer.ns
}

var pairs = []pair{
	{name: "one decision (pause, in repair)", bench: "BenchmarkDecision", ours: "sdk", peers: []string{"looplab", "stateless"},
		benchtime: "1s", quick: "100ms",
		goal: func(peer string, m row) (string, bool) {
			if peer != "looplab" {
				return "", false
			}
			return "<= 0.2x looplab Can, 0 allocs", m.ratio <= 0.2 && m.ours.allocs == 0
		}},
	{name: "Permitted, all commands", bench: "BenchmarkPermitted", ours: "sdk", benchtime: "1s", quick: "100ms",
		goal: func(_ string, m row) (string, bool) {
			return "<= 1 µs, <= 2 allocs", m.ours.ns <= 1000 && m.ours.allocs <= 2
		}},
	{name: "one command on memstore (pause/resume)", bench: "BenchmarkCommand", ours: "sdk", peers: []string{"looplab", "stateless"},
		benchtime: "1s", quick: "100ms",
		goal: func(peer string, m row) (string, bool) {
			if peer != "looplab" {
				return "", false
			}
			return "<= 1x looplab Event", m.ratio <= 1
		}},
	{name: "billing.Price, 50 lines", bench: "BenchmarkPrice", ours: "sdk", peers: []string{"decimal"}, benchtime: "1s", quick: "100ms",
		goal: func(_ string, m row) (string, bool) { return "<= 1.5x bare decimal", m.ratio <= 1.5 }},
	{name: "Policy.Evaluate, 10,000 employees", bench: "BenchmarkEvaluate", ours: "sdk", peers: []string{"expr"}, benchtime: "5x", quick: "1x",
		goal: func(_ string, m row) (string, bool) { return "<= 0.5x expr", m.ratio <= 0.5 }},
	{name: "appraisal month, 5,000 advisors", bench: "BenchmarkAppraisalMonth", ours: "sdk", benchtime: "5x", quick: "1x",
		goal: func(_ string, m row) (string, bool) {
			return "<= 100 ms, <= 50 MB", m.ours.ns <= 100e6 && m.ours.bytes <= 50e6
		}},
	{name: "SQLite settle (WAL, synchronous=NORMAL)", bench: "BenchmarkSettleSQLite", ours: "sdk", peers: []string{"raw"},
		benchtime: "2s", quick: "200ms",
		goal: func(_ string, m row) (string, bool) {
			return ">= 0.8x raw tx/s (time <= 1.25x)", m.ratio <= 1.25
		}},
	{name: "memstore month listing, 500 -> 5,000", bench: "BenchmarkMonthListing", ours: "5000", peers: []string{"500"},
		benchtime: "1s", quick: "100ms",
		goal: func(_ string, m row) (string, bool) {
			return "linear: 10x (met at <= 11x)", m.ratio <= 11
		}},
	{name: "billing.Price, 10 -> 1,000 lines", bench: "BenchmarkScalePrice", ours: "1000", peers: []string{"10"},
		benchtime: "1s", quick: "100ms",
		goal: func(_ string, m row) (string, bool) { return "linear: 100x (met at <= 110x)", m.ratio <= 110 }},
	{name: "appraisal month, 500 -> 50,000 advisors", bench: "BenchmarkScaleAppraisal", ours: "50000", peers: []string{"500"},
		benchtime: "2x", quick: "1x",
		goal: func(_ string, m row) (string, bool) { return "linear: 100x (met at <= 110x)", m.ratio <= 110 }},
	{name: "Policy.Evaluate, 1,000 -> 10,000 employees", bench: "BenchmarkScalePolicy", ours: "10000", peers: []string{"1000"},
		benchtime: "3x", quick: "1x",
		goal: func(_ string, m row) (string, bool) { return "linear: 10x (met at <= 11x)", m.ratio <= 11 }},
}

func main() {
	rounds := flag.Int("rounds", envInt("ROUNDS", 0), "rounds (default 10, or 2 with -quick; env ROUNDS)")
	quick := flag.Bool("quick", os.Getenv("QUICK") == "1", "short benchtimes and 2 rounds, for a smoke test (env QUICK=1)")
	only := flag.String("only", os.Getenv("ONLY"), "run only the pairs whose benchmark matches this regexp (env ONLY)")
	benchtime := flag.String("benchtime", os.Getenv("BENCHTIME"), "override every pair's -test.benchtime (env BENCHTIME)")
	rawOut := flag.String("raw", os.Getenv("RAW"), "write every benchmark line to this file (env RAW)")
	dir := flag.String("dir", ".", "the bench module's directory")
	flag.Parse()
	if *rounds <= 0 {
		*rounds = 10
		if *quick {
			*rounds = 2
		}
	}
	selected := pairs
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			fatal(err)
		}
		selected = slices.DeleteFunc(slices.Clone(pairs), func(p pair) bool { return !re.MatchString(p.bench) })
	}
	tmp, err := os.MkdirTemp("", "ratios")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bench.test")
	build := exec.Command("go", "test", "-c", "-o", bin, ".")
	build.Dir, build.Stdout, build.Stderr = *dir, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fatal(fmt.Errorf("go test -c: %w", err))
	}
	var raw io.Writer = io.Discard
	if *rawOut != "" {
		f, err := os.Create(*rawOut)
		if err != nil {
			fatal(err)
		}
		defer f.Close()
		raw = f
	}
	// samples[bench/side][metric] are the runs' values.
	samples := map[string]map[string][]float64{}
	start := time.Now()
	for r := range *rounds {
		for _, p := range selected {
			sides := append([]string{p.ours}, p.peers...)
			if r%2 == 1 {
				slices.Reverse(sides)
			}
			bt := p.benchtime
			if *quick {
				bt = p.quick
			}
			if *benchtime != "" {
				bt = *benchtime
			}
			for _, side := range sides {
				fmt.Fprintf(os.Stderr, "round %d/%d %s/%s (%s) ...\n", r+1, *rounds, p.bench, side, bt)
				ms, lines, err := run(bin, *dir, p.bench, side, bt)
				if err != nil {
					fatal(err)
				}
				fmt.Fprint(raw, lines)
				key := p.bench + "/" + side
				if samples[key] == nil {
					samples[key] = map[string][]float64{}
				}
				for unit, v := range ms {
					samples[key][unit] = append(samples[key][unit], v)
				}
			}
		}
	}
	mode := "full"
	if *quick {
		mode = "quick"
	}
	fmt.Printf("Peer benchmarks of issue 16: %d interleaved rounds (%s mode), medians, %s; %s elapsed.\n\n",
		*rounds, mode, time.Now().Format("2006-01-02"), time.Since(start).Round(time.Second))
	fmt.Println("| goal | ours | peer | ours/peer | ours allocs/op | ours B/op | goal | met |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, p := range selected {
		ours := median(samples[p.bench+"/"+p.ours])
		if len(p.peers) == 0 {
			m := row{ours: ours}
			g, met := p.goal("", m)
			fmt.Printf("| %s | %s | - | - | %s | %s | %s | %s |\n", p.name, dur(ours.ns), num(ours.allocs), size(ours.bytes), g, yesNo(g, met))
			continue
		}
		for _, peer := range p.peers {
			ps := median(samples[p.bench+"/"+peer])
			m := row{ours: ours, peer: ps, ratio: ours.ns / ps.ns}
			g, met := p.goal(peer, m)
			label := fmt.Sprintf("%s: %s vs %s", p.name, p.ours, peer)
			fmt.Printf("| %s | %s | %s | %.2fx | %s | %s | %s | %s |\n", label, dur(ours.ns), dur(ps.ns), m.ratio,
				num(ours.allocs), size(ours.bytes), orDash(g), yesNo(g, met))
		}
	}
	// The other metrics the benchmarks report (tx/s, ns/employee, ...).
	var extras []string
	for _, p := range selected {
		for _, side := range append([]string{p.ours}, p.peers...) {
			s := median(samples[p.bench+"/"+side])
			for _, unit := range slices.Sorted(maps.Keys(s.extra)) {
				extras = append(extras, fmt.Sprintf("%s/%s: %s %s", p.bench, side, num(s.extra[unit]), unit))
			}
		}
	}
	if len(extras) > 0 {
		fmt.Println("\nOther metrics (medians):")
		for _, e := range extras {
			fmt.Println("  " + e)
		}
	}
}

// run runs one side once and returns its metrics by unit and the
// benchmark's lines.
func run(bin, dir, bench, side, benchtime string) (map[string]float64, string, error) {
	cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", "^"+bench+"$/^"+side+"$",
		"-test.benchtime", benchtime, "-test.count", "1", "-test.benchmem", "-test.timeout", "30m")
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, "", fmt.Errorf("%s/%s: %w\n%s", bench, side, err, out.String())
	}
	prefix := bench + "/" + side
	var lines strings.Builder
	var ms map[string]float64
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], prefix) {
			continue
		}
		if name := f[0]; name != prefix && !strings.HasPrefix(name, prefix+"-") {
			continue
		}
		lines.WriteString(line + "\n")
		ms = map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, "", fmt.Errorf("%s: %q: %w", prefix, line, err)
			}
			ms[f[i+1]] = v
		}
	}
	if ms == nil || ms["ns/op"] == 0 {
		return nil, "", fmt.Errorf("%s: no result in\n%s", prefix, out.String())
	}
	return ms, lines.String(), nil
}

func median(byUnit map[string][]float64) stats {
	s := stats{extra: map[string]float64{}}
	for unit, vs := range byUnit {
		vs = slices.Sorted(slices.Values(vs))
		m := vs[len(vs)/2]
		if len(vs)%2 == 0 {
			m = (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
		}
		switch unit {
		case "ns/op":
			s.ns, s.n = m, len(vs)
		case "B/op":
			s.bytes = m
		case "allocs/op":
			s.allocs = m
		default:
			s.extra[unit] = m
		}
	}
	return s
}

func dur(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.1f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.1f ns", ns)
}

func size(b float64) string {
	switch {
	case b >= 1e6:
		return fmt.Sprintf("%.1f MB", b/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.1f KB", b/1e3)
	}
	return fmt.Sprintf("%.0f B", b)
}

func num(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f M", v/1e6)
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func yesNo(goal string, met bool) string {
	switch {
	case goal == "":
		return "-"
	case met:
		return "met"
	}
	return "not met"
}

func orDash(s string) string {
	if s == "" {
		return "- (reference)"
	}
	return s
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "ratios:", err)
	os.Exit(1)
}
