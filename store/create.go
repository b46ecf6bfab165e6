package store

import "context"

// CreatePrompt inserts p. A prompt for the same check-in, member and period
// gives ErrConflict.
func (db *DB) CreatePrompt(ctx context.Context, p *Prompt) error {
	return wrap("create prompt", db.gorm.WithContext(ctx).Create(p).Error)
}

// CreateDigest inserts d. A digest for the same team and period gives
// ErrConflict.
func (db *DB) CreateDigest(ctx context.Context, d *Digest) error {
	return wrap("create digest", db.gorm.WithContext(ctx).Create(d).Error)
}
