package store

import "context"

// CurrentUpdate returns the prompt's current Update (the answers a second
// reply amends), or ErrNotFound when the prompt has none yet.
func (db *DB) CurrentUpdate(ctx context.Context, promptID int64) (*Update, error) {
	var u Update
	if err := db.gorm.WithContext(ctx).Where("prompt_id = ?", promptID).Take(&u).Error; err != nil {
		return nil, wrap("find current update", err)
	}
	return &u, nil
}

// UpdateByID returns the update, or ErrNotFound.
func (db *DB) UpdateByID(ctx context.Context, id int64) (*Update, error) {
	var u Update
	if err := db.gorm.WithContext(ctx).Take(&u, id).Error; err != nil {
		return nil, wrap("find update", err)
	}
	return &u, nil
}
