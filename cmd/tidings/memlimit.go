package main

import (
	"log/slog"
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is serve's soft memory limit when GOMEMLIMIT is not
// set: the garbage collector works harder as the heap nears it instead of
// letting it double (GOGC=100) while large messages are committed and
// parsed. It is not a cap: a heap that needs more gets more.
const defaultMemoryLimit = 640 << 20

// applyMemoryLimit sets the soft memory limit for serve unless the
// operator chose one with GOMEMLIMIT.
func applyMemoryLimit(log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(defaultMemoryLimit)
	log.Debug("soft memory limit set", "bytes", defaultMemoryLimit)
}
