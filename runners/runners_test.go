package runners

import (
	"context"
	"flag"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
)

// setFlags sets Beam's flags for one case and restores their defaults after.
func setFlags(t *testing.T, kv map[string]string) {
	t.Helper()
	reset := func() {
		for _, name := range []string{"runner", "endpoint", "environment_type", "environment_config", "project", "region", "staging_location", "temp_location", "worker_binary"} {
			f := flag.Lookup(name)
			if f == nil {
				t.Fatalf("Beam flag --%s is not registered", name)
			}
			f.Value.Set(f.DefValue)
		}
	}
	reset()
	t.Cleanup(reset)
	for k, v := range kv {
		if err := flag.Set(k, v); err != nil {
			t.Fatalf("set --%s: %v", k, err)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Setenv("CLOUDSDK_COMPUTE_REGION", "")
	dataflow := map[string]string{"runner": "dataflow", "project": "p", "region": "europe-west1", "temp_location": "gs://b/tmp"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	tests := []struct {
		name  string
		flags map[string]string
		want  string // runner name, or words of the error
		err   bool
		roots int // 0: one per core
	}{
		{"default", nil, "prism", false, 0},
		{"prism", map[string]string{"runner": "prism"}, "prism", false, 0},
		{"PrismRunner", map[string]string{"runner": "PrismRunner"}, "prism", false, 0},
		{"prism job server", map[string]string{"runner": "prism", "endpoint": "localhost:8073", "environment_type": "LOOPBACK"}, "prism", false, 1},
		{"direct", map[string]string{"runner": "direct"}, "direct", false, 0},
		{"DirectRunner", map[string]string{"runner": "DirectRunner"}, "direct", false, 0},
		{"direct with endpoint", map[string]string{"runner": "direct", "endpoint": "localhost:8099"}, "takes no --endpoint", true, 0},
		{"unknown", map[string]string{"runner": "nosuch"}, `unknown runner "nosuch"`, true, 0},
		{"universal", map[string]string{"runner": "universal", "endpoint": "localhost:8099", "environment_type": "LOOPBACK"}, "universal", false, 1},
		{"PortableRunner", map[string]string{"runner": "PortableRunner", "endpoint": "localhost:8099"}, "universal", false, 1},
		{"universal without endpoint", map[string]string{"runner": "universal"}, "needs --endpoint", true, 0},
		{"endpoint without port", map[string]string{"runner": "universal", "endpoint": "localhost"}, "want HOST:PORT", true, 0},
		{"flink", map[string]string{"runner": "flink", "endpoint": "localhost:8099"}, "flink", false, 1},
		{"FlinkRunner", map[string]string{"runner": "FlinkRunner", "endpoint": "localhost:8099"}, "flink", false, 1},
		{"flink without endpoint", map[string]string{"runner": "flink"}, "runner flink needs --endpoint", true, 0},
		{"spark", map[string]string{"runner": "spark", "endpoint": "localhost:8099", "environment_type": "DOCKER"}, "spark", false, 1},
		{"SparkRunner", map[string]string{"runner": "SparkRunner", "endpoint": "localhost:8099"}, "spark", false, 1},
		{"spark without endpoint", map[string]string{"runner": "spark"}, "runner spark needs --endpoint", true, 0},
		{"bad environment", map[string]string{"runner": "universal", "endpoint": "localhost:8099", "environment_type": "kubernetes"}, "unknown --environment_type", true, 0},
		{"process without config", map[string]string{"runner": "flink", "endpoint": "localhost:8099", "environment_type": "PROCESS"}, "needs --environment_config", true, 0},
		{"external with config", map[string]string{"runner": "flink", "endpoint": "localhost:8099", "environment_type": "EXTERNAL", "environment_config": "localhost:50000"}, "flink", false, 1},
		{"dataflow", dataflow, "dataflow", false, 1},
		{"DataflowRunner", with(dataflow, "runner", "DataflowRunner"), "dataflow", false, 1},
		{"dataflow with staging only", with(dataflow, "temp_location", "", "staging_location", "gs://b/staging"), "dataflow", false, 1},
		{"dataflow bare", map[string]string{"runner": "dataflow"}, "needs --project and --region and --staging_location (or --temp_location)", true, 0},
		{"dataflow without project", with(dataflow, "project", ""), "needs --project", true, 0},
		{"dataflow without region", with(dataflow, "region", ""), "needs --region", true, 0},
		{"dataflow without locations", with(dataflow, "temp_location", ""), "needs --staging_location", true, 0},
		{"dataflow local temp", with(dataflow, "temp_location", "/tmp/x"), "must be a gs:// path", true, 0},
		{"dataflow loopback", with(dataflow, "environment_type", "LOOPBACK"), "takes no --environment_type", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setFlags(t, tt.flags)
			err := Validate()
			if tt.err {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Validate() = %v, want an error with %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			if got := Name(); got != tt.want {
				t.Errorf("Name() = %q, want %q", got, tt.want)
			}
			wantRoots := tt.roots
			if wantRoots == 0 {
				wantRoots = runtime.NumCPU()
			}
			if got := Roots(); got != wantRoots {
				t.Errorf("Roots() = %d, want %d", got, wantRoots)
			}
		})
	}
}

func TestValidateDataflowDerivesStaging(t *testing.T) {
	t.Setenv("CLOUDSDK_COMPUTE_REGION", "")
	setFlags(t, map[string]string{"runner": "dataflow", "project": "p", "region": "r", "temp_location": "gs://b/tmp/"})
	if err := Validate(); err != nil {
		t.Fatal(err)
	}
	if got := flag.Lookup("staging_location").Value.String(); got != "gs://b/tmp/staging" {
		t.Errorf("--staging_location = %q, want gs://b/tmp/staging", got)
	}
	setFlags(t, map[string]string{"runner": "dataflow", "project": "p", "temp_location": "gs://b/tmp"})
	t.Setenv("CLOUDSDK_COMPUTE_REGION", "us-central1")
	if err := Validate(); err != nil {
		t.Errorf("region from CLOUDSDK_COMPUTE_REGION: %v", err)
	}
}

func TestCheckPath(t *testing.T) {
	tests := []struct {
		flags map[string]string
		path  string
		ok    bool
	}{
		{nil, "out/x", true},
		{map[string]string{"runner": "direct"}, "out/x", true},
		{map[string]string{"runner": "universal", "endpoint": "localhost:8099", "environment_type": "LOOPBACK"}, "out/x", true},
		{map[string]string{"runner": "universal", "endpoint": "localhost:8099", "environment_type": "DOCKER"}, "out/x", true},
		{map[string]string{"runner": "flink", "endpoint": "localhost:8099"}, "/mnt/shared/x", true},
		{map[string]string{"runner": "flink", "endpoint": "localhost:8099"}, "gs://b/out/x", true},
		{map[string]string{"runner": "dataflow"}, "/data/in.csv", false},
		{map[string]string{"runner": "dataflow"}, "gs://b/in.csv", true},
	}
	for _, tt := range tests {
		setFlags(t, tt.flags)
		err := CheckPath("output", tt.path)
		if (err == nil) != tt.ok {
			t.Errorf("%v: CheckPath(%q) = %v, want ok=%v", tt.flags, tt.path, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "--output "+tt.path) {
			t.Errorf("message %q does not name the flag and path", err)
		}
	}
}

func TestIsWorker(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{[]string{"--worker=true", "--id=1", "--logging_endpoint=localhost:1", "--control_endpoint=localhost:2"}, true},
		{[]string{"--id=1", "--worker"}, true},
		{[]string{"run", "--input", "x.csv"}, false},
		{[]string{"run", "--worker=true"}, false}, // a command comes first: not a worker
		{[]string{"--help"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if got := IsWorker(tt.args); got != tt.want {
			t.Errorf("IsWorker(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}

// TestRunLocalRunners runs a small pipeline on each runner that needs no
// server, by canonical name and by Beam's alias.
func TestRunLocalRunners(t *testing.T) {
	Init(false)
	for _, name := range []string{"prism", "PrismRunner", "direct", "DirectRunner"} {
		t.Run(name, func(t *testing.T) {
			setFlags(t, map[string]string{"runner": name})
			if err := Validate(); err != nil {
				t.Fatal(err)
			}
			p, s := beam.NewPipelineWithRoot()
			passert.Sum(s, beam.Create(s, 1, 2, 3, 4), "sum", 4, 10)
			if err := Run(context.Background(), p); err != nil {
				t.Fatalf("Run on %s: %v", name, err)
			}
		})
	}
}

func TestCleanError(t *testing.T) {
	msg := "job failed: bundle inst001 stage-002 failed:\nDataSource[...] failed:\nread x.csv: no such file"
	if got := CleanError(msg); got != "read x.csv: no such file" {
		t.Errorf("CleanError = %q", got)
	}
	if got := CleanError("  plain  "); got != "plain" {
		t.Errorf("CleanError = %q", got)
	}
}
