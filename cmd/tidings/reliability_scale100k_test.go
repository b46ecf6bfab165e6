//go:build reliability

package main

import (
	"bufio"
	"context"
	"database/sql"
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
//	  go test -tags reliability -run TestReliabilityScaleOutPrompts -v -timeout 70m ./cmd/tidings/
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
	// Every synthetic member in UTC, with a check-in that has nothing due
	// yet (set in the transaction that creates the teams, so no scheduler
	// pass sees another schedule).
	fill := strings.Replace(scaleSQL(t, teams, 50, 0), "COMMIT;", `
UPDATE teams SET timezone = 'UTC' WHERE slug LIKE 'scale-%';
UPDATE members SET timezone = '' WHERE email LIKE '%@scale.example';
UPDATE check_ins SET schedule = 'daily 00:00', created_at = now()
WHERE team_id IN (SELECT id FROM teams WHERE slug LIKE 'scale-%');
COMMIT;`, 1)
	if _, err := db.ExecContext(ctx, fill); err != nil {
		t.Fatal(err)
	}
	filled := time.Since(fillStart).Round(time.Second)
	s2 := relStartArgs(t, dsn, []string{"--no-apply"}, env...)
	s3 := relStartArgs(t, dsn, []string{"--no-apply"}, env...)
	_, _ = s2, s3
	// Now every member's prompt comes due at the same minute.
	due := time.Now().UTC().Truncate(time.Minute).Add(2 * time.Minute)
	period := due.Format("2006-01-02")
	if _, err := db.ExecContext(ctx, `UPDATE check_ins SET schedule = $1, created_at = now() - interval '1 hour'
		WHERE team_id IN (SELECT id FROM teams WHERE slug LIKE 'scale-%')`, "daily "+due.Format("15:04")); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d members in %d teams filled in %v; prompts due at %s UTC", members, teams, filled, due.Format("15:04"))

	// delivered counts the synthetic members' prompts of the period that
	// reached the sink (other mail, such as the example team's, is not
	// counted).
	delivered := func() int {
		got, n := sink.snapshot(), 0
		for _, id := range scalePromptIDs(t, db, period) {
			if got[id] > 0 {
				n++
			}
		}
		return n
	}
	killAt := members / 3
	var killed time.Time
	deadline := due.Add(45 * time.Minute)
	last, lastChange := -1, time.Now()
	for time.Now().Before(deadline) {
		n := delivered()
		if killed.IsZero() && n >= killAt {
			s1.kill()
			killed = time.Now()
			t.Logf("SIGKILL to the first instance after %d prompts delivered, %v after the due minute", n, killed.Sub(due).Round(time.Second))
		}
		if total := sink.total(); total != last {
			last, lastChange = total, time.Now()
		}
		// Done when every prompt arrived and nothing more came for 30 s
		// (a late duplicate would show), or when nothing came for four
		// minutes (longer than a lapsed claim's lease plus River's rescue).
		if !killed.IsZero() && (n >= members && time.Since(lastChange) > 30*time.Second || time.Since(lastChange) > 4*time.Minute) {
			break
		}
		time.Sleep(5 * time.Second)
	}
	if killed.IsZero() {
		t.Fatalf("only %d of %d prompts delivered by %s: the kill never happened", delivered(), members, deadline.Format("15:04"))
	}

	ids := scalePromptIDs(t, db, period)
	got := sink.snapshot()
	received, lost, twice := 0, 0, 0
	for _, id := range ids {
		switch n := got[id]; {
		case n == 0:
			lost++
		case n > 1:
			twice++
			received++
		default:
			received++
		}
	}
	var promptsTwice int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM prompts GROUP BY check_in_id, member_id, period
		HAVING count(*) > 1) d`).Scan(&promptsTwice); err != nil {
		t.Fatal(err)
	}
	lastAt := sink.lastAt()
	relFigures(t, "scale-out-prompts", "instances", 3, "members", members, "teams", teams, "prompts", len(ids),
		"delivered", received, "lost", members-received, "delivered_twice", twice, "prompts_twice", promptsTwice,
		"sink_messages", sink.total(), "killed_after", killAt, "killed_at", killed.Sub(due).Round(time.Second),
		"last_delivery_after_due", lastAt.Sub(due).Round(time.Second))
	if lost != 0 {
		scaleExplainLost(t, db, ids, got)
	}
	if len(ids) != members || lost != 0 || received != members {
		t.Errorf("%d members: %d prompts for %s, %d delivered, %d lost", members, len(ids), period, received, lost)
	}
	if twice != 0 || promptsTwice != 0 {
		t.Errorf("%d prompts delivered twice, %d created twice", twice, promptsTwice)
	}
}

// scaleExplainLost logs, for up to ten prompts the sink never received,
// their outbound row and their delivery jobs, and the instances' logs.
func scaleExplainLost(t *testing.T, db *sql.DB, ids []string, got map[string]int) {
	t.Helper()
	n := 0
	for _, id := range ids {
		if got[id] > 0 || n >= 10 {
			continue
		}
		n++
		var oid int64
		var status, lastErr string
		var attempts int
		var updated time.Time
		err := db.QueryRowContext(context.Background(), `SELECT id, status, attempts, last_error, updated_at
			FROM outbound_messages WHERE message_id = $1 OR message_id = $2`, id, "<"+id+">").Scan(&oid, &status, &attempts, &lastErr, &updated)
		if err != nil {
			t.Logf("lost %s: %v", id, err)
			continue
		}
		t.Logf("lost %s: outbound %d status=%s attempts=%d updated=%s error=%q", id, oid, status, attempts, updated.UTC().Format(time.TimeOnly), lastErr)
		rows, err := db.QueryContext(context.Background(), `SELECT id, state, attempt, max_attempts, scheduled_at, coalesce(errors::text, '')
			FROM river_job WHERE kind = 'deliver' AND (args->>'outbound_id')::bigint = $1`, oid)
		if err != nil {
			t.Logf("  jobs: %v", err)
			continue
		}
		for rows.Next() {
			var jid int64
			var state, errs string
			var attempt, maxAttempts int
			var at time.Time
			if err := rows.Scan(&jid, &state, &attempt, &maxAttempts, &at, &errs); err != nil {
				t.Logf("  job: %v", err)
				break
			}
			t.Logf("  job %d %s attempt %d/%d scheduled %s errors %s", jid, state, attempt, maxAttempts, at.UTC().Format(time.TimeOnly), errs)
		}
		rows.Close()
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
