package org_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// newExampleService is a Service on an in-memory store with a clock and IDs
// that make the output reproducible. A host passes its own Store, and
// leaves Clock and IDs nil for the system clock and random IDs.
func newExampleService() *org.Service {
	svc, err := org.NewService(org.Config{
		Store: memstore.New(),
		Clock: org.NewManualClock(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)),
		IDs:   org.SequentialIDs("ev-"),
	})
	if err != nil {
		log.Fatal(err)
	}
	return svc
}

// A dealer's roster (R2.1): the host's administrator registers the dealer
// and its service advisor supervisor; the supervisor adds the advisors of
// the department; technicians belong to the workshop, which the
// administrator staffs.
func Example() {
	ctx := context.Background()
	svc := newExampleService()
	admin := org.Admin("dms")
	const dealer org.DealerID = "taipei-east"

	if _, err := svc.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Taipei East Motors", TimeZone: "Asia/Taipei", Currency: "TWD"}); err != nil {
		log.Fatal(err)
	}
	lin, err := svc.AddEmployee(ctx, dealer, admin, org.NewEmployee{ID: "lin", Name: "Lin Mei-ling", Role: org.RoleSupervisor})
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range []org.NewEmployee{
		{ID: "chen", Name: "Chen Wei", Role: org.RoleAdvisor},
		{ID: "wang", Name: "Wang Jun", Role: org.RoleAdvisor},
	} {
		if _, err := svc.AddEmployee(ctx, dealer, org.As(lin), in); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := svc.AddEmployee(ctx, dealer, admin, org.NewEmployee{ID: "huang", Name: "Huang Da-wei", Role: org.RoleTechnician}); err != nil {
		log.Fatal(err)
	}

	roster, err := svc.Directory().Roster(ctx, dealer) // ordered by ID
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range roster {
		reportsTo := "nobody"
		boss, err := svc.Directory().SupervisorOf(ctx, dealer, e.ID)
		switch {
		case err == nil:
			reportsTo = string(boss.ID)
		case !errors.Is(err, org.ErrNotFound):
			log.Fatal(err)
		}
		fmt.Printf("%-5s %-10s %-15s reports to %s\n", e.ID, e.Role, e.Department, reportsTo)
	}
	// Output:
	// chen  advisor    service_advisor reports to lin
	// huang technician workshop        reports to nobody
	// lin   supervisor service_advisor reports to nobody
	// wang  advisor    service_advisor reports to lin
}

// A command with bad input writes nothing and names every bad field, with a
// code a host can translate or highlight.
func ExampleService_AddEmployee_validation() {
	ctx := context.Background()
	svc := newExampleService()
	admin := org.Admin("dms")
	if _, err := svc.CreateDealer(ctx, admin, org.NewDealer{ID: "taipei-east", Name: "Taipei East Motors", TimeZone: "Asia/Taipei", Currency: "TWD"}); err != nil {
		log.Fatal(err)
	}

	_, err := svc.AddEmployee(ctx, "taipei-east", admin, org.NewEmployee{Name: " ", Role: "boss", Email: "chen at example"})
	fmt.Println("invalid:", errors.Is(err, org.ErrInvalid))
	var ve *org.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s: %s\n", f.Path, f.Code)
		}
	}
	// Output:
	// invalid: true
	// name: required
	// email: invalid_format
	// role: unknown_value
}

// Optimistic locking: read a record, change it, and write it back with the
// version read. When someone else wrote it in between, the write fails with
// ErrConflict and changes nothing; read again, reapply the change, retry.
func Example_optimisticLocking() {
	ctx := context.Background()
	svc := newExampleService()
	admin := org.Admin("dms")
	const dealer org.DealerID = "taipei-east"
	if _, err := svc.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Taipei East Motors", TimeZone: "Asia/Taipei", Currency: "TWD"}); err != nil {
		log.Fatal(err)
	}
	lin, err := svc.AddEmployee(ctx, dealer, admin, org.NewEmployee{ID: "lin", Name: "Lin Mei-ling", Role: org.RoleSupervisor})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := svc.AddEmployee(ctx, dealer, admin, org.NewEmployee{ID: "chen", Name: "Chen Wei", Role: org.RoleAdvisor, Skills: []string{"hybrid"}}); err != nil {
		log.Fatal(err)
	}

	// Record that Chen is now certified for electric vehicles.
	for attempt := 1; ; attempt++ {
		chen, err := svc.Directory().Employee(ctx, dealer, "chen")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("attempt %d: read chen at version %d, skills %v\n", attempt, chen.Version, chen.Skills)

		if attempt == 1 {
			// Meanwhile, the supervisor updates Chen's phone number.
			phone := "+886 2 2345 6789"
			other, err := svc.ChangeEmployee(ctx, dealer, org.As(lin), org.EmployeeChange{ID: "chen", Phone: &phone})
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("meanwhile: lin saved chen at version %d\n", other.Version)
		}

		skills := append(slices.Clone(chen.Skills), "EV")
		saved, err := svc.ChangeEmployee(ctx, dealer, admin, org.EmployeeChange{
			ID: "chen", ExpectedVersion: chen.Version, Skills: &skills, Reason: "EV course passed",
		})
		if errors.Is(err, org.ErrConflict) {
			fmt.Printf("attempt %d: conflict, chen changed since version %d\n", attempt, chen.Version)
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("attempt %d: saved chen at version %d, skills %v, phone %s\n", attempt, saved.Version, saved.Skills, saved.Phone)
		break
	}
	// Output:
	// attempt 1: read chen at version 1, skills [hybrid]
	// meanwhile: lin saved chen at version 2
	// attempt 1: conflict, chen changed since version 1
	// attempt 2: read chen at version 2, skills [hybrid]
	// attempt 2: saved chen at version 3, skills [hybrid EV], phone +886 2 2345 6789
}
