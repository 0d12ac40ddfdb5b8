package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/policy"
)

// The guide for dealers' teams lists the facts a condition may name, with
// their types: exactly policy.KnownFacts, so the guide cannot go stale when
// a fact is added, renamed or retyped.
func TestDocs_PolicyGuideListsKnownFacts(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "POLICY.md"))
	require.NoError(t, err)
	const begin, end = "<!-- facts: begin -->", "<!-- facts: end -->"
	text := string(data)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	require.True(t, i >= 0 && j > i, "docs/POLICY.md marks its table of facts with %q and %q", begin, end)

	type row struct{ name, typ string }
	var got []row
	for line := range strings.Lines(text[i+len(begin) : j]) {
		cells := strings.Split(strings.TrimSpace(line), "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue // not a row of a fact: the header, its rule, a blank line
		}
		got = append(got, row{strings.Trim(strings.TrimSpace(cells[1]), "`"), strings.TrimSpace(cells[2])})
	}
	var want []row
	for _, f := range policy.KnownFacts() {
		want = append(want, row{f.Name, string(f.Type)})
	}
	assert.Equal(t, want, got, "docs/POLICY.md lists the facts of policy.KnownFacts, in its order, with their types")
}
