package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/testdb"
)

// TestRun starts the program as `go run ./examples/httpapi` does, on a
// fresh SQLite file and on PostgreSQL, on a free port: it serves the
// OpenAPI document, the API for the seeded demo dealer and the board, and
// stops when its context ends.
func TestRun(t *testing.T) {
	for _, c := range []struct {
		name string
		args func(t *testing.T) []string
	}{
		{"sqlite", func(t *testing.T) []string { return []string{"-db", t.TempDir() + "/lane.db"} }},
		{"postgres", func(t *testing.T) []string { return []string{"-dsn", testdb.PostgresDSN(t)} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append(c.args(t), "-addr", "127.0.0.1:0")
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			urls := make(chan string, 1)
			var out lockedBuffer
			done := make(chan error, 1)
			go func() { done <- run(ctx, args, &out, func(url string) { urls <- url }) }()
			var url string
			select {
			case url = <-urls:
			case err := <-done:
				t.Fatalf("run ended before serving: %v\n%s", err, out.String())
			case <-time.After(time.Minute):
				t.Fatal("the server did not start within a minute")
			}
			get := func(path, actor string) (int, string) {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+path, nil)
				require.NoError(t, err)
				if actor != "" {
					req.Header.Set(ActorHeader, actor)
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				return resp.StatusCode, string(b)
			}
			status, body := get("/openapi.json", "")
			require.Equal(t, http.StatusOK, status)
			var doc struct{ OpenAPI string }
			require.NoError(t, json.Unmarshal([]byte(body), &doc))
			assert.Equal(t, "3.1.0", doc.OpenAPI)
			status, body = get("/v1/dealers/demo/employees", "advisor:chen")
			require.Equal(t, http.StatusOK, status, body)
			assert.Contains(t, body, "Lin Mei-hua 林美華")
			status, body = get("/?dealer=demo&actor=advisor:chen", "")
			require.Equal(t, http.StatusOK, status, body)
			assert.Contains(t, body, "<html")
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Fatal("the server did not stop within 30 s of its context ending")
			}
			assert.Contains(t, out.String(), "/openapi.json")
		})
	}
}

// TestRunSeedsOnce: a restart on the same database keeps the demo dealer
// as it is.
func TestRunSeedsOnce(t *testing.T) {
	db := t.TempDir() + "/lane.db"
	for range 2 {
		ctx, cancel := context.WithCancel(t.Context())
		var out lockedBuffer
		err := run(ctx, []string{"-db", db, "-addr", "127.0.0.1:0"}, &out, func(string) { cancel() })
		cancel()
		require.NoError(t, err, out.String())
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
