package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the whole run to the file named by
// TIDINGS_CPU_PROFILE (for `go tool pprof`), when set; the returned stop
// finishes it. It is for measuring (README, "Benchmarks"), not for
// production use.
func startProfile() (stop func(), err error) {
	path := os.Getenv("TIDINGS_CPU_PROFILE")
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
