// Package bench holds the peer benchmarks of issue 16: each goal of the
// issue as a pair of benchmarks (the SDK beside a peer library doing the
// same work), equivalence tests proving each pair does the same work, and
// cmd/ratios, which runs the pairs interleaved and prints medians and
// ratios. It is a module of its own so that the main module gains no
// dependency on the peers. Everything is in the _test.go files; this file
// only names the package. See README.md.
package bench
