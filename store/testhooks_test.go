package store

import "context"

// DropSearchIndexForTest empties search_docs and forgets that the backfill
// ran, as a database from before search would be.
func DropSearchIndexForTest(ctx context.Context, db *DB) error {
	g := db.gorm.WithContext(ctx)
	if err := g.Exec("DELETE FROM search_docs").Error; err != nil {
		return err
	}
	return g.Where(map[string]any{"key": settingSearchIndex}).Delete(&Setting{}).Error
}
