package sqlstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

// TestMigrations goes up, up again, all the way down and up again, and
// checks the schema works at the end.
func TestMigrations(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s, _ := b.newStore(t, false)
		latest := latestVersion(t, b.dialect)
		version := func() int {
			t.Helper()
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			return v
		}

		require.Equal(t, 0, version(), "new database")
		require.NoError(t, s.Migrate(ctx))
		require.Equal(t, latest, version(), "after Migrate")
		require.NoError(t, s.Migrate(ctx), "second Migrate")
		require.Equal(t, latest, version(), "after second Migrate")

		require.Error(t, s.MigrateDown(ctx, latest+1), "down to a version above the current one")
		require.Error(t, s.MigrateDown(ctx, -1), "down to a negative version")

		require.NoError(t, s.MigrateDown(ctx, 0))
		require.Equal(t, 0, version(), "after MigrateDown(0)")
		_, err := s.Dealer(ctx, "d1")
		require.Error(t, err, "dealers table after MigrateDown(0)")
		require.NotErrorIs(t, err, org.ErrNotFound, "dealers table after MigrateDown(0)")
		require.NoError(t, s.MigrateDown(ctx, 0), "second MigrateDown(0)")

		require.NoError(t, s.Migrate(ctx))
		require.Equal(t, latest, version(), "after Migrate again")
		d := dealer("d1")
		commit(t, s, "d1", org.Change{Dealer: &d})
		_, err = s.Dealer(ctx, "d1")
		require.NoError(t, err)
	})
}

// TestMigrateConcurrently runs Migrate from several goroutines at once, as
// several processes starting together would.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s, _ := b.newStore(t, false)
		errs := make(chan error, 4)
		for range 4 {
			go func() { errs <- s.Migrate(t.Context()) }()
		}
		for range 4 {
			require.NoError(t, <-errs)
		}
		v, err := s.SchemaVersion(t.Context())
		require.NoError(t, err)
		require.Equal(t, latestVersion(t, b.dialect), v)
	})
}
