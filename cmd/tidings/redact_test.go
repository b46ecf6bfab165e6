package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// runMain runs the test binary as `tidings args...` (see TestMain) with
// env added to a clean TIDINGS_* environment, and returns everything it
// printed on stdout and stderr.
func runMain(t *testing.T, ctx context.Context, env []string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(cleanEnv(), append([]string{"GO_TEST_TIDINGS_RUN_MAIN=1"}, env...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run() // most cases are meant to fail
	return out.String()
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TIDINGS_") {
			env = append(env, kv)
		}
	}
	return env
}

// TestNoPasswordInOutput feeds malformed and well-formed URLs carrying
// passwords to config loading and `serve` (in the environment and in the
// file), and greps all the process printed for the passwords.
func TestNoPasswordInOutput(t *testing.T) {
	dir := t.TempDir()
	base := []string{"TIDINGS_DATABASE=" + filepath.Join(dir, "t.db"), "TIDINGS_OUTBOX=" + filepath.Join(dir, "outbox"),
		"TIDINGS_SMTP_LISTEN=127.0.0.1:0", "TIDINGS_HTTP_LISTEN=127.0.0.1:0", "TIDINGS_AUTH_DNS=off", "TIDINGS_LOG_LEVEL=debug"}
	with := func(kv ...string) []string { return append(append([]string{}, base...), kv...) }
	writeConf := func(name, server string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("server:\n  domain: tidings.example.com\n"+server), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, password string
		env            []string
		args           []string
	}{
		{"db hash in password (env)", "pa#ss", with("TIDINGS_DATABASE=postgres://u:pa#ss@127.0.0.1:1/db"), []string{"serve", "--config", "tidings.yaml"}},
		{"db bad port (env)", "s3cretpw", with("TIDINGS_DATABASE=postgres://u:s3cretpw@127.0.0.1:99999/db"), []string{"serve"}},
		{"db unreachable (env)", "hunter2x", with("TIDINGS_DATABASE=postgres://u:hunter2x@127.0.0.1:1/db?sslmode=disable&connect_timeout=2"), []string{"inbound", "list"}},
		{"relay bad port (env)", "p4ssw0rd", with("TIDINGS_RELAY=smtp://u:p4ssw0rd@h:99999"), []string{"serve"}},
		{"relay junk (env)", "secret12", with("TIDINGS_RELAY=smtps://user:secret12@host:465 junk"), []string{"serve"}},
		{"relay space in password (env)", "sec ret9", with("TIDINGS_RELAY=smtps://user:sec ret9@host:465"), []string{"apply", "--check", "-f", "tidings.yaml"}},
		{"db hash (file)", "f1le#pw", base[1:], []string{"serve", "--config", writeConf("db.yaml", "  database: \"postgres://u:f1le#pw@127.0.0.1:1/db\"\n")}},
		{"relay bad port (file)", "f1lepass", base, []string{"serve", "--config", writeConf("relay.yaml", "  relay: smtp://u:f1lepass@h:99999\n")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out := runMain(t, ctx, c.env, c.args...)
			if out == "" {
				t.Fatal("no output: the case did not fail as planned")
			}
			if strings.Contains(out, c.password) {
				t.Errorf("password %q printed:\n%s", c.password, out)
			}
			t.Logf("output:\n%s", out)
		})
	}
}

// TestServeLogsNoPassword runs `serve` with a relay whose password is in
// a well-formed URL to a closed port and a token secret, waits until it
// serves and has tried a delivery, stops it, and greps everything it
// printed at debug level.
func TestServeLogsNoPassword(t *testing.T) {
	dir := t.TempDir()
	env := []string{"TIDINGS_DATABASE=" + filepath.Join(dir, "t.db"), "TIDINGS_OUTBOX=" + filepath.Join(dir, "outbox"),
		"TIDINGS_SMTP_LISTEN=127.0.0.1:0", "TIDINGS_HTTP_LISTEN=127.0.0.1:0", "TIDINGS_AUTH_DNS=off",
		"TIDINGS_RELAY=smtp://mailer:rel4ypass@127.0.0.1:1", "TIDINGS_SECRET=t0ken-s3cret-value"}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "serve", "--config", "../../examples/tidings.yaml", "--log-level", "debug")
	cmd.Env = append(cleanEnv(), append([]string{"GO_TEST_TIDINGS_RUN_MAIN=1"}, env...)...)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	var out strings.Builder
	var mu sync.Mutex
	tried := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			out.WriteString(sc.Text() + "\n")
			mu.Unlock()
			// The welcome mails are tried against the closed relay port.
			if strings.Contains(sc.Text(), "127.0.0.1:1") && strings.Contains(sc.Text(), "level=WARN") {
				once.Do(func() { close(tried) })
			}
		}
	}()
	select {
	case <-tried:
	case <-ctx.Done():
		t.Error("serve never reported a failed delivery")
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	mu.Lock()
	defer mu.Unlock()
	for _, secret := range []string{"rel4ypass", "t0ken-s3cret-value"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("serve printed %q:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), "mailer:xxxxx@127.0.0.1:1") {
		t.Errorf("startup log does not show the redacted relay:\n%s", out.String())
	}
}
