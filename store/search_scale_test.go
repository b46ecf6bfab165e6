//go:build scale

package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// scaleWords are the frequent words of synthetic updates, most frequent
// first; scaleVocabulary adds a long tail of rarer made-up words (project
// names, jargon), so word frequencies fall off like real text.
const scaleWords = `the and to of a in for on with we is it review fix deploy release pipeline customer ` +
	`billing dashboard api service bug test tests migration database query latency page team meeting ` +
	`design doc docs onboarding sprint ticket tickets pull request merged shipped blocked waiting on ` +
	`staging production rollout rollback incident alert alerts monitoring metrics cache queue worker ` +
	`email invoice report quarterly roadmap planning interview hiring feedback spec mobile ios android ` +
	`web frontend backend search index refactor cleanup performance security audit login password ` +
	`session token upgrade dependency library framework build ci flaky timeout retry config feature ` +
	`flag experiment analytics funnel signup pricing contract partner vendor support escalation sla ` +
	`backlog estimate scope deadline demo prototype sketch wireframe copy translation localisation`

// scaleVocabulary returns scaleWords followed by n made-up words.
func scaleVocabulary(n int) []string {
	r := rand.New(rand.NewPCG(17, 17))
	syl := strings.Fields("ka lo mi nu ra te vo zi pe sa du fo gri bel tor wen qua ix ost ery")
	words := strings.Fields(scaleWords)
	seen := map[string]bool{}
	for _, w := range words {
		seen[w] = true
	}
	for len(words) < len(strings.Fields(scaleWords))+n {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// TestScaleSearch loads 1,000,000 synthetic updates for 2,000 teams into a
// fresh PostgreSQL schema (updates rows and their search documents, as
// SaveUpdate writes them, by set-based INSERT … SELECT), then measures
// DB.Search for a set of queries over three runs, against a baseline of
// the same filter with ILIKE on the body (what a search without the
// full-text index does). Run with
//
//	TIDINGS_TEST_DATABASE_URL=postgres://… go test -count=1 -tags scale -run TestScaleSearch -v -timeout 60m ./store/
//
// TIDINGS_SCALE_UPDATES overrides the number of updates.
// TIDINGS_SCALE_SCHEMA=NAME loads into that schema and keeps it (drop it
// yourself), and skips loading when it already holds the documents, to
// measure again without generating again.
func TestScaleSearch(t *testing.T) {
	total := 1_000_000
	if s := os.Getenv("TIDINGS_SCALE_UPDATES"); s != "" {
		fmt.Sscan(s, &total)
	}
	const teams, members = 2000, 20000
	var dsn string
	if keep := os.Getenv("TIDINGS_SCALE_SCHEMA"); keep != "" {
		dsn = keptSchema(t, keep)
	} else {
		dsn = storetest.PostgresDSN(t)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	vocab := scaleVocabulary(5000)
	start := time.Now()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q[:min(60, len(q))], err)
		}
	}
	var have int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM search_docs`).Scan(&have); err != nil {
		t.Fatal(err)
	}
	if have < total {
		load(t, exec, vocab, total, teams, members)
	}
	t.Logf("loaded %d updates for %d teams in %v", total, teams, time.Since(start).Round(time.Second))
	var n, xylo int
	if err := raw.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE body LIKE '%xylophone%') FROM search_docs`).Scan(&n, &xylo); err != nil {
		t.Fatal(err)
	}
	if n < total || xylo != 50 {
		t.Fatalf("search_docs holds %d documents, %d with xylophone; want %d and 50", n, xylo, total)
	}
	var size string
	if err := raw.QueryRowContext(ctx, `SELECT pg_size_pretty(pg_total_relation_size('search_docs'))`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	t.Logf("search_docs: %d rows, %d with xylophone, %s with indexes", n, xylo, size)

	all := make([]int64, teams)
	for i := range all {
		all[i] = int64(i + 1)
	}
	ten := all[:10]
	cases := []struct {
		name  string
		q     store.SearchQuery
		ilike string // baseline: the same filter with body ILIKE '%word%'
	}{
		{"common word, 1 team", store.SearchQuery{Text: "deploy", TeamIDs: all[41:42]}, "deploy"},
		{"common word, 10 teams", store.SearchQuery{Text: "deploy", TeamIDs: ten}, "deploy"},
		{"two words, 10 teams", store.SearchQuery{Text: "billing latency", TeamIDs: ten}, "billing"},
		{"common word, 200 teams", store.SearchQuery{Text: "deploy", TeamIDs: all[:200]}, "deploy"},
		{"rare word, 200 teams", store.SearchQuery{Text: "xylophone", TeamIDs: all[:200]}, "xylophone"},
		{"rare word, all teams", store.SearchQuery{Text: "xylophone", TeamIDs: all}, "xylophone"},
		{"phrase, all teams", store.SearchQuery{Text: `"pull request"`, TeamIDs: all}, "pull request"},
		{"mid-frequency word, all teams", store.SearchQuery{Text: "invoice", TeamIDs: all}, "invoice"},
		{"common word, all teams", store.SearchQuery{Text: "deploy", TeamIDs: all}, "deploy"},
	}
	for run := 1; run <= 3; run++ {
		for _, c := range cases {
			var times []time.Duration
			hits := 0
			for range 20 {
				t0 := time.Now()
				h, err := db.Search(ctx, c.q)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				times = append(times, time.Since(t0))
				hits = len(h)
			}
			var base []time.Duration
			var baseHits int
			for range 1 { // a sequential scan of 1M rows: one per run
				t0 := time.Now()
				rows, err := raw.QueryContext(ctx, `SELECT id FROM search_docs WHERE team_id = ANY($1) AND body ILIKE $2
					ORDER BY at DESC LIMIT 20`, c.q.TeamIDs, "%"+c.ilike+"%")
				if err != nil {
					t.Fatal(err)
				}
				baseHits = 0
				for rows.Next() {
					baseHits++
				}
				rows.Close()
				base = append(base, time.Since(t0))
			}
			// ILIKE matches every occurrence (and parts of words), so the
			// search finds no more than it; at full size every case has a
			// page of hits (the rare word is in 50 documents): a fast
			// search that finds nothing is no result.
			if hits > baseHits || (total == 1_000_000 && hits != 20) {
				t.Errorf("%s: search found %d, ILIKE %d", c.name, hits, baseHits)
			}
			t.Logf("run %d  %-30s search p50 %7.1f ms  p99 %7.1f ms (%2d hits) | ILIKE baseline %8.1f ms (%2d hits)",
				run, c.name, ms(pct(times, 50)), ms(pct(times, 99)), hits, ms(pct(base, 50)), baseHits)
		}
	}
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load generates the synthetic archive (see TestScaleSearch).
func load(t *testing.T, exec func(string, ...any), vocab []string, total, teams, members int) {
	exec(`INSERT INTO teams (id, slug, name, timezone, created_at, updated_at)
		SELECT g, 'team-' || g, 'Team ' || g, 'UTC', now(), now() FROM generate_series(1, $1::int) g`, teams)
	exec(`INSERT INTO members (id, email, name, created_at, updated_at)
		SELECT g, 'm' || g || '@example.com', 'Member ' || g, now(), now() FROM generate_series(1, $1::int) g`, members)
	exec(`INSERT INTO check_ins (id, team_id, name, schedule, created_at, updated_at)
		SELECT g, g, 'daily', 'mon-fri 09:00', now(), now() FROM generate_series(1, $1::int) g`, teams)
	exec(`DROP INDEX ix_search_docs_tsv`)
	// Each update: two answers of 8–40 words drawn with a skewed
	// distribution (power 3: the first words are frequent, the tail rare),
	// one update a minute from 2024-01-01, members of their team.
	const batch = 100_000
	for from := 1; from <= total; from += batch {
		to := min(from+batch-1, total)
		exec(`WITH v AS (SELECT $1::text[] AS w, cardinality($1::text[]) AS n)
			INSERT INTO updates (id, prompt_id, member_id, team_id, check_in_id, period, answers, version, answered_at, created_at, updated_at)
			SELECT g, g, 1 + (g % $4::int), 1 + (g % $4::int) % $5::int, 1 + (g % $4::int) % $5::int,
				to_char(timestamptz '2024-01-01' + g * interval '1 minute', 'YYYY-MM-DD'),
				json_build_array(
					json_build_object('key', 'done', 'question', 'What did you get done?', 'text',
						(SELECT string_agg(v.w[1 + floor(power(random(), 3) * v.n)::int + 0 * s], ' ') FROM generate_series(1, 8 + (g * 7) % 33) s WHERE g > 0)),
					json_build_object('key', 'next', 'question', 'What is next?', 'text',
						(SELECT string_agg(v.w[1 + floor(power(random(), 3) * v.n)::int + 0 * s], ' ') FROM generate_series(1, 8 + (g * 13) % 25) s WHERE g > 0))
				)::text,
				1, timestamptz '2024-01-01' + g * interval '1 minute', now(), now()
			FROM v, generate_series($2::int, $3::int) g`, vocab, from, to, members, teams)
	}
	// A word that appears in exactly 50 updates.
	exec(`UPDATE updates SET answers = replace(answers, '"next", "question" : "What is next?", "text" : "', '"next", "question" : "What is next?", "text" : "xylophone ')
		WHERE id % ($1::int / 50) = 0`, total)
	exec(`INSERT INTO search_docs (kind, object_id, team_id, member_id, at, title, body, lang)
		SELECT 'update', u.id, u.team_id, u.member_id, u.answered_at, m.name || ' · daily ' || u.period,
			(u.answers::jsonb -> 0 ->> 'text') || E'\n\n' || (u.answers::jsonb -> 1 ->> 'text'), 'simple'
		FROM updates u JOIN members m ON m.id = u.member_id`)
	exec(`SET maintenance_work_mem = '512MB'`)
	idx := time.Now()
	exec(`CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)`)
	exec(`VACUUM ANALYZE`) // as autovacuum leaves a settled table: visibility map set
	t.Logf("GIN index built in %v", time.Since(idx).Round(time.Second))
}

// keptSchema returns a DSN for schema name in the test PostgreSQL,
// creating it if needed; it is not dropped.
func keptSchema(t *testing.T, name string) string {
	base := os.Getenv(storetest.EnvURL)
	if base == "" {
		t.Fatalf("%s is not set: the scale test needs PostgreSQL", storetest.EnvURL)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA IF NOT EXISTS "` + strings.ReplaceAll(name, `"`, ``) + `"`); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
