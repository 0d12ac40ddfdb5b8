package monthend_test

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // driver "sqlite"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// The child process of TestRun_killed_between_steps_resumes runs this
// test: it opens the SQLite file the parent seeded and runs the month-end
// with a hook that kills the process (SIGKILL: no deferred function, no
// flush) the moment the appraisal's step commits.
const childEnv = "MONTHEND_KILL_CHILD"

func openFile(t *testing.T, path string) stores {
	t.Helper()
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s, err := sqlstore.New(db, sqlstore.SQLite)
	require.NoError(t, err)
	require.NoError(t, s.Migrate(t.Context()))
	return stores{s, s.ServiceDesk(), s.Billing(), s.Training(), s.Appraisal(), s.Policy()}
}

// killAfter is a Hook that SIGKILLs the process when command ends well.
type killAfter string

func (k killAfter) Start(ctx context.Context, op org.Operation) (context.Context, func(org.Outcome)) {
	return ctx, func(o org.Outcome) {
		if op.Package+"."+op.Command == string(k) && o.Err == nil {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute) // the signal is on its way
		}
	}
}

func TestKillChild(t *testing.T) {
	path, step := os.Getenv(childEnv), os.Getenv(childEnv+"_STEP")
	if path == "" {
		t.Skip("runs only as the child process of TestRun_killed_between_steps_resumes")
	}
	w := wire(t, openFile(t, path), "d1", monthend.Surveys{}, org.NewManualClock(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)), killAfter(step))
	_, err := w.me.Run(w.ctx, "d1", lin, monthend.RunInput{Month: nov})
	t.Fatalf("the month-end ran to its end (%v): the hook did not kill the process after %s", err, step)
}

// A month-end killed between steps (the host's process dies: SIGKILL,
// nothing flushed) is continued by running it again, which writes nothing
// twice: the customer ratings are entered once, the month scored and
// finalised once, each proposal recorded once.
func TestRun_killed_between_steps_resumes(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("the child runs TestKillChild only")
	}
	for _, step := range []string{"appraisal.rate_all", "appraisal.score_month", "appraisal.finalize"} {
		t.Run(step, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lane.db")
			w := newWorld(t, openFile(t, path), "d1", monthend.Surveys{})
			w.month()

			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), childEnv+"="+path, childEnv+"_STEP="+step)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, "the child must die: %s", out)
			status, ok := exit.Sys().(syscall.WaitStatus)
			require.True(t, ok)
			require.True(t, status.Signaled() && status.Signal() == syscall.SIGKILL, "killed by SIGKILL, not %v: %s", exit, out)

			// The host starts again and runs the month-end again.
			again := wire(t, openFile(t, path), "d1", monthend.Surveys{}, w.clock, nil)
			rep, err := again.me.Run(again.ctx, "d1", lin, monthend.RunInput{Month: nov})
			require.NoError(t, err)
			assert.Equal(t, appraisal.CycleFinalized, rep.State)
			require.NotNil(t, rep.Evaluation)

			c := row(t, rep, "chen")
			require.NotNil(t, c.Appraisal)
			for _, k := range c.Appraisal.Final.KPIs {
				for _, src := range k.Sources {
					if src.Source == appraisal.SourceCustomer {
						assert.Equal(t, 1, src.Raters, "the customer rating entered once")
					}
				}
			}
			evs, err := again.orgs.Events(again.ctx, "d1", org.Admin("audit"), 0, org.MaxPage)
			require.NoError(t, err)
			count := map[string]int{}
			for _, e := range evs {
				key := e.Type
				if e.Type == "appraisal.rated" && e.Actor == org.Admin("monthend") {
					key = "customer rating"
				}
				count[key]++
			}
			assert.Equal(t, 1, count["appraisal.scored"], "scored once")
			assert.Equal(t, 1, count["appraisal.finalize"], "finalised once")
			assert.Equal(t, 1, count["customer rating"], "chen's surveys rated once (wang has none)")
			first := rep.Evaluation.New
			rep, err = again.me.Run(again.ctx, "d1", lin, monthend.RunInput{Month: nov})
			require.NoError(t, err)
			assert.Zero(t, rep.Evaluation.New+rep.Evaluation.Updated, "evaluated again: nothing new (first run recorded %d)", first)
		})
	}
}
