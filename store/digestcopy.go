package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// DigestCopy is a digest as it was sent: the rendering in the team's zone,
// without any recipient's personal links, kept for the web archive. The
// row of a resent digest holds the last sending. PeriodStart and PeriodEnd
// bound the updates it covered (start <= answered < end).
type DigestCopy struct {
	DigestID    int64 `gorm:"primaryKey;autoIncrement:false"`
	TeamID      int64 `gorm:"not null;index"`
	PeriodStart time.Time
	PeriodEnd   time.Time
	Subject     string
	Text        string
	HTML        string
	SentAt      time.Time
	// Period is the digest's period key ("2026-W48", "daily-2026-11-24"),
	// read from its digest row by FindDigestCopies and DigestCovering.
	Period string `gorm:"->;-:migration"`
}

// SaveDigestCopy stores (or replaces) the copy of digest c.DigestID.
func (db *DB) SaveDigestCopy(ctx context.Context, c *DigestCopy) error {
	c.Subject, c.Text, c.HTML = cleanText(c.Subject), cleanText(c.Text), cleanText(c.HTML)
	err := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(c).Error
	return wrap("save digest copy", err)
}

// DigestArchived is a sent digest with the copy kept of it.
type DigestArchived struct {
	Digest
	Copy DigestCopy
}

// DigestWithCopy returns the digest and its copy; ErrNotFound when either
// is missing (digests sent before copies were kept have none).
func (db *DB) DigestWithCopy(ctx context.Context, id int64) (*DigestArchived, error) {
	var out DigestArchived
	if err := db.gorm.WithContext(ctx).Take(&out.Digest, id).Error; err != nil {
		return nil, wrap("find digest", err)
	}
	if err := db.gorm.WithContext(ctx).Take(&out.Copy, "digest_id = ?", id).Error; err != nil {
		return nil, wrap("find digest copy", err)
	}
	return &out, nil
}

// FindDigestCopies returns the team's archived digests, newest period
// first (Text and HTML left empty: listings need only the subject).
func (db *DB) FindDigestCopies(ctx context.Context, teamID int64) ([]DigestCopy, error) {
	var out []DigestCopy
	err := db.copies(ctx).Where("c.team_id = ?", teamID).Order("c.period_start DESC, c.digest_id DESC").Find(&out).Error
	return out, wrap("find digest copies", err)
}

// DigestCovering returns the archived digest of the team whose period
// contains t, or ErrNotFound.
func (db *DB) DigestCovering(ctx context.Context, teamID int64, t time.Time) (*DigestCopy, error) {
	var out DigestCopy
	err := db.copies(ctx).Where("c.team_id = ? AND c.period_start <= ? AND c.period_end > ?", teamID, t.UTC(), t.UTC()).
		Order("c.period_start DESC").Take(&out).Error
	if err != nil {
		return nil, wrap("find digest covering", err)
	}
	return &out, nil
}

// copies selects the listing columns of digest copies (alias c, no
// text or HTML: listings need only the subject) with their digest's period.
func (db *DB) copies(ctx context.Context) *gorm.DB {
	return db.gorm.WithContext(ctx).Table("digest_copies AS c").Joins("JOIN digests d ON d.id = c.digest_id").
		Select("c.digest_id, c.team_id, c.period_start, c.period_end, c.subject, c.sent_at, d.period")
}
