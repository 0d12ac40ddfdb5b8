package org_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

func TestCreateDealer(t *testing.T) {
	t.Parallel()
	f := newService(t, org.Config{})
	f.clock.Set(time.Date(2026, 11, 2, 9, 0, 0, 987654321, time.FixedZone("CST", 8*3600)))
	at := time.Date(2026, 11, 2, 1, 0, 0, 987654000, time.UTC)

	got, err := f.svc.CreateDealer(t.Context(), admin, org.NewDealer{ID: d1, Name: "East Motors 東區", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	want := org.Dealer{ID: d1, Name: "East Motors 東區", TimeZone: "Asia/Taipei", Currency: "TWD", Version: 1, CreatedAt: at, UpdatedAt: at}
	assert.Equal(t, want, got)
	assert.Equal(t, want, f.dealer(t))

	evs := f.events(t)
	require.Len(t, evs, 1)
	ev := evs[0]
	assert.Equal(t, d1, ev.DealerID)
	assert.Equal(t, "id-1", ev.ID)
	assert.Equal(t, admin, ev.Actor)
	assert.Equal(t, "dealer.created", ev.Type)
	assert.Equal(t, "dealer/d1", ev.Subject)
	assert.Empty(t, ev.Reason)
	assert.Equal(t, at, ev.At)
	assert.JSONEq(t, fmt.Sprintf(`{"after": %s}`, jsonOf(t, want)), string(ev.Data))

	loc, err := got.Location()
	require.NoError(t, err)
	assert.Equal(t, "Asia/Taipei", loc.String())
}

func TestCreateDealerInvalid(t *testing.T) {
	t.Parallel()
	good := org.NewDealer{ID: "d2", Name: "West Motors", TimeZone: "Asia/Taipei", Currency: "TWD"}
	with := func(change func(*org.NewDealer)) org.NewDealer {
		in := good
		change(&in)
		return in
	}
	for _, c := range []struct {
		name string
		in   org.NewDealer
		want map[string]string
	}{
		{"every_field_wrong", org.NewDealer{ID: "d 2", Name: " ", TimeZone: "Mars/Olympus", Currency: "XXY"},
			map[string]string{"id": org.CodeFormat, "name": org.CodeRequired, "time_zone": org.CodeUnknown, "currency": org.CodeUnknown}},
		{"every_field_missing", org.NewDealer{},
			map[string]string{"id": org.CodeRequired, "name": org.CodeRequired, "time_zone": org.CodeRequired, "currency": org.CodeRequired}},
		{"id_too_long", with(func(in *org.NewDealer) { in.ID = org.DealerID(strings.Repeat("d", 65)) }),
			map[string]string{"id": org.CodeTooLong}},
		{"name_too_long", with(func(in *org.NewDealer) { in.Name = strings.Repeat("名", 201) }),
			map[string]string{"name": org.CodeTooLong}},
		{"time_zone_Local_is_not_a_place", with(func(in *org.NewDealer) { in.TimeZone = "Local" }),
			map[string]string{"time_zone": org.CodeUnknown}},
		{"currency_lower_case", with(func(in *org.NewDealer) { in.Currency = "twd" }),
			map[string]string{"currency": org.CodeUnknown}},
		{"duplicate", with(func(in *org.NewDealer) { in.ID = d1 }),
			map[string]string{"id": org.CodeDuplicate}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			err := f.unchanged(t, func() error {
				_, err := f.svc.CreateDealer(t.Context(), admin, c.in)
				return err
			})
			requireFields(t, err, "org: create dealer", c.want)
			if c.in.ID != d1 && c.in.ID != "" {
				_, err := f.svc.Directory().Dealer(t.Context(), c.in.ID)
				require.ErrorIs(t, err, org.ErrNotFound, "a refused dealer was stored")
			}
		})
	}
}

func TestCreateDealerActors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		actor org.Actor
	}{
		{"supervisor", org.Actor{ID: "sup", Role: org.RoleSupervisor}},
		{"empty_actor", org.Actor{}},
		{"admin_without_ID", org.Admin("")},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			_, err := f.svc.CreateDealer(t.Context(), c.actor, org.NewDealer{ID: "d2", Name: "West", TimeZone: "UTC", Currency: "USD"})
			require.ErrorIs(t, err, org.ErrForbidden)
			_, err = f.svc.Directory().Dealer(t.Context(), "d2")
			require.ErrorIs(t, err, org.ErrNotFound)
		})
	}
}

func TestChangeDealer(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		in       org.DealerChange
		wantName string
		wantZone string
	}{
		{"name", org.DealerChange{Name: ptr("East Motors Neihu")}, "East Motors Neihu", "Asia/Taipei"},
		{"time_zone", org.DealerChange{TimeZone: ptr("Asia/Shanghai")}, "East Motors", "Asia/Shanghai"},
		{"both_with_current_version", org.DealerChange{ExpectedVersion: 5, Name: ptr("Neihu"), TimeZone: ptr("UTC"), Reason: "moved"}, "Neihu", "UTC"},
		{"neither", org.DealerChange{Reason: "touch"}, "East Motors", "Asia/Taipei"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t) // dealer version 5: created, then four employees
			before := f.dealer(t)
			require.Equal(t, int64(5), before.Version)
			f.clock.Advance(time.Hour)
			c.in.ID = d1
			got, err := f.svc.ChangeDealer(t.Context(), admin, c.in)
			require.NoError(t, err)
			want := before
			want.Name, want.TimeZone, want.Version, want.UpdatedAt = c.wantName, c.wantZone, 6, start.Add(time.Hour)
			assert.Equal(t, want, got)
			assert.Equal(t, want, f.dealer(t))
			assert.Equal(t, "TWD", got.Currency, "the currency never changes")

			evs := f.events(t)
			ev := evs[len(evs)-1]
			assert.Equal(t, "dealer.changed", ev.Type)
			assert.Equal(t, "dealer/d1", ev.Subject)
			assert.Equal(t, admin, ev.Actor)
			assert.Equal(t, c.in.Reason, ev.Reason)
			data, err := json.Marshal(map[string]any{"before": before, "after": want})
			require.NoError(t, err)
			assert.JSONEq(t, string(data), string(ev.Data))
		})
	}
}

func TestChangeDealerRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		actor org.Actor
		setup func(t *testing.T, f *fixture)
		in    org.DealerChange
		want  error
	}{
		{name: "ExpectedVersion_stale", actor: admin, in: org.DealerChange{ID: d1, ExpectedVersion: 4, Name: ptr("Mine")}, want: org.ErrConflict},
		{name: "ExpectedVersion_stale_after_a_concurrent_rename", actor: admin, in: org.DealerChange{ID: d1, ExpectedVersion: 5, Name: ptr("Mine")}, want: org.ErrConflict,
			setup: func(t *testing.T, f *fixture) {
				_, err := f.svc.ChangeDealer(t.Context(), admin, org.DealerChange{ID: d1, Name: ptr("Theirs")})
				require.NoError(t, err)
			}},
		{name: "unknown_dealer", actor: admin, in: org.DealerChange{ID: "nowhere", Name: ptr("X")}, want: org.ErrNotFound},
		{name: "supervisor", actor: sup, in: org.DealerChange{ID: d1, Name: ptr("X")}, want: org.ErrForbidden},
		{name: "empty_actor", actor: org.Actor{}, in: org.DealerChange{ID: d1, Name: ptr("X")}, want: org.ErrForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			if c.setup != nil {
				c.setup(t, f)
			}
			err := f.unchanged(t, func() error {
				_, err := f.svc.ChangeDealer(t.Context(), c.actor, c.in)
				return err
			})
			require.ErrorIs(t, err, c.want)
		})
	}
}

func TestChangeDealerInvalid(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		in   org.DealerChange
		want map[string]string
	}{
		{"id_required", org.DealerChange{Name: ptr("X")}, map[string]string{"id": org.CodeRequired}},
		{"id_malformed", org.DealerChange{ID: "d 1"}, map[string]string{"id": org.CodeFormat}},
		{"name_blank", org.DealerChange{ID: d1, Name: ptr("  ")}, map[string]string{"name": org.CodeRequired}},
		{"name_too_long", org.DealerChange{ID: d1, Name: ptr(strings.Repeat("x", 201))}, map[string]string{"name": org.CodeTooLong}},
		{"time_zone_empty", org.DealerChange{ID: d1, TimeZone: ptr("")}, map[string]string{"time_zone": org.CodeUnknown}},
		{"time_zone_unknown", org.DealerChange{ID: d1, TimeZone: ptr("Asia/Atlantis")}, map[string]string{"time_zone": org.CodeUnknown}},
		{"expected_version_negative", org.DealerChange{ID: d1, ExpectedVersion: -1}, map[string]string{"expected_version": org.CodeRange}},
		{"reason_too_long", org.DealerChange{ID: d1, Reason: strings.Repeat("x", 501)}, map[string]string{"reason": org.CodeTooLong}},
		{"every_problem_at_once", org.DealerChange{ID: d1, ExpectedVersion: -1, Name: ptr(""), TimeZone: ptr("Local")},
			map[string]string{"expected_version": org.CodeRange, "name": org.CodeRequired, "time_zone": org.CodeUnknown}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			err := f.unchanged(t, func() error {
				_, err := f.svc.ChangeDealer(t.Context(), admin, c.in)
				return err
			})
			requireFields(t, err, "org: change dealer", c.want)
		})
	}
}

func TestDealer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.svc.Directory().Dealer(t.Context(), "nowhere")
	require.ErrorIs(t, err, org.ErrNotFound)

	_, err = org.Dealer{ID: "d9", TimeZone: "Asia/Atlantis"}.Location()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d9")
	assert.Contains(t, err.Error(), "Asia/Atlantis")
}
