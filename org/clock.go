package org

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Clock tells the time. Services take one so that tests, simulations and
// examples are deterministic. Instants are stored in UTC at microsecond
// precision (what PostgreSQL keeps), so services truncate with [Now].
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the machine's clock.
func SystemClock() Clock { return ClockFunc(time.Now) }

// Now reads c as a stored instant: UTC, truncated to the microsecond.
func Now(c Clock) time.Time { return c.Now().UTC().Truncate(time.Microsecond) }

// ManualClock is a Clock that moves only when told to. It is safe for
// concurrent use. Examples and tests use it to make output reproducible.
type ManualClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewManualClock starts a ManualClock at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d and returns the new time.
func (c *ManualClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// IDSource makes identifiers for new records (events, and records whose
// caller did not choose an ID). Every ID it returns must be unique within a
// dealer, at most 64 characters of letters, digits and . _ : -.
type IDSource interface {
	NewID() string
}

// IDFunc adapts a function to IDSource.
type IDFunc func() string

// NewID calls f.
func (f IDFunc) NewID() string { return f() }

// RandomIDs returns 128-bit random identifiers in hexadecimal, prefixed with
// the current UTC time in milliseconds so that they sort roughly by
// creation. It is the default.
func RandomIDs() IDSource {
	return IDFunc(func() string {
		var b [10]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic(fmt.Sprintf("org: reading random bytes: %v", err)) // crypto/rand never fails on supported platforms
		}
		return fmt.Sprintf("%012x%s", time.Now().UnixMilli(), hex.EncodeToString(b[:]))
	})
}

// SequentialIDs returns prefix1, prefix2, ... . Safe for concurrent use;
// meant for tests and examples that print IDs.
func SequentialIDs(prefix string) IDSource {
	var n atomic.Int64
	return IDFunc(func() string { return fmt.Sprintf("%s%d", prefix, n.Add(1)) })
}
