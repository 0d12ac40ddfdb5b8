package org_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

func TestParseActor(t *testing.T) {
	for _, c := range []struct {
		in   string
		want org.Actor
		bad  map[string]string
	}{
		{in: "advisor:e42", want: org.Actor{ID: "e42", Role: org.RoleAdvisor}},
		{in: "admin:dms-sync", want: org.Admin("dms-sync")},
		{in: "parts_manager:陳美玲", want: org.Actor{ID: "陳美玲", Role: "parts_manager"}},
		{in: "advisor", bad: map[string]string{"actor": org.CodeFormat}},
		{in: ":e42", bad: map[string]string{"actor.role": org.CodeRequired}},
		{in: "advisor:", bad: map[string]string{"actor.id": org.CodeRequired}},
		{in: "Advisor:e42", bad: map[string]string{"actor.role": org.CodeFormat}},
		{in: "advisor:e 42", bad: map[string]string{"actor.id": org.CodeFormat}},
		{in: "advisor:e42:x", bad: map[string]string{"actor.id": org.CodeFormat}},
		{in: "advisor:\xff", bad: map[string]string{"actor.id": org.CodeFormat}},
		{in: "advisor:a\x00b", bad: map[string]string{"actor.id": org.CodeFormat}},
		{in: ":", bad: map[string]string{"actor.role": org.CodeRequired, "actor.id": org.CodeRequired}},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := org.ParseActor(c.in)
			if c.bad == nil {
				require.NoError(t, err)
				assert.Equal(t, c.want, got)
				assert.Equal(t, c.in, got.String(), "String writes what ParseActor reads")
				return
			}
			require.ErrorIs(t, err, org.ErrInvalid)
			for path, code := range c.bad {
				fe, ok := org.FieldErrorOf(err, path)
				require.True(t, ok, "%s: %v", path, err)
				assert.Equal(t, code, fe.Code, path)
			}
		})
	}
}

// TestActorEncodings: JSON keeps the object form records and events store
// (and reads the text form too); text is "role:id", for map keys and
// headers.
func TestActorEncodings(t *testing.T) {
	a := org.Actor{ID: "e42", Role: org.RoleAdvisor}
	b, err := json.Marshal(a)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"e42","role":"advisor"}`, string(b))
	var back org.Actor
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, a, back)
	require.NoError(t, json.Unmarshal([]byte(`"supervisor:s1"`), &back))
	assert.Equal(t, org.Actor{ID: "s1", Role: org.RoleSupervisor}, back)
	assert.Error(t, json.Unmarshal([]byte(`"nobody"`), &back))

	m := map[org.Actor]int{a: 1}
	b, err = json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"advisor:e42":1}`, string(b))
	var mb map[org.Actor]int
	require.NoError(t, json.Unmarshal(b, &mb))
	assert.Equal(t, m, mb)
}

func FuzzParseActor(f *testing.F) {
	for _, s := range []string{"advisor:e42", ":", "a:b:c", "admin:\xff", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := org.ParseActor(s)
		if err != nil {
			return
		}
		again, err := org.ParseActor(a.String())
		if err != nil || again != a {
			t.Fatalf("ParseActor(%q) = %v, but its String %q reads back as %v, %v", s, a, a.String(), again, err)
		}
	})
}

// TestEvents_R7_2d_outbox_only_to_the_host: the events carry the audit
// trail and the pickup notices' customer contact; only an admin (the host
// system) reads them.
func TestEvents_R7_2d_outbox_only_to_the_host(t *testing.T) {
	f := newFixture(t)
	for _, actor := range []org.Actor{{ID: "sup", Role: org.RoleSupervisor}, {ID: "a1", Role: org.RoleAdvisor},
		{ID: "ghost", Role: org.RoleSupervisor}, {ID: "t1", Role: org.RoleTechnician}} {
		_, err := f.svc.Events(t.Context(), d1, actor, 0, org.MaxPage)
		assert.ErrorIs(t, err, org.ErrForbidden, "%s", actor)
	}
	evs, err := f.svc.Events(t.Context(), d1, admin, 0, org.MaxPage)
	require.NoError(t, err)
	assert.NotEmpty(t, evs)
	_, err = f.svc.Events(t.Context(), "other-dealer", org.Actor{ID: "sup", Role: org.RoleSupervisor}, 0, org.MaxPage)
	assert.ErrorIs(t, err, org.ErrForbidden, "another dealer's supervisor")
}
