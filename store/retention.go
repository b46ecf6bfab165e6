package store

import (
	"context"
	"time"
)

// RetentionArgs is the periodic job that applies retention.raw: it drops
// the raw bytes of old, processed inbound messages (DropInboundRaw).
type RetentionArgs struct{}

// Kind implements river.JobArgs.
func (RetentionArgs) Kind() string { return "retention" }

// DropInboundRaw empties Raw of inbound messages received before before
// and done with (applied, ignored or failed), at most limit rows (0: no
// limit), and returns how many. Rows stay: sender, dates, status, size
// and what was filed from them. Messages still waiting (received) or in
// quarantine keep their bytes, so nothing undecided is lost.
func (db *DB) DropInboundRaw(ctx context.Context, before time.Time, limit int) (int, error) {
	q := db.gorm.WithContext(ctx).Model(&InboundMessage{}).Select("id").
		Where("received_at < ? AND raw IS NOT NULL AND status IN ?", before.UTC(),
			[]string{InboundApplied, InboundIgnored, InboundFailed})
	if limit > 0 {
		q = q.Limit(limit)
	}
	res := db.gorm.WithContext(ctx).Model(&InboundMessage{}).Where("id IN (?)", q).Update("raw", nil)
	return int(res.RowsAffected), wrap("drop inbound raw", res.Error)
}
