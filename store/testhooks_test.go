package store

import (
	"context"
	"time"
)

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
// "index", "newest"; "estimate" chooses by the planner's estimates alone,
// without counting the filtered documents; "" lets each search choose). A newest-first scan
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
	case "estimate":
		db.searchForce = &searchForce{plan: planEstimate}
	default:
		db.searchForce = nil
	}
}

// AddOrphanSearchDocForTest writes a search document of a team that does
// not exist, as a team removed before removals cleaned up would leave.
func AddOrphanSearchDocForTest(ctx context.Context, db *DB, teamID int64, body string) error {
	return db.gorm.WithContext(ctx).Exec(`INSERT INTO search_docs (kind, object_id, team_id, member_id, at, title, body)
		VALUES ('update', 999999, ?, 0, ?, 'orphan', ?)`, teamID, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), body).Error
}
