package store

// The PostgreSQL half of Search (search.go). Ranking reads the newest
// searchCandidates matches; finding them is the cost, and the best way
// depends on the query, so each search picks one of three plans, by about
// how many rows each would read (searchChoose):
//
//   - few: read every document the filters (teams, member, kinds, dates)
//     leave, through the (team_id, at) index, and test each one. Always
//     when they leave at most searchScanMax (counted exactly).
//   - newest first: scan ix_search_docs_at backwards testing each row
//     until searchCandidates match; cheap for frequent words, where the
//     GIN index would return hundreds of thousands of matches only to keep
//     the newest thousand. The scan is bounded at four times its estimate:
//     when the estimate was wrong and it finds fewer than searchCandidates,
//     the search runs again with the index (older matches may rank higher).
//   - index: the GIN index finds every match (in any team), then the
//     filters and a sort.
//
// Row counts are the planner's estimates (EXPLAIN) from the column
// statistics. A team list naming every team becomes a semi-join on the
// teams table: the planner, given a 2,000-element array that keeps every
// row, intersects the GIN index with a bitmap of the whole table. Every
// statement of one search reads one snapshot, so "every team" cannot
// change under it.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// searchCandidates is how many of the newest matches PostgreSQL ranks: a
// word found in most documents is ranked among its newest 1,000 matches,
// not all of them (see docs/archive-data.md).
const searchCandidates = 1000

// searchScanMax is the most documents (after the team, member, kind and
// date filters) PostgreSQL tests one by one instead of using the GIN
// index.
const searchScanMax = 20000

// teamFilter says how searchFilters limits the teams.
type teamFilter int

const (
	teamsListed teamFilter = iota // the teams of SearchQuery.TeamIDs
	teamsAll                      // every team there is (a semi-join on teams)
	teamsNone                     // no team condition (plan estimates only)
)

// searchPlan names the plans above.
type searchPlan int

// scanUnbounded as a newest-first scan's bound reads every row (tests).
const scanUnbounded = 1 << 31

// searchForce makes every PostgreSQL search use plan (tests: each plan must
// find the same documents).
type searchForce struct {
	plan searchPlan
	scan int
}

const (
	planIndex searchPlan = iota
	planFew
	planNewest
	planEstimate // tests: choose by the estimates alone, never by the count
)

// searchTeams returns the search languages of the teams in ids, whether
// ids names every team there is, and the estimated number of documents.
func (db *DB) searchTeams(ctx context.Context, ids []int64) (langs []string, every bool, docs float64, err error) {
	var rows []struct {
		Lang        string
		Mine, Total int
		Docs        float64
	}
	err = db.gorm.WithContext(ctx).Raw(`SELECT COALESCE(NULLIF(language, ''), 'simple') AS lang,
		count(*) FILTER (WHERE id = ANY(CAST(? AS bigint[]))) AS mine, count(*) AS total,
		(SELECT COALESCE(max(reltuples), 0) FROM pg_class WHERE oid = to_regclass('search_docs')) AS docs
		FROM teams GROUP BY 1 ORDER BY 1`, int64Array(ids)).Scan(&rows).Error
	if err != nil {
		return nil, false, 0, err
	}
	mine, total := 0, 0
	for _, r := range rows {
		if r.Mine > 0 {
			langs = append(langs, r.Lang)
		}
		mine += r.Mine
		total += r.Total
		docs = r.Docs
	}
	return langs, total > 0 && mine == total, docs, nil
}

// searchPostgres runs its statements in one read-only snapshot, so that
// "every team" (searchTeams) still holds when the documents are read.
func (db *DB) searchPostgres(ctx context.Context, q SearchQuery, pq searchExpr) (hits []SearchHit, err error) {
	err = db.InTx(ctx, func(tx *DB) error {
		hits, err = tx.searchSnapshot(ctx, q, pq)
		return err
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	return hits, err
}

func (db *DB) searchSnapshot(ctx context.Context, q SearchQuery, pq searchExpr) ([]SearchHit, error) {
	langs, every, docs, err := db.searchTeams(ctx, q.TeamIDs)
	if err != nil || len(langs) == 0 {
		return nil, err
	}
	// Languages come from a fixed list (ValidSearchLanguage), checked again
	// here, so inlining them as literals is safe.
	for _, l := range langs {
		if !ValidSearchLanguage(l) {
			return nil, fmt.Errorf("team language %q is not a search language", l)
		}
	}
	tsq := func(l string) string { return "websearch_to_tsquery('" + l + "', @q)" }
	// match is the condition on d; indexed says whether it is written as
	// the @@ operator the GIN index serves, or as the function the
	// operator calls, which no index serves (the newest-first plan).
	match := func(indexed bool) string {
		test := func(l string) string {
			if indexed {
				return "d.tsv @@ " + tsq(l)
			}
			return "ts_match_vq(d.tsv, " + tsq(l) + ")"
		}
		if len(langs) == 1 {
			return test(langs[0])
		}
		var or []string
		for _, l := range langs {
			or = append(or, "(d.lang = '"+l+"'::regconfig AND "+test(l)+")")
		}
		return "(" + strings.Join(or, " OR ") + ")"
	}
	query := tsq(langs[0])
	if len(langs) > 1 {
		var cs []string
		for _, l := range langs {
			cs = append(cs, "WHEN '"+l+"'::regconfig THEN "+tsq(l))
		}
		query = "CASE d.lang " + strings.Join(cs, " ") + " END"
	}
	// Named arguments (@q …) for the query text; the filters' positional
	// arguments are renamed too so both kinds do not mix.
	named := map[string]any{"q": pq.websearch(), "limit": q.Limit, "offset": q.Offset, "window": searchCandidates}
	renamed := func(team teamFilter) string {
		filters, fargs := searchFilters(q, true, team)
		for i, a := range fargs {
			name := fmt.Sprintf("f%d", i)
			filters = strings.Replace(filters, "?", "@"+name, 1)
			named[name] = a
		}
		return filters
	}
	filters, chooseBy := renamed(teamsListed), ""
	if every {
		// The plan is chosen as if there were no team condition (it keeps
		// every document but those of removed teams).
		filters, chooseBy = renamed(teamsAll), renamed(teamsNone)
	} else {
		chooseBy = filters
	}
	plan, scan, err := db.searchChoose(ctx, match(true), chooseBy, named, docs)
	if err != nil {
		return nil, err
	}
	// run returns the page of hits and how many candidates were ranked.
	run := func(plan searchPlan) ([]SearchHit, int, error) {
		var cands string
		switch plan {
		case planFew:
			cands = `f AS MATERIALIZED (SELECT d.id, d.at, d.lang, d.tsv FROM search_docs d WHERE true` + filters + `),
			c AS (SELECT d.id FROM f d WHERE ` + match(true) + ` ORDER BY d.at DESC LIMIT @window)`
		case planNewest:
			// n yields rows newest first, lazily, at most @scan of them; c
			// stops pulling at @window matches.
			cands = `n AS (SELECT d.id, d.at, d.lang, d.tsv FROM search_docs d WHERE true` + filters + ` ORDER BY d.at DESC LIMIT @scan),
			c AS (SELECT d.id FROM n d WHERE ` + match(false) + ` ORDER BY d.at DESC LIMIT @window)`
		default:
			cands = `c AS (SELECT d.id FROM search_docs d WHERE ` + match(true) + filters + ` ORDER BY d.at DESC LIMIT @window)`
		}
		stmt := `WITH ` + cands + `
		SELECT s.kind, s.object_id, s.team_id, s.member_id, s.at, s.title, s.rank, (SELECT count(*) FROM c) AS candidates,
		ts_headline(s.lang, s.body, s.tq, 'StartSel=' || chr(2) || ', StopSel=' || chr(3) ||
			', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
		FROM (SELECT d.id, d.kind, d.object_id, d.team_id, d.member_id, d.at, d.title, d.body, d.lang,
				` + query + ` AS tq, ts_rank(d.tsv, ` + query + `) AS rank
			FROM c JOIN search_docs d ON d.id = c.id
			ORDER BY rank DESC, d.at DESC, d.id DESC LIMIT @limit OFFSET @offset) s
		ORDER BY s.rank DESC, s.at DESC, s.id DESC`
		var rows []struct {
			SearchHit
			Candidates int
		}
		if err := db.gorm.WithContext(ctx).Raw(stmt, merge(named, map[string]any{"scan": scan})).Scan(&rows).Error; err != nil {
			return nil, 0, err
		}
		hits := make([]SearchHit, len(rows))
		ranked := 0
		for i, r := range rows {
			hits[i], ranked = r.SearchHit, r.Candidates
		}
		return hits, ranked, nil
	}
	hits, ranked, err := run(plan)
	if err == nil && plan == planNewest && ranked < searchCandidates && scan < scanUnbounded {
		// The bounded scan found fewer candidates than are ranked: the
		// estimate was wrong, and older matches may rank higher. Let the
		// index find them all.
		hits, _, err = run(planIndex)
	}
	return hits, err
}

// searchChoose picks the plan for the indexed match condition and filters
// (see the top of this file) and, for planNewest, the scan bound. docs is
// the estimated number of documents.
func (db *DB) searchChoose(ctx context.Context, match, filters string, named map[string]any, docs float64) (searchPlan, int, error) {
	counted := true
	if f := db.searchForce; f != nil {
		if f.plan != planEstimate {
			return f.plan, f.scan, nil
		}
		counted = false
	}
	// Few documents in the filtered teams and dates: read them and test
	// each, rather than let the planner intersect them with every match of
	// a common word in the GIN index (it underestimates that cost). The
	// count stops at the limit; ORDER BY team_id makes it an index-only
	// scan of (team_id, at) instead of reading wide rows.
	scanMax := searchScanMax
	if counted && (filters != "" || docs <= float64(scanMax)) {
		var few int
		err := db.gorm.WithContext(ctx).Raw(`SELECT count(*) FROM (SELECT 1 FROM search_docs d WHERE true`+filters+
			` ORDER BY d.team_id LIMIT @scan) x`, merge(named, map[string]any{"scan": max(scanMax, 0) + 1})).Scan(&few).Error
		if err != nil {
			return planIndex, 0, err
		}
		if few <= scanMax {
			return planFew, 0, nil
		}
	}
	// Otherwise each plan costs about one row read per row it looks at:
	// the filtered documents (few), the rows newest first until
	// searchCandidates match (newest), or every match of the words in any
	// team (index: the GIN index knows no teams). The planner estimates
	// each from the column statistics (frequent words are in them; others
	// are estimated low); the cheapest plan wins.
	matchesHere, err := db.searchEstimate(ctx, match+filters, named)
	if err != nil {
		return planIndex, 0, err
	}
	matchesAll, filtered := matchesHere, docs
	if filters != "" {
		if matchesAll, err = db.searchEstimate(ctx, match, named); err != nil {
			return planIndex, 0, err
		}
		if filtered, err = db.searchEstimate(ctx, "true"+filters, named); err != nil {
			return planIndex, 0, err
		}
	}
	if matchesHere < 1 || docs < 1 {
		return planIndex, 0, nil
	}
	// Reading newest first, one row in docs/matchesHere matches.
	newest := float64(searchCandidates) * docs / matchesHere
	switch {
	case filters != "" && filtered < newest && filtered < matchesAll:
		return planFew, 0, nil
	case newest < matchesAll:
		return planNewest, int(max(4*newest, searchScanMax)), nil
	}
	return planIndex, 0, nil
}

// searchEstimate is the planner's estimate of the rows of search_docs d
// that meet cond.
func (db *DB) searchEstimate(ctx context.Context, cond string, named map[string]any) (float64, error) {
	var out string
	err := db.gorm.WithContext(ctx).Raw(`EXPLAIN (FORMAT JSON) SELECT 1 FROM search_docs d WHERE `+cond, named).Row().Scan(&out)
	if err != nil {
		return 0, err
	}
	var plans []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal([]byte(out), &plans); err != nil {
		return 0, fmt.Errorf("search plan estimate: %w", err)
	}
	if len(plans) == 0 {
		return 0, errors.New("search plan estimate: no plan")
	}
	return plans[0].Plan.Rows, nil
}

// merge returns a copy of a with b's entries added.
func merge(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// int64Array is a PostgreSQL bigint[] parameter.
type int64Array []int64

// Value renders the array literal {1,2,3}.
func (a int64Array) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, v := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(v, 10))
	}
	b.WriteByte('}')
	return b.String(), nil
}
