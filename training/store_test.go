package training_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

func TestTrainingStore(t *testing.T) {
	ctx := context.Background()
	st := memstore.New().Training()
	p := training.Plan{DealerID: "d1", Year: 2027, State: training.PlanDraft, Courses: []training.Course{{ID: "c"}}, Version: 1}
	require.NoError(t, st.Commit(ctx, "d1", training.Change{Plans: []training.Plan{p}}))
	require.ErrorIs(t, st.Commit(ctx, "d1", training.Change{Plans: []training.Plan{p}}), org.ErrConflict, "version 1 creates once")
	p.Courses[0].ID = "changed"
	got, err := st.Plan(ctx, "d1", 2027)
	require.NoError(t, err)
	assert.Equal(t, "c", got.Courses[0].ID, "copies")
	_, err = st.Plan(ctx, "d2", 2027)
	require.ErrorIs(t, err, org.ErrNotFound, "tenancy")
	require.ErrorIs(t, st.Commit(ctx, "d2", training.Change{Plans: []training.Plan{p}}), org.ErrInvalid, "another dealer's record")
	pr := training.Progress{DealerID: "d1", Year: 2027, CourseID: "c", Employee: "e", Version: 1}
	ss := training.Session{DealerID: "d1", ID: "s", Version: 2}
	require.ErrorIs(t, st.Commit(ctx, "d1", training.Change{Progress: []training.Progress{pr}, Sessions: []training.Session{ss}}), org.ErrConflict)
	ps, err := st.Progress(ctx, "d1", 2027, "")
	require.NoError(t, err)
	assert.Empty(t, ps, "all or nothing")
	require.ErrorIs(t, st.Commit(ctx, "d1", training.Change{Progress: []training.Progress{pr, pr}}), org.ErrConflict, "named twice")
}
