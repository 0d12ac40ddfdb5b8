package kitcheck

import (
	"testing"
)

// Self is a kit's whole self-test (issue 17): its checks against the
// broken and sound stores, against a store forgetting each field of each
// record, and its TestStore run in a child process on a broken store. A
// kit's test file declares one and runs it from two tests:
//
//	func TestKit(t *testing.T)            { self.Test(t) }
//	func TestChildTestStore(t *testing.T) { self.Child(t) }
type Self[S, C any] struct {
	Kit    Kit[S]
	Broken func() []Broken[S]
	Sound  func() []Sound[S]
	// Forgetting returns a new store whose Commit writes forget(c), c a
	// deep copy of each change it is given.
	Forgetting func(forget func(C) C) S
	// Parts are the records a change carries, each with the round trip
	// check that must catch a store forgetting any of its fields
	// (kit.Domain.Parts, and the trail).
	Parts []Kind[C]
	// ChildTest is the child process's test, "TestChildTestStore", Env
	// the variable that marks the child.
	ChildTest, Env string
	// ChildStore names the broken store the child runs TestStore on;
	// TestStore runs the kit's TestStore on stores open makes.
	ChildStore string
	TestStore  func(t *testing.T, open func() S)
	// Fails names the check that must fail in the child, with its
	// message; Passes and Skips name checks that must pass and skip, and
	// Also holds more lines the output must hold.
	Fails, Message string
	Passes         string
	Skips          []string
	Also           []string
}

// Test runs the self-test: the stores (TestBroken, TestSound,
// TestEveryCheckCatches), the forgotten fields and TestStore's verdict in
// a child process.
func (s Self[S, C]) Test(t *testing.T) {
	t.Parallel()
	t.Run("Stores", func(t *testing.T) {
		t.Parallel()
		s.Kit.Test(t, s.Broken(), s.Sound())
	})
	t.Run("ForgottenFields", func(t *testing.T) {
		t.Parallel()
		TestForgottenFields(t, s.Kit, s.Forgetting, s.Parts)
	})
	t.Run("TestStore", func(t *testing.T) {
		t.Parallel()
		want := []string{
			"--- FAIL: " + s.ChildTest + "/" + s.Fails, s.Message, "rule broken: " + s.Kit.Rule(t, s.Fails),
			"--- PASS: " + s.ChildTest + "/" + s.Passes,
		}
		for _, name := range s.Skips {
			want = append(want, "--- SKIP: "+s.ChildTest+"/"+name)
		}
		Child{Test: s.ChildTest, Env: s.Env}.Run(t, append(want, s.Also...)...)
	})
}

// Child runs the kit's TestStore on the broken store ChildStore, in the
// child process only: TestStore must fail it naming the rule.
func (s Self[S, C]) Child(t *testing.T) {
	Child{Test: s.ChildTest, Env: s.Env}.Only(t)
	s.TestStore(t, Named(t, s.Broken(), s.ChildStore).Open)
}
