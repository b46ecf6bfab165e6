package store

// Meeting notes and their action items.
//
// What the columns mean, for the digest and the prompts that read them:
//
// MeetingNote
//   - TeamID: the team the note is filed under; nil while the note is
//     unassigned (the forwarder belongs to several teams and was asked which
//     one) or quarantined (the sender may not post).
//   - Status: NoteFiled (visible in digests and the CLI), NoteUnassigned
//     (waiting for the forwarder's answer), NoteQuarantined (kept for the
//     operator, never shown to a team).
//   - ForwardedByID/ForwardedBy: the member (when known) and address that
//     sent the note to Tidings.
//   - OriginalFrom/OriginalFromName/OriginalSubject: the forwarded
//     message's header; for a summary written directly they repeat the
//     sender and subject.
//   - MeetingDate: when the meeting happened, which is the original
//     message's date, never the forward's. Due dates are read against it.
//   - Title: the meeting's name ("Q1 capacity planning sync").
//   - Summary: the notes' text as received (the forwarder's own note
//     excluded). Decisions: one sentence each, in the order written.
//   - MessageID: the Message-ID of the message that carried the note.
//
// ActionItem
//   - NoteID: its note; TeamID: the note's team (nil while the note is not
//     filed).
//   - OwnerMemberID: the team member who owns it, when the name written in
//     the notes matched exactly one member. Only these rows are listed in
//     a member's prompts.
//   - OwnerText: the owner as written ("Maria", "@maria", "Legal"); kept even
//     when OwnerMemberID is set, so a name can be re-matched when a note is
//     filed later.
//   - Due: the due day at midnight UTC (a calendar day, not an instant);
//     nil when none was given.
//   - Status: ActionOpen or ActionDone; DoneAt is when it was closed (by a
//     "done:" reply, or ticked in the notes: then the note's arrival time).

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// DateIn places a calendar date stored as UTC midnight (ActionItem.Due)
// in loc: the same year, month and day as t's UTC date, at midnight in
// loc. Converting such a date with t.In(loc) instead would show the day
// before anywhere west of UTC. A nil loc means UTC.
func DateIn(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// MeetingNoteFilter selects meeting notes; zero fields do not filter.
type MeetingNoteFilter struct {
	TeamID *int64
	Status string
	// Since and Until bound MeetingDate: Since <= date < Until.
	Since, Until time.Time
	// Limit caps the rows returned (newest meeting first); 0 means all.
	Limit int
}

// MeetingNoteSummary is a note with its item counts, for listings.
type MeetingNoteSummary struct {
	MeetingNote
	TeamSlug string // empty when the note has no team
	Open     int    // open action items
	Done     int    // closed action items
}

// ActionItemFilter selects action items; zero fields do not filter.
type ActionItemFilter struct {
	NoteID        int64
	TeamID        *int64
	OwnerMemberID int64
	Status        string
	// DoneSince keeps only items closed at or after this time (digest:
	// "closed this week"); it implies Status ActionDone.
	DoneSince time.Time
}

// ActionItemNote is an action item with the note it came from, as listed in
// a member's prompt ("from Q1 capacity planning sync").
type ActionItemNote struct {
	ActionItem
	NoteTitle   string
	MeetingDate time.Time
	// OneOnOneWith is set for an item of a one-on-one (see
	// OpenOneOnOneItemsOf): the name of the other person of the pair.
	// Such an item is private to the pair: only its owner's own prompt
	// may show it. ActionItem.ID is then the OneOnOneItem's ID.
	OneOnOneWith string `gorm:"-"`
}

// CreateMeetingNote inserts n and its items in one transaction; each
// item's NoteID and TeamID are set from n (IDs are filled in), and text
// fields are made storable (no NUL, valid UTF-8). A note whose
// ID is already set gives ErrConflict.
func (db *DB) CreateMeetingNote(ctx context.Context, n *MeetingNote, items []ActionItem) error {
	cleanNote(n, items)
	err := db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		if err := g.Create(n).Error; err != nil {
			return err
		}
		if err := insertItems(g, n, items); err != nil {
			return err
		}
		if !n.searchable() {
			return nil // a new note has no search document to delete
		}
		return indexNote(g, db.postgres, n.ID)
	})
	return wrap("create meeting note", err)
}

func insertItems(g *gorm.DB, n *MeetingNote, items []ActionItem) error {
	for i := range items {
		items[i].ID = 0
		items[i].NoteID, items[i].TeamID = n.ID, itemTeam(n)
		if items[i].Status == "" {
			items[i].Status = ActionOpen
		}
	}
	if len(items) == 0 {
		return nil
	}
	return g.Create(&items).Error
}

// ReplaceMeetingNote saves n's fields (team, status, title, decisions, …)
// and replaces all of its action items with items, in one transaction.
// An unknown note gives ErrNotFound.
func (db *DB) ReplaceMeetingNote(ctx context.Context, n *MeetingNote, items []ActionItem) error {
	cleanNote(n, items)
	err := db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		res := g.Model(&MeetingNote{}).Where("id = ?", n.ID).Select("*").Omit("id", "created_at").Updates(n)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if err := g.Where("note_id = ?", n.ID).Delete(&ActionItem{}).Error; err != nil {
			return err
		}
		if err := insertItems(g, n, items); err != nil {
			return err
		}
		return indexNote(g, db.postgres, n.ID)
	})
	return wrap("replace meeting note", err)
}

// MeetingNoteByID returns the note, or ErrNotFound.
func (db *DB) MeetingNoteByID(ctx context.Context, id int64) (*MeetingNote, error) {
	var n MeetingNote
	if err := db.gorm.WithContext(ctx).Take(&n, id).Error; err != nil {
		return nil, wrap("find meeting note", err)
	}
	return &n, nil
}

// FindMeetingNotes returns the notes f selects with their team slug and
// item counts, newest meeting first.
func (db *DB) FindMeetingNotes(ctx context.Context, f MeetingNoteFilter) ([]MeetingNoteSummary, error) {
	q := db.gorm.WithContext(ctx).Model(&MeetingNote{})
	if f.TeamID != nil {
		q = q.Where("team_id = ?", *f.TeamID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if !f.Since.IsZero() {
		q = q.Where("meeting_date >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("meeting_date < ?", f.Until.UTC())
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var notes []MeetingNote
	if err := q.Order("meeting_date DESC, id DESC").Find(&notes).Error; err != nil {
		return nil, wrap("find meeting notes", err)
	}
	return db.summarize(ctx, notes)
}

// summarize adds team slugs and item counts with two grouped queries.
func (db *DB) summarize(ctx context.Context, notes []MeetingNote) ([]MeetingNoteSummary, error) {
	out := make([]MeetingNoteSummary, len(notes))
	if len(notes) == 0 {
		return out, nil
	}
	ids := make([]int64, len(notes))
	for i, n := range notes {
		ids[i] = n.ID
	}
	type count struct {
		NoteID int64
		Status string
		N      int
	}
	var counts []count
	err := db.gorm.WithContext(ctx).Model(&ActionItem{}).Select("note_id, status, COUNT(*) AS n").
		Where("note_id IN ?", ids).Group("note_id, status").Scan(&counts).Error
	if err != nil {
		return nil, wrap("count action items", err)
	}
	teams, err := db.FindTeams(ctx)
	if err != nil {
		return nil, err
	}
	slug := make(map[int64]string, len(teams))
	for _, t := range teams {
		slug[t.ID] = t.Slug
	}
	at := make(map[int64]*MeetingNoteSummary, len(notes))
	for i, n := range notes {
		out[i].MeetingNote = n
		if n.TeamID != nil {
			out[i].TeamSlug = slug[*n.TeamID]
		}
		at[n.ID] = &out[i]
	}
	for _, c := range counts {
		if c.Status == ActionDone {
			at[c.NoteID].Done += c.N
		} else {
			at[c.NoteID].Open += c.N
		}
	}
	return out, nil
}

// FindActionItems returns the items f selects, ordered by note, then
// position in the note.
func (db *DB) FindActionItems(ctx context.Context, f ActionItemFilter) ([]ActionItem, error) {
	q := db.gorm.WithContext(ctx).Model(&ActionItem{})
	if f.NoteID != 0 {
		q = q.Where("note_id = ?", f.NoteID)
	}
	if f.TeamID != nil {
		q = q.Where("team_id = ?", *f.TeamID)
	}
	if f.OwnerMemberID != 0 {
		q = q.Where("owner_member_id = ?", f.OwnerMemberID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if !f.DoneSince.IsZero() {
		q = q.Where("status = ? AND done_at >= ?", ActionDone, f.DoneSince.UTC())
	}
	var out []ActionItem
	err := q.Order("note_id, id").Find(&out).Error
	return out, wrap("find action items", err)
}

// OpenActionItems returns the member's open items from filed notes, with
// the note's title and date, oldest due date first (items without a due
// date last). This is what a prompt lists.
func (db *DB) OpenActionItems(ctx context.Context, memberID int64) ([]ActionItemNote, error) {
	var out []ActionItemNote
	err := db.gorm.WithContext(ctx).Table("action_items").
		Select("action_items.*, meeting_notes.title AS note_title, meeting_notes.meeting_date AS meeting_date").
		Joins("JOIN meeting_notes ON meeting_notes.id = action_items.note_id").
		Where("action_items.owner_member_id = ? AND action_items.status = ? AND meeting_notes.status = ?",
			memberID, ActionOpen, NoteFiled).
		Order("action_items.due IS NULL, action_items.due, action_items.id").Scan(&out).Error
	return out, wrap("find open action items", err)
}

// CloseActionItem marks the item done at the given time. Closing an item
// that is already done keeps its first DoneAt; an unknown item gives
// ErrNotFound.
func (db *DB) CloseActionItem(ctx context.Context, id int64, at time.Time) error {
	g := db.gorm.WithContext(ctx)
	var it ActionItem
	if err := g.Take(&it, id).Error; err != nil {
		return wrap("close action item", err)
	}
	if it.Status == ActionDone {
		return nil
	}
	at = at.UTC()
	err := g.Model(&it).Updates(map[string]any{"status": ActionDone, "done_at": at}).Error
	return wrap("close action item", err)
}
