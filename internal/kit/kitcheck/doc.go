// Package kitcheck holds what the store kits' self-tests share (orgtest,
// servicedesktest, billingtest, appraisaltest, trainingtest and
// policytest's store kit): the runner that feeds every check a table of
// broken and sound stores, the broken and sound stores themselves where
// they break (or keep) the contract the same way in every domain
// (stores.go: errors, columns, collations, the trail, latency, lists that
// ignore the dealer or answer in reverse, and kit.Domain.Bent's commit
// flaws made real stores), the Hooks through which a kit's bent store
// passes every call so those stores can bend it, the generator of
// forgotten-field stores, a check run that turns a panic into an error,
// and the child process that watches TestStore fail.
//
// Only tests import it: each kit proves itself, as testing/fstest does in
// testfs_test.go, by failing the stores that break the contract and
// passing the ones that keep it. A kit writes only the stores that break
// its own checks.
//
// # Getting started
//
//	var self = kitcheck.Self[training.Store, training.Change]{
//		Kit: kitcheck.Kit[training.Store]{Name: "trainingtest.Checks", Exact: true,
//			Checks: kitcheck.Of(trainingtest.Checks(), trainingtest.Features{}), Skip: trainingtest.ErrSkip},
//		Broken: brokenStores, // kitcheck.Stores(hooked, ...) and the kit's own
//		Sound:  soundStores,  // memstore, the kit's own and kitcheck.Sounds(hooked)
//		...
//	}
//	func TestKit(t *testing.T)            { self.Test(t) }
//	func TestChildTestStore(t *testing.T) { self.Child(t) }
//
// It needs only the standard library, the module's packages and decimal.
package kitcheck
