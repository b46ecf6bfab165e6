package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store/storetest"
)

// run executes the CLI with args and returns stdout, stderr and the exit
// code main would use.
func run(t *testing.T, ctx context.Context, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	root := newRootCmd(strings.NewReader(stdin), &out, &errb)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := 0
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
			errb.WriteString(ee.msg)
		} else {
			code = 1
			errb.WriteString(err.Error())
		}
	}
	return out.String(), errb.String(), code
}

// tempEnv points the database and outbox into a temporary directory.
func tempEnv(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("TIDINGS_DATABASE", filepath.Join(dir, "tidings.db"))
	t.Setenv("TIDINGS_OUTBOX", filepath.Join(dir, "outbox"))
	t.Setenv("TIDINGS_SMTP_LISTEN", "127.0.0.1:0")
	t.Setenv("TIDINGS_HTTP_LISTEN", "127.0.0.1:0")
	return dir
}

func TestApplyTwiceChangesNothing(t *testing.T) {
	tempEnv(t)
	ctx := context.Background()
	out, errs, code := run(t, ctx, "", "apply", "-f", "../../examples/tidings.yaml")
	if code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errs)
	}
	for _, want := range []string{"created  team platform", "created  member ana@example.com", "created  check-in platform/daily", "6 created, 0 changed, 0 removed"} {
		if !strings.Contains(out, want) {
			t.Errorf("first apply output lacks %q:\n%s", want, out)
		}
	}
	out, errs, code = run(t, ctx, "", "apply", "-f", "../../examples/tidings.yaml")
	if code != 0 || strings.TrimSpace(out) != "no changes" {
		t.Errorf("second apply: exit %d, out %q, err %q", code, out, errs)
	}
}

func TestApplyBadInputChangesNothing(t *testing.T) {
	dir := tempEnv(t)
	ctx := context.Background()
	if _, errs, code := run(t, ctx, "", "apply", "-f", "../../examples/tidings.yaml"); code != 0 {
		t.Fatalf("apply: %s", errs)
	}
	example, _ := os.ReadFile("../../examples/tidings.yaml")
	bad := map[string]string{
		"zone":      strings.Replace(string(example), "timezone: Europe/Berlin", "timezone: Europe/Atlantis", 1),
		"schedule":  strings.Replace(string(example), `"mon-fri 09:00"`, `"mon-fri nine"`, 1),
		"duplicate": strings.Replace(string(example), "- { email: ben@example.com", "- { email: ana@example.com, name: Ana Lima, timezone: America/Sao_Paulo }\n      - { email: ben@example.com", 1),
		"key":       strings.Replace(string(example), "name: Platform team", "name: Platform team\n    mascot: owl", 1),
		"yaml":      strings.Replace(string(example), "teams:", "teams: [", 1),
	}
	for name, body := range bad {
		p := filepath.Join(dir, name+".yaml")
		os.WriteFile(p, []byte(body), 0o600)
		out, errs, code := run(t, ctx, "", "apply", "-f", p)
		if code != exConfig || !strings.Contains(errs, p) || out != "" {
			t.Errorf("%s: exit %d, out %q, err %q; want exit %d naming the file", name, code, out, errs, exConfig)
		}
	}
	out, _, _ := run(t, ctx, "", "apply", "-f", "../../examples/tidings.yaml")
	if strings.TrimSpace(out) != "no changes" {
		t.Errorf("the store changed after rejected applies: %q", out)
	}
}

func TestServeAnswersHealthAndStopsOnCancel(t *testing.T) {
	tempEnv(t)
	s, stop := serveForTest(t, &app{configPath: "../../examples/tidings.yaml", stdout: io.Discard, stderr: testLog{t}, logLevel: "info"})
	base := "http://" + s.httpLn.Addr().String()
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
		if path == "/metrics" && !bytes.Contains(body, []byte("go_goroutines")) {
			t.Errorf("/metrics lacks Go metrics")
		}
	}
	// Read-only commands work while serve holds the same SQLite database.
	for _, args := range [][]string{{"updates", "list"}, {"prompts", "list"}, {"inbound", "list"}, {"meetings", "list"}} {
		out, errs, code := run(t, context.Background(), "", append(args, "-c", "../../examples/tidings.yaml")...)
		if code != 0 {
			t.Errorf("%v while serving: exit %d, %s%s", args, code, out, errs)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("run: %v", err)
	}
}

// serveForTest starts the service as `tidings serve` does, on the ports and
// database of a's configuration (tempEnv points them at :0 and a temporary
// directory). stop shuts it down and returns run's error; it also runs at
// cleanup, before the test's database is dropped. It fails the test when
// the service does not stop within a minute.
func serveForTest(t *testing.T, a *app) (*server, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg, err := a.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.startServer(ctx, cfg, true)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(time.Minute):
				runErr = errors.New("serve did not stop within a minute of cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return s, stop
}

// testLog sends log lines to t.Log.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func TestApplyCheckNeedsNoDatabase(t *testing.T) {
	tempEnv(t)
	t.Setenv("TIDINGS_DATABASE", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	out, errs, code := run(t, context.Background(), "", "apply", "--check", "-f", "../../examples/tidings.yaml")
	if code != 0 || !strings.Contains(out, "is valid: 1 team, 2 members, 1 check-in\n") {
		t.Errorf("apply --check: exit %d, out %q, err %q", code, out, errs)
	}
}

// eachBackend runs fn as a subtest per store backend (storetest.Backends),
// each in a temporary environment of its own (tempEnv, whose directory fn
// gets) and, on PostgreSQL, a database of its own.
func eachBackend(t *testing.T, fn func(t *testing.T, dir string)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dir := tempEnv(t)
			if b.Name == "postgres" {
				t.Setenv("TIDINGS_DATABASE", storetest.PostgresDSN(t))
			}
			fn(t, dir)
		})
	}
}
