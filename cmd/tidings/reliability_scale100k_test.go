//go:build reliability

package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestReliabilityScaleOutPrompts runs three `tidings serve` on one
// PostgreSQL schema holding 100,000 synthetic members in 2,000 teams
// (.ci/scale.sql; TIDINGS_SCALE_TEAMS sets another number of teams of 50),
// every one of them due for a prompt at the same minute, delivered through
// a real SMTP relay (a counting sink in this test). When a third of the
// prompts have reached the sink, the first instance (started first, so
// likely River's leader, running the scheduler pass) gets SIGKILL. The
// survivors must finish the pass and deliver the rest: every prompt of
// the period created once and received by the sink, none received twice.
// Figures: members, prompts, delivered, lost, duplicated, the time from
// the due minute to the last delivery. Run with
//
//	TIDINGS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -tags reliability -run TestReliabilityScaleOutPrompts -v -timeout 60m ./cmd/tidings/
func TestReliabilityScaleOutPrompts(t *testing.T) {
	teams := 2000
	if v := os.Getenv("TIDINGS_SCALE_TEAMS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("TIDINGS_SCALE_TEAMS=%q: want a positive number", v)
		}
		teams = n
	}
	members := teams * 50
	dsn, db := relDB(t)
	sink := newCountingSink(t)
	env := []string{"TIDINGS_JOBS_SWEEP_EVERY=5s", "TIDINGS_JOBS_DELIVERY_LEASE=1m", "TIDINGS_RELAY=smtp://" + sink.addr,
		"TIDINGS_LOG_LEVEL=warn"}
	s1 := relStart(t, dsn, env...) // applies the example configuration
	ctx := context.Background()
	fillStart := time.Now()
	if _, err := db.ExecContext(ctx, scaleSQL(t, teams, 50, 0)); err != nil {
		t.Fatal(err)
	}
	// Every synthetic member in UTC, due at the same minute, far enough
	// ahead for the other two instances to start.
	due := time.Now().UTC().Truncate(time.Minute).Add(2 * time.Minute)
	period := due.Format("2006-01-02")
	for _, q := range []string{
		`UPDATE teams SET timezone = 'UTC' WHERE slug LIKE 'scale-%'`,
		`UPDATE members SET timezone = '' WHERE email LIKE '%@scale.example'`,
		fmt.Sprintf(`UPDATE check_ins SET schedule = 'daily %s', created_at = now() - interval '1 hour'
			WHERE team_id IN (SELECT id FROM teams WHERE slug LIKE 'scale-%%')`, due.Format("15:04")),
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d members in %d teams filled in %v; prompts due at %s", members, teams, time.Since(fillStart).Round(time.Second), due.Format("15:04"))
	s2 := relStartArgs(t, dsn, []string{"--no-apply"}, env...)
	s3 := relStartArgs(t, dsn, []string{"--no-apply"}, env...)
	_, _ = s2, s3

	killAt := members / 3
	var killed time.Time
	deadline := due.Add(45 * time.Minute)
	last, lastChange := -1, time.Now()
	for time.Now().Before(deadline) {
		n := sink.total()
		if killed.IsZero() && n >= killAt {
			s1.kill()
			killed = time.Now()
			t.Logf("SIGKILL to the first instance after %d deliveries, %v after the due minute", n, killed.Sub(due).Round(time.Second))
		}
		if n != last {
			last, lastChange = n, time.Now()
		}
		// Done when every prompt arrived and nothing more came for 30 s
		// (a late duplicate would show), or when nothing came for five
		// minutes (longer than a lapsed claim's lease plus River's rescue).
		if !killed.IsZero() && (n >= members && time.Since(lastChange) > 30*time.Second || time.Since(lastChange) > 5*time.Minute) {
			break
		}
		time.Sleep(time.Second)
	}
	if killed.IsZero() {
		t.Fatalf("only %d of %d prompts delivered by %s: the kill never happened", sink.total(), members, deadline.Format("15:04"))
	}

	ids := scalePromptIDs(t, db, period)
	got := sink.snapshot()
	delivered, lost, twice := 0, 0, 0
	for _, id := range ids {
		switch n := got[id]; {
		case n == 0:
			lost++
		case n > 1:
			twice++
			delivered++
		default:
			delivered++
		}
	}
	var promptsTwice int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM prompts GROUP BY check_in_id, member_id, period
		HAVING count(*) > 1) d`).Scan(&promptsTwice); err != nil {
		t.Fatal(err)
	}
	lastAt := sink.lastAt()
	relFigures(t, "scale-out-prompts", "instances", 3, "members", members, "teams", teams, "prompts", len(ids),
		"delivered", delivered, "lost", members-delivered, "delivered_twice", twice, "prompts_twice", promptsTwice,
		"sink_messages", sink.total(), "killed_after", killAt, "killed_at", killed.Sub(due).Round(time.Second),
		"last_delivery_after_due", lastAt.Sub(due).Round(time.Second))
	if len(ids) != members || lost != 0 || delivered != members {
		t.Errorf("%d members: %d prompts for %s, %d delivered, %d lost", members, len(ids), period, delivered, lost)
	}
	if twice != 0 || promptsTwice != 0 {
		t.Errorf("%d prompts delivered twice, %d created twice", twice, promptsTwice)
	}
}

// scalePromptIDs returns the Message-IDs of the synthetic members'
// prompts for period.
func scalePromptIDs(t *testing.T, db *sql.DB, period string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT o.message_id FROM prompts p
		JOIN outbound_messages o ON o.prompt_id = p.id
		JOIN teams tm ON tm.id = p.team_id AND tm.slug LIKE 'scale-%'
		WHERE p.period = $1`, period)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, strings.Trim(id, "<>"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// countingSink is an SMTP relay that keeps, per Message-ID, how many
// times a message was accepted, and nothing else (100,000 messages
// held whole would take the test's memory).
type countingSink struct {
	addr string
	mu   sync.Mutex
	seen map[string]int
	n    int
	last time.Time
}

func newCountingSink(t *testing.T) *countingSink {
	t.Helper()
	s := &countingSink{seen: map[string]int{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &countingSession{s: s}, nil }))
	srv.Domain = "sink.test"
	srv.MaxRecipients = 10
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *countingSink) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *countingSink) lastAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func (s *countingSink) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.seen))
	for k, v := range s.seen {
		out[k] = v
	}
	return out
}

type countingSession struct{ s *countingSink }

func (c *countingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (c *countingSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (c *countingSession) Reset()                               {}
func (c *countingSession) Logout() error                        { return nil }

// Data reads the header for the Message-ID and counts the message once
// its bytes are all read (the 250 follows).
func (c *countingSession) Data(r io.Reader) error {
	br := bufio.NewReader(r)
	h, err := textproto.NewReader(br).ReadMIMEHeader()
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return err
	}
	id := strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	c.s.mu.Lock()
	c.s.seen[id]++
	c.s.n++
	c.s.last = time.Now()
	c.s.mu.Unlock()
	return nil
}
