package main

import (
	"context"
	"strings"
	"testing"
)

// TestHealthcheck proves `tidings healthcheck` exits 0 against a serving
// instance's /readyz and 1 when nothing answers.
func TestHealthcheck(t *testing.T) {
	tempEnv(t)
	s, _ := serveForTest(t, &app{configPath: "../../examples/tidings.yaml", stdout: &strings.Builder{}, stderr: testLog{t}, logLevel: "warn"})
	ctx := context.Background()
	t.Setenv("TIDINGS_HTTP_LISTEN", s.httpLn.Addr().String())
	if _, errs, code := run(t, ctx, "", "healthcheck", "--config", "../../examples/tidings.yaml"); code != 0 {
		t.Errorf("healthcheck against serve: exit %d: %s", code, errs)
	}
	if _, _, code := run(t, ctx, "", "healthcheck", "--url", "http://127.0.0.1:1/readyz"); code != 1 {
		t.Errorf("healthcheck against nothing: exit %d, want 1", code)
	}
	for in, want := range map[string]string{"0.0.0.0:8080": "http://127.0.0.1:8080/readyz", ":8080": "http://127.0.0.1:8080/readyz",
		"[::]:8080": "http://127.0.0.1:8080/readyz", "10.0.0.5:80": "http://10.0.0.5:80/readyz"} {
		if got := readyURL(in); got != want {
			t.Errorf("readyURL(%q) = %q, want %q", in, got, want)
		}
	}
}
