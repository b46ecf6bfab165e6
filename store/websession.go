package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Sign-in links, sessions and rate counters of the web archive.
//
// No token is stored: rows keep the SHA-256 of the random token (hex), so a
// copy of the database signs nobody in. Lookups are by that hash; the token
// itself is never compared, so a timing difference in the index lookup
// tells nothing about a token.

// SignInLink is a one-time sign-in link sent by email: usable once
// (UsedAt), until ExpiresAt, by the member it was sent to.
type SignInLink struct {
	ID        int64  `gorm:"primaryKey"`
	TokenHash string `gorm:"size:64;not null;uniqueIndex"`
	MemberID  int64  `gorm:"not null;index"`
	// Next is the archive path to open after signing in ("" for home).
	Next      string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

// WebSession is a signed-in browser. The cookie carries the token; the row
// its hash. A session ends at ExpiresAt or when revoked (sign-out).
type WebSession struct {
	ID        int64  `gorm:"primaryKey"`
	TokenHash string `gorm:"size:64;not null;uniqueIndex"`
	MemberID  int64  `gorm:"not null;index"`
	// CSRF is the session's anti-forgery token, put in every form.
	CSRF      string `gorm:"size:64;not null"`
	ExpiresAt time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

// RateCount counts events under a key ("signin:ip:1.2.3.4") in a fixed
// window starting at Start. Kept in the database so that every instance
// behind one address counts together.
type RateCount struct {
	Key   string    `gorm:"primaryKey;size:255"`
	Start time.Time `gorm:"primaryKey;column:window_start"`
	Count int       `gorm:"not null"`
}

// CreateSignInLink stores a sign-in link (l.ID is set).
func (db *DB) CreateSignInLink(ctx context.Context, l *SignInLink) error {
	return wrap("create sign-in link", db.gorm.WithContext(ctx).Create(l).Error)
}

// UseSignInLink marks the link with this token hash used at now and
// returns it. A link that does not exist, is used or has expired gives
// ErrNotFound; of two concurrent uses exactly one succeeds.
func (db *DB) UseSignInLink(ctx context.Context, tokenHash string, now time.Time) (*SignInLink, error) {
	now = now.UTC()
	res := db.gorm.WithContext(ctx).Model(&SignInLink{}).
		Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", tokenHash, now).
		Update("used_at", now)
	if res.Error != nil {
		return nil, wrap("use sign-in link", res.Error)
	}
	if res.RowsAffected != 1 {
		return nil, wrap("use sign-in link", gorm.ErrRecordNotFound)
	}
	var l SignInLink
	err := db.gorm.WithContext(ctx).Where("token_hash = ?", tokenHash).Take(&l).Error
	return &l, wrap("use sign-in link", err)
}

// SignInLinkUsable reports whether the link with this hash exists, is
// unused and has not expired at now (for the confirmation page, which
// must not use it up).
func (db *DB) SignInLinkUsable(ctx context.Context, tokenHash string, now time.Time) (bool, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&SignInLink{}).
		Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", tokenHash, now.UTC()).Count(&n).Error
	return n == 1, wrap("check sign-in link", err)
}

// CreateWebSession stores a session (s.ID is set).
func (db *DB) CreateWebSession(ctx context.Context, s *WebSession) error {
	return wrap("create session", db.gorm.WithContext(ctx).Create(s).Error)
}

// WebSessionByHash returns the live session with this token hash: not
// revoked and not expired at now; otherwise ErrNotFound.
func (db *DB) WebSessionByHash(ctx context.Context, tokenHash string, now time.Time) (*WebSession, error) {
	var s WebSession
	err := db.gorm.WithContext(ctx).
		Where("token_hash = ? AND revoked_at IS NULL AND expires_at > ?", tokenHash, now.UTC()).Take(&s).Error
	if err != nil {
		return nil, wrap("find session", err)
	}
	return &s, nil
}

// RevokeWebSession ends the session with this token hash at now; revoking
// a missing or ended session is not an error.
func (db *DB) RevokeWebSession(ctx context.Context, tokenHash string, now time.Time) error {
	err := db.gorm.WithContext(ctx).Model(&WebSession{}).
		Where("token_hash = ? AND revoked_at IS NULL", tokenHash).Update("revoked_at", now.UTC()).Error
	return wrap("revoke session", err)
}

// RevokeMemberSessions ends every live session of the member (removed from
// the archive, or signed out everywhere) and returns how many.
func (db *DB) RevokeMemberSessions(ctx context.Context, memberID int64, now time.Time) (int, error) {
	res := db.gorm.WithContext(ctx).Model(&WebSession{}).
		Where("member_id = ? AND revoked_at IS NULL", memberID).Update("revoked_at", now.UTC())
	return int(res.RowsAffected), wrap("revoke sessions", res.Error)
}

// HitRate counts one event under key in the window of length window that
// contains now, and returns the count including this one. Windows are
// aligned to multiples of window since the Unix epoch, so every instance
// uses the same row.
func (db *DB) HitRate(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	start := now.UTC().Truncate(window)
	row := RateCount{Key: key, Start: start, Count: 1}
	err := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}, {Name: "window_start"}},
		DoUpdates: clause.Assignments(map[string]any{"count": gorm.Expr("rate_counts.count + 1")}),
	}).Create(&row).Error
	if err != nil {
		return 0, wrap("count rate", err)
	}
	var got RateCount
	err = db.gorm.WithContext(ctx).Where("key = ? AND window_start = ?", key, start).Take(&got).Error
	return got.Count, wrap("count rate", err)
}

// PruneWeb deletes sign-in links, sessions and rate counters that ended
// before before, and returns how many rows went.
func (db *DB) PruneWeb(ctx context.Context, before time.Time) (int64, error) {
	before = before.UTC()
	var n int64
	err := db.gorm.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		for _, q := range []*gorm.DB{
			g.Where("expires_at < ?", before).Delete(&SignInLink{}),
			g.Where("expires_at < ? OR revoked_at < ?", before, before).Delete(&WebSession{}),
			g.Where("window_start < ?", before).Delete(&RateCount{}),
		} {
			if q.Error != nil {
				return q.Error
			}
			n += q.RowsAffected
		}
		return nil
	})
	return n, wrap("prune web sessions", err)
}
