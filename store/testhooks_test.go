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

// SetSearchScanMaxForTest makes PostgreSQL search test at most n filtered
// documents one by one; -1 always uses the GIN index.
func SetSearchScanMaxForTest(db *DB, n int) { db.scanMax = n }
