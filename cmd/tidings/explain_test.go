package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// scaleSQL is .ci/scale.sql with its psql variables set and its psql
// commands removed, runnable as one Exec.
func scaleSQL(t *testing.T, teams, perTeam, days int) string {
	t.Helper()
	b, err := os.ReadFile("../../.ci/scale.sql")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, `\`) {
			continue
		}
		out = append(out, l)
	}
	s := strings.Join(out, "\n")
	s = strings.ReplaceAll(s, ":per_team", strconv.Itoa(perTeam))
	s = strings.ReplaceAll(s, ":teams", strconv.Itoa(teams))
	return strings.ReplaceAll(s, ":days", strconv.Itoa(days))
}

// TestSchedulerAndDigestQueriesUseIndexes fills PostgreSQL with 400 teams
// of 50 members and a week of prompts and updates (.ci/scale.sql, then
// ANALYZE, so the planner sees realistic statistics), runs a prompt
// scheduler pass at a time prompts are due, the digest scheduler and a
// digest load, and EXPLAINs every statement they ran: none may read a
// table of 5,000 rows or more with a sequential scan.
func TestSchedulerAndDigestQueriesUseIndexes(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	var mu sync.Mutex
	var capture bool
	seen := map[string]string{}
	shape := regexp.MustCompile(`'[^']*'|\b\d+\b`)
	db, err := store.Open(ctx, dsn, store.Options{OnQuery: func(q string) {
		mu.Lock()
		defer mu.Unlock()
		if capture {
			seen[shape.ReplaceAllString(q, "?")] = q
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, scaleSQL(t, 400, 50, 5)); err != nil {
		t.Fatalf("scale.sql: %v", err)
	}

	cfg := &Config{Server: defaultServer()}
	cfg.Server.Domain, cfg.Server.Outbox, cfg.Server.Secret = "tidings.test", t.TempDir(), "explain-test-secret-0123456789abcdef"
	// 09:00 in Berlin today (a weekday): an eighth of the teams are due.
	berlin, _ := time.LoadLocation("Europe/Berlin")
	day := time.Now().In(berlin)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, -1)
	}
	now := time.Date(day.Year(), day.Month(), day.Day(), 9, 5, 0, 0, berlin)
	d, err := newDeps(ctx, cfg, db, slog.New(slog.DiscardHandler), nil, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.prompter()
	if err != nil {
		t.Fatal(err)
	}
	dig, err := d.digestService()
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	capture = true
	mu.Unlock()
	sum, err := p.SendDue(ctx, now)
	if err != nil || sum.Queued == 0 {
		t.Fatalf("prompt pass: %+v, %v; want prompts queued", sum, err)
	}
	if _, err := p.SendDue(ctx, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	team, err := db.FindTeam(ctx, "scale-9")
	if err != nil {
		t.Fatal(err)
	}
	per, err := dig.Period(team, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dig.Load(ctx, team.ID, per); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	capture = false
	mu.Unlock()

	big := map[string]float64{}
	rows, err := raw.QueryContext(ctx, "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace AND reltuples >= 5000")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var n float64
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		big[name] = n
	}
	rows.Close()
	if big["members"] == 0 || big["prompts"] == 0 {
		t.Fatalf("big tables = %v: the data did not load", big)
	}
	checked := 0
	for _, q := range seen {
		if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(q)), "SELECT") &&
			!strings.HasPrefix(strings.ToUpper(strings.TrimSpace(q)), "UPDATE") {
			continue
		}
		var plan string
		if err := raw.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+q).Scan(&plan); err != nil {
			t.Errorf("explain %s: %v", q, err)
			continue
		}
		checked++
		for _, rel := range seqScans(t, plan) {
			if _, ok := big[rel]; ok {
				t.Errorf("sequential scan of %s (%.0f rows):\n%s\nplan: %s", rel, big[rel], q, plan)
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d statements checked: the hook did not capture the passes", checked)
	}
	t.Logf("%d distinct statements explained; tables of 5,000+ rows: %v", checked, big)
}

// seqScans returns the relations read by Seq Scan nodes of a JSON plan.
func seqScans(t *testing.T, plan string) []string {
	t.Helper()
	var root []struct{ Plan planNode }
	if err := json.Unmarshal([]byte(plan), &root); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n planNode)
	walk = func(n planNode) {
		if n.NodeType == "Seq Scan" {
			out = append(out, n.Relation)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	for _, r := range root {
		walk(r.Plan)
	}
	return out
}

type planNode struct {
	NodeType string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Plans    []planNode `json:"Plans"`
}
