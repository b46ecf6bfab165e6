package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// The digest's two big queries read only the columns a digest uses and
// scan them with database/sql directly: for a team of hundreds, gorm's
// reflection into whole rows, the unused time columns (each parsed from
// text on SQLite) and the generic JSON serializer cost more than the
// queries themselves.

// digestMembersSQL selects a team's memberships with the member columns a
// digest reads.
const digestMembersSQL = `SELECT m.id, m.email, m.name, COALESCE(m.timezone, ''), m.paused_until, m.away_until,
       COALESCE(m.unsubscribed, ?), ms.role,
       ms.paused_until, ms.away_until
FROM memberships ms JOIN members m ON m.id = ms.member_id
WHERE ms.team_id = ?
ORDER BY m.name, m.id`

// loadDigestMembers loads the members of team t like FindTeamMembers,
// filling ID, Email, Name, Timezone, PausedUntil, AwayUntil, Unsubscribed,
// Role, Location, DigestOff and Digest.
func (db *DB) loadDigestMembers(ctx context.Context, t *Team) ([]TeamMember, error) {
	off, prefs, err := db.digestOff(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	rows, err := db.gorm.WithContext(ctx).Raw(digestMembersSQL, false, t.ID).Rows()
	if err != nil {
		return nil, wrap("load digest members", err)
	}
	defer rows.Close()
	var out []TeamMember
	for rows.Next() {
		var m TeamMember
		var paused, away, teamPaused, teamAway sql.NullTime
		err := rows.Scan(&m.ID, &m.Email, &m.Name, &m.Timezone, &paused, &away, &m.Unsubscribed, &m.Role, &teamPaused, &teamAway)
		if err != nil {
			return nil, wrap("load digest members", err)
		}
		m.PausedUntil, m.AwayUntil = timePtr(paused), timePtr(away)
		teamState{timePtr(teamPaused), timePtr(teamAway)}.apply(&m.Member)
		m.DigestOff, m.Digest = off[m.ID], prefs[m.ID]
		if m.Location = m.Timezone; m.Location == "" {
			m.Location = t.Timezone
		}
		out = append(out, m)
	}
	return out, wrap("load digest members", rows.Err())
}

// The digest's prompts query selects the prompts due in a period with
// their updates, if any, in one pass. An update's member and check-in are
// its prompt's (createUpdate copies them). SQLite returns the two times as
// text, parsed by parseSQLiteTime, rather than through the driver's slower
// try-each-layout parsing.
const (
	digestPromptsSelect = `SELECT p.id, p.check_in_id, p.member_id, p.status, COALESCE(p.reason, ''),
       u.id, u.answers, u.has_blocker, u.version, `
	digestPromptsFrom = `
FROM prompts p LEFT JOIN updates u ON u.prompt_id = p.id
WHERE p.team_id = ? AND p.due_at >= ? AND p.due_at < ?
ORDER BY p.due_at, p.status, p.member_id, p.id`
	digestPromptsPostgres = digestPromptsSelect + `p.due_at, p.expires_at, p.sent_at, u.answered_at` + digestPromptsFrom
	digestPromptsSQLite   = digestPromptsSelect + `CAST(p.due_at AS TEXT), CAST(p.expires_at AS TEXT), CAST(p.sent_at AS TEXT), CAST(u.answered_at AS TEXT)` + digestPromptsFrom
)

// loadDigestPrompts fills d.Prompts (ordered by due time, then status,
// member and ID: the order of the index ix_prompt_team_due, so that SQLite
// need not sort) and d.Updates (in the order of their prompts) for
// [from, to) in one query. Prompts carry ID, CheckInID, MemberID, TeamID,
// DueAt, ExpiresAt, SentAt, Status and Reason; updates carry ID, PromptID, MemberID, TeamID,
// CheckInID, Answers, HasBlocker, Version and AnsweredAt.
func (db *DB) loadDigestPrompts(ctx context.Context, d *DigestData, from, to time.Time) error {
	q := digestPromptsSQLite
	if db.postgres {
		q = digestPromptsPostgres
	}
	rows, err := db.gorm.WithContext(ctx).Raw(q, d.Team.ID, from, to).Rows()
	if err != nil {
		return wrap("load digest prompts", err)
	}
	defer rows.Close()
	// At most one prompt a day per member and check-in, usually: a
	// capacity hint that saves regrowing slices of large structs.
	hint := min(len(d.Members)*max(len(d.CheckIns), 1)*(int(to.Sub(from)/(24*time.Hour))+1), 1<<16)
	d.Prompts, d.Updates = make([]Prompt, 0, hint), make([]Update, 0, hint)
	for rows.Next() {
		p := Prompt{TeamID: d.Team.ID}
		var uid, version sql.NullInt64
		var blocker sql.NullBool
		var due, expires, sent, answered scanTime
		var answers sql.RawBytes
		err := rows.Scan(&p.ID, &p.CheckInID, &p.MemberID, &p.Status, &p.Reason,
			&uid, &answers, &blocker, &version, &due, &expires, &sent, &answered)
		if err != nil {
			return wrap("load digest prompts", err)
		}
		p.DueAt, p.ExpiresAt, p.SentAt = time.Time(due), time.Time(expires), optTime(sent)
		d.Prompts = append(d.Prompts, p)
		if !uid.Valid {
			continue
		}
		u := Update{ID: uid.Int64, PromptID: p.ID, MemberID: p.MemberID, TeamID: d.Team.ID,
			CheckInID: p.CheckInID, HasBlocker: blocker.Bool, Version: int(version.Int64),
			AnsweredAt: time.Time(answered)}
		if u.Answers, err = decodeAnswers(answers); err != nil {
			return wrap("load digest prompts: update answers", err)
		}
		d.Updates = append(d.Updates, u)
	}
	return wrap("load digest prompts", rows.Err())
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

// decodeAnswers decodes a JSON-serialized []Answer exactly as
// encoding/json would. The common shape (an array of objects with the keys
// key, question and text, string values) is parsed directly, with one
// allocation for all its unescaped strings; anything else, and any string
// with escapes, goes through encoding/json. NULL and empty give nil.
func decodeAnswers(b []byte) ([]Answer, error) {
	if len(b) == 0 {
		return nil, nil
	}
	s := answerScanner{s: string(b)}
	if out, ok := s.answers(); ok {
		return out, nil
	}
	var out []Answer
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// answerScanner parses the common shape of a JSON []Answer; ok false means
// "not recognised", never an error: the caller falls back to encoding/json.
type answerScanner struct {
	s string
	i int
}

func (s *answerScanner) answers() (out []Answer, ok bool) {
	if s.ws(); strings.HasPrefix(s.s[s.i:], "null") {
		s.i += len("null")
		return nil, s.end()
	}
	if !s.eat('[') {
		return nil, false
	}
	if s.ws(); s.eat(']') {
		return []Answer{}, s.end()
	}
	for {
		a, ok := s.object()
		if !ok {
			return nil, false
		}
		out = append(out, a)
		switch s.ws(); {
		case s.eat(','):
		case s.eat(']'):
			return out, s.end()
		default:
			return nil, false
		}
	}
}

func (s *answerScanner) object() (a Answer, ok bool) {
	if s.ws(); !s.eat('{') {
		return a, false
	}
	if s.ws(); s.eat('}') {
		return a, true
	}
	for {
		s.ws()
		key, ok := s.str()
		if s.ws(); !ok || !s.eat(':') {
			return a, false
		}
		s.ws()
		v, ok := s.str()
		if !ok {
			return a, false
		}
		switch key {
		case "key":
			a.Key = v
		case "question":
			a.Question = v
		case "text":
			a.Text = v
		default: // encoding/json matches other spellings case-insensitively
			return a, false
		}
		switch s.ws(); {
		case s.eat(','):
		case s.eat('}'):
			return a, true
		default:
			return a, false
		}
	}
}

// str reads a JSON string: unescaped ones are sliced from s.s, escaped
// ones decoded by encoding/json; invalid UTF-8 and control characters are
// left to the fallback, which treats them as encoding/json does.
func (s *answerScanner) str() (string, bool) {
	if !s.eat('"') {
		return "", false
	}
	start, escaped, ascii := s.i, false, true
	for ; s.i < len(s.s); s.i++ {
		switch c := s.s[s.i]; {
		case c == '"':
			v := s.s[start:s.i]
			s.i++
			if escaped {
				var out string
				err := json.Unmarshal([]byte(s.s[start-1:s.i]), &out)
				return out, err == nil
			}
			return v, ascii || utf8.ValidString(v)
		case c == '\\':
			escaped = true
			s.i++
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

func (s *answerScanner) ws() {
	for s.i < len(s.s) && (s.s[s.i] == ' ' || s.s[s.i] == '\t' || s.s[s.i] == '\n' || s.s[s.i] == '\r') {
		s.i++
	}
}

func (s *answerScanner) eat(c byte) bool {
	if s.i < len(s.s) && s.s[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *answerScanner) end() bool {
	s.ws()
	return s.i == len(s.s)
}
