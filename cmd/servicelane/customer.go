package main

// The customer commands: a customer's request to see or to erase the
// personal data a dealer holds about them (R7.2d: customer information is
// never leaked; docs/SECURITY.md), answered by the dealership's
// administrator on the host's database with servicedesk.Service's
// ExportCustomer and EraseCustomer.
//
//	servicelane customer export [-db FILE | -dsn URL] -dealer ID -request REF (-phone P | -email E | -work-order ID | -ref FILE) [-actor admin:ID]
//	servicelane customer erase  [-db FILE | -dsn URL] -dealer ID -request REF (-phone P | -email E | -work-order ID | -ref FILE) -reason TEXT [-actor admin:ID]
//
// -request is the host's reference of the customer's request
// ("dsr-2026-0042"): the audit event ("customer.exported",
// "customer.erased", subject "privacy/REF") names it and the records, never
// the customer. The customer is named by -phone (compared by its digits),
// -email (compared without case) or -work-order (that order's customer's
// phone and e-mail); they may be combined, and the customer is then every
// record any of them matches (servicedesk.CustomerRef).
//
// -ref FILE reads that CustomerRef as JSON instead, from FILE or, with
// "-", from stdin:
//
//	{"request": "dsr-2026-0042", "phone": "+886 912-345-678"}
//
// It exists because a phone number or an e-mail address given as a flag is
// personal data in the process list (ps, /proc) of everyone on the host and
// in the administrator's shell history, the very leak R7.2d forbids. With
// -ref, -phone, -email and -work-order are refused (exit 2) rather than
// merged or overriding, so that what is exported or erased is exactly what
// the file says; the request may be given by -request or in the file, not
// both. The file holds no other field.
//
// -actor is the administrator, "admin:ID" (default "admin:servicelane-cli");
// an actor of any other role is passed on and refused by the service
// (exit 1, forbidden). Only an admin may export or erase.
//
// export prints the servicedesk.CustomerExport as indented JSON on stdout:
// the customer's work orders, complaints, survey answers, the audit events
// of those and the billing documents issued for the orders. It is the
// customer's personal data: send stdout where the answer to the request is
// kept, not to a shared terminal log. erase prints the servicedesk.Erasure
// (the records and event Seqs rewritten, the documents retained as issued)
// as indented JSON on stdout. Erasure is refused while any order of the
// customer is not yet delivered, closed or cancelled, or any complaint not
// resolved or closed: each blocker goes to stderr on its own line
// ("    R7.2d_erase_after_orders_end: work order RO-1 is in_progress: ..."),
// and nothing changes. Erasing again finds nothing (not found).
//
// The database is opened, checked and migrated as by monthend: the
// database must hold servicelane's schema (an empty one, a mistyped path
// or DSN, is refused), pending migrations are applied, and the services
// are wired by internal/wire.
//
// Exit status: 0 when the data was exported or erased; 1 when the service
// refused the request: invalid (no request reference, nothing naming the
// customer, a phone too short, a blank reason: each field on its own line,
// whether given by flags or by -ref), forbidden (not an admin), not found
// (the dealer holds nothing about this customer, or no such work order) or
// refused (orders or complaints still open); 2 when the command cannot run:
// bad usage (no database, no -dealer, a bad -actor, -ref with -phone,
// -email or -work-order, a -ref file that cannot be read or is not a
// CustomerRef), a database it cannot open or that fails.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/servicelane/servicelane/internal/wire"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// What follows "customer export" and "customer erase" in the usage text.
const (
	customerExportArgs = "[-db FILE | -dsn URL] -dealer ID -request REF (-phone P | -email E | -work-order ID | -ref FILE) [-actor admin:ID]"
	customerEraseArgs  = "[-db FILE | -dsn URL] -dealer ID -request REF (-phone P | -email E | -work-order ID | -ref FILE) -reason TEXT [-actor admin:ID]"
)

// defaultCustomerActor is -actor when none is given.
const defaultCustomerActor = "admin:servicelane-cli"

// maxRefFile bounds a -ref file: a CustomerRef is a few hundred bytes.
const maxRefFile = 64 << 10

// customerStdin is what "-ref -" reads; tests replace it.
var customerStdin io.Reader = os.Stdin

// customerFlags is the command line of customer export or erase, parsed
// and checked.
type customerFlags struct {
	db, dsn string
	dealer  org.DealerID
	actor   org.Actor
	ref     servicedesk.CustomerRef
	reason  string
}

func parseCustomerFlags(verb string, args []string, stderr io.Writer) (customerFlags, bool) {
	var f customerFlags
	name := "customer " + verb
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.db, "db", "", "SQLite database file (migrated: servicelane migrate -db FILE)")
	fs.StringVar(&f.dsn, "dsn", "", "PostgreSQL connection URL (postgres://...)")
	dealer := fs.String("dealer", "", "the dealer's ID (required)")
	request := fs.String("request", "", `the host's reference of the customer's request, "dsr-2026-0042" (required, here or in -ref)`)
	phone := fs.String("phone", "", "the customer's phone number (visible in the process list: prefer -ref)")
	email := fs.String("email", "", "the customer's e-mail address (visible in the process list: prefer -ref)")
	workOrder := fs.String("work-order", "", "one of the customer's work orders")
	refFile := fs.String("ref", "", `a JSON file holding the customer reference, {"request":..., "phone":..., "email":..., "work_order":...}; "-" reads stdin`)
	actor := fs.String("actor", defaultCustomerActor, `the administrator, "admin:ID"`)
	if verb == "erase" {
		fs.StringVar(&f.reason, "reason", "", `why the data is erased, "customer's request of 2026-12-01" (required)`)
	}
	rest, err := parseArgs(fs, args)
	if err != nil {
		return f, false
	}
	bad := func(format string, a ...any) (customerFlags, bool) {
		fmt.Fprintf(stderr, "servicelane: "+name+": "+format+"\n", a...)
		return f, false
	}
	switch {
	case len(rest) > 0:
		return bad("unexpected arguments %q", rest)
	case (f.db == "") == (f.dsn == ""):
		return bad("give exactly one of -db FILE or -dsn URL")
	case *dealer == "":
		return bad("name the dealer with -dealer ID")
	case *refFile != "" && (*phone != "" || *email != "" || *workOrder != ""):
		return bad("give the customer by -ref FILE or by -phone, -email and -work-order, not both")
	}
	f.dealer = org.DealerID(*dealer)
	if f.actor, err = org.ParseActor(*actor); err != nil {
		return bad(`-actor is "admin:ID", not %q`, *actor)
	}
	f.ref = servicedesk.CustomerRef{Request: *request, Phone: *phone, Email: *email, WorkOrder: servicedesk.WorkOrderID(*workOrder)}
	if *refFile != "" {
		ref, err := readCustomerRef(*refFile)
		if err != nil {
			return bad("-ref %s: %v", *refFile, err)
		}
		if ref.Request != "" && *request != "" {
			return bad("give the request reference by -request or in -ref %s, not both", *refFile)
		}
		if ref.Request == "" {
			ref.Request = *request
		}
		f.ref = ref
	}
	return f, true
}

// readCustomerRef reads a CustomerRef as JSON from the file path, or from
// stdin when path is "-": one object, no field it does not know.
func readCustomerRef(path string) (servicedesk.CustomerRef, error) {
	r := customerStdin
	if path != "-" {
		fh, err := os.Open(path)
		if err != nil {
			return servicedesk.CustomerRef{}, errors.Unwrap(err) // the path is said already
		}
		defer fh.Close()
		r = fh
	}
	data, err := io.ReadAll(io.LimitReader(r, maxRefFile+1))
	if err != nil {
		return servicedesk.CustomerRef{}, err
	}
	if len(data) > maxRefFile {
		return servicedesk.CustomerRef{}, fmt.Errorf("larger than %d bytes: not a customer reference", maxRefFile)
	}
	var ref servicedesk.CustomerRef
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ref); err != nil {
		// The decoder's message names fields and offsets, not the values.
		return servicedesk.CustomerRef{}, fmt.Errorf(`not a customer reference {"request":..., "phone":..., "email":..., "work_order":...}: %v`, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return servicedesk.CustomerRef{}, errors.New("more than one JSON value: give one customer reference")
	}
	return ref, nil
}

// customerCommand runs customer export or customer erase.
func customerCommand(verb string) func(args []string, stdout, stderr io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		name := "customer " + verb
		f, ok := parseCustomerFlags(verb, args, stderr)
		if !ok {
			return exitUsage
		}
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		store, closeDB, err := openMigrated(ctx, f.db, f.dsn)
		if err != nil {
			fmt.Fprintf(stderr, "servicelane: %s: %v\n", name, err)
			return exitUsage
		}
		defer closeDB()
		svc, err := wire.New(store, wire.Options{Clock: org.SystemClock()})
		if err != nil {
			fmt.Fprintf(stderr, "servicelane: %s: %v\n", name, err)
			return exitUsage
		}
		var out any
		if verb == "erase" {
			out, err = svc.Desk.EraseCustomer(ctx, f.dealer, f.actor, servicedesk.ErasureInput{Customer: f.ref, Reason: f.reason})
		} else {
			out, err = svc.Desk.ExportCustomer(ctx, f.dealer, f.actor, f.ref)
		}
		if err != nil {
			return printCustomerProblem(stderr, name, f.dealer, err)
		}
		if err := writeJSON(stdout, out); err != nil {
			fmt.Fprintf(stderr, "servicelane: %s: %v\n", name, err)
			return exitUsage
		}
		return exitOK
	}
}

// printCustomerProblem writes the service's refusal of a customer command
// as printFailure writes a month-end's: its problem, each blocker and
// field on its own line and, where the problem is generic, the error
// itself (it names the request and the records, not the customer). It
// returns the exit status: 2 when the database failed (or the command was
// interrupted), 1 for anything the service refused.
func printCustomerProblem(w io.Writer, name string, dealer org.DealerID, err error) int {
	p := org.ProblemOf(err, org.English)
	fmt.Fprintf(w, "servicelane: %s: dealer %s: %s (%d %s)", name, dealer, p.Title, p.Status, p.Code)
	if p.Detail != "" {
		fmt.Fprintf(w, ": %s", p.Detail)
	}
	fmt.Fprintln(w)
	for _, b := range p.Blockers {
		fmt.Fprintf(w, "    %s: %s\n", b.Rule, b.Message)
	}
	for _, pf := range p.Fields {
		fmt.Fprintf(w, "    %s: %s (%s)\n", pf.Path, pf.Message, pf.Code)
	}
	if slices.Contains([]string{org.ProblemForbidden, org.ProblemNotFound, org.ProblemInternal, org.ProblemUnavailable}, p.Code) && len(p.Blockers) == 0 {
		fmt.Fprintf(w, "    error: %v\n", err)
	}
	if p.Code == org.ProblemInternal || p.Code == org.ProblemUnavailable {
		return exitUsage
	}
	return exitProblem
}
