package sqlstore

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func files(names ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, n := range names {
		fsys[n] = &fstest.MapFile{Data: []byte("SELECT 1;")}
	}
	return fsys
}

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string // "" for success
	}{
		{"in order", files("0001_org.up.sql", "0001_org.down.sql", "0002_desk.up.sql", "0002_desk.down.sql"), ""},
		{"gap", files("0001_org.up.sql", "0001_org.down.sql", "0003_desk.up.sql", "0003_desk.down.sql"), "version 2 missing"},
		{"not from 1", files("0002_org.up.sql", "0002_org.down.sql"), "version 1 missing"},
		{"duplicate version", files("0001_org.up.sql", "0001_org.down.sql", "0001_desk.up.sql", "0001_desk.down.sql"), "used twice"},
		{"same version spelled twice", files("0001_org.up.sql", "0001_org.down.sql", "1_org.up.sql"), "used twice"},
		{"no down", files("0001_org.up.sql"), "needs both an up and a down"},
		{"bad name", files("0001_org.up.sql", "0001_org.down.sql", "readme.txt"), "is not named like"},
		{"empty file", fstest.MapFS{"0001_org.up.sql": {Data: []byte(" \n")}, "0001_org.down.sql": {Data: []byte("DROP TABLE x;")}}, "neither empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ms, err := loadMigrations(c.fsys)
			if c.wantErr != "" {
				require.ErrorContains(t, err, c.wantErr)
				require.ErrorContains(t, err, "sqlstore: ")
				return
			}
			require.NoError(t, err)
			require.Len(t, ms, 2)
			require.Equal(t, "0002_desk", ms[1].name)
		})
	}
}

// TestEmbeddedMigrations: both dialects ship the same, well-formed set.
func TestEmbeddedMigrations(t *testing.T) {
	t.Parallel()
	names := map[Dialect][]string{}
	for _, d := range []Dialect{SQLite, Postgres} {
		dir, err := fs.Sub(migrationFiles, "migrations/"+d.String())
		require.NoError(t, err)
		ms, err := loadMigrations(dir)
		require.NoError(t, err, d)
		require.NotEmpty(t, ms, d)
		for _, m := range ms {
			names[d] = append(names[d], m.name)
		}
	}
	require.Equal(t, names[SQLite], names[Postgres])
}

func TestRebind(t *testing.T) {
	t.Parallel()
	q := `SELECT a FROM t WHERE a = ? AND b > ? LIMIT ?`
	require.Equal(t, q, SQLite.rebind(q))
	require.Equal(t, `SELECT a FROM t WHERE a = $1 AND b > $2 LIMIT $3`, Postgres.rebind(q))
}
