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

// SetSearchPlanForTest makes every PostgreSQL search use plan ("few",
// "index", "newest"; "" lets each search choose). A newest-first scan
// reads at most scan rows and then, short of a page, asks the index; scan
// 0 reads every row and never asks the index.
func SetSearchPlanForTest(db *DB, plan string, scan int) {
	if scan == 0 {
		scan = scanUnbounded
	}
	switch plan {
	case "few":
		db.searchForce = &searchForce{plan: planFew}
	case "index":
		db.searchForce = &searchForce{plan: planIndex}
	case "newest":
		db.searchForce = &searchForce{plan: planNewest, scan: scan}
	default:
		db.searchForce = nil
	}
}
