// Flags of the fit: differential privacy and the schema file.

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/vgmsynth/vgmsynth/vgm/privacy"
	"github.com/vgmsynth/vgmsynth/vgm/rules"
	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// privacyOptions checks --epsilon, --delta and --noise-seed.
func privacyOptions(epsilon, delta float64, noiseSeed string) (*table.PrivacyOptions, error) {
	if epsilon == 0 {
		return nil, errors.New("--noise-seed goes with --epsilon")
	}
	if err := privacy.CheckBudget(epsilon, delta); err != nil {
		return nil, fmt.Errorf("--epsilon, --delta: %w", err)
	}
	p := &table.PrivacyOptions{Epsilon: epsilon, Delta: delta}
	if noiseSeed != "" {
		seed, err := strconv.ParseUint(noiseSeed, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--noise-seed %q: want a whole number from 0 to 2^64-1", noiseSeed)
		}
		p.NoiseSeed, p.FixedNoise = seed, true
	}
	return p, nil
}

// readSchema reads a schema file: a JSON object mapping column names to
// kinds (optionally under a "columns" key), beside which "constraints"
// declares rules (rules.ParseConstraints), "mined_rules": false keeps none
// of the rules the fit finds, "drop_rules" names mined rules to leave
// out as inspect prints them, and "lattice": false fits no column's
// lattice (table.Lattice).
func readSchema(path string) (map[string]string, table.RuleOptions, error) {
	var ro table.RuleOptions
	data, err := readSmallFile("schema", path, 16<<20)
	if err != nil {
		return nil, ro, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, ro, fmt.Errorf(`schema %s: want a JSON object such as {"price": "float", "zip": "categorical"}: %w`, path, err)
	}
	kinds := map[string]string{}
	for key, raw := range top {
		var kind string
		if json.Unmarshal(raw, &kind) == nil {
			kinds[key] = kind // a column named like a key below is a column
			continue
		}
		switch key {
		case "columns":
			err = json.Unmarshal(raw, &kinds)
		case "constraints":
			ro.Constraints, err = rules.ParseConstraints(raw)
		case "mined_rules":
			var on bool
			err = json.Unmarshal(raw, &on)
			ro.NoMined = !on
		case "drop_rules":
			err = json.Unmarshal(raw, &ro.Drop)
		case "lattice":
			var on bool
			err = json.Unmarshal(raw, &on)
			ro.NoLattice = !on
		default:
			err = errors.New("want a kind name (float, integer, categorical, boolean, datetime or id)")
		}
		if err != nil {
			return nil, ro, fmt.Errorf("schema %s: %q: %w", path, key, err)
		}
	}
	return kinds, ro, nil
}
