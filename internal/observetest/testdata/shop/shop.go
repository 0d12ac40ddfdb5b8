// Package shop is a package whose commands CheckPackage must find wrong:
// only Good and the methods that are no commands pass.
package shop

import (
	"context"

	"github.com/servicelane/servicelane/org"
)

type Service struct{ obs *org.Observer }

func (s *Service) Good(ctx context.Context, dealer org.DealerID, actor org.Actor) (_ int, err error) {
	ctx, ob := s.obs.Begin(ctx, "good", dealer, actor)
	defer ob.End(&err)
	return 0, ctx.Err()
}

func (s *Service) Unobserved(ctx context.Context, dealer org.DealerID, actor org.Actor) (int, error) {
	return 0, nil
}

func (s *Service) WrongName(ctx context.Context, dealer org.DealerID, actor org.Actor) (_ int, err error) {
	ctx, ob := s.obs.Begin(ctx, "good", dealer, actor)
	defer ob.End(&err)
	return 0, ctx.Err()
}

func (s *Service) NoDefer(ctx context.Context, dealer org.DealerID, actor org.Actor) (_ int, err error) {
	ctx, ob := s.obs.Begin(ctx, "no_defer", dealer, actor)
	ob.End(&err)
	return 0, ctx.Err()
}

func (s *Service) OtherActor(ctx context.Context, dealer org.DealerID, actor, on org.Actor) (_ int, err error) {
	ctx, ob := s.obs.Begin(ctx, "other_actor", dealer, on)
	defer ob.End(&err)
	return 0, ctx.Err()
}

func (s *Service) Late(ctx context.Context, dealer org.DealerID, actor org.Actor) (_ int, err error) {
	if dealer == "" {
		return 0, nil
	}
	ctx, ob := s.obs.Begin(ctx, "late", dealer, actor)
	defer ob.End(&err)
	return 0, ctx.Err()
}

func (s *Service) Unnamed(ctx context.Context, dealer org.DealerID, actor org.Actor) (int, error) {
	ctx, ob := s.obs.Begin(ctx, "unnamed", dealer, actor)
	defer ob.End(nil)
	return 0, ctx.Err()
}

// Show takes no actor: it is no command.
func (s *Service) Show(ctx context.Context, dealer org.DealerID) (int, error) { return 0, nil }

func (s *Service) unexported(ctx context.Context, dealer org.DealerID, actor org.Actor) (int, error) {
	return 0, nil
}
