// Package org is servicelane's shared vocabulary: dealers (the tenants),
// employees and their roles, who supervises whom, the actor behind every
// command, calendar months in the dealer's time zone, the injected clock and
// ID source, the audit event, and the errors every package returns.
//
// It also keeps the department's roster (rule R2.1 of the dealership's
// rules: one service advisor supervisor, several service advisors, and the
// workshop's technicians), and is the pattern every other package follows.
//
// # The pattern
//
// A [Service] holds every rule; a [Store], which the host implements,
// only persists. Commands take a context, the dealer, the [Actor] who gives
// the command, and an input struct. A command either writes everything it
// means to, atomically through [Store.Commit] with the versions it read, or
// nothing and returns:
//
//   - a [*ValidationError] listing every bad field by path with a code
//     (matches [ErrInvalid]);
//   - [ErrForbidden] when the actor's role does not allow it;
//   - [ErrConflict] when a record changed since it was read: read again and
//     retry;
//   - [ErrNotFound], [ErrInvalidTransition].
//
// Every write appends an [Event] to the dealer's audit trail; read it after a
// cursor with [Service.Events] to deliver notices.
//
// # Getting started
//
//	store := memstore.New() // or sqlstore.New(db, sqlstore.SQLite)
//	svc, err := org.NewService(org.Config{Store: store})
//	admin := org.Admin("dms-setup")
//	svc.CreateDealer(ctx, admin, org.NewDealer{ID: "taipei-01", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
//	svc.AddEmployee(ctx, "taipei-01", admin, org.NewEmployee{ID: "lin", Name: "Lin Mei", Role: org.RoleSupervisor})
//	svc.AddEmployee(ctx, "taipei-01", org.Actor{ID: "lin", Role: org.RoleSupervisor},
//		org.NewEmployee{ID: "chen", Name: "Chen Wei", Role: org.RoleAdvisor})
//
// # Rules enforced here
//
//   - R2.1: a department has at most one active supervisor; supervisors
//     and advisors belong to the service advisor department, technicians to
//     the workshop, unless the dealer says otherwise.
//   - R2.2: the supervisor manages the advisors: a department's supervisor
//     may add, change and deactivate its non-supervisors; an admin may do
//     anything; no one else may change the roster.
//   - Reporting lines have no loops, no one supervises themselves, and no
//     one is deactivated while people still report to them.
//
// Stores are verified with the kit in package orgtest; see docs/STORAGE.md.
package org
