package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/vgmsynth/vgmsynth/runners"
	"github.com/vgmsynth/vgmsynth/transforms/tableio"
	"go.yaml.in/yaml/v3"
)

// A config file holds a command's flags, so that a scheduled pipeline keeps
// its settings in version control:
//
//	{"input": "gs://b/in/*.csv", "rows": "10M", "output": "gs://b/out/t", "runner": "dataflow"}
//
// or the same in YAML (input: gs://b/in/*.csv ...). Keys are flag names,
// vgmsynth's own (sample-size or sample_size) and Beam's (runner, project,
// temp_location, ...); values are strings, numbers or booleans, or lists
// for flags that repeat. Flags given on the command line win over the file.
// Relative paths in the file are relative to the working directory, as on
// the command line.

// maxConfigBytes bounds a config file.
const maxConfigBytes = 1 << 20

// configFlags registers --config on fs, and for every flag of vgmsynth's
// whose name has a dash an alias with an underscore instead (sample_size
// for sample-size): Dataflow Flex Template parameters cannot have dashes,
// and Beam's own flags are spelt with underscores. It returns the --config
// value. Call it after the command's flags are defined.
func configFlags(fs *flag.FlagSet) *string {
	var dashed []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if ownFlags[f.Name] && strings.Contains(f.Name, "-") {
			dashed = append(dashed, f)
		}
	})
	for _, f := range dashed {
		if alias := strings.ReplaceAll(f.Name, "-", "_"); fs.Lookup(alias) == nil {
			fs.Var(f.Value, alias, "alias of --"+f.Name)
		}
	}
	ownFlags["config"] = true
	return fs.String("config", "", "read flags from this JSON or YAML file (local or gs://); flags on the command line override it")
}

// configEntry is one key of a config file and its value or values.
type configEntry struct {
	key    string
	values []string
}

// applyConfig sets every flag that the config file at p names and the
// command line did not set. fs must have been parsed. An unknown key is an
// error naming it.
func applyConfig(fs *flag.FlagSet, p string) error {
	if p == "" {
		return nil
	}
	data, err := readConfig(p)
	if err != nil {
		return err
	}
	entries, err := parseConfig(p, data)
	if err != nil {
		return err
	}
	// Flags given on the command line, by value: an alias and its flag
	// share one.
	onCommandLine := map[flag.Value]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Value] = true })
	seen := map[flag.Value]string{}
	for _, e := range entries {
		f := fs.Lookup(e.key)
		if f == nil {
			f = fs.Lookup(strings.ReplaceAll(e.key, "_", "-"))
		}
		if f == nil {
			return fmt.Errorf("config %s: unknown flag %q%s", p, e.key, suggest(fs, e.key))
		}
		if f.Name == "config" {
			return fmt.Errorf("config %s: %q cannot be set in a config file", p, e.key)
		}
		if other, dup := seen[f.Value]; dup {
			return fmt.Errorf("config %s: %q and %q set the same flag", p, other, e.key)
		}
		seen[f.Value] = e.key
		if onCommandLine[f.Value] {
			continue
		}
		for _, v := range e.values {
			if err := fs.Set(f.Name, v); err != nil {
				return fmt.Errorf("config %s: %s: invalid value %q: %v", p, e.key, v, err)
			}
		}
	}
	return nil
}

// readConfig reads a config file, local or remote.
func readConfig(p string) ([]byte, error) { return readSmallFile("config", p, maxConfigBytes) }

// readSmallFile reads a file of at most limit bytes through Beam's
// filesystems (local or gs://); what names it in errors.
func readSmallFile(what, p string, limit int64) ([]byte, error) {
	return tableio.ReadFile(context.Background(), what, p, limit)
}

// parseConfig reads a config file's entries in file order: JSON for .json
// files or text starting with '{', YAML otherwise.
func parseConfig(p string, data []byte) ([]configEntry, error) {
	ext := strings.ToLower(path.Ext(p))
	isJSON := ext == ".json" || (ext != ".yaml" && ext != ".yml" && bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")))
	var entries []configEntry
	var err error
	if isJSON {
		entries, err = parseJSONConfig(data)
	} else {
		entries, err = parseYAMLConfig(data)
	}
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", p, err)
	}
	return entries, nil
}

func parseJSONConfig(data []byte) ([]configEntry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New(`want a JSON object of flag names to values, such as {"rows": "1M", "overwrite": true}`)
	}
	var entries []configEntry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string) // object keys are strings
		var raw any
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		var values []string
		if list, ok := raw.([]any); ok {
			for _, v := range list {
				s, err := jsonScalar(key, v)
				if err != nil {
					return nil, err
				}
				values = append(values, s)
			}
		} else {
			s, err := jsonScalar(key, raw)
			if err != nil {
				return nil, err
			}
			values = []string{s}
		}
		entries = append(entries, configEntry{key, values})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("text after the JSON object")
	}
	return entries, nil
}

func jsonScalar(key string, v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		return fmt.Sprint(v), nil
	case nil:
		return "", fmt.Errorf("%s: null is not a value (remove the key to keep the default)", key)
	}
	return "", fmt.Errorf("%s: want a string, number or boolean", key)
}

func parseYAMLConfig(data []byte) ([]configEntry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, errors.New("want a YAML mapping of flag names to values, such as \"rows: 1M\"")
	}
	var entries []configEntry
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolveAlias(m.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: a key must be a flag name", k.Line)
		}
		var values []string
		switch v.Kind {
		case yaml.ScalarNode:
			s, err := yamlScalar(k.Value, v)
			if err != nil {
				return nil, err
			}
			values = []string{s}
		case yaml.SequenceNode:
			for _, item := range v.Content {
				item = resolveAlias(item)
				if item.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("line %d: %s: want a list of plain values", item.Line, k.Value)
				}
				s, err := yamlScalar(k.Value, item)
				if err != nil {
					return nil, err
				}
				values = append(values, s)
			}
		default:
			return nil, fmt.Errorf("line %d: %s: want a string, number or boolean", v.Line, k.Value)
		}
		entries = append(entries, configEntry{k.Value, values})
	}
	return entries, nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// yamlScalar returns a scalar as written (unquoted), so that a seed such as
// 18446744073709551615 or a count such as 1_000_000 reaches the flag
// unchanged.
func yamlScalar(key string, n *yaml.Node) (string, error) {
	if n.Tag == "!!null" {
		return "", fmt.Errorf("line %d: %s has no value (remove the key to keep the default)", n.Line, key)
	}
	return n.Value, nil
}

// suggest names the flag closest to an unknown key, if one is close.
func suggest(fs *flag.FlagSet, key string) string {
	best, bestD := "", 3
	fs.VisitAll(func(f *flag.Flag) {
		if d := editDistance(strings.ToLower(key), f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkPaths refuses, before any work starts, local paths that a
// distributed runner's workers would have to read or write (see
// runners.CheckPath). generate reads its model here, at construction,
// so its --model may be local.
func checkPaths(fs *flag.FlagSet) error {
	names := []string{"input", "output"}
	if fs.Name() != "vgmsynth generate" {
		names = append(names, "model")
	}
	for _, n := range names {
		if f := fs.Lookup(n); f != nil {
			if err := runners.CheckPath(n, f.Value.String()); err != nil {
				return err
			}
		}
	}
	return nil
}
