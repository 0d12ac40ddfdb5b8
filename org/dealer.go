package org

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// NewDealer is the input of [Service.CreateDealer].
type NewDealer struct {
	ID       DealerID `json:"id" validate:"required,max=64,ident"`
	Name     string   `json:"name" validate:"notblank,max=200"`
	TimeZone string   `json:"time_zone" validate:"required,timezone"`
	Currency string   `json:"currency" validate:"required,iso4217"`
}

// DealerChange is the input of [Service.ChangeDealer]. Nil fields stay as
// they are. The currency cannot change: amounts already recorded are in it.
type DealerChange struct {
	ID DealerID `json:"id" validate:"required,max=64,ident"`
	// ExpectedVersion, when not zero, must be the dealer's current version,
	// or the change fails with ErrConflict (the caller edited a stale copy).
	ExpectedVersion int64   `json:"expected_version" validate:"gte=0"`
	Name            *string `json:"name" validate:"omitempty,notblank,max=200"`
	TimeZone        *string `json:"time_zone" validate:"omitempty,timezone"`
	Reason          string  `json:"reason" validate:"max=500"`
}

// CreateDealer registers a dealer (a tenant). Only an admin may.
func (s *Service) CreateDealer(ctx context.Context, actor Actor, in NewDealer) (_ Dealer, err error) {
	ctx, ob := s.obs.Begin(ctx, "create_dealer", in.ID, actor)
	defer ob.End(&err)
	const op = "org: create dealer"
	ve := &ValidationError{Op: op, Fields: fieldErrors(v.Struct(in, ""))}
	if err := ve.Err(); err != nil {
		return Dealer{}, err
	}
	if _, err := s.Authorize(ctx, in.ID, actor, RoleAdmin); err != nil {
		return Dealer{}, err
	}
	_, err = s.store.Dealer(ctx, in.ID)
	switch {
	case err == nil:
		ve.Add("id", CodeDuplicate, "a dealer with this ID exists")
		return Dealer{}, ve
	case !errors.Is(err, ErrNotFound):
		return Dealer{}, fmt.Errorf("%s: %w", op, err)
	}
	now := Now(s.clock)
	d := Dealer{ID: in.ID, Name: in.Name, TimeZone: in.TimeZone, Currency: in.Currency, Version: 1, CreatedAt: now, UpdatedAt: now}
	ev := s.event(d.ID, actor, "dealer.created", "dealer/"+string(d.ID), "", nil, d)
	if err := s.store.Commit(ctx, d.ID, Change{Dealer: &d, Events: []Event{ev}}); err != nil {
		return Dealer{}, fmt.Errorf("%s %s: %w", op, d.ID, err)
	}
	return d, nil
}

// ChangeDealer renames a dealer or moves its time zone. Only an admin may.
func (s *Service) ChangeDealer(ctx context.Context, actor Actor, in DealerChange) (_ Dealer, err error) {
	ctx, ob := s.obs.Begin(ctx, "change_dealer", in.ID, actor)
	defer ob.End(&err)
	const op = "org: change dealer"
	ve := &ValidationError{Op: op, Fields: fieldErrors(v.Struct(in, ""))}
	if err := ve.Err(); err != nil {
		return Dealer{}, err
	}
	if _, err := s.Authorize(ctx, in.ID, actor, RoleAdmin); err != nil {
		return Dealer{}, err
	}
	before, err := s.store.Dealer(ctx, in.ID)
	if err != nil {
		return Dealer{}, fmt.Errorf("%s %s: %w", op, in.ID, err)
	}
	if in.ExpectedVersion != 0 && in.ExpectedVersion != before.Version {
		return Dealer{}, fmt.Errorf("%s %s: read version %d, now %d: %w", op, in.ID, in.ExpectedVersion, before.Version, ErrStale)
	}
	after := before
	if in.Name != nil {
		after.Name = *in.Name
	}
	if in.TimeZone != nil {
		after.TimeZone = *in.TimeZone
	}
	after.Version++
	after.UpdatedAt = Now(s.clock)
	ev := s.event(after.ID, actor, "dealer.changed", "dealer/"+string(after.ID), in.Reason, &before, after)
	if err := s.store.Commit(ctx, after.ID, Change{Dealer: &after, Events: []Event{ev}}); err != nil {
		return Dealer{}, fmt.Errorf("%s %s: %w", op, in.ID, err)
	}
	return after, nil
}

// event builds an audit event. before is nil for a creation.
func (s *Service) event(dealer DealerID, actor Actor, typ, subject, reason string, before, after any) Event {
	var data []byte
	var err error
	switch b := before.(type) {
	case nil:
		data, err = json.Marshal(map[string]any{"after": after})
	default:
		data, err = json.Marshal(map[string]any{"before": b, "after": after})
	}
	if err != nil {
		// Our own record types always marshal; a failure is a bug.
		panic(fmt.Sprintf("org: marshal event data: %v", err))
	}
	return Event{
		DealerID: dealer,
		ID:       s.ids.NewID(),
		At:       Now(s.clock),
		Actor:    actor,
		Type:     typ,
		Subject:  subject,
		Reason:   reason,
		Data:     data,
	}
}
