package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// OutboundSending marks an OutboundMessage claimed by one deliverer; the
// claim lapses after its lease so a crashed process does not strand it.
const OutboundSending = "sending"

// deliverMaxAttempts bounds River's retries of a DeliverArgs job (with its
// default exponential backoff, about 3 days).
const deliverMaxAttempts = 20

// QueueOutbound inserts m (Status queued unless set) and enqueues a
// DeliverArgs job for it in the same transaction. A message with the same
// DedupKey that already exists is left alone: created is false, m is
// filled from the stored row, and no job is enqueued. An empty MailFrom is
// filled by the deliverer from the row's ID (bounces+TOKEN@domain). Errors
// wrap ErrUnavailable when the database cannot be reached.
func (db *DB) QueueOutbound(ctx context.Context, m *OutboundMessage) (created bool, err error) {
	if m.Status == "" {
		m.Status = OutboundQueued
	}
	m.Recipient = strings.ToLower(m.Recipient)
	err = db.InTx(ctx, func(tx *DB) error {
		res := tx.gorm.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "dedup_key"}}, DoNothing: true}).Create(m)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			if err := tx.gorm.WithContext(ctx).Where("dedup_key = ?", m.DedupKey).Take(m).Error; err != nil {
				return err
			}
			return tx.loadBodies(ctx, []*OutboundMessage{m})
		}
		created = true
		if err := tx.insertBodies(ctx, []*OutboundMessage{m}); err != nil {
			return err
		}
		if m.Status != OutboundQueued {
			return nil
		}
		return tx.Enqueue(ctx, DeliverArgs{OutboundID: m.ID}, DeliverInsertOpts())
	})
	return created, wrap("queue outbound "+m.DedupKey, err)
}

// DeliverInsertOpts are the River options of a DeliverArgs job: unique by
// outbound ID, bounded attempts.
func DeliverInsertOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: deliverMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// OutboundByID returns the message, or ErrNotFound.
func (db *DB) OutboundByID(ctx context.Context, id int64) (*OutboundMessage, error) {
	var m OutboundMessage
	if err := db.gorm.WithContext(ctx).Take(&m, id).Error; err != nil {
		return nil, wrap("find outbound", err)
	}
	return &m, wrap("find outbound", db.loadBodies(ctx, []*OutboundMessage{&m}))
}

// OutboundFilter selects outbound messages; zero fields match everything.
type OutboundFilter struct {
	Kind     string
	Status   string
	PromptID int64
	Limit    int
}

// FindOutbound returns matching messages ordered by ID.
func (db *DB) FindOutbound(ctx context.Context, f OutboundFilter) ([]OutboundMessage, error) {
	q := db.gorm.WithContext(ctx).Order("id")
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.PromptID != 0 {
		q = q.Where("prompt_id = ?", f.PromptID)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []OutboundMessage
	if err := q.Find(&out).Error; err != nil {
		return nil, wrap("find outbound", err)
	}
	return out, wrap("find outbound", db.loadBodies(ctx, pointers(out)))
}

// ClaimOutbound marks up to limit deliverable messages with an ID above
// afterID as sending and returns them: queued ones, and sending ones whose
// claim is older than lease (their deliverer died). Concurrent callers, in
// this process or another, never get the same message while a claim holds.
// Ordered by ID, so a caller that passes the last ID it got visits each
// message once.
func (db *DB) ClaimOutbound(ctx context.Context, afterID int64, limit int, lease time.Duration) ([]OutboundMessage, error) {
	var out []OutboundMessage
	err := db.InTx(ctx, func(tx *DB) error {
		var ids []int64
		q := tx.claimable(ctx, lease).Model(&OutboundMessage{}).Where("id > ?", afterID).Order("id").Limit(limit)
		if tx.postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
			return err
		}
		if err := tx.markSending(ctx, ids); err != nil {
			return err
		}
		if err := tx.gorm.WithContext(ctx).Where("id IN ?", ids).Order("id").Find(&out).Error; err != nil {
			return err
		}
		return tx.loadBodies(ctx, pointers(out))
	})
	return out, wrap("claim outbound", err)
}

// ClaimOutboundByID claims one message like ClaimOutbound. It returns
// ErrNotFound when there is no such message and ErrConflict when it is not
// deliverable now (already sent, failed or suppressed, or claimed by
// another deliverer whose lease holds); the returned row tells which.
func (db *DB) ClaimOutboundByID(ctx context.Context, id int64, lease time.Duration) (*OutboundMessage, error) {
	var m OutboundMessage
	err := db.InTx(ctx, func(tx *DB) error {
		res := tx.claimable(ctx, lease).Model(&OutboundMessage{}).Where("id = ?", id).
			Updates(map[string]any{"status": OutboundSending, "updated_at": tx.now().UTC()})
		if res.Error != nil {
			return res.Error
		}
		if err := tx.gorm.WithContext(ctx).Take(&m, id).Error; err != nil {
			return err
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		return tx.loadBodies(ctx, []*OutboundMessage{&m})
	})
	if err != nil {
		if m.ID != 0 {
			return &m, wrap("claim outbound", err)
		}
		return nil, wrap("claim outbound", err)
	}
	return &m, nil
}

// ReleaseOutbound returns claimed messages that were not attempted to the
// queue and makes sure each has a DeliverArgs job (a message claimed when
// it was created has none), in one transaction.
func (db *DB) ReleaseOutbound(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := db.InTx(ctx, func(tx *DB) error {
		var back []int64
		err := tx.gorm.WithContext(ctx).Model(&OutboundMessage{}).Where("id IN ? AND status = ?", ids, OutboundSending).
			Pluck("id", &back).Error
		if err != nil || len(back) == 0 {
			return err
		}
		err = tx.gorm.WithContext(ctx).Model(&OutboundMessage{}).Where("id IN ?", back).
			Updates(map[string]any{"status": OutboundQueued, "updated_at": tx.now().UTC()}).Error
		if err != nil {
			return err
		}
		return tx.enqueueDeliveries(ctx, back, time.Time{})
	})
	return wrap("release outbound", err)
}

// RequeueStaleOutbound returns to the queue, with a DeliverArgs job each,
// up to limit messages whose claim is older than lease: their deliverer
// died before recording an outcome. The serve scheduler calls it every
// run so that nothing claimed by a crashed `tidings prompts send` stays
// behind. It returns how many it requeued.
func (db *DB) RequeueStaleOutbound(ctx context.Context, lease time.Duration, limit int) (int, error) {
	var ids []int64
	stale := db.now().UTC().Add(-lease)
	err := db.gorm.WithContext(ctx).Model(&OutboundMessage{}).Where("status = ? AND updated_at < ?", OutboundSending, stale).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return 0, wrap("requeue stale outbound", err)
	}
	return len(ids), db.ReleaseOutbound(ctx, ids)
}

// enqueueDeliveries inserts a DeliverArgs job for each message, to run at
// or after at (zero: now). River's uniqueness by args skips messages that
// already have a live job.
func (db *DB) enqueueDeliveries(ctx context.Context, ids []int64, at time.Time) error {
	jobs := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		opts := DeliverInsertOpts()
		opts.ScheduledAt = at
		jobs[i] = river.InsertManyParams{Args: DeliverArgs{OutboundID: id}, InsertOpts: opts}
	}
	return db.EnqueueMany(ctx, jobs)
}

func (db *DB) claimable(ctx context.Context, lease time.Duration) *gorm.DB {
	stale := db.now().UTC().Add(-lease)
	return db.gorm.WithContext(ctx).Where("status = ? OR (status = ? AND updated_at < ?)", OutboundQueued, OutboundSending, stale)
}

func (db *DB) markSending(ctx context.Context, ids []int64) error {
	return db.gorm.WithContext(ctx).Model(&OutboundMessage{}).Where("id IN ?", ids).
		Updates(map[string]any{"status": OutboundSending, "updated_at": db.now().UTC()}).Error
}

// DeliveryAttempts returns the attempts for an outbound message, oldest
// first.
func (db *DB) DeliveryAttempts(ctx context.Context, outboundID int64) ([]DeliveryAttempt, error) {
	var out []DeliveryAttempt
	err := db.gorm.WithContext(ctx).Where("outbound_id = ?", outboundID).Order("id").Find(&out).Error
	return out, wrap("find delivery attempts", err)
}

// QueueOutboundMany is QueueOutbound for several messages in one
// transaction and a few statements: messages whose DedupKey exists are
// skipped (ID set to 0, no job); the others keep the ID they carry (from
// ReserveIDs) or get one, and a DeliverArgs job when queued. It
// returns how many were created.
func (db *DB) QueueOutboundMany(ctx context.Context, ms []*OutboundMessage) (int, error) {
	if len(ms) == 0 {
		return 0, nil
	}
	var created int
	err := db.InTx(ctx, func(tx *DB) error {
		n, err := tx.insertOutbound(ctx, ms)
		if err != nil || n == 0 {
			return err
		}
		created = n
		jobs := make([]river.InsertManyParams, 0, n)
		for _, m := range ms {
			if m.ID != 0 && m.Status == OutboundQueued {
				jobs = append(jobs, river.InsertManyParams{Args: DeliverArgs{OutboundID: m.ID}, InsertOpts: DeliverInsertOpts()})
			}
		}
		return tx.EnqueueMany(ctx, jobs)
	})
	return created, wrap("queue outbound", err)
}

func (db *DB) insertOutbound(ctx context.Context, ms []*OutboundMessage) (int, error) {
	if db.postgres {
		// Message bodies are a few KiB and stored out of line: LZ4
		// compresses them several times faster than the default pglz.
		// SET LOCAL ends with the transaction (QueueOutboundMany's).
		if err := db.gorm.WithContext(ctx).Exec("SET LOCAL default_toast_compression = 'lz4'").Error; err != nil {
			return 0, err
		}
	}
	var created int
	for len(ms) > 0 {
		n := min(len(ms), db.rowsPerInsert())
		c, err := db.insertOutboundRows(ctx, ms[:n])
		if err != nil {
			return created, err
		}
		created += c
		if err := db.insertBodies(ctx, ms[:n]); err != nil {
			return created, err
		}
		ms = ms[n:]
	}
	return created, nil
}

func (db *DB) insertOutboundRows(ctx context.Context, ms []*OutboundMessage) (int, error) {
	now := db.now().UTC()
	var sb strings.Builder
	sb.WriteString("INSERT INTO outbound_messages (id, dedup_key, kind, prompt_id, member_id, team_id, recipient, mail_from, message_id, subject, status, attempts, last_error, created_at, updated_at) VALUES ")
	args := make([]any, 0, len(ms)*15)
	for i, m := range ms {
		if i > 0 {
			sb.WriteString(",")
		}
		args = db.idValue(&sb, args, m.ID)
		sb.WriteString(",?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
		if m.Status == "" {
			m.Status = OutboundQueued
		}
		m.Recipient, m.CreatedAt, m.UpdatedAt = strings.ToLower(m.Recipient), now, now
		args = append(args, m.DedupKey, m.Kind, m.PromptID, m.MemberID, m.TeamID, m.Recipient, m.MailFrom, m.MessageID,
			m.Subject, m.Status, m.Attempts, m.LastError, now, now)
	}
	sb.WriteString(" ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key")
	ids := make(map[string]int64, len(ms))
	err := db.returning(ctx, sb.String(), args, func(scan func(...any) error) error {
		var id int64
		var key string
		if err := scan(&id, &key); err != nil {
			return err
		}
		ids[key] = id
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		m.ID = ids[m.DedupKey]
	}
	return len(ids), nil
}

// returning runs an INSERT … RETURNING and calls row for each returned
// row. It reads rows directly: gorm's Scan formats the whole statement
// with its values for its logger, which costs more than the insert.
func (db *DB) returning(ctx context.Context, query string, args []any, row func(scan func(...any) error) error) error {
	rows, err := db.gorm.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// WelcomeKey is the outbound DedupKey of the welcome of memberID to
// teamID: "welcome:TEAM:MEMBER".
func WelcomeKey(teamID, memberID int64) string {
	return "welcome:" + strconv.FormatInt(teamID, 10) + ":" + strconv.FormatInt(memberID, 10)
}

// MembershipsWithoutWelcome returns, in one query and ordered by ID, the
// memberships (any role) created at or after since that have no outbound
// message keyed WelcomeKey, leaving out members who unsubscribed or whose
// address is suppressed (they get no welcome). Errors wrap ErrUnavailable
// when the database cannot be reached.
func (db *DB) MembershipsWithoutWelcome(ctx context.Context, since time.Time) ([]Membership, error) {
	var out []Membership
	err := db.gorm.WithContext(ctx).Raw(`SELECT ms.* FROM memberships ms JOIN members m ON m.id = ms.member_id
WHERE ms.created_at >= ? AND m.unsubscribed = ?
  AND NOT EXISTS (SELECT 1 FROM outbound_messages o
                  WHERE o.dedup_key = 'welcome:' || CAST(ms.team_id AS TEXT) || ':' || CAST(ms.member_id AS TEXT))
  AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.address = LOWER(m.email))
ORDER BY ms.id`, since.UTC(), false).Scan(&out).Error
	return out, wrap("find memberships without welcome", err)
}
