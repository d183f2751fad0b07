package main

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestReadSchema(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		kinds     map[string]string
		rules     []string
		noMined   bool
		drop      []string
		errSubstr string
	}{
		{"kinds", `{"zip": "categorical", "amount": "float"}`, map[string]string{"zip": "categorical", "amount": "float"}, nil, false, nil, ""},
		{"kinds under columns", `{"columns": {"zip": "categorical"}}`, map[string]string{"zip": "categorical"}, nil, false, nil, ""},
		{"constraints beside kinds", `{"zip": "categorical", "constraints": [{"inequality": ["lo", "hi"]}, {"positive": "amount"}]}`,
			map[string]string{"zip": "categorical"}, []string{"lo <= hi", "amount > 0"}, false, nil, ""},
		{"mined rules off", `{"mined_rules": false, "drop_rules": ["zip -> city"]}`, map[string]string{}, nil, true, []string{"zip -> city"}, ""},
		{"a column named constraints", `{"constraints": "categorical"}`, map[string]string{"constraints": "categorical"}, nil, false, nil, ""},
		{"bad constraint", `{"constraints": [{"between": ["lo", "hi"]}]}`, nil, nil, false, nil, "unknown constraint"},
		{"not a kind", `{"zip": 5}`, nil, nil, false, nil, `"zip": want a kind name`},
	}
	dir := t.TempDir()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, strconv.Itoa(i)+".json", tc.in)
			kinds, ro, err := readSchema(path)
			if tc.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errSubstr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("err = %v, want one naming %s and saying %q", err, path, tc.errSubstr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range ro.Constraints {
				got = append(got, r.String())
			}
			if len(kinds) != len(tc.kinds) || !slices.Equal(got, tc.rules) || ro.NoMined != tc.noMined || !slices.Equal(ro.Drop, tc.drop) {
				t.Errorf("kinds %v, rules %q, no mined %v, drop %q; want %v, %q, %v, %q", kinds, got, ro.NoMined, ro.Drop, tc.kinds, tc.rules, tc.noMined, tc.drop)
			}
			for k, v := range tc.kinds {
				if kinds[k] != v {
					t.Errorf("kind of %s = %q, want %q", k, kinds[k], v)
				}
			}
		})
	}
}

// TestReadSchemaLattice reads the lattice switch.
func TestReadSchemaLattice(t *testing.T) {
	dir := t.TempDir()
	for i, tc := range []struct {
		in       string
		off, bad bool
	}{{`{}`, false, false}, {`{"lattice": true}`, false, false}, {`{"lattice": false}`, true, false}, {`{"lattice": 0}`, false, true}} {
		path := writeFile(t, dir, strconv.Itoa(i)+".json", tc.in)
		_, ro, err := readSchema(path)
		if (err != nil) != tc.bad || err == nil && ro.NoLattice != tc.off {
			t.Errorf("%s: no lattice %v, err %v; want %v, error %v", tc.in, ro.NoLattice, err, tc.off, tc.bad)
		}
	}
}

// TestSchemaConstraintRun declares temp_min <= temp_max (with the mined
// copy of it switched off) and checks every generated row.
func TestSchemaConstraintRun(t *testing.T) {
	dir := t.TempDir()
	schema := writeFile(t, dir, "schema.json", `{"constraints": [{"inequality": ["temp_min", "temp_max"]}], "mined_rules": false}`)
	model, out := filepath.Join(dir, "m.json"), filepath.Join(dir, "o")
	if code, msg := vgmsynth(t, "fit", "--input", exampleCSV, "--model", model, "--schema", schema, "--quiet"); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, msg)
	}
	if data, err := os.ReadFile(model); err != nil || !strings.Contains(string(data), `"declared": true`) {
		t.Fatalf("the model file holds no declared rule (%v)", err)
	}
	if code, msg := vgmsynth(t, "generate", "--model", model, "--rows", "100000", "--output", out, "--shards", "1", "--quiet"); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, msg)
	}
	f, err := os.Open(out + "-00000-of-00001.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // date,precipitation,temp_max,temp_min,wind,weather
	rows, broken := 0, 0
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ",")
		hi, err1 := strconv.ParseFloat(fields[2], 64)
		lo, err2 := strconv.ParseFloat(fields[3], 64)
		if err1 == nil && err2 == nil {
			rows++
			if lo > hi {
				broken++
			}
		}
	}
	if rows < 90000 || broken > 0 {
		t.Errorf("temp_min > temp_max in %d of %d rows", broken, rows)
	}
}
