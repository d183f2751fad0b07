package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// flexMetadata is the part of a Flex Template metadata file checked here.
type flexMetadata struct {
	Name       string `json:"name"`
	Parameters []struct {
		Name       string   `json:"name"`
		Label      string   `json:"label"`
		HelpText   string   `json:"helpText"`
		IsOptional *bool    `json:"isOptional"`
		Regexes    []string `json:"regexes"`
	} `json:"parameters"`
}

// notTemplateParameters are run's flags that the Flex Template leaves out
// on purpose: they shape the launcher's console output only, or
// (noise-seed) would put a secret among the job's visible parameters.
var notTemplateParameters = []string{"verbose", "quiet", "log-format", "noise-seed"}

// runFlags lists the flags "vgmsynth run --help" shows, vgmsynth's own.
func runFlags(t *testing.T) []string {
	t.Helper()
	code, help := vgmsynth(t, "run", "--help")
	if code != 0 {
		t.Fatalf("run --help: exit %d", code)
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  --([a-z0-9_-]+)\s`).FindAllStringSubmatch(help, -1) {
		names = append(names, m[1])
	}
	if len(names) < 5 {
		t.Fatalf("found only %v in run --help:\n%s", names, help)
	}
	return names
}

// TestFlexTemplateMetadata keeps deploy/dataflow/metadata.json and the
// CLI in step: every template parameter is a flag that "vgmsynth run"
// accepts under that very name (the launcher passes --name=value), and
// every flag of run is a parameter unless listed in notTemplateParameters.
func TestFlexTemplateMetadata(t *testing.T) {
	data, err := os.ReadFile("../../deploy/dataflow/metadata.json")
	if err != nil {
		t.Fatal(err)
	}
	var md flexMetadata
	if err := json.Unmarshal(data, &md); err != nil {
		t.Fatalf("metadata.json: %v", err)
	}
	// Misspelt keys (helptext, optional) are silently ignored by Dataflow.
	var keys struct {
		Top    map[string]json.RawMessage
		Params []map[string]json.RawMessage `json:"parameters"`
	}
	json.Unmarshal(data, &keys.Top)
	json.Unmarshal(data, &keys)
	for k := range keys.Top {
		if !slices.Contains([]string{"name", "description", "streaming", "supportsAtLeastOnce", "supportsExactlyOnce", "defaultStreamingMode", "parameters"}, k) {
			t.Errorf("metadata.json: unknown key %q", k)
		}
	}
	for _, p := range keys.Params {
		for k := range p {
			if !slices.Contains([]string{"name", "label", "helpText", "isOptional", "regexes", "paramType", "defaultValue", "enumOptions", "groupName", "parentName", "parentTriggerValues", "hiddenUi", "customMetadata"}, k) {
				t.Errorf("metadata.json: parameter %s: unknown key %q", p["name"], k)
			}
		}
	}
	if md.Name == "" || len(md.Parameters) == 0 {
		t.Fatal("metadata.json has no name or no parameters")
	}
	validName := regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)
	var params []string
	for _, p := range md.Parameters {
		if !validName.MatchString(p.Name) {
			t.Errorf("parameter %q: Flex Template parameter names are letters, digits and underscores", p.Name)
		}
		if p.Label == "" || p.HelpText == "" || p.IsOptional == nil {
			t.Errorf("parameter %q lacks a label, helpText or isOptional", p.Name)
		}
		for _, r := range p.Regexes {
			if _, err := regexp.Compile(r); err != nil {
				t.Errorf("parameter %q: regex %q: %v", p.Name, r, err)
			}
		}
		if slices.Contains(params, p.Name) {
			t.Errorf("parameter %q appears twice", p.Name)
		}
		params = append(params, p.Name)
		// The flag exists if parsing --name=1 gets as far as --help.
		if code, msg := vgmsynth(t, "run", "--"+p.Name+"=1", "--help"); code != 0 {
			t.Errorf("parameter %q: vgmsynth run does not accept --%s (exit %d): %s", p.Name, p.Name, code, firstLine(msg))
		}
	}
	for _, f := range runFlags(t) {
		name := strings.ReplaceAll(f, "-", "_")
		if !slices.Contains(params, name) && !slices.Contains(notTemplateParameters, f) {
			t.Errorf("vgmsynth run has --%s but metadata.json has no parameter %q (add it, or list it in notTemplateParameters)", f, name)
		}
	}
	for _, want := range []string{"input", "output", "rows", "format", "shards", "seed", "model", "sample_size", "compression", "overwrite"} {
		if !slices.Contains(params, want) {
			t.Errorf("metadata.json lacks parameter %q", want)
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TestFlexTemplateImage checks the image files against the command they
// run: the launcher script calls "vgmsynth run" and the Dockerfile builds
// cmd/vgmsynth and points the launcher at the script.
func TestFlexTemplateImage(t *testing.T) {
	dockerfile, err := os.ReadFile("../../deploy/dataflow/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	launch, err := os.ReadFile("../../deploy/dataflow/launch.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"go-template-launcher-base", "./cmd/vgmsynth", "FLEX_TEMPLATE_GO_BINARY=${WORKDIR}/launch.sh", "COPY deploy/dataflow/launch.sh", "/opt/google/dataflow/go_template_launcher", "CGO_ENABLED=0"} {
		if !bytes.Contains(dockerfile, []byte(want)) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if !bytes.Contains(launch, []byte(`exec /dataflow/template/vgmsynth run --runner=dataflow "$@"`)) {
		t.Errorf("launch.sh does not exec vgmsynth run:\n%s", launch)
	}
}

// TestDataflowTemplateLaunch does what the Flex Template launcher does, on
// the GCS emulator: it runs vgmsynth run with the template's parameters and
// Dataflow's options, --runner=DataflowRunner and --template_location, so
// that the Dataflow runner stages the worker binary and the pipeline and
// writes the job, without submitting it. Nothing leaves the machine: every
// Cloud Storage call goes to the emulator and no Dataflow API is called.
func TestDataflowTemplateLaunch(t *testing.T) {
	c := startGCSEmulator(t, "vgm")
	csvData, err := os.ReadFile(exampleCSV)
	if err != nil {
		t.Fatal(err)
	}
	putObject(t, c, "vgm", "in/weather.csv", csvData)
	worker := filepath.Join(t.TempDir(), "worker")
	if err := os.WriteFile(worker, []byte("stand-in worker binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CLOUDSDK_COMPUTE_REGION", "")
	code, msg := vgmsynth(t, "run", "--runner=dataflow", "--runner=DataflowRunner",
		"--project=test-project", "--region=europe-west1", "--temp_location=gs://vgm/tmp",
		"--template_location=gs://vgm/templates/job.json", "--job_name=vgmsynth-test", "--worker_binary="+worker,
		"--input=gs://vgm/in/weather.csv", "--output=gs://vgm/out/w", "--rows=1M", "--sample_size=1000",
		"--format=parquet", "--overwrite=true", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	var job struct {
		Name        string `json:"name"`
		ProjectID   string `json:"projectId"`
		Type        string `json:"type"`
		Environment struct {
			TempStoragePrefix  string `json:"tempStoragePrefix"`
			SDKPipelineOptions struct {
				Options struct {
					PipelineURL string `json:"pipelineUrl"`
					Region      string `json:"region"`
				} `json:"options"`
			} `json:"sdkPipelineOptions"`
			WorkerPools []struct {
				Packages []struct {
					Location string `json:"location"`
				} `json:"packages"`
			} `json:"workerPools"`
		} `json:"environment"`
	}
	if err := json.Unmarshal(getObject(t, c, "gs://vgm/templates/job.json"), &job); err != nil {
		t.Fatalf("template: %v", err)
	}
	env := job.Environment
	if job.Name != "vgmsynth-test" || job.ProjectID != "test-project" || job.Type != "JOB_TYPE_BATCH" || env.SDKPipelineOptions.Options.Region != "europe-west1" {
		t.Errorf("template job: name %q, project %q, type %q, region %q", job.Name, job.ProjectID, job.Type, env.SDKPipelineOptions.Options.Region)
	}
	if env.TempStoragePrefix != "gs://vgm/tmp" {
		t.Errorf("temp storage %q, want gs://vgm/tmp", env.TempStoragePrefix)
	}
	// The pipeline and the worker binary are staged under the staging
	// location vgmsynth derived from --temp_location.
	if u := env.SDKPipelineOptions.Options.PipelineURL; !strings.HasPrefix(u, "gs://vgm/tmp/staging/") || len(getObject(t, c, u)) == 0 {
		t.Errorf("pipeline staged at %q", u)
	}
	if len(env.WorkerPools) != 1 || len(env.WorkerPools[0].Packages) != 1 || !strings.HasPrefix(env.WorkerPools[0].Packages[0].Location, "gs://vgm/tmp/staging/") {
		t.Errorf("worker pools: %+v", env.WorkerPools)
	} else if got := getObject(t, c, env.WorkerPools[0].Packages[0].Location); string(got) != "stand-in worker binary" {
		t.Errorf("staged worker binary is not --worker_binary's")
	}
	objects := listObjects(t, c, "vgm")
	var staged []string
	for _, o := range objects {
		if strings.HasPrefix(o, "gs://vgm/tmp/staging/") {
			staged = append(staged, o[strings.LastIndex(o, "/")+1:])
		}
		if strings.HasPrefix(o, "gs://vgm/out/") {
			t.Errorf("%s written: creating a template must not run the job", o)
		}
	}
	slices.Sort(staged)
	if !slices.Equal(staged, []string{"model", "worker"}) {
		t.Errorf("staged under --temp_location/staging: %v, want the model and the worker (objects: %v)", staged, objects)
	}
}
