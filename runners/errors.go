package runners

import (
	"context"
	"strings"

	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
)

// quietLogger drops the SDK's log lines: vgmsynth reports what matters
// itself, and a failing pipeline's error is returned from Run.
type quietLogger struct{}

func (quietLogger) Log(context.Context, beamlog.Severity, int, string) {}

// CleanError extracts the user-facing cause from a runner's error text: the
// error a DoFn returned, without the runner's account of the bundle and
// stage it ran in. Text it does not recognise is returned whole.
func CleanError(msg string) string {
	const marker = "] failed:\n"
	if i := strings.LastIndex(msg, marker); i >= 0 {
		return strings.TrimSpace(msg[i+len(marker):])
	}
	return strings.TrimSpace(msg)
}
