package store

import (
	"slices"
	"time"
)

// OneOnOneTokenBase separates the reply-token namespace of one-on-one
// entries from that of check-in prompts: the reply address of entry N
// carries the signed ID OneOnOneTokenBase+N. Prompt IDs stay far below it.
const OneOnOneTokenBase int64 = 1 << 40

// IsOneOnOneRef reports whether a reply-token ID names a one-on-one entry,
// and which.
func IsOneOnOneRef(id int64) (entryID int64, ok bool) {
	if id > OneOnOneTokenBase {
		return id - OneOnOneTokenBase, true
	}
	return 0, false
}

// OneOnOne is a recurring meeting between a lead and one member of a team.
// Schedule is read in the lead's zone.
type OneOnOne struct {
	ID           int64  `gorm:"primaryKey"`
	TeamID       int64  `gorm:"not null;uniqueIndex:ux_one_on_one"`
	LeadID       int64  `gorm:"not null;uniqueIndex:ux_one_on_one"`
	MemberID     int64  `gorm:"not null;uniqueIndex:ux_one_on_one;index"`
	Schedule     string `gorm:"not null"`
	Prepare      time.Duration
	AgendaBefore time.Duration
	ShareMood    bool
	Feedback     bool
	Questions    []Question `gorm:"serializer:json"`
	Active       bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Audience is who may see what the pair writes: the lead and the member.
func (p *OneOnOne) Audience() []int64 { return []int64{p.LeadID, p.MemberID} }

// MoodAudience is who may see the member's mood: both when the member
// shares it (share_mood), else the member alone.
func (p *OneOnOne) MoodAudience() []int64 {
	if p.ShareMood {
		return p.Audience()
	}
	return []int64{p.MemberID}
}

// CanSee is the one authorization rule for one-on-one content: a person
// may see a stored object only when they are in its audience. An empty
// audience allows no one. Every reader of one-on-one rows (emails, CLI)
// filters with it.
func CanSee(personID int64, audience []int64) bool {
	return personID != 0 && slices.Contains(audience, personID)
}

// One-on-one meeting statuses.
const (
	MeetingScheduled = "scheduled"
	MeetingSkipped   = "skipped"
	MeetingHeld      = "held" // notes arrived
)

// OneOnOneMeeting is one occurrence of a pair's meeting. Period is the
// scheduled local start in the lead's zone ("2026-12-08T15:00"); At moves
// when the meeting is rescheduled, Period does not.
type OneOnOneMeeting struct {
	ID             int64     `gorm:"primaryKey"`
	PairID         int64     `gorm:"not null;uniqueIndex:ux_one_on_one_meeting"`
	Period         string    `gorm:"size:32;not null;uniqueIndex:ux_one_on_one_meeting"`
	At             time.Time `gorm:"index"`
	Status         string    `gorm:"size:16;not null"`
	Reason         string    // why skipped or rescheduled
	Audience       []int64   `gorm:"serializer:json"`
	Notes          string
	Decisions      []string `gorm:"serializer:json"`
	NotesByID      *int64
	NotesInboundID int64
	AgendaSentAt   *time.Time
	FeedbackSentAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Kinds of one-on-one entry.
const (
	EntryPrepare  = "prepare"  // the agenda prompt and its answer
	EntryAgenda   = "agenda"   // the merged agenda; replies are notes
	EntryFeedback = "feedback" // "Was this 1:1 useful?"
	EntryNotice   = "notice"   // a skip or reschedule notice
)

// OneOnOneEntry is one email of a meeting to one person of the pair and
// what they answered to it. Its reply address carries
// OneOnOneTokenBase+ID. Audience is the pair; MoodAudience decides who
// sees Mood.
type OneOnOneEntry struct {
	ID           int64   `gorm:"primaryKey"`
	MeetingID    int64   `gorm:"not null;uniqueIndex:ux_one_on_one_entry"`
	PersonID     int64   `gorm:"not null;uniqueIndex:ux_one_on_one_entry"`
	Kind         string  `gorm:"size:16;not null;uniqueIndex:ux_one_on_one_entry"`
	PairID       int64   `gorm:"not null;index"`
	Audience     []int64 `gorm:"serializer:json"`
	Status       string  `gorm:"size:16;not null"` // pending, sent, answered, skipped
	MessageID    string
	SentAt       *time.Time
	AnsweredAt   *time.Time
	Answers      []Answer `gorm:"serializer:json"`
	Mood         int      // 1–5 from the mood question or the feedback score; 0: none
	MoodAudience []int64  `gorm:"serializer:json"`
	InboundID    int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// OneOnOneItem is an action item of a pair, open until its owner (or the
// other person) writes "done: …".
type OneOnOneItem struct {
	ID        int64  `gorm:"primaryKey"`
	PairID    int64  `gorm:"not null;index"`
	MeetingID int64  `gorm:"not null"`
	OwnerID   *int64 `gorm:"index"`
	OwnerText string
	Text      string
	Due       *time.Time
	Audience  []int64 `gorm:"serializer:json"`
	Status    string  `gorm:"size:16;not null"`
	DoneAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}
