package servicedesk

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestPlainRef_passesShape: a reference run lets through without the
// validator is one the validator passes, whatever the ID's bytes and the
// version; the tags plainRef assumes are Ref's.
func TestPlainRef_passesShape(t *testing.T) {
	id, _ := reflect.TypeFor[Ref]().FieldByName("ID")
	version, _ := reflect.TypeFor[Ref]().FieldByName("ExpectedVersion")
	require.Equal(t, "required,max=64", id.Tag.Get("validate"), "plainRef assumes Ref.ID's rules: change it with them")
	require.Equal(t, "gte=0", version.Tag.Get("validate"), "plainRef assumes Ref.ExpectedVersion's rules: change it with them")

	agree := func(t interface{ Fatalf(string, ...any) }, id string, expected int64) {
		if plainRef(WorkOrderID(id), expected) {
			if err := shape("pause", Ref{ID: WorkOrderID(id), ExpectedVersion: expected}).Err(); err != nil {
				t.Fatalf("plainRef(%q, %d) but shape: %v", id, expected, err)
			}
		}
	}
	for _, c := range []struct {
		id       string
		expected int64
		plain    bool
	}{
		{"wo-1", 0, true}, {"wo-1", 7, true}, {" ", 0, true}, {"~", 0, true}, {strings.Repeat("a", 64), 0, true},
		{"", 0, false}, {"wo-1", -1, false}, {strings.Repeat("a", 65), 0, false}, {"wo\x00", 0, false},
		{"wo\n1", 0, false}, {"wo\t1", 0, false}, {"wo\x7f", 0, false}, {"工單", 0, false}, {"wo\xff", 0, false},
	} {
		assert.Equal(t, c.plain, plainRef(WorkOrderID(c.id), c.expected), "%q %d", c.id, c.expected)
		agree(t, c.id, c.expected)
	}
	rapid.Check(t, func(rt *rapid.T) {
		id := rapid.OneOf(rapid.String(), rapid.StringMatching(`[ -~]{0,70}`), rapid.Map(rapid.SliceOfN(rapid.Byte(), 0, 70), func(b []byte) string { return string(b) })).Draw(rt, "id")
		agree(rt, id, rapid.Int64Range(-3, 1<<40).Draw(rt, "expected"))
	})
}
