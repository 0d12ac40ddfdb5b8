package kit_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"

	"github.com/servicelane/servicelane/internal/kit"
)

func TestScribble(t *testing.T) {
	type inner struct {
		Name  string
		Score decimal.Decimal
	}
	type record struct {
		ID     string          // inline: the record's own copy
		At     time.Time       // inline
		Amount decimal.Decimal // inline
		Tags   []string
		Items  []inner
		Args   map[string]string
		Best   *inner
		Counts [2]int // inline
	}
	at := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	r := record{
		ID: "r1", At: at, Amount: decimal.RequireFromString("12.50"),
		Tags: []string{"a"}, Items: []inner{{"x", decimal.NewFromInt(3)}}, Args: map[string]string{"k": "v"},
		Best: &inner{"y", decimal.NewFromInt(4)}, Counts: [2]int{1, 2},
	}
	tags, items, args, best := r.Tags, r.Items, r.Args, r.Best
	kit.Scribble(&r)
	assert.Equal(t, "r1", r.ID, "an inline string is the record's own")
	assert.Equal(t, at, r.At)
	assert.Equal(t, "12.5", r.Amount.String())
	assert.Equal(t, [2]int{1, 2}, r.Counts)
	assert.Equal(t, []string{"scribbled"}, tags, "a slice's elements are written over")
	assert.Equal(t, "scribbled", items[0].Name)
	assert.Equal(t, "2", items[0].Score.String(), "a decimal behind a slice moves")
	assert.Equal(t, map[string]string{"k": "scribbled", "scribbled": ""}, args, "a map's values change and it gains a key")
	assert.Equal(t, "scribbled", best.Name, "what a pointer points at is written over")
	assert.Equal(t, "3", best.Score.String())
}
