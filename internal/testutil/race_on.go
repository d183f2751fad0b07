//go:build race

package testutil

// Race reports whether the tests were built with the race detector
// (go test -race).
const Race = true
