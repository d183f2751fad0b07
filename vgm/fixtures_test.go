package vgm

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readFixtureCSV reads a CSV with a header line from testdata (gzipped
// when the name ends in .gz) into one slice per column.
func readFixtureCSV(t testing.TB, name string) map[string][]float64 {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("open fixture: %v", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("fixture %s: %v", name, err)
		}
		defer zr.Close()
		r = zr
	}
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	cols := make(map[string][]float64)
	for _, row := range rows[1:] {
		for i, name := range rows[0] {
			v, err := strconv.ParseFloat(row[i], 64)
			if err != nil {
				t.Fatalf("fixture %s column %s: %v", name, rows[0][i], err)
			}
			cols[name] = append(cols[name], v)
		}
	}
	return cols
}

// splitHeldOut splits x as the golden script does: row i is held out when
// i % 5 == 4.
func splitHeldOut(x []float64) (train, held []float64) {
	for i, v := range x {
		if i%5 == 4 {
			held = append(held, v)
		} else {
			train = append(train, v)
		}
	}
	return train, held
}

// goldenColumn is one column's record in sklearn_golden.json.
type goldenColumn struct {
	Dataset        string    `json:"dataset"`
	Column         string    `json:"column"`
	NTrain         int       `json:"n_train"`
	NHeldOut       int       `json:"n_heldout"`
	Weights        []float64 `json:"weights"`
	Means          []float64 `json:"means"`
	Stds           []float64 `json:"stds"`
	NIter          int       `json:"n_iter"`
	Score          float64   `json:"score"`
	PluginLL       float64   `json:"plugin_ll"`
	PluginLLThresh float64   `json:"plugin_ll_thresh"`
}

// readGolden loads testdata/sklearn_golden.json.
func readGolden(t testing.TB) (version string, cols []goldenColumn) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sklearn_golden.json"))
	if err != nil {
		t.Fatalf("read golden: %v", err)
	}
	var g struct {
		Version string         `json:"sklearn_version"`
		Columns []goldenColumn `json:"columns"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("parse golden: %v", err)
	}
	return g.Version, g.Columns
}

// fixtureFor returns the data file of a golden dataset.
func fixtureFor(dataset string) string {
	switch dataset {
	case "seattle":
		return "seattle.csv"
	case "flights":
		return "flights.csv.gz"
	}
	panic(fmt.Sprintf("unknown dataset %q", dataset))
}

// goldenUpdates is one column's trace of scikit-learn iterates from a
// fixed initialisation.
type goldenUpdates struct {
	Dataset  string `json:"dataset"`
	Column   string `json:"column"`
	Perm     []int  `json:"perm"`
	Iterates []struct {
		Iterations int       `json:"iterations"`
		Weights    []float64 `json:"weights"`
		Means      []float64 `json:"means"`
		Stds       []float64 `json:"stds"`
	} `json:"iterates"`
}

// readGoldenUpdates loads the "updates" part of sklearn_golden.json.
func readGoldenUpdates(t testing.TB) []goldenUpdates {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sklearn_golden.json"))
	if err != nil {
		t.Fatalf("read golden: %v", err)
	}
	var g struct {
		Updates []goldenUpdates `json:"updates"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("parse golden: %v", err)
	}
	return g.Updates
}
