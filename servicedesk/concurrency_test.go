package servicedesk_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/servicedesk"
)

// TestConcurrentCommandsLoseNothing: 16 people add a note to one order at
// once through the Service; each retries on ErrConflict. Every note lands,
// once, on every store servicelane ships.
func TestConcurrentCommandsLoseNothing(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) *fixture{
		"memory": func(t *testing.T) *fixture { return newFixture(t, servicedesk.Options{}) },
		"sqlite": func(t *testing.T) *fixture { return sqliteFixture(t) },
		"postgres": func(t *testing.T) *fixture {
			st := testdb.Postgres(t)
			return newFixtureOn(t, st, st.ServiceDesk(), servicedesk.Options{})
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := open(t)
			f.toApproved(t, "wo1")
			const writers = 16
			var (
				wg        sync.WaitGroup
				mu        sync.Mutex
				conflicts int
				start     = make(chan struct{})
			)
			for i := range writers {
				wg.Go(func() {
					<-start
					for {
						_, err := f.desk.AddNote(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"}, servicedesk.NoteInput{Text: fmt.Sprintf("note %02d", i)})
						if !errors.Is(err, servicedesk.ErrConflict) {
							assert.NoError(t, err)
							return
						}
						mu.Lock()
						conflicts++
						mu.Unlock()
					}
				})
			}
			close(start)
			wg.Wait()
			w, err := f.desk.WorkOrder(f.ctx, dealer, admin, "wo1")
			require.NoError(t, err)
			var texts []string
			for _, n := range w.Notes {
				texts = append(texts, n.Text)
			}
			slices.Sort(texts)
			require.Len(t, texts, writers, "notes lost (%d conflicts retried)", conflicts)
			for i, text := range texts {
				assert.Equal(t, fmt.Sprintf("note %02d", i), text)
			}
			tl, err := f.desk.Timeline(f.ctx, dealer, admin, "wo1")
			require.NoError(t, err)
			assert.EqualValues(t, len(tl), w.Version, "one event per version")
			t.Logf("%d writers, %d conflicts retried", writers, conflicts)
		})
	}
}
