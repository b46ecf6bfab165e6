package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// UpdateInput is a member's answer to a prompt, as taken from one inbound
// message.
type UpdateInput struct {
	PromptID   int64
	Answers    []Answer
	HasBlocker bool
	InboundID  int64     // the message the answers came from
	AnsweredAt time.Time // when the member wrote them (the message date)
	// BaseVersion, when not zero, is the Version of the current Update the
	// caller merged Answers with (see CurrentUpdate); a different current
	// version gives ErrConflict, so a concurrent reply is never lost.
	BaseVersion int
	// ExpectNew says the caller found no current Update to merge with; one
	// found now (written by a concurrent reply) gives ErrConflict.
	ExpectNew bool
	// Proof is why the sender was believed to be the member: ProofDMARC
	// or ProofToken (the reply token alone, auth.token_is_proof).
	Proof string
}

// SaveUpdate makes in the prompt's current Update and marks the prompt
// answered. The first answer creates the Update (Version 1). A later answer
// from another message keeps the current answers as an UpdateRevision and
// replaces them (Version+1); an answer written before the current one is
// kept as a revision only. Saving answers from a message already saved
// (the same InboundID, as a retried job or a reprocess does) changes
// nothing. It reports whether anything was written. ErrNotFound: no such
// prompt; ErrConflict: a concurrent writer got there first (retry).
func (db *DB) SaveUpdate(ctx context.Context, in UpdateInput) (*Update, bool, error) {
	var p Prompt
	if err := db.gorm.WithContext(ctx).Take(&p, in.PromptID).Error; err != nil {
		return nil, false, wrap("save update: find prompt", err)
	}
	var cur Update
	err := db.gorm.WithContext(ctx).Where("prompt_id = ?", p.ID).Take(&cur).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return db.createUpdate(ctx, &p, in)
	case err != nil:
		return nil, false, wrap("save update", err)
	case cur.InboundID == in.InboundID:
		return &cur, false, nil
	case in.ExpectNew || (in.BaseVersion != 0 && cur.Version != in.BaseVersion):
		return nil, false, wrap("save update: merged with an older version", ErrConflict)
	}
	var seen int64
	err = db.gorm.WithContext(ctx).Model(&UpdateRevision{}).
		Where("update_id = ? AND inbound_id = ?", cur.ID, in.InboundID).Count(&seen).Error
	if err != nil || seen > 0 {
		return &cur, false, wrap("save update", err)
	}
	if in.AnsweredAt.Before(cur.AnsweredAt) {
		rev := UpdateRevision{UpdateID: cur.ID, Version: 0, Answers: in.Answers,
			HasBlocker: in.HasBlocker, InboundID: in.InboundID, Proof: in.Proof, AnsweredAt: in.AnsweredAt.UTC()}
		return &cur, true, wrap("save update: late revision", db.gorm.WithContext(ctx).Create(&rev).Error)
	}
	return db.reviseUpdate(ctx, &cur, in)
}

func (db *DB) createUpdate(ctx context.Context, p *Prompt, in UpdateInput) (*Update, bool, error) {
	u := Update{PromptID: p.ID, MemberID: p.MemberID, TeamID: p.TeamID, CheckInID: p.CheckInID,
		Period: p.Period, Answers: in.Answers, HasBlocker: in.HasBlocker, InboundID: in.InboundID, Proof: in.Proof,
		Version: 1, AnsweredAt: in.AnsweredAt.UTC()}
	if err := db.gorm.WithContext(ctx).Create(&u).Error; err != nil {
		return nil, false, wrap("save update", err)
	}
	if err := indexUpdate(db.gorm.WithContext(ctx), db.postgres, &u); err != nil {
		return nil, false, wrap("save update: search index", err)
	}
	return &u, true, db.markAnswered(ctx, p.ID, u.AnsweredAt)
}

// reviseUpdate moves cur into a revision and writes in over it. The version
// check turns a concurrent revision into ErrConflict instead of a lost one.
func (db *DB) reviseUpdate(ctx context.Context, cur *Update, in UpdateInput) (*Update, bool, error) {
	rev := UpdateRevision{UpdateID: cur.ID, Version: cur.Version, Answers: cur.Answers,
		HasBlocker: cur.HasBlocker, InboundID: cur.InboundID, Proof: cur.Proof, AnsweredAt: cur.AnsweredAt}
	if err := db.gorm.WithContext(ctx).Create(&rev).Error; err != nil {
		return nil, false, wrap("save update: revision", err)
	}
	next := *cur
	next.Answers, next.HasBlocker, next.InboundID, next.Proof = in.Answers, in.HasBlocker, in.InboundID, in.Proof
	next.AnsweredAt, next.Version = in.AnsweredAt.UTC(), cur.Version+1
	res := db.gorm.WithContext(ctx).Model(&next).Where("version = ?", cur.Version).
		Select("answers", "has_blocker", "inbound_id", "proof", "answered_at", "version", "updated_at").Updates(&next)
	if res.Error != nil {
		return nil, false, wrap("save update", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, false, wrap("save update", ErrConflict)
	}
	if err := indexUpdate(db.gorm.WithContext(ctx), db.postgres, &next); err != nil {
		return nil, false, wrap("save update: search index", err)
	}
	return &next, true, db.markAnswered(ctx, cur.PromptID, next.AnsweredAt)
}

func (db *DB) markAnswered(ctx context.Context, promptID int64, at time.Time) error {
	err := db.gorm.WithContext(ctx).Model(&Prompt{}).Where("id = ?", promptID).
		Updates(map[string]any{"status": PromptAnswered, "reason": "", "answered_at": at}).Error
	return wrap("save update: mark prompt answered", err)
}

// UpdateRevisions returns the superseded versions of an update, oldest
// first (late answers, Version 0, sort by when they were written).
func (db *DB) UpdateRevisions(ctx context.Context, updateID int64) ([]UpdateRevision, error) {
	var out []UpdateRevision
	err := db.gorm.WithContext(ctx).Where("update_id = ?", updateID).Order("answered_at, id").Find(&out).Error
	return out, wrap("find update revisions", err)
}

// UpdateFilter selects updates; zero fields do not filter.
type UpdateFilter struct {
	TeamID   int64
	MemberID int64
	Since    time.Time // answered at or after
	Until    time.Time // answered before
	Limit    int       // zero means no limit
}

// UpdateView is an update with the names a reader needs.
type UpdateView struct {
	Update
	MemberName  string
	MemberEmail string
	TeamSlug    string
	CheckInName string
}

// FindUpdates returns the updates matching f, oldest answer first.
func (db *DB) FindUpdates(ctx context.Context, f UpdateFilter) ([]UpdateView, error) {
	q := db.gorm.WithContext(ctx).Table("updates").
		Select("updates.*, members.name AS member_name, members.email AS member_email, " +
			"teams.slug AS team_slug, check_ins.name AS check_in_name").
		Joins("JOIN members ON members.id = updates.member_id").
		Joins("JOIN teams ON teams.id = updates.team_id").
		Joins("LEFT JOIN check_ins ON check_ins.id = updates.check_in_id").
		Order("updates.answered_at, updates.id")
	if f.TeamID != 0 {
		q = q.Where("updates.team_id = ?", f.TeamID)
	}
	if f.MemberID != 0 {
		q = q.Where("updates.member_id = ?", f.MemberID)
	}
	if !f.Since.IsZero() {
		q = q.Where("updates.answered_at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("updates.answered_at < ?", f.Until.UTC())
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []UpdateView
	if err := q.Find(&out).Error; err != nil {
		return nil, wrap("find updates", err)
	}
	return out, nil
}
