package wire_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/internal/wire"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/sqlstore"
)

func TestNewWiresEveryService(t *testing.T) {
	s, err := wire.New(testdb.SQLite(t), wire.Options{})
	require.NoError(t, err)
	assert.NotNil(t, s.Org)
	assert.NotNil(t, s.Desk)
	assert.NotNil(t, s.Billing)
	assert.NotNil(t, s.Training)
	assert.NotNil(t, s.Appraisal)
	assert.NotNil(t, s.Policy)
	assert.NotNil(t, s.MonthEnd)
	_, err = s.Org.CreateDealer(t.Context(), org.Admin("t"), org.NewDealer{ID: "d1", Name: "D", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
}

func TestOpen(t *testing.T) {
	db, dialect, where, err := wire.Open(filepath.Join(t.TempDir(), "x.db"), "", "wire-test-")
	require.NoError(t, err)
	defer db.Close()
	assert.Equal(t, sqlstore.SQLite, dialect)
	assert.Contains(t, where, "x.db")
	pg, dialect, where, err := wire.Open("", "postgres://nowhere.invalid/x", "wire-test-")
	require.NoError(t, err, "sql.Open connects lazily")
	defer pg.Close()
	assert.Equal(t, sqlstore.Postgres, dialect)
	assert.Equal(t, "PostgreSQL", where)
}
