package validate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/servicelane/servicelane/internal/validate"
)

// TestCountedMessages: a length limit says what it counts, in the right
// number: never "1 characters or items".
func TestCountedMessages(t *testing.T) {
	type in struct {
		Name  string            `json:"name" validate:"min=1"`
		Code  string            `json:"code" validate:"max=2"`
		Jobs  []string          `json:"jobs" validate:"min=1"`
		Lines []string          `json:"lines" validate:"max=1"`
		Tags  map[string]string `json:"tags" validate:"min=2"`
		Score int               `json:"score" validate:"min=1"`
	}
	got := map[string]string{}
	for _, p := range validate.New().Struct(in{Code: "abc", Lines: []string{"a", "b"}, Tags: map[string]string{"a": "b"}}, "") {
		got[p.Path] = p.Code + ": " + p.Message
	}
	assert.Equal(t, map[string]string{
		"name":  "too_short: must have at least 1 character",
		"code":  "too_long: must have at most 2 characters",
		"jobs":  "too_short: must have at least 1 item",
		"lines": "too_long: must have at most 1 item",
		"tags":  "too_short: must have at least 2 entries",
		"score": "out_of_range: must be at least 1",
	}, got)
}
