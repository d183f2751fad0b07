package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ParseConstraints reads a list of declared constraints, as a schema file's
// "constraints" holds them, each an object with one key:
//
//	{"inequality": ["A", "B"]}             A <= B
//	{"range": ["low", "mid", "high"]}      low <= mid <= high
//	{"positive": "A"}                      A > 0
//	{"one_hot": ["A", "B", "C"]}           exactly one of them is 1
//	{"fixed_combinations": ["A", "B"]}     only (A, B) pairs of the sample
//
// The rules it returns are marked Declared; those of fixed_combinations
// have no tuples yet (the fit fills them from the sample).
func ParseConstraints(data []byte) ([]Rule, error) {
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf(`constraints: want a list such as [{"inequality": ["temp_min", "temp_max"]}]: %w`, err)
	}
	var out []Rule
	for i, obj := range list {
		if len(obj) != 1 {
			return nil, fmt.Errorf("constraint %d: want an object with one key (inequality, range, positive, one_hot or fixed_combinations), have %d", i+1, len(obj))
		}
		for key, raw := range obj {
			rs, err := parseConstraint(key, raw)
			if err != nil {
				return nil, fmt.Errorf("constraint %d (%s): %w", i+1, key, err)
			}
			out = append(out, rs...)
		}
	}
	return out, nil
}

func parseConstraint(key string, raw json.RawMessage) ([]Rule, error) {
	names := func(least int) ([]string, error) {
		var cols []string
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(&cols); err != nil {
			return nil, fmt.Errorf("want a list of column names: %w", err)
		}
		if len(cols) < least {
			return nil, fmt.Errorf("want at least %d column names, have %d", least, len(cols))
		}
		return cols, nil
	}
	switch key {
	case "inequality":
		cols, err := names(2)
		if err != nil {
			return nil, err
		}
		if len(cols) != 2 {
			return nil, fmt.Errorf("want two column names [low, high], have %d (a longer chain is a range)", len(cols))
		}
		return []Rule{{Type: Order, Columns: cols, Declared: true}}, nil
	case "range":
		cols, err := names(2)
		if err != nil {
			return nil, err
		}
		var out []Rule
		for i := 1; i < len(cols); i++ {
			out = append(out, Rule{Type: Order, Columns: []string{cols[i-1], cols[i]}, Declared: true})
		}
		return out, nil
	case "positive":
		var col string
		if err := json.Unmarshal(raw, &col); err != nil {
			return nil, fmt.Errorf("want one column name: %w", err)
		}
		return []Rule{{Type: Positive, Columns: []string{col}, Declared: true}}, nil
	case "one_hot":
		cols, err := names(2)
		if err != nil {
			return nil, err
		}
		return []Rule{{Type: OneHot, Columns: cols, Declared: true}}, nil
	case "fixed_combinations":
		cols, err := names(2)
		if err != nil {
			return nil, err
		}
		return []Rule{{Type: Combinations, Columns: cols, Declared: true}}, nil
	}
	return nil, fmt.Errorf("unknown constraint %q (want inequality, range, positive, one_hot or fixed_combinations)", key)
}
