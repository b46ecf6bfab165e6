package store

// Keeping search_docs in step with what it indexes (see search.go). Every
// index* function runs on the gorm handle of the write it follows, so the
// document commits or rolls back with it.

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
)

// searchIndexVersion is stored in settings once the backfill of existing
// rows ran; raising it rebuilds the index at the next Open.
const searchIndexVersion = "1"

// settingSearchIndex is the settings key holding searchIndexVersion.
const settingSearchIndex = "search_index_version"

func searchSchema(postgres bool) []string {
	if postgres {
		return []string{
			`CREATE TABLE IF NOT EXISTS search_docs (
				id bigserial PRIMARY KEY,
				kind varchar(16) NOT NULL,
				object_id bigint NOT NULL,
				team_id bigint NOT NULL,
				member_id bigint NOT NULL DEFAULT 0,
				at timestamptz NOT NULL,
				title text NOT NULL DEFAULT '',
				body text NOT NULL DEFAULT '',
				lang regconfig NOT NULL DEFAULT 'simple',
				tsv tsvector GENERATED ALWAYS AS
					(setweight(to_tsvector(lang, title), 'A') || setweight(to_tsvector(lang, body), 'B')) STORED,
				UNIQUE (kind, object_id))`,
			`CREATE INDEX IF NOT EXISTS ix_search_docs_tsv ON search_docs USING gin (tsv)`,
			`CREATE INDEX IF NOT EXISTS ix_search_docs_team_at ON search_docs (team_id, at)`,
			`CREATE INDEX IF NOT EXISTS ix_search_docs_member ON search_docs (member_id)`,
			`CREATE INDEX IF NOT EXISTS ix_search_docs_at ON search_docs (at)`,
		}
	}
	return []string{
		`CREATE TABLE IF NOT EXISTS search_docs (
			id INTEGER PRIMARY KEY,
			kind TEXT NOT NULL,
			object_id INTEGER NOT NULL,
			team_id INTEGER NOT NULL,
			member_id INTEGER NOT NULL DEFAULT 0,
			at DATETIME NOT NULL,
			title TEXT NOT NULL DEFAULT '',
			body TEXT NOT NULL DEFAULT '',
			lang TEXT NOT NULL DEFAULT 'simple',
			UNIQUE (kind, object_id))`,
		`CREATE INDEX IF NOT EXISTS ix_search_docs_team_at ON search_docs (team_id, at)`,
		`CREATE INDEX IF NOT EXISTS ix_search_docs_member ON search_docs (member_id)`,
		`CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body,
			content='search_docs', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`,
		`CREATE TRIGGER IF NOT EXISTS search_docs_ai AFTER INSERT ON search_docs BEGIN
			INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END`,
		`CREATE TRIGGER IF NOT EXISTS search_docs_ad AFTER DELETE ON search_docs BEGIN
			INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END`,
		`CREATE TRIGGER IF NOT EXISTS search_docs_au AFTER UPDATE ON search_docs BEGIN
			INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
			INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END`,
	}
}

// migrateSearch creates the search tables and, once per
// searchIndexVersion, indexes every existing row.
func (db *DB) migrateSearch(ctx context.Context) error {
	g := db.gorm.WithContext(ctx)
	for _, s := range searchSchema(db.postgres) {
		if err := g.Exec(s).Error; err != nil {
			return fmt.Errorf("store: migrate search: %w", err)
		}
	}
	var v []string
	if err := g.Model(&Setting{}).Where(map[string]any{"key": settingSearchIndex}).Pluck("value", &v).Error; err != nil {
		return fmt.Errorf("store: migrate search: %w", err)
	}
	if len(v) == 1 && v[0] == searchIndexVersion {
		return nil
	}
	err := db.InTx(ctx, func(tx *DB) error {
		if err := tx.reindexSearch(ctx); err != nil {
			return err
		}
		return tx.gorm.WithContext(ctx).Save(&Setting{Key: settingSearchIndex, Value: searchIndexVersion}).Error
	})
	if err != nil {
		return fmt.Errorf("store: migrate search: backfill: %w", err)
	}
	return nil
}

// reindexSearch rebuilds search_docs from the indexed tables.
func (db *DB) reindexSearch(ctx context.Context) error {
	g := db.gorm.WithContext(ctx)
	if err := g.Exec("DELETE FROM search_docs").Error; err != nil {
		return err
	}
	var ids []int64
	if err := g.Model(&Update{}).Order("id").Pluck("id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		var u Update
		if err := g.Take(&u, id).Error; err != nil {
			return err
		}
		if err := indexUpdate(g, db.postgres, &u); err != nil {
			return err
		}
	}
	for _, r := range []struct {
		model any
		index func(*gorm.DB, bool, int64) error
	}{{&MeetingNote{}, indexNote}, {&Ask{}, indexAsk}, {&KRValue{}, indexKRValue}} {
		ids = nil
		if err := g.Model(r.model).Order("id").Pluck("id", &ids).Error; err != nil {
			return err
		}
		for _, id := range ids {
			if err := r.index(g, db.postgres, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// searchDoc is one row of search_docs.
type searchDoc struct {
	Kind                       string
	ObjectID, TeamID, MemberID int64
	At                         time.Time
	Title, Body                string
}

// searchText makes s indexable: valid UTF-8, and no control characters
// but newlines and tabs, so the snippet markers never come from the text.
func searchText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return ' '
		}
		return r
	}, s)
}

// upsertDoc writes d, replacing the document of the same kind and object.
// The language is the team's at the time of writing (syncTeam rewrites
// it when the team's changes).
func upsertDoc(g *gorm.DB, postgres bool, d searchDoc) error {
	lang := "(SELECT COALESCE(NULLIF(language, ''), 'simple') FROM teams WHERE id = ?)"
	if postgres {
		lang = "COALESCE(" + lang + ", 'simple')::regconfig"
	} else {
		lang = "COALESCE(" + lang + ", 'simple')"
	}
	title, body := searchText(d.Title), searchText(d.Body)
	return g.Exec(`INSERT INTO search_docs (kind, object_id, team_id, member_id, at, title, body, lang)
		VALUES (?, ?, ?, ?, ?, ?, ?, `+lang+`)
		ON CONFLICT (kind, object_id) DO UPDATE SET team_id = excluded.team_id, member_id = excluded.member_id,
		at = excluded.at, title = excluded.title, body = excluded.body, lang = excluded.lang`,
		d.Kind, d.ObjectID, d.TeamID, d.MemberID, d.At.UTC(), title, body, d.TeamID).Error
}

func deleteDoc(g *gorm.DB, kind string, id int64) error {
	return g.Exec("DELETE FROM search_docs WHERE kind = ? AND object_id = ?", kind, id).Error
}

// indexUpdate indexes u's current answers (not the questions: every
// update of a check-in asks the same), titled with the member's name, the
// check-in and the period.
func indexUpdate(g *gorm.DB, postgres bool, u *Update) error {
	var names struct{ Member, CheckIn string }
	err := g.Raw(`SELECT (SELECT name FROM members WHERE id = ?) AS member,
		(SELECT name FROM check_ins WHERE id = ?) AS check_in`, u.MemberID, u.CheckInID).Scan(&names).Error
	if err != nil {
		return fmt.Errorf("index update %d: %w", u.ID, err)
	}
	var body []string
	for _, a := range u.Answers {
		if t := strings.TrimSpace(a.Text); t != "" {
			body = append(body, t)
		}
	}
	title := strings.TrimSpace(names.Member + " · " + names.CheckIn + " " + u.Period)
	return upsertDoc(g, postgres, searchDoc{Kind: SearchUpdate, ObjectID: u.ID, TeamID: u.TeamID,
		MemberID: u.MemberID, At: u.AnsweredAt, Title: title, Body: strings.Join(body, "\n\n")})
}

// searchable reports whether a note belongs in the search index: filed
// under a team (never pending or quarantined).
func (n *MeetingNote) searchable() bool { return n.Status == NoteFiled && n.TeamID != nil }

// indexNote indexes a filed note with a team (summary, decisions, action
// items) and removes any other (pending, unassigned, quarantined) note.
func indexNote(g *gorm.DB, postgres bool, id int64) error {
	var n MeetingNote
	if err := g.Take(&n, id).Error; err != nil {
		return fmt.Errorf("index meeting note %d: %w", id, err)
	}
	if !n.searchable() {
		return deleteDoc(g, SearchMeeting, id)
	}
	var items []ActionItem
	if err := g.Where("note_id = ?", id).Order("id").Find(&items).Error; err != nil {
		return fmt.Errorf("index meeting note %d: %w", id, err)
	}
	body := []string{n.Summary}
	body = append(body, n.Decisions...)
	for _, it := range items {
		body = append(body, strings.TrimSpace(it.OwnerText+" "+it.Text))
	}
	at := n.MeetingDate
	if at.IsZero() {
		at = n.CreatedAt
	}
	var member int64
	if n.ForwardedByID != nil {
		member = *n.ForwardedByID
	}
	return upsertDoc(g, postgres, searchDoc{Kind: SearchMeeting, ObjectID: id, TeamID: *n.TeamID,
		MemberID: member, At: at, Title: n.Title, Body: strings.Join(body, "\n\n")})
}

// indexAsk indexes a sent ask (question, context, choices; never its
// answers, so an anonymous answer cannot be found by its words) and
// removes one still pending.
func indexAsk(g *gorm.DB, postgres bool, id int64) error {
	var a Ask
	if err := g.Take(&a, id).Error; err != nil {
		return fmt.Errorf("index ask %d: %w", id, err)
	}
	if a.Status == AskPending {
		return deleteDoc(g, SearchAsk, id)
	}
	var member int64
	if a.AskerID != nil {
		member = *a.AskerID
	}
	body := append([]string{a.Context}, a.Choices...)
	return upsertDoc(g, postgres, searchDoc{Kind: SearchAsk, ObjectID: id, TeamID: a.TeamID,
		MemberID: member, At: a.CreatedAt, Title: a.Question, Body: strings.Join(body, "\n")})
}

// indexKRValue indexes a key-result check-in's comment and note, titled
// with the key result; a check-in without words is not indexed.
func indexKRValue(g *gorm.DB, postgres bool, id int64) error {
	var v KRValue
	if err := g.Take(&v, id).Error; err != nil {
		return fmt.Errorf("index kr value %d: %w", id, err)
	}
	body := strings.TrimSpace(v.Comment + "\n\n" + v.Note)
	if body == "" {
		return deleteDoc(g, SearchOKR, id)
	}
	var kr KeyResult
	if err := g.Take(&kr, v.KeyResultID).Error; err != nil {
		return fmt.Errorf("index kr value %d: %w", id, err)
	}
	var member int64
	if v.MemberID != nil {
		member = *v.MemberID
	}
	return upsertDoc(g, postgres, searchDoc{Kind: SearchOKR, ObjectID: id, TeamID: kr.TeamID,
		MemberID: member, At: v.At, Title: kr.Key + " " + kr.Title, Body: body})
}

// setSearchLanguage moves a team's documents to its new language.
func setSearchLanguage(g *gorm.DB, postgres bool, teamID int64, lang string) error {
	if lang == "" {
		lang = "simple"
	}
	cast := "?"
	if postgres {
		cast = "?::regconfig"
	}
	return g.Exec("UPDATE search_docs SET lang = "+cast+" WHERE team_id = ?", lang, teamID).Error
}
