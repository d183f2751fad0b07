package pipeline

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/vgmsynth/vgmsynth/transforms"
)

// TestSettingErrors checks that a bad setting is refused before any work,
// as a *SettingError naming the field (no command-line flag names: the
// command line adds those).
func TestSettingErrors(t *testing.T) {
	ctx := context.Background()
	prefix := filepath.Join(t.TempDir(), "out")
	model := filepath.Join(t.TempDir(), "model.json")
	ok := Output{OutputConfig: transforms.OutputConfig{Prefix: prefix, Format: "csv", Rows: 10}}
	// generate builds a generation with ok's settings changed by edit.
	generate := func(edit func(*Output)) func() (*Job, error) {
		return func() (*Job, error) {
			o := ok
			edit(&o)
			return Generate(ctx, nil, o)
		}
	}
	tests := []struct {
		setting string
		build   func() (*Job, error)
	}{
		{"Prefix", generate(func(o *Output) { o.Prefix = "" })},
		{"Rows", generate(func(o *Output) { o.Rows = -1 })},
		{"Format", generate(func(o *Output) { o.Format = "xml" })},
		{"Compression", generate(func(o *Output) { o.Compression = "lz4" })},
		{"Shards", generate(func(o *Output) { o.Shards = 100000 })},
		{"Model", func() (*Job, error) { return Fit(ctx, Input{Glob: example, SampleSize: 10}, "") }},
		{"SampleSize", func() (*Job, error) { return Fit(ctx, Input{Glob: example}, model) }},
		{"ModelType", func() (*Job, error) {
			return FitGenerate(ctx, Input{Glob: example, SampleSize: 10, FitConfig: transforms.FitConfig{ModelType: "gan"}}, "", ok)
		}},
		{"Glob", func() (*Job, error) { return Encode(ctx, Codec{Prefix: prefix}) }},
		{"Compression", func() (*Job, error) {
			return Decode(ctx, Codec{Glob: example, Prefix: prefix, Compression: "snappy"})
		}},
	}
	for _, tt := range tests {
		job, err := tt.build()
		var se *SettingError
		if !errors.As(err, &se) || se.Setting != tt.setting || job != nil {
			t.Errorf("%s: got %v, want a SettingError for it", tt.setting, err)
		}
	}
}
