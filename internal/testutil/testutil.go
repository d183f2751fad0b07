// Package testutil holds the small helpers that the tests of several
// packages share.
package testutil

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ReadCSV reads a whole CSV file, header first, failing the test on error.
func ReadCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return recs
}

// WriteCSV writes records (header first) to dir/name and returns the path.
func WriteCSV(t testing.TB, dir, name string, recs [][]string) string {
	t.Helper()
	var b strings.Builder
	if err := csv.NewWriter(&b).WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// CheckError checks err against want: an error containing want, or no
// error when want is empty. It fails the test otherwise, and reports
// whether an error was expected (the case then has nothing more to check).
func CheckError(t testing.TB, err error, want string) (expected bool) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatal(err)
		}
		return false
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want one saying %q", err, want)
	}
	return true
}

// FailingPipeline skips, under the race detector, a test that runs a
// pipeline meant to fail. On that path Beam 2.77.0's SDK harness races
// with itself (docs/reliability.md), and the detector would fail whichever
// test was running. scripts/test.sh (which CI runs) runs these tests again
// without -race: a test that calls FailingPipeline must be named in its list.
func FailingPipeline(t testing.TB) {
	t.Helper()
	if Race {
		t.Skip("runs a failing pipeline, where Beam's SDK harness races (docs/reliability.md); .ci/run runs it without -race")
	}
}
