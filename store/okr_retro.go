package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// RetroPeriodSuffix ends the period key of a quarter's retrospective
// prompt ("2027-Q1-retro"): one per owner and quarter.
const RetroPeriodSuffix = "-retro"

// KRRetro is an owner's retrospective of one key result at the end of a
// quarter: its final score (0.0–1.0, given or computed from progress),
// what was learned and whether it carries over to the next quarter.
// Later rows for the same key result replace earlier ones.
type KRRetro struct {
	ID          int64 `gorm:"primaryKey"`
	KeyResultID int64 `gorm:"not null;index"`
	MemberID    int64 `gorm:"not null"`
	Score       float64
	Computed    bool // the owner gave none: progress, clipped and rounded
	Lesson      string
	CarryOver   bool
	InboundID   int64 `gorm:"index"`
	At          time.Time
	CreatedAt   time.Time
}

// OKRRecap is a recap sent to one team for one quarter; the unique index
// makes sending it idempotent.
type OKRRecap struct {
	ID        int64  `gorm:"primaryKey"`
	TeamID    int64  `gorm:"not null;uniqueIndex:ux_okr_recap"`
	Quarter   string `gorm:"size:8;not null;uniqueIndex:ux_okr_recap"`
	CreatedAt time.Time
}

// AddKRRetros stores rs.
func (db *DB) AddKRRetros(ctx context.Context, rs []KRRetro) error {
	if len(rs) == 0 {
		return nil
	}
	return wrap("add retrospectives", db.gorm.WithContext(ctx).Create(&rs).Error)
}

// KRRetros returns the latest retrospective of each of the key results
// ids, by key result ID.
func (db *DB) KRRetros(ctx context.Context, ids []int64) (map[int64]KRRetro, error) {
	out := map[int64]KRRetro{}
	if len(ids) == 0 {
		return out, nil
	}
	var rs []KRRetro
	if err := db.gorm.WithContext(ctx).Where("key_result_id IN ?", ids).Order("at, id").Find(&rs).Error; err != nil {
		return nil, wrap("retrospectives", err)
	}
	for _, r := range rs {
		out[r.KeyResultID] = r
	}
	return out, nil
}

// ClaimOKRRecap records that team teamID's recap for quarter is being
// sent; false means it was claimed before.
func (db *DB) ClaimOKRRecap(ctx context.Context, teamID int64, quarter string) (bool, error) {
	res := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&OKRRecap{TeamID: teamID, Quarter: quarter})
	if res.Error != nil {
		return false, wrap("claim recap", res.Error)
	}
	return res.RowsAffected == 1, nil
}
