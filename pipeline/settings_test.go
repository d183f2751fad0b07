package pipeline

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/vgmsynth/vgmsynth/transforms"
)

// TestSettingErrors checks that a bad setting is refused before any work,
// as a *SettingError naming the field (no command-line flag names: the
// command line adds those).
func TestSettingErrors(t *testing.T) {
	ctx := context.Background()
	prefix := filepath.Join(t.TempDir(), "out")
	ok := Output{Prefix: prefix, Format: "csv", Rows: 10}
	// generate builds a generation with ok's settings changed by edit.
	generate := func(edit func(*Output)) func(beam.Scope) error {
		return func(s beam.Scope) error {
			o := ok
			edit(&o)
			return BuildGenerate(ctx, s, transforms.ModelBytes(nil), o)
		}
	}
	tests := []struct {
		setting string
		build   func(s beam.Scope) error
	}{
		{"Prefix", generate(func(o *Output) { o.Prefix = "" })},
		{"Rows", generate(func(o *Output) { o.Rows = -1 })},
		{"Format", generate(func(o *Output) { o.Format = "xml" })},
		{"Compression", generate(func(o *Output) { o.Compression = "lz4" })},
		{"Shards", generate(func(o *Output) { o.Shards = 100000 })},
		{"SampleSize", func(s beam.Scope) error { _, err := BuildFit(ctx, s, Input{Glob: example}); return err }},
		{"ModelType", func(s beam.Scope) error {
			_, err := BuildFit(ctx, s, Input{Glob: example, SampleSize: 10, ModelType: "gan"})
			return err
		}},
		{"Glob", func(s beam.Scope) error { return BuildEncode(ctx, s, Codec{Prefix: prefix}) }},
		{"Compression", func(s beam.Scope) error {
			return BuildDecode(ctx, s, Codec{Glob: example, Prefix: prefix, Compression: "snappy"})
		}},
	}
	for _, tt := range tests {
		_, s := beam.NewPipelineWithRoot()
		err := tt.build(s)
		var se *SettingError
		if !errors.As(err, &se) || se.Setting != tt.setting {
			t.Errorf("%s: got %v, want a SettingError for it", tt.setting, err)
		}
	}
}
