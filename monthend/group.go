package monthend

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/servicelane/servicelane/org"
)

// DealerRun is one dealer of a group's month-end, run by its own service
// advisor department's supervisor.
type DealerRun struct {
	Dealer org.DealerID `json:"dealer"`
	Actor  org.Actor    `json:"actor"`
}

// GroupOptions bound and observe a group's month-end.
type GroupOptions struct {
	// Concurrency is how many dealers run at once; zero means 4.
	Concurrency int
	// Progress, when set, is called after each dealer, from one goroutine
	// at a time.
	Progress func(Progress)
}

// Progress is how far a group's month-end has come.
type Progress struct {
	Dealers  int           `json:"dealers"`
	Done     int           `json:"done"`
	Failed   int           `json:"failed"`
	Advisors int           `json:"advisors"`
	Elapsed  time.Duration `json:"elapsed"`
}

// GroupReport is a dealer group's month-end: each dealer's report, each
// failure, and the sums across dealers.
type GroupReport struct {
	Month    org.Month     `json:"month"`
	Reports  []Report      `json:"reports"`
	Failures []Failure     `json:"failures,omitempty"`
	Summary  GroupSummary  `json:"summary"`
	Elapsed  time.Duration `json:"elapsed"`
}

// Failure is a dealer whose month-end failed: the error for the host's
// logs, the problem to show.
type Failure struct {
	Dealer  org.DealerID `json:"dealer"`
	Problem org.Problem  `json:"problem"`
	Err     error        `json:"-"`
}

// GroupSummary sums a group's month-end.
type GroupSummary struct {
	Dealers   int `json:"dealers"`
	Failed    int `json:"failed"`
	Advisors  int `json:"advisors"`
	Scored    int `json:"scored"`
	Failing   int `json:"failing"`
	Decisions int `json:"decisions"`
	Warnings  int `json:"warnings"`
}

// RunGroup runs the month-end of every dealer of runs, at most
// opts.Concurrency at once, each as [Service.Run] with in. One dealer's
// failure is reported in Failures and does not stop the others; a
// cancelled ctx stops the dealers not yet started, which are reported as
// failed. Reports keep the order of runs.
func (s *Service) RunGroup(ctx context.Context, runs []DealerRun, in RunInput, opts GroupOptions) (GroupReport, error) {
	seen := map[org.DealerID]bool{}
	ve := &org.ValidationError{Op: "monthend: run group"}
	for i, r := range runs {
		if seen[r.Dealer] {
			ve.Add(fmt.Sprintf("runs[%d].dealer", i), org.CodeDuplicate, "the dealer is in the group twice")
		}
		seen[r.Dealer] = true
	}
	if opts.Concurrency < 0 {
		ve.Add("concurrency", org.CodeRange, "must not be negative")
	}
	if err := ve.Err(); err != nil {
		return GroupReport{}, err
	}
	n := opts.Concurrency
	if n == 0 {
		n = 4
	}
	start := time.Now()
	reports := make([]*Report, len(runs))
	errs := make([]error, len(runs))
	var (
		mu   sync.Mutex
		prog = Progress{Dealers: len(runs)}
		wg   sync.WaitGroup
		sem  = make(chan struct{}, n)
	)
	for i, r := range runs {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				errs[i] = ctx.Err()
			}
			if errs[i] == nil {
				rep, err := s.Run(ctx, r.Dealer, r.Actor, in)
				if err != nil {
					errs[i] = err
				} else {
					reports[i] = &rep
				}
			}
			mu.Lock()
			defer mu.Unlock()
			prog.Done++
			if errs[i] != nil {
				prog.Failed++
			} else {
				prog.Advisors += len(reports[i].Advisors)
			}
			prog.Elapsed = time.Since(start)
			if opts.Progress != nil {
				opts.Progress(prog)
			}
		})
	}
	wg.Wait()
	g := GroupReport{Month: in.Month, Summary: GroupSummary{Dealers: len(runs)}}
	for i, r := range runs {
		if errs[i] != nil {
			g.Failures = append(g.Failures, Failure{Dealer: r.Dealer, Problem: org.ProblemOf(errs[i], org.English), Err: errs[i]})
			g.Summary.Failed++
			continue
		}
		rep := *reports[i]
		g.Reports = append(g.Reports, rep)
		g.Summary.Advisors += len(rep.Advisors)
		g.Summary.Warnings += len(rep.Warnings)
		for _, a := range rep.Advisors {
			if a.Appraisal != nil {
				g.Summary.Scored++
				if !a.Appraisal.Final.Pass && a.Appraisal.Final.Grade != "" {
					g.Summary.Failing++
				}
			}
			g.Summary.Decisions += len(a.Decisions)
		}
	}
	g.Elapsed = time.Since(start)
	return g, nil
}
