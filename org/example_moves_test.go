package org_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// A career move (R5.5): the supervisor proposes a transfer of one of their
// advisors, and management (the host system) approves it with a reason.
// The approval moves the advisor on the roster in the same commit, under
// every rule of the roster (one supervisor per department, R2.1).
func ExampleService_ProposeMove() {
	ctx := context.Background()
	svc, err := org.NewService(org.Config{
		Store:       memstore.New(),
		Clock:       org.NewManualClock(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)),
		IDs:         org.SequentialIDs("ev-"),
		Departments: []org.Department{"parts"},
	})
	if err != nil {
		log.Fatal(err)
	}
	admin := org.Admin("dms")
	const dealer org.DealerID = "taipei-east"
	if _, err := svc.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Taipei East Motors", TimeZone: "Asia/Taipei", Currency: "TWD"}); err != nil {
		log.Fatal(err)
	}
	for _, in := range []org.NewEmployee{
		{ID: "lin", Name: "Lin Mei-ling", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen Wei", Role: org.RoleAdvisor},
		{ID: "kuo", Name: "Kuo Li", Role: org.RoleSupervisor, Department: "parts"},
	} {
		if _, err := svc.AddEmployee(ctx, dealer, admin, in); err != nil {
			log.Fatal(err)
		}
	}
	lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}

	m, err := svc.ProposeMove(ctx, dealer, lin, org.MoveInput{ID: "mv-1", Employee: "chen", Kind: org.MoveTransfer,
		To: org.Position{Department: "parts"}, Reason: "knows the parts catalogue", Source: "career advice 2026-11"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %s: %s/%s -> %s/%s (%s)\n", m.Kind, m.Employee, m.From.Role, m.From.Department, m.To.Role, m.To.Department, m.State)

	if _, err := svc.DecideMove(ctx, dealer, lin, org.MoveRef{ID: "mv-1"}, org.MoveDecision{Approve: true, Reason: "ok"}); err != nil {
		fmt.Println("lin:", err)
	}
	m, err = svc.DecideMove(ctx, dealer, admin, org.MoveRef{ID: "mv-1", ExpectedVersion: m.Version}, org.MoveDecision{Approve: true, Reason: "agreed by the service manager"})
	if err != nil {
		log.Fatal(err)
	}
	chen, err := svc.Employee(ctx, dealer, admin, "chen")
	if err != nil {
		log.Fatal(err)
	}
	sup, err := svc.Directory().SupervisorOf(ctx, dealer, "chen")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s by %s; chen is now %s of %s, reporting to %s\n", m.State, m.DecidedBy, chen.Role, chen.Department, sup.ID)
	// Output:
	// transfer chen: advisor/service_advisor -> advisor/parts (proposed)
	// lin: org: decide move mv-1: management decides career moves (R5.5): org: role supervisor may not do this (needs [admin]): servicelane: forbidden
	// approved by admin:dms; chen is now advisor of parts, reporting to kuo
}
