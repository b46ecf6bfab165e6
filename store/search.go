package store

// Full-text search over the archive (issue 17). One table, search_docs,
// holds one row per searchable object (SearchUpdate, SearchMeeting,
// SearchOKR, SearchAsk), kept in step by the store methods that write those
// objects, in the same transaction (search_index.go). One-on-one content is
// never indexed; a meeting note is indexed only once filed with a team; an
// ask only once sent (never while pending), and never its answers.
//
// PostgreSQL: search_docs.tsv is a generated tsvector (the team's language
// configuration, Team.Language, "simple" by default) with a GIN index,
// queried with websearch_to_tsquery, ranked with ts_rank, snippets from
// ts_headline. SQLite: an FTS5 table (search_fts, unicode61 tokenizer,
// diacritics removed) kept in step by triggers, queried with MATCH on a
// query built from quoted terms, ranked with bm25, snippets from snippet().

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Search document kinds (SearchHit.Kind, SearchQuery.Kinds).
const (
	SearchUpdate  = "update"  // a member's current answers to a prompt
	SearchMeeting = "meeting" // a filed meeting note: summary, decisions, action items
	SearchOKR     = "okr"     // a key-result check-in comment, titled by its key result
	SearchAsk     = "ask"     // a sent ask or FYI: question, context, choices (never answers)
)

// Snippet markers: SearchHit.Snippet is plain text in which each matched
// term is wrapped in SnippetStart … SnippetEnd. Indexed text never holds
// these control characters, so a reader can escape the snippet for HTML
// and then replace the markers with <mark> and </mark>.
const (
	SnippetStart = "\x02"
	SnippetEnd   = "\x03"
)

// ErrEmptyQuery means the search text holds no word to look for (it is
// empty, only punctuation, or only negated terms).
var ErrEmptyQuery = errors.New("search: nothing to look for")

// SearchQuery selects documents. Text uses web-search syntax: words (all
// must match), "quoted phrases", -word or -"phrase" to exclude, and the
// word or between alternatives. Any text is valid: characters that mean
// something to the database are only ever searched for, never obeyed.
type SearchQuery struct {
	Text string
	// TeamIDs are the teams to search; required: an empty list finds
	// nothing. The caller passes the teams the viewer may read.
	TeamIDs []int64
	// MemberID, when not zero, keeps documents written by that member.
	MemberID int64
	// Kinds, when not empty, keeps those kinds (Search* constants).
	Kinds []string
	// Since and Until bound the document's time (Since inclusive, Until
	// exclusive); zero is open.
	Since, Until time.Time
	// Limit caps the hits (default 20, at most 200); Offset skips.
	Limit, Offset int
}

// SearchHit is one matching document, best first.
type SearchHit struct {
	Kind     string
	ObjectID int64 // Update, MeetingNote, KRValue or Ask ID, by Kind
	TeamID   int64
	MemberID int64 // author; 0 when none (asks from non-members, notes)
	Title    string
	// Snippet is an excerpt of the body with matches between SnippetStart
	// and SnippetEnd.
	Snippet string
	At      time.Time
	// Rank orders hits: higher is better; comparable only within one
	// result list.
	Rank float64
}

// Search returns the documents matching q, best first. A query with no
// word to look for gives ErrEmptyQuery; no team gives no hits.
func (db *DB) Search(ctx context.Context, q SearchQuery) ([]SearchHit, error) {
	pq := parseSearch(q.Text)
	if pq.empty() {
		return nil, fmt.Errorf("store: search: %w", ErrEmptyQuery)
	}
	if len(q.TeamIDs) == 0 {
		return nil, nil
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	q.Limit = min(q.Limit, 200)
	q.Offset = max(q.Offset, 0)
	var hits []SearchHit
	var err error
	if db.postgres {
		hits, err = db.searchPostgres(ctx, q, pq)
	} else {
		hits, err = db.searchSQLite(ctx, q, pq)
	}
	if err != nil {
		return nil, wrap("search", err)
	}
	for i := range hits {
		hits[i].At = hits[i].At.UTC()
	}
	return hits, nil
}

// searchFilters renders the filters shared by both backends on alias d,
// the teams as team says.
func searchFilters(q SearchQuery, postgres bool, team teamFilter) (string, []any) {
	var b strings.Builder
	var args []any
	switch {
	case team == teamsAll:
		// Every team there is (PostgreSQL, checked by the caller in the
		// same snapshot): a semi-join, not a 2,000-element array the
		// planner would intersect with the index. Documents left behind
		// by a removed team are still excluded.
		b.WriteString(" AND d.team_id IN (SELECT id FROM teams)")
	case team == teamsNone:
	case postgres:
		// One array parameter, not one parameter per team: a viewer of
		// thousands of teams must not cost thousands of bind values.
		args = append(args, int64Array(q.TeamIDs))
		b.WriteString(" AND d.team_id = ANY(CAST(? AS bigint[]))")
	default:
		args = append(args, q.TeamIDs)
		b.WriteString(" AND d.team_id IN ?")
	}
	if q.MemberID != 0 {
		b.WriteString(" AND d.member_id = ?")
		args = append(args, q.MemberID)
	}
	if len(q.Kinds) > 0 {
		b.WriteString(" AND d.kind IN ?")
		args = append(args, q.Kinds)
	}
	if !q.Since.IsZero() {
		b.WriteString(" AND d.at >= ?")
		args = append(args, q.Since.UTC())
	}
	if !q.Until.IsZero() {
		b.WriteString(" AND d.at < ?")
		args = append(args, q.Until.UTC())
	}
	return b.String(), args
}

func (db *DB) searchSQLite(ctx context.Context, q SearchQuery, pq searchExpr) ([]SearchHit, error) {
	filters, args := searchFilters(q, false, teamsListed)
	sql := `SELECT d.kind, d.object_id, d.team_id, d.member_id, d.at, d.title,
		snippet(search_fts, 1, char(2), char(3), '…', 24) AS snippet,
		-bm25(search_fts, 2.0, 1.0) AS rank
		FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
		WHERE search_fts MATCH ?` + filters + `
		ORDER BY rank DESC, d.at DESC, d.id DESC LIMIT ? OFFSET ?`
	all := append([]any{pq.fts5()}, args...)
	all = append(all, q.Limit, q.Offset)
	var hits []SearchHit
	err := db.gorm.WithContext(ctx).Raw(sql, all...).Scan(&hits).Error
	return hits, err
}

// searchLanguages are the PostgreSQL text-search configurations a team
// may name (all built in).
const searchLanguages = "simple arabic danish dutch english finnish french german greek hungarian " +
	"indonesian irish italian lithuanian nepali norwegian portuguese romanian russian spanish swedish tamil turkish"

// ValidSearchLanguage reports whether l names a built-in PostgreSQL
// text-search configuration a team may use as its language ("" is
// "simple": words are lowercased, not stemmed).
func ValidSearchLanguage(l string) bool {
	if l == "" {
		return true
	}
	return slices.Contains(SearchLanguages(), l)
}

// SearchLanguages lists the values ValidSearchLanguage accepts.
func SearchLanguages() []string { return strings.Fields(searchLanguages) }

// searchTerm is one word or phrase of a query.
type searchTerm struct {
	words []string // a phrase when more than one
	not   bool
}

// searchExpr is a parsed query: alternatives (or) of terms that must all
// match (or, for negated terms, not match).
type searchExpr [][]searchTerm

// parseSearch reads web-search syntax. Words are split on anything that
// is not a letter, digit or one of _@.'- inside a word, so no character
// ever reaches a database query language unquoted.
func parseSearch(s string) searchExpr {
	var out searchExpr
	var group []searchTerm
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		not := false
		if rs[i] == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			not = true
			i++
		}
		var raw string
		quoted := rs[i] == '"'
		if quoted {
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			raw = string(rs[i+1 : j])
			i = min(j+1, len(rs))
		} else {
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && rs[j] != '"' {
				j++
			}
			raw = string(rs[i:j])
			i = j
		}
		if !quoted && !not && strings.EqualFold(raw, "or") {
			if len(group) > 0 {
				out = append(out, group)
			}
			group = nil
			continue
		}
		if words := searchWords(raw); len(words) > 0 {
			group = append(group, searchTerm{words: words, not: not})
		}
	}
	if len(group) > 0 {
		out = append(out, group)
	}
	return out
}

// searchWords splits raw into words of letters and digits.
func searchWords(raw string) []string {
	return strings.FieldsFunc(raw, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) })
}

// positive reports whether g has a term that must match.
func positive(g []searchTerm) bool {
	for _, t := range g {
		if !t.not {
			return true
		}
	}
	return false
}

// empty reports whether no alternative has a word that must match.
func (e searchExpr) empty() bool {
	for _, g := range e {
		if positive(g) {
			return false
		}
	}
	return true
}

// fts5 renders e for SQLite FTS5 MATCH: every word in double quotes
// (words hold only letters and digits, so no quote to escape), NOT for
// exclusions, OR between alternatives; alternatives with no positive
// term are dropped (FTS5 cannot match "everything but").
func (e searchExpr) fts5() string {
	var alts []string
	for _, g := range e {
		if !positive(g) {
			continue
		}
		var pos, neg []string
		for _, t := range g {
			p := `"` + strings.Join(t.words, " ") + `"`
			if t.not {
				neg = append(neg, p)
			} else {
				pos = append(pos, p)
			}
		}
		s := "(" + strings.Join(pos, " AND ") + ")"
		for _, n := range neg {
			s = "(" + s + " NOT " + n + ")"
		}
		alts = append(alts, s)
	}
	return strings.Join(alts, " OR ")
}

// websearch renders e back to websearch_to_tsquery syntax with every term
// quoted, so the two backends read the same query.
func (e searchExpr) websearch() string {
	var alts []string
	for _, g := range e {
		if !positive(g) {
			continue
		}
		var ts []string
		for _, t := range g {
			p := `"` + strings.Join(t.words, " ") + `"`
			if t.not {
				p = "-" + p
			}
			ts = append(ts, p)
		}
		alts = append(alts, strings.Join(ts, " "))
	}
	return strings.Join(alts, " or ")
}
