//go:build reliability

package main

// Helpers of the reliability probes (go test -tags reliability): they run
// the real `tidings serve` binary on a fresh PostgreSQL schema, send real
// SMTP to it and read the outcome from the database. See
// docs/reliability.md for what each probe shows and how to run it.

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/tidings-app/tidings/store/storetest"
)

// relBinary builds `tidings` once per test binary run.
var relBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "tidings-reliability-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "tidings")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// relServe is one running `tidings serve` process.
type relServe struct {
	cmd  *exec.Cmd
	smtp string
	log  *bytes.Buffer
	done chan struct{}
}

// relFreePort returns a free loopback address.
func relFreePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// relStart starts serve on dsn with the example configuration and extra
// TIDINGS_* variables, and waits for its SMTP port.
func relStart(t *testing.T, dsn string, env ...string) *relServe {
	t.Helper()
	return relStartArgs(t, dsn, nil, env...)
}

// relStartArgs is relStart with extra serve arguments (--no-apply).
func relStartArgs(t *testing.T, dsn string, args []string, env ...string) *relServe {
	t.Helper()
	bin, err := relBinary()
	if err != nil {
		t.Fatal(err)
	}
	s := &relServe{smtp: relFreePort(t), log: &bytes.Buffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, append([]string{"serve", "--config", filepath.Join("..", "..", "examples", "tidings.yaml")}, args...)...)
	s.cmd.Env = append(os.Environ(), "TIDINGS_DATABASE="+dsn, "TIDINGS_DOMAIN=tidings.test",
		"TIDINGS_SMTP_LISTEN="+s.smtp, "TIDINGS_HTTP_LISTEN="+relFreePort(t), "TIDINGS_SMTP_MAX_CONNECTIONS=200",
		"TIDINGS_LOG_LEVEL=info", "TIDINGS_OUTBOX="+t.TempDir())
	s.cmd.Env = append(s.cmd.Env, env...)
	s.cmd.Stdout, s.cmd.Stderr = io.Discard, &lockedWriter{w: s.log}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.kill() })
	for range 300 {
		if c, err := net.Dial("tcp", s.smtp); err == nil {
			c.Close()
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("serve exited: %s", s.log)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not listen on %s: %s", s.smtp, s.log)
	return nil
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *relServe) kill() {
	s.cmd.Process.Kill()
	<-s.done
}

// peakRSS is the process's peak resident set (VmHWM) in bytes.
func (s *relServe) peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("peak RSS: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("peak RSS: no VmHWM")
	return 0
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// relDB opens a fresh schema for a probe and returns its DSN and a
// connection to read results with.
func relDB(t *testing.T) (string, *sql.DB) {
	t.Helper()
	if os.Getenv(storetest.EnvURL) == "" {
		t.Fatalf("reliability probes need PostgreSQL: set %s", storetest.EnvURL)
	}
	dsn := storetest.PostgresDSN(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return dsn, db
}

// relMessage is message i of a probe: a meeting note from a member of
// the example team (so it is applied, not quarantined), padded to size.
func relMessage(tag string, i, size int) (msgID string, raw []byte) {
	msgID = fmt.Sprintf("%s-%d-%d@client.example", tag, i, time.Now().UnixNano())
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Ana Lima <ana@example.com>\r\nTo: meetings@tidings.test\r\nSubject: sync %d\r\n"+
		"Date: %s\r\nMessage-ID: <%s>\r\n\r\nDecisions:\r\n- ship the retry patch\r\n", i, time.Now().Format(time.RFC1123Z), msgID)
	for b.Len() < size {
		b.WriteString("Notes: we went through the backlog and agreed on the next steps for the release.\r\n")
	}
	return msgID, b.Bytes()
}

// relSend delivers raw over an open client; nil means 250.
func relSend(c *smtp.Client, raw []byte) error {
	if err := c.Mail("ana@example.com", nil); err != nil {
		return err
	}
	if err := c.Rcpt("meetings@tidings.test", nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

// relCounts reads what the database holds for the acknowledged IDs:
// stored (present at least once), duplicated (present more than once),
// unprocessed (still "received").
func relCounts(t *testing.T, db *sql.DB, acked []string) (stored, duplicated, unprocessed int) {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "SELECT message_id, status FROM inbound_messages")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]int{}
	pending := map[string]bool{}
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			t.Fatal(err)
		}
		seen[id]++
		if status == "received" {
			pending[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range acked {
		if seen[id] > 0 {
			stored++
		}
		if seen[id] > 1 {
			duplicated++
		}
		if pending[id] {
			unprocessed++
		}
	}
	return stored, duplicated, unprocessed
}

// relFigures prints a probe's figures in one greppable line.
func relFigures(t *testing.T, probe string, kv ...any) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "RELIABILITY %s:", probe)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, " %v=%v", kv[i], kv[i+1])
	}
	t.Log(b.String())
	fmt.Println(b.String())
}
