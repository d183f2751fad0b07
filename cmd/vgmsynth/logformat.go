package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"time"
)

// stdout is where commands print what they were asked for (evaluate's
// report, inspect's summary); tests replace it (runCLI).
var stdout io.Writer = os.Stdout

// errOut is where messages go: stderr, or its JSON wrapper under
// --log-format json.
var errOut io.Writer = os.Stderr

// jsonLines turns each line written to it into one JSON object
// {"time", "level", "msg"}, for log collectors. Lines that start with the
// command's error prefix are errors, lines with "warning:" warnings, the
// rest information.
type jsonLines struct {
	w      io.Writer
	prefix string
	buf    bytes.Buffer
}

func (j *jsonLines) Write(p []byte) (int, error) {
	j.buf.Write(p)
	for {
		line, err := j.buf.ReadString('\n')
		if err != nil { // no full line yet
			j.buf.Reset()
			j.buf.WriteString(line)
			return len(p), nil
		}
		line = strings.TrimRight(line, "\n")
		if line == "" {
			continue
		}
		level := "info"
		switch {
		case strings.Contains(line, "warning:"):
			level = "warn"
		case strings.HasPrefix(line, j.prefix):
			level = "error"
		}
		b, _ := json.Marshal(struct {
			Time  string `json:"time"`
			Level string `json:"level"`
			Msg   string `json:"msg"`
		}{time.Now().UTC().Format(time.RFC3339Nano), level, line})
		if _, err := j.w.Write(append(b, '\n')); err != nil {
			return 0, err
		}
	}
}
