package transforms

import (
	"strconv"
	"sync"
	"sync/atomic"
)

// Hooks are callbacks that a job run in this process (on a local runner)
// passes to its workers: the command line shows progress and the exact-copy
// check with them. A DoFn is serialised, functions are not, so a config
// carries the key that Register returns; a worker finds the hooks under it
// while they are registered. On a distributed runner the workers are other
// processes and find none: the counters vgmsynth/rows_read, rows_written
// and exact_copies carry the same figures there.
type Hooks struct {
	// Rows is told how many rows were read or written, as they are.
	Rows func(n int64)
	// Copies is told CheckCopies' result: how many of the checked
	// generated rows equal a sampled real row, of how many checked,
	// against a sample of how many rows.
	Copies func(copies, checked, sample int64)
	// FailFirstAttempt, for tests: when it returns true for a shard, the
	// first attempt at writing that shard in this process fails part way
	// through, as a worker lost mid-write would, leaving a partial
	// temporary file; later attempts succeed.
	FailFirstAttempt func(shard int) bool
}

var (
	hooksMu   sync.RWMutex
	hooksByID = map[string]Hooks{}
	hooksNext atomic.Int64
)

// Register makes h visible to this process's workers under the key it
// returns, until release is called.
func (h Hooks) Register() (key string, release func()) {
	key = "hooks-" + strconv.FormatInt(hooksNext.Add(1), 10)
	hooksMu.Lock()
	hooksByID[key] = h
	hooksMu.Unlock()
	return key, func() {
		hooksMu.Lock()
		delete(hooksByID, key)
		hooksMu.Unlock()
	}
}

// hooks returns the hooks registered under key; none for "" or a key not
// (or no longer) registered.
func hooks(key string) Hooks {
	if key == "" {
		return Hooks{}
	}
	hooksMu.RLock()
	defer hooksMu.RUnlock()
	return hooksByID[key]
}

// rowCount returns the Rows hook under key, or a function that does
// nothing.
func rowCount(key string) func(int64) {
	if f := hooks(key).Rows; f != nil {
		return f
	}
	return func(int64) {}
}
