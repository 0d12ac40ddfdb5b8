// Package kitcheck holds what the store kits' self-tests share (orgtest,
// servicedesktest, billingtest, appraisaltest, trainingtest and
// policytest's store kit): the runner that feeds every check a table of
// broken and sound stores, the generator of forgotten-field stores, a
// check run that turns a panic into an error, and the child process that
// watches TestStore fail.
//
// Only tests import it: each kit proves itself, as testing/fstest does in
// testfs_test.go, by failing the stores that break the contract and
// passing the ones that keep it. The stores themselves stay with their
// kit; this package only runs them.
//
// # Getting started
//
//	kit := kitcheck.Kit[training.Store]{
//		Name:   "trainingtest.Checks",
//		Checks: checks(), // each trainingtest.Check bound to its Features
//		Skip:   trainingtest.ErrSkip,
//		Exact:  true,
//	}
//	func TestKitCatchesBrokenStores(t *testing.T) { kit.TestBroken(t, brokenStores()) }
//	func TestKitPassesSoundStores(t *testing.T)   { kit.TestSound(t, soundStores()) }
//
// It needs only the standard library, the org package and decimal.
package kitcheck
