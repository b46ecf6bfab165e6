package store

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"
)

// maxReferencedIDs bounds how many Message-IDs SentToMember looks up: a
// References field can be long, our message is usually among the first.
const maxReferencedIDs = 50

// SentToMember reports whether one of msgIDs (with or without angle
// brackets) is the Message-ID of an outbound message queued for the
// member: proof that a message answering it is a reply to our mail, since
// generated Message-IDs are random. Only the first 50 ids are looked at.
// Errors wrap ErrUnavailable.
func (db *DB) SentToMember(ctx context.Context, memberID int64, msgIDs []string) (bool, error) {
	ids := make([]string, 0, min(len(msgIDs), maxReferencedIDs))
	for _, id := range msgIDs {
		if id = strings.Trim(strings.TrimSpace(id), "<>"); id != "" && len(ids) < maxReferencedIDs {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return false, nil
	}
	var n int64
	err := db.gorm.WithContext(ctx).Model(&OutboundMessage{}).
		Where("member_id = ? AND message_id IN ?", memberID, ids).Limit(1).Count(&n).Error
	return n > 0, wrap("find referenced outbound", err)
}

// MemberTarget is what a member's commands without a prompt are applied
// against: a ReplyTarget with the member and the team of the member's
// first membership (zero when none), and a zero Prompt and CheckIn. It
// returns ErrNotFound for an unknown member, ErrUnavailable otherwise.
func (db *DB) MemberTarget(ctx context.Context, memberID int64) (*ReplyTarget, error) {
	var t ReplyTarget
	g := db.gorm.WithContext(ctx)
	if err := g.Take(&t.Member, memberID).Error; err != nil {
		return nil, wrap("find member", err)
	}
	var ms Membership
	err := g.Where("member_id = ?", memberID).Order("id").Take(&ms).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &t, nil
	}
	if err != nil {
		return nil, wrap("find membership", err)
	}
	if err := g.Take(&t.Team, ms.TeamID).Error; err != nil {
		return nil, wrap("find team", err)
	}
	return &t, nil
}
