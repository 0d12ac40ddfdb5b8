package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstartSQLite(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "lane.db")
	require.NoError(t, run(t.Context(), []string{"-db", path}, &out))
	assertRoster(t, out.String())

	// A second run on the same file migrates nothing new and adds its own dealer.
	out.Reset()
	require.NoError(t, run(t.Context(), []string{"-db", path}, &out))
	assertRoster(t, out.String())
}

func TestQuickstartPostgres(t *testing.T) {
	dsn := os.Getenv("SERVICELANE_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("quickstart: SERVICELANE_POSTGRES_DSN not set; PostgreSQL run skipped")
	}
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-dsn", dsn}, &out))
	assertRoster(t, out.String())
}

func assertRoster(t *testing.T, out string) {
	t.Helper()
	for _, want := range []string{
		"Roster of Taipei Motors 台北汽車 (time zone Asia/Taipei, currency TWD)",
		"lin     Lin Mei-hua 林美華",
		"chen    Chen Wei 陳偉",
		"advisor      service_advisor   lin",
		"wu      Wu Da-wei 吳大偉",
		"technician   workshop          -",
		"8 audit events; a second supervisor was refused (R2.1).",
		"RO-1001  Kao Ming 高明, Toyota Corolla Altis  advisor chen  approved 6190 TWD  reworks 0  state closed",
		"RO-1003  Huang Wei 黃偉, Honda CR-V  advisor chen  approved 1740 TWD  reworks 0  state closed",
		"record_supplement_decision   in_progress",
		"RO-1002  Lee Hui-chen 李慧珍, Volkswagen Golf  advisor wang  approved 3160 TWD  reworks 1  state closed",
		"final_inspection             repaired -> in_progress",
		"Complaint CP-0001 against RO-1003 (chen): resolved by lin after 1h30m",
		"chen            2            2      100%         100.0          1       0      100%",
		"wang            1            1      100%          75.0          0       1        0%",
		"Reconciliation of RO-1002 found 2 differences (R3.4b); the supervisor overrides:",
		"Job j1: SUS-07 hours differ: 1.5 h on the work order, 1 h on the bill",
		"項目 j1：BOLT-M10 已施工（2），但未列入帳單",
		"invoice INV-000001 for Kao Ming 高明: 6262 TWD",
		"invoice INV-000002 for Lee Hui-chen 李慧珍: 3210 TWD",
		"invoice INV-000003 for Huang Wei 黃偉: 1790 TWD",
		"Fee SHOP Shop supplies 耗材費: 3% of labor 2,400 = 72 (tax 5% included)",
		"規費 SHOP Shop supplies 耗材費：工資 1,200 × 3% = 36，未達下限，以下限 50 計收（含 5% 營業稅）",
		"16:13  supervisor:lin      settle                       ready_for_pickup -> settled",
		"Appraisal for 2026-11 (R6), plan default-2026",
		"Training in November 2026 (R5): plan 2026 revision 1, 3 courses, approved by admin:dms-management",
		"  chen      96  passed, excellent: commended (R5.4), certificate issued",
		"  wang      55  failed: retake due by 18 Nov",
		"  wang      78  passed (the highest attempt counts: 78)",
		"  huang     52  failed the last attempt: retraining, enrolled in session EV-2 (the highest attempt counts: 52)",
		"Plan 2026 progress: 22% of targeted places completed",
		"  ev-diag    yes              3         2",
		"  huang     4.0         0        0%  retraining ev-diag",
		"1    chen     80.50  good       10000  satisfaction 93.3, business 60.0, teamwork 75.0, skill 87.5, attitude 87.5",
		"Training in the skill KPI (R5.4): chen 96 -> 100.0 pts; wang 78 -> 51.4 pts; huang 52 -> 0.0 pts",
		"skill         weight  15  score  87.50: supervisor 75.0 pts x 0.50; training_score 100.0 pts x 0.30; reworks 100.0 pts x 0.20;",
		"! huang failed 2 months in a row (R6.4)",
		"attitude      weight  15  score  87.50: self 75.0 pts x 0.20; supervisor 100.0 pts x 0.50; peer 75.0 pts x 0.30;",
		"Policy decisions for 2026-11 (R6.4, R7): policy default version 1, 8 proposals",
		"  wang attendance #3: fine TWD 500",
		"    3rd lateness within 30 days (2026-11-03, 2026-11-06, 2026-11-10): fine TWD 500 under rule attendance (R7.2a)",
		"    30 天內第 3 次遲到（2026-11-03、2026-11-06、2026-11-10）：罰款 TWD 500（規則 attendance，R7.2a）",
		"  huang conduct #1: demerit",
		"  huang retake_failed: retraining",
		"  chen special_contribution: bonus TWD 5000, training opportunity, trip",
		"  huang two_consecutive_fails: termination eligibility [needs approval]",
		"Evaluated again: 0 new, 8 unchanged",
		"lin approved 7 routine decisions",
		"without a reason is refused: approving a severe action states its reason (R7.2, audited)",
		"lin approved it: \"Second failed appraisal in a row despite October's improvement plan; HR reviews the contract with Huang.\"",
	} {
		assert.Contains(t, out, want)
	}
}
