package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/wire"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

var (
	cuChen = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	// Mr. Kao's personal data as the seed records it.
	kaoTraces = []string{"Mr. Kao", "0912-000-111", "kao@example.com", "KAO-0001", "KAO-0002"}
)

// customerDealer seeds dealer d1 on l through the SDK: supervisor lin and
// advisor chen on the roster; Mr. Kao's RO-1 (received, open) and RO-2
// (received, then cancelled by chen); Ms. Lin's RO-3 (received). It
// returns the servicedesk the test goes on with.
func customerDealer(l *laneDB) *servicedesk.Service {
	t, ctx := l.t, l.t.Context()
	t.Helper()
	svc, err := wire.New(l.store, wire.Options{Clock: org.NewManualClock(time.Date(2026, 11, 2, 1, 30, 0, 0, time.UTC))})
	require.NoError(t, err)
	_, err = l.orgs.CreateDealer(ctx, meAdmin, org.NewDealer{ID: "d1", Name: "Taipei Motors 台北汽車", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin Mei-hua 林美華", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen Wei 陳偉", Role: org.RoleAdvisor},
	} {
		_, err := l.orgs.AddEmployee(ctx, "d1", meAdmin, e)
		require.NoError(t, err)
	}
	kao := servicedesk.Customer{Name: "Mr. Kao", Phone: "0912-000-111", Email: "kao@example.com"}
	for _, r := range []struct {
		id       servicedesk.WorkOrderID
		customer servicedesk.Customer
		plate    string
	}{
		{"RO-1", kao, "KAO-0001"},
		{"RO-2", kao, "KAO-0002"},
		{"RO-3", servicedesk.Customer{Name: "Ms. Lin", Phone: "0933-222-111", Email: "lin@example.com"}, "LIN-0001"},
	} {
		_, err := svc.Desk.Receive(ctx, "d1", cuChen, servicedesk.Reception{ID: r.id, Channel: servicedesk.ChannelPhone,
			Transport: servicedesk.TransportDropOff, Customer: r.customer,
			Vehicle: servicedesk.Vehicle{Make: "Honda", Model: "Fit", Plate: r.plate, MileageIn: 1000}, Concerns: []string{"wipers"}})
		require.NoError(t, err)
	}
	_, err = svc.Desk.Cancel(ctx, "d1", cuChen, servicedesk.Ref{ID: "RO-2"}, servicedesk.CancelInput{Reason: "went elsewhere"})
	require.NoError(t, err)
	return svc.Desk
}

// customer runs customer VERB on l's database for dealer d1.
func (l *laneDB) customer(verb string, args ...string) (int, string, string) {
	l.t.Helper()
	return cli(l.t, append([]string{"customer", verb, l.flag, l.where, "-dealer", "d1"}, args...)...)
}

// deskDump is every work order and event of d1 but the privacy events
// (an export's audit), as JSON: what an export or a refused erasure must
// leave as it is.
func (l *laneDB) deskDump() string {
	t, ctx := l.t, l.t.Context()
	t.Helper()
	ws, err := l.store.ServiceDesk().WorkOrders(ctx, "d1", servicedesk.WorkOrderQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	evs, err := l.store.ServiceDesk().Events(ctx, "d1", 0, org.MaxPage)
	require.NoError(t, err)
	var kept []org.Event
	for _, e := range evs {
		if !strings.HasPrefix(e.Subject, "privacy/") {
			kept = append(kept, e)
		}
	}
	b, err := json.Marshal([]any{ws, kept})
	require.NoError(t, err)
	return string(b)
}

func exportedOrders(t *testing.T, stdout string) []servicedesk.WorkOrderID {
	t.Helper()
	var x servicedesk.CustomerExport
	require.NoError(t, json.Unmarshal([]byte(stdout), &x), stdout)
	var ids []servicedesk.WorkOrderID
	for _, w := range x.WorkOrders {
		ids = append(ids, w.ID)
	}
	return ids
}

// A customer's request end to end: export by phone and by -ref, an
// erasure refused while an order is open, then done, then nothing left to
// export.
func TestCustomer_export_and_erase(t *testing.T) {
	t.Parallel()
	for _, b := range []struct {
		name string
		open func(*testing.T) *laneDB
	}{{"sqlite", sqliteLane}, {"postgres", postgresLane}} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			l := b.open(t)
			desk := customerDealer(l)

			// Export by phone, spelt otherwise: exactly Kao's orders, as JSON.
			code, stdout, stderr := l.customer("export", "-request", "dsr-1", "-phone", "0912 000 111")
			require.Equal(t, exitOK, code, stderr)
			assert.Empty(t, stderr)
			assert.Equal(t, []servicedesk.WorkOrderID{"RO-1", "RO-2"}, exportedOrders(t, stdout))
			assert.Contains(t, stdout, "\n  \"work_orders\": [", "indented JSON")
			assert.Contains(t, stdout, `"dealer_id": "d1"`)
			assert.Contains(t, stdout, "Mr. Kao")
			assert.NotContains(t, stdout, "Ms. Lin")
			assert.NotContains(t, stdout, "0933-222-111")

			// Export by -ref: the e-mail in a file, not on the command line.
			ref := writeFile(t, "ref.json", `{"request": "dsr-2", "email": "KAO@Example.com"}`)
			code, stdout, stderr = l.customer("export", "-ref", ref)
			require.Equal(t, exitOK, code, stderr)
			assert.Equal(t, []servicedesk.WorkOrderID{"RO-1", "RO-2"}, exportedOrders(t, stdout))
			// The request given by -request, the customer by the file; by work order.
			ref = writeFile(t, "ref.json", `{"work_order": "RO-3"}`)
			code, stdout, stderr = l.customer("export", "-request", "dsr-3", "-ref", ref)
			require.Equal(t, exitOK, code, stderr)
			assert.Equal(t, []servicedesk.WorkOrderID{"RO-3"}, exportedOrders(t, stdout))

			// Erase while RO-1 is open: refused, each blocker on stderr, nothing changed.
			before := l.deskDump()
			for _, s := range kaoTraces {
				require.Contains(t, before, s, "the seed holds %q", s)
			}
			code, stdout, stderr = l.customer("erase", "-request", "dsr-1", "-phone", "0912-000-111", "-reason", "customer's request of 2026-12-01")
			assert.Equal(t, exitProblem, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "servicelane: customer erase: dealer d1: Not allowed now (409 invalid_transition): customer dsr-1: erase_customer is not allowed\n")
			assert.Contains(t, stderr, "\n    R7.2d_erase_after_orders_end: work order RO-1 is received: erase once it is delivered, closed or cancelled\n")
			assert.NotContains(t, stderr, "RO-2", "a cancelled order does not block")
			assert.Equal(t, before, l.deskDump(), "a refused erasure changes nothing")

			// Not an admin: forbidden, whatever the role.
			code, stdout, stderr = l.customer("erase", "-request", "dsr-1", "-phone", "0912-000-111", "-reason", "request", "-actor", "advisor:chen")
			assert.Equal(t, exitProblem, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "servicelane: customer erase: dealer d1: Not allowed for this actor (403 forbidden)")
			assert.Contains(t, stderr, "    error: servicedesk: erase customer: ", "the operator is told why")
			code, _, stderr = l.customer("export", "-request", "dsr-1", "-phone", "0912-000-111", "-actor", "supervisor:lin")
			assert.Equal(t, exitProblem, code)
			assert.Contains(t, stderr, "(403 forbidden)")
			assert.Equal(t, before, l.deskDump())

			// Once RO-1 is cancelled, the erasure goes through.
			_, err := desk.Cancel(t.Context(), "d1", cuChen, servicedesk.Ref{ID: "RO-1"}, servicedesk.CancelInput{Reason: "customer withdrew"})
			require.NoError(t, err)
			code, stdout, stderr = l.customer("erase", "-request", "dsr-1", "-phone", "0912-000-111", "-reason", "customer's request of 2026-12-01")
			require.Equal(t, exitOK, code, stderr)
			assert.Empty(t, stderr)
			var er servicedesk.Erasure
			require.NoError(t, json.Unmarshal([]byte(stdout), &er), stdout)
			assert.Equal(t, "dsr-1", er.Request)
			assert.Equal(t, []servicedesk.WorkOrderID{"RO-1", "RO-2"}, er.WorkOrders)
			assert.NotEmpty(t, er.Events, "the receptions' events carried Kao's name")
			assert.Contains(t, stdout, "\n  \"work_orders\": [", "indented JSON")
			after := l.deskDump()
			for _, s := range kaoTraces {
				assert.NotContains(t, after, s)
			}
			assert.Contains(t, after, "Ms. Lin", "another customer's data stays")
			assert.Contains(t, after, "0933-222-111")

			// Nothing is left to export or to erase.
			code, stdout, stderr = l.customer("export", "-request", "dsr-1b", "-phone", "0912-000-111")
			assert.Equal(t, exitProblem, code, stdout)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "servicelane: customer export: dealer d1: Not found (404 not_found)")
			assert.Contains(t, stderr, "the dealer holds nothing about this customer")
			code, _, stderr = l.customer("erase", "-request", "dsr-1", "-phone", "0912-000-111", "-reason", "again")
			assert.Equal(t, exitProblem, code)
			assert.Contains(t, stderr, "(404 not_found)")
			code, _, stderr = l.customer("export", "-request", "dsr-4", "-work-order", "RO-99")
			assert.Equal(t, exitProblem, code)
			assert.Contains(t, stderr, "(404 not_found)")
			assert.Contains(t, stderr, "work order RO-99")
		})
	}
}

// What the service finds wrong with the request exits 1 with each field,
// whether the request came by flags or by -ref.
func TestCustomer_invalid_request(t *testing.T) {
	t.Parallel()
	l := sqliteLane(t)
	customerDealer(l)
	before := l.deskDump()
	noName := writeFile(t, "ref.json", `{"request": "dsr-1"}`)
	tests := []struct {
		name   string
		verb   string
		args   []string
		stderr string
	}{
		{"no selector", "export", []string{"-request", "dsr-1"}, "    phone: a phone, an e-mail or a work order names the customer (required)\n"},
		{"no selector in -ref", "erase", []string{"-ref", noName, "-reason", "request"}, "    customer.phone: a phone, an e-mail or a work order names the customer (required)\n"},
		{"no request", "export", []string{"-phone", "0912-000-111"}, "    request: "},
		{"request too long", "export", []string{"-request", strings.Repeat("r", 65), "-phone", "0912-000-111"}, "    request: "},
		{"phone too short", "export", []string{"-request", "dsr-1", "-phone", "12-3"}, "    phone: has fewer than 6 digits"},
		{"no reason", "erase", []string{"-request", "dsr-1", "-phone", "0912-000-111"}, "    reason: "},
		{"blank reason", "erase", []string{"-request", "dsr-1", "-phone", "0912-000-111", "-reason", "  "}, "    reason: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := l.customer(tt.verb, tt.args...)
			assert.Equal(t, exitProblem, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "servicelane: customer "+tt.verb+": dealer d1: The input is not valid (400 invalid)")
			assert.Contains(t, stderr, tt.stderr)
		})
	}
	assert.Equal(t, before, l.deskDump())
}

// Usage errors exit 2 before the service is asked.
func TestCustomer_usage(t *testing.T) {
	t.Parallel()
	l := sqliteLane(t)
	customerDealer(l)
	before := l.deskDump()
	empty := filepath.Join(t.TempDir(), "empty.db")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	missing := filepath.Join(t.TempDir(), "missing.db")
	ref := writeFile(t, "ref.json", `{"request": "dsr-1", "phone": "0912-000-111"}`)
	noRequest := writeFile(t, "noreq.json", `{"phone": "0912-000-111"}`)
	unknown := writeFile(t, "unknown.json", `{"request": "dsr-1", "telephone": "0912-000-111"}`)
	notJSON := writeFile(t, "bad.json", `request: dsr-1`)
	two := writeFile(t, "two.json", `{"request": "dsr-1", "phone": "0912-000-111"} {"request": "dsr-2"}`)
	big := writeFile(t, "big.json", `{"request": "`+strings.Repeat("r", maxRefFile)+`"}`)
	ok := []string{"-db", l.where, "-dealer", "d1", "-request", "dsr-1"}
	with := func(extra ...string) []string { return append(append([]string{}, ok...), extra...) }
	tests := []struct {
		name   string
		verb   string
		args   []string
		stderr string
	}{
		{"no database", "export", []string{"-dealer", "d1", "-request", "dsr-1", "-phone", "0912-000-111"}, "exactly one of -db FILE or -dsn URL"},
		{"two databases", "export", with("-phone", "0912-000-111", "-dsn", "postgres://x"), "exactly one of -db FILE or -dsn URL"},
		{"no dealer", "export", []string{"-db", l.where, "-request", "dsr-1", "-phone", "0912-000-111"}, "name the dealer with -dealer ID"},
		{"no dealer erase", "erase", []string{"-db", l.where, "-request", "dsr-1", "-phone", "0912-000-111", "-reason", "r"}, "name the dealer with -dealer ID"},
		{"-ref and -phone", "export", []string{"-db", l.where, "-dealer", "d1", "-ref", ref, "-phone", "0912-000-111"}, "by -ref FILE or by -phone, -email and -work-order, not both"},
		{"-ref and -email", "erase", []string{"-db", l.where, "-dealer", "d1", "-ref", ref, "-email", "kao@example.com", "-reason", "r"}, "not both"},
		{"-ref and -work-order", "export", []string{"-db", l.where, "-dealer", "d1", "-ref", ref, "-work-order", "RO-1"}, "not both"},
		{"request twice", "export", with("-ref", ref), "give the request reference by -request or in -ref " + ref + ", not both"},
		{"missing -ref file", "export", with("-ref", filepath.Join(t.TempDir(), "nope.json")), "nope.json: no such file or directory"},
		{"-ref unknown field", "export", []string{"-db", l.where, "-dealer", "d1", "-ref", unknown}, `unknown field "telephone"`},
		{"-ref not JSON", "export", with("-ref", notJSON), "not a customer reference"},
		{"-ref two values", "export", with("-ref", two), "more than one JSON value"},
		{"-ref too big", "export", with("-ref", big), "larger than 65536 bytes"},
		{"bad actor", "export", with("-phone", "0912-000-111", "-actor", "chen"), `-actor is "admin:ID", not "chen"`},
		{"reason on export", "export", with("-phone", "0912-000-111", "-reason", "r"), "flag provided but not defined: -reason"},
		{"arguments", "export", with("-phone", "0912-000-111", "extra"), `unexpected arguments ["extra"]`},
		{"missing file", "export", []string{"-db", missing, "-dealer", "d1", "-request", "dsr-1", "-phone", "0912-000-111"}, "no such file or directory (create it with servicelane migrate -db"},
		{"empty database", "export", []string{"-db", empty, "-dealer", "d1", "-request", "dsr-1", "-phone", "0912-000-111"}, "has no servicelane schema"},
		{"empty database erase", "erase", []string{"-db", empty, "-dealer", "d1", "-ref", noRequest, "-request", "dsr-1", "-reason", "r"}, "has no servicelane schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, append([]string{"customer", tt.verb}, tt.args...)...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.stderr)
			assert.NotContains(t, stderr, "0912-000-111", "a -ref file's contents are not echoed")
		})
	}
	assert.Equal(t, before, l.deskDump(), "nothing was erased")
	_, err := os.Stat(missing)
	assert.ErrorIs(t, err, os.ErrNotExist, "a missing file is not created")
	v, err := versionOf(t, empty)
	require.NoError(t, err)
	assert.Zero(t, v, "an empty database is left empty")

	code, stdout, _ := cli(t, "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "  customer export [-db FILE | -dsn URL] -dealer ID -request REF (-phone P | -email E | -work-order ID | -ref FILE) [-actor admin:ID]\n")
	assert.Contains(t, stdout, "  customer erase [-db FILE | -dsn URL] -dealer ID -request REF (-phone P | -email E | -work-order ID | -ref FILE) -reason TEXT [-actor admin:ID]\n")
	code, _, stderr := cli(t, "customer", "forget")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown command "customer forget"`)
}

// "-ref -" reads the reference from stdin. Not parallel: it replaces
// customerStdin, which no parallel test reads.
func TestCustomer_ref_from_stdin(t *testing.T) {
	l := sqliteLane(t)
	customerDealer(l)
	saved := customerStdin
	t.Cleanup(func() { customerStdin = saved })

	customerStdin = strings.NewReader(`{"request": "dsr-9", "phone": "0933 222 111"}`)
	code, stdout, stderr := l.customer("export", "-ref", "-")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, []servicedesk.WorkOrderID{"RO-3"}, exportedOrders(t, stdout))

	customerStdin = strings.NewReader(`{"request": "dsr-9", "email": "lin@example.com"}`)
	code, stdout, stderr = l.customer("erase", "-ref", "-", "-reason", "customer's request")
	assert.Equal(t, exitProblem, code, stdout)
	assert.Contains(t, stderr, "    R7.2d_erase_after_orders_end: work order RO-3 is received: ")
}
