package store

// Asks: polls, feedback requests and FYIs sent to ask+TEAM@ and fyi+TEAM@.
//
// What the columns mean:
//
// Ask
//   - Kind: AskPoll (choices), AskFeedback (free text) or AskFYI.
//   - Status: AskPending (waiting for the sender's confirmation: the
//     message had neither DMARC pass nor a reply token), AskOpen (the
//     question went out; answers are taken), AskClosed (results sent),
//     AskHeld (an FYI waiting for the digest), AskSent (an urgent FYI
//     sent at once).
//   - Choices: the options in the asker's order; answers refer to them by
//     index. Multiple and Anonymous are the asker's options.
//   - Deadline: when the ask closes; RemindAt: half-way, when members who
//     have not answered get their one reminder (Reminded records it).
//   - MessageID: the asker's message; InboundID: the stored raw message,
//     whose attachments are forwarded to the team.
//
// AskRecipient: one row per member the question went to. AnswerID links
// the member to their answer only while the ask is open, so a second reply
// replaces the first. For an anonymous ask CloseAsk clears the link and
// the answer never carried a member, so once closed no row says who
// answered what; Answered (whether, not what) stays for "who did not
// answer".
//
// AskAnswer: the chosen indexes and a free comment; MemberID is set only
// when the ask is not anonymous.

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Ask kinds and statuses.
const (
	AskPoll     = "poll"
	AskFeedback = "feedback"
	AskFYI      = "fyi"

	AskPending = "pending"
	AskOpen    = "open"
	AskClosed  = "closed"
	AskHeld    = "held"
	AskSent    = "sent"
)

// AskAttachment describes a file attached to an ask; its bytes stay in the
// inbound raw message.
type AskAttachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Ask is a question (poll or feedback request) or an FYI sent to a team.
type Ask struct {
	ID         int64  `gorm:"primaryKey"`
	TeamID     int64  `gorm:"not null;index"`
	AskerID    *int64 // nil: an address of an allowed domain, not a member
	AskerEmail string `gorm:"size:320;not null"`
	AskerName  string
	Kind       string `gorm:"size:16;not null"`
	Status     string `gorm:"size:16;not null;index"`
	Question   string `gorm:"not null"`
	Context    string
	Choices    []string `gorm:"serializer:json"`
	Multiple   bool
	Anonymous  bool
	Urgent     bool
	Deadline   time.Time
	// DeadlineText is the deadline as the asker wrote it ("by Thursday");
	// empty when the default applied.
	DeadlineText string
	RemindAt     time.Time
	Reminded     bool
	MessageID    string
	InboundID    int64
	Attachments  []AskAttachment `gorm:"serializer:json"`
	ClosedAt     *time.Time
	CloseReason  string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Tally counts the answers per choice (index as in a.Choices); indexes
// out of range are ignored.
func (a *Ask) Tally(answers []AskAnswer) []int {
	n := make([]int, len(a.Choices))
	for _, ans := range answers {
		for _, c := range ans.Choices {
			if c >= 0 && c < len(n) {
				n[c]++
			}
		}
	}
	return n
}

// AskRecipient is one member an ask went to.
type AskRecipient struct {
	ID       int64 `gorm:"primaryKey"`
	AskID    int64 `gorm:"not null;uniqueIndex:ux_ask_recipient"`
	MemberID int64 `gorm:"not null;uniqueIndex:ux_ask_recipient"`
	Answered bool
	// AnswerID links to the member's answer, and InboundIDs to the
	// messages that carried it, while the ask is open.
	AnswerID   *int64
	InboundIDs []int64 `gorm:"serializer:json"`
}

// AskAnswer is one member's answer; MemberID is nil for anonymous asks.
type AskAnswer struct {
	ID       int64 `gorm:"primaryKey"`
	AskID    int64 `gorm:"not null;index"`
	MemberID *int64
	Choices  []int `gorm:"serializer:json"`
	Comment  string
}

// CreateAsk inserts a and one recipient row per member ID (a.ID is set).
func (db *DB) CreateAsk(ctx context.Context, a *Ask, memberIDs []int64) error {
	err := db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		if err := g.Create(a).Error; err != nil {
			return err
		}
		if err := indexAsk(g, db.postgres, a.ID); err != nil {
			return err
		}
		if len(memberIDs) == 0 {
			return nil
		}
		rs := make([]AskRecipient, len(memberIDs))
		for i, id := range memberIDs {
			rs[i] = AskRecipient{AskID: a.ID, MemberID: id}
		}
		return g.Create(&rs).Error
	})
	return wrap("create ask", err)
}

// AskByID returns the ask, or ErrNotFound.
func (db *DB) AskByID(ctx context.Context, id int64) (*Ask, error) {
	var a Ask
	if err := db.gorm.WithContext(ctx).Take(&a, id).Error; err != nil {
		return nil, wrap("find ask", err)
	}
	return &a, nil
}

// AskFilter selects asks; zero fields do not filter.
type AskFilter struct {
	TeamID *int64
	Kind   string
	Status string
	// Since and Until bound CreatedAt (FYIs) or, with Closed, ClosedAt.
	Since, Until time.Time
	Closed       bool
}

// FindAsks returns the asks f selects, newest first.
func (db *DB) FindAsks(ctx context.Context, f AskFilter) ([]Ask, error) {
	q := db.gorm.WithContext(ctx).Order("id DESC")
	if f.TeamID != nil {
		q = q.Where("team_id = ?", *f.TeamID)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	col := "created_at"
	if f.Closed {
		col = "closed_at"
		q = q.Where("closed_at IS NOT NULL")
	}
	if !f.Since.IsZero() {
		q = q.Where(col+" >= ?", f.Since)
	}
	if !f.Until.IsZero() {
		q = q.Where(col+" < ?", f.Until)
	}
	var out []Ask
	err := q.Find(&out).Error
	return out, wrap("find asks", err)
}

// AskRecipientByID returns the recipient row, or ErrNotFound.
func (db *DB) AskRecipientByID(ctx context.Context, id int64) (*AskRecipient, error) {
	var r AskRecipient
	if err := db.gorm.WithContext(ctx).Take(&r, id).Error; err != nil {
		return nil, wrap("find ask recipient", err)
	}
	return &r, nil
}

// AskRecipients returns the ask's recipients in ID order.
func (db *DB) AskRecipients(ctx context.Context, askID int64) ([]AskRecipient, error) {
	var out []AskRecipient
	err := db.gorm.WithContext(ctx).Where("ask_id = ?", askID).Order("id").Find(&out).Error
	return out, wrap("find ask recipients", err)
}

// AskAnswers returns the ask's answers in ID order.
func (db *DB) AskAnswers(ctx context.Context, askID int64) ([]AskAnswer, error) {
	var out []AskAnswer
	err := db.gorm.WithContext(ctx).Where("ask_id = ?", askID).Order("id").Find(&out).Error
	return out, wrap("find ask answers", err)
}

// SaveAskAnswer records recipient r's answer to an open ask: the first
// reply creates the answer, a later one replaces it (changed reports
// that). The answer carries the member only when attributed is true. It
// gives ErrConflict when the ask is not open.
func (db *DB) SaveAskAnswer(ctx context.Context, recipientID, inboundID int64, choices []int, comment string, attributed bool) (changed bool, err error) {
	err = db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		var r AskRecipient
		if err := g.Clauses(lockUpdate(db)...).Take(&r, recipientID).Error; err != nil {
			return err
		}
		var a Ask
		if err := g.Take(&a, r.AskID).Error; err != nil {
			return err
		}
		if a.Status != AskOpen {
			return ErrConflict
		}
		if choices == nil {
			choices = []int{}
		}
		r.InboundIDs = append(r.InboundIDs, inboundID)
		if r.AnswerID != nil {
			changed = true
			err := g.Model(&AskAnswer{ID: *r.AnswerID}).Select("choices", "comment").
				Updates(&AskAnswer{Choices: choices, Comment: comment}).Error
			if err != nil {
				return err
			}
			return g.Model(&r).Select("inbound_ids").Updates(&AskRecipient{InboundIDs: r.InboundIDs}).Error
		}
		ans := AskAnswer{AskID: r.AskID, Choices: choices, Comment: comment}
		if attributed {
			ans.MemberID = &r.MemberID
		}
		if err := g.Create(&ans).Error; err != nil {
			return err
		}
		r.Answered, r.AnswerID = true, &ans.ID
		return g.Model(&r).Select("answered", "answer_id", "inbound_ids").Updates(&r).Error
	})
	return changed, wrap("save ask answer", err)
}

func lockUpdate(db *DB) []clause.Expression {
	if db.postgres {
		return []clause.Expression{clause.Locking{Strength: "UPDATE"}}
	}
	return nil
}

// SetAskStatus moves ask id from status from to status to, and reports
// whether it did (false: another worker got there first).
func (db *DB) SetAskStatus(ctx context.Context, id int64, from, to string) (bool, error) {
	res := db.gorm.WithContext(ctx).Model(&Ask{}).Where("id = ? AND status = ?", id, from).
		Updates(map[string]any{"status": to, "updated_at": db.now()})
	if res.Error != nil || res.RowsAffected != 1 {
		return false, wrap("set ask status", res.Error)
	}
	return true, wrap("set ask status: search index", indexAsk(db.gorm.WithContext(ctx), db.postgres, id))
}

// ScheduleAsk sets ask id's deadline and reminder time (an ask confirmed
// late is rescheduled from its confirmation).
func (db *DB) ScheduleAsk(ctx context.Context, id int64, deadline, remindAt time.Time) error {
	err := db.gorm.WithContext(ctx).Model(&Ask{}).Where("id = ?", id).
		Updates(map[string]any{"deadline": deadline.UTC(), "remind_at": remindAt.UTC()}).Error
	return wrap("schedule ask", err)
}

// MarkAskReminded records that ask id's reminders were queued, and reports
// whether this call did it.
func (db *DB) MarkAskReminded(ctx context.Context, id int64) (bool, error) {
	res := db.gorm.WithContext(ctx).Model(&Ask{}).Where("id = ? AND status = ? AND NOT reminded", id, AskOpen).
		Update("reminded", true)
	return res.RowsAffected == 1, wrap("mark ask reminded", res.Error)
}

// CloseAsk closes an open ask at the given time with a reason and reports
// whether this call closed it. For an anonymous ask it also erases the
// links from recipients to answers and the raw messages that carried the
// answers, so that no stored row says who answered what; the inbound rows
// stay, with their status, as a record that a message arrived.
func (db *DB) CloseAsk(ctx context.Context, id int64, at time.Time, reason string) (bool, error) {
	closed := false
	err := db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		res := g.Model(&Ask{}).Where("id = ? AND status = ?", id, AskOpen).
			Updates(map[string]any{"status": AskClosed, "closed_at": at, "close_reason": reason, "updated_at": at})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		closed = true
		var a Ask
		if err := g.Take(&a, id).Error; err != nil {
			return err
		}
		if !a.Anonymous {
			return nil
		}
		var rs []AskRecipient
		if err := g.Where("ask_id = ?", id).Find(&rs).Error; err != nil {
			return err
		}
		var inbound []int64
		for _, r := range rs {
			inbound = append(inbound, r.InboundIDs...)
		}
		err := g.Model(&AskRecipient{}).Where("ask_id = ?", id).
			Updates(map[string]any{"answer_id": nil, "inbound_ids": "[]"}).Error
		if err != nil {
			return err
		}
		if err := shuffleAnswers(g, id); err != nil {
			return err
		}
		if len(inbound) == 0 {
			return nil
		}
		// The answer address names the recipient: erase it with the rest.
		return g.Model(&InboundMessage{}).Where("id IN ?", inbound).Updates(map[string]any{
			"raw":       []byte("[erased: an anonymous answer to ask " + strconv.FormatInt(id, 10) + "]"),
			"mail_from": "", "message_id": "", "remote": "", "helo": "", "rcpt": "[]"}).Error
	})
	return closed, wrap("close ask", err)
}

// shuffleAnswers re-inserts an ask's answers ordered by content, so that
// their IDs no longer tell the order in which members answered (which the
// inbound rows' times could otherwise pair with members).
func shuffleAnswers(g *gorm.DB, askID int64) error {
	var as []AskAnswer
	if err := g.Where("ask_id = ?", askID).Find(&as).Error; err != nil || len(as) == 0 {
		return err
	}
	slices.SortFunc(as, func(a, b AskAnswer) int {
		if c := slices.Compare(a.Choices, b.Choices); c != 0 {
			return c
		}
		return strings.Compare(a.Comment, b.Comment)
	})
	if err := g.Where("ask_id = ?", askID).Delete(&AskAnswer{}).Error; err != nil {
		return err
	}
	for i := range as {
		as[i].ID, as[i].MemberID = 0, nil
	}
	return g.Create(&as).Error
}

// DueAsks returns open asks whose deadline has passed or whose reminder is
// due at now.
func (db *DB) DueAsks(ctx context.Context, now time.Time) ([]Ask, error) {
	var out []Ask
	err := db.gorm.WithContext(ctx).Where("status = ? AND (deadline <= ? OR (NOT reminded AND remind_at <= ?))", AskOpen, now, now).
		Order("id").Find(&out).Error
	return out, wrap("find due asks", err)
}
