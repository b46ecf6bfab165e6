package main

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestCPUProfile: with TIDINGS_CPU_PROFILE set a run leaves a profile
// (gzipped, as pprof reads it); without it nothing is written.
func TestCPUProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.out")
	t.Setenv("TIDINGS_CPU_PROFILE", path)
	stop, err := startProfile()
	if err != nil {
		t.Fatal(err)
	}
	stop()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A pprof profile is a gzipped protocol buffer.
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("the profile is not gzipped: %v", err)
	}
	if b, err := io.ReadAll(z); err != nil || len(b) == 0 {
		t.Errorf("the profile holds %d bytes, %v", len(b), err)
	}
	t.Setenv("TIDINGS_CPU_PROFILE", filepath.Join(t.TempDir(), "missing", "cpu.out"))
	if _, err := startProfile(); err == nil {
		t.Error("a profile path in a missing directory was accepted")
	}
}
