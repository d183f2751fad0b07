// Package testutil holds the small helpers that the tests of several
// packages share.
package testutil

import (
	"encoding/csv"
	"os"
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
