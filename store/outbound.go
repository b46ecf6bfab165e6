package store

import (
	"context"
	"fmt"
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
			return tx.gorm.WithContext(ctx).Where("dedup_key = ?", m.DedupKey).Take(m).Error
		}
		created = true
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
	return &m, nil
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
	return out, wrap("find outbound", q.Find(&out).Error)
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
		return tx.gorm.WithContext(ctx).Where("id IN ?", ids).Order("id").Find(&out).Error
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
		return nil
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
// queue.
func (db *DB) ReleaseOutbound(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := db.gorm.WithContext(ctx).Model(&OutboundMessage{}).Where("id IN ? AND status = ?", ids, OutboundSending).
		Updates(map[string]any{"status": OutboundQueued, "updated_at": db.now().UTC()}).Error
	return wrap("release outbound", err)
}

func (db *DB) claimable(ctx context.Context, lease time.Duration) *gorm.DB {
	stale := db.now().UTC().Add(-lease)
	return db.gorm.WithContext(ctx).Where("status = ? OR (status = ? AND updated_at < ?)", OutboundQueued, OutboundSending, stale)
}

func (db *DB) markSending(ctx context.Context, ids []int64) error {
	return db.gorm.WithContext(ctx).Model(&OutboundMessage{}).Where("id IN ?", ids).
		Updates(map[string]any{"status": OutboundSending, "updated_at": db.now().UTC()}).Error
}

// Delivery is the outcome of one attempt at an OutboundMessage.
type Delivery struct {
	OutboundID int64
	// PromptID and Kind are the message's; a "prompt" message moves its
	// prompt to sent or failed.
	PromptID int64
	Kind     string
	MailFrom string // envelope sender used
	At       time.Time
	// Status is the message's new status: OutboundSent, OutboundQueued
	// (temporary failure, to be retried), OutboundFailed or
	// OutboundSuppressed.
	Status    string
	Code      int // SMTP reply code, 0 when none (network error, outbox)
	Temporary bool
	Error     string
	// Suppress, when set, adds this address to the suppression list.
	Suppress string
}

// RecordDeliveries stores the outcomes in one transaction: a
// DeliveryAttempt row each, the message's status, attempts, last error,
// envelope sender and sent time, its prompt's status for a first prompt
// (sent, or failed with the error as reason) and any suppression.
// Successes are written with a few set-based statements, their sent time
// being the latest At among them.
func (db *DB) RecordDeliveries(ctx context.Context, ds []Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	err := db.InTx(ctx, func(tx *DB) error {
		attempts := make([]DeliveryAttempt, len(ds))
		var sent []Delivery
		for i, d := range ds {
			attempts[i] = DeliveryAttempt{OutboundID: d.OutboundID, At: d.At.UTC(), Code: d.Code, Temporary: d.Temporary, Error: d.Error}
			if d.Status == OutboundSent && d.Suppress == "" {
				sent = append(sent, d)
				continue
			}
			if err := tx.recordOne(ctx, d); err != nil {
				return err
			}
		}
		if err := tx.recordSent(ctx, sent); err != nil {
			return err
		}
		return tx.gorm.WithContext(ctx).CreateInBatches(attempts, 200).Error
	})
	return wrap("record deliveries", err)
}

// recordSent marks successful deliveries sent, and their prompts.
func (db *DB) recordSent(ctx context.Context, ds []Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	var at time.Time
	from := make(map[int64]string, len(ds))
	var prompts []int64
	for _, d := range ds {
		from[d.OutboundID] = d.MailFrom
		if d.At.After(at) {
			at = d.At
		}
		if d.Kind == "prompt" && d.PromptID != 0 {
			prompts = append(prompts, d.PromptID)
		}
	}
	expr, ids := caseByID(from)
	g := db.gorm.WithContext(ctx)
	err := g.Model(&OutboundMessage{}).Where("id IN ?", ids).Updates(map[string]any{"status": OutboundSent,
		"attempts": gorm.Expr("attempts + 1"), "last_error": "", "sent_at": at.UTC(), "updated_at": db.now().UTC(), "mail_from": expr}).Error
	if err != nil || len(prompts) == 0 {
		return err
	}
	return g.Model(&Prompt{}).Where("id IN ? AND status = ?", prompts, PromptPending).
		Updates(map[string]any{"status": PromptSent, "sent_at": at.UTC()}).Error
}

func (db *DB) recordOne(ctx context.Context, d Delivery) error {
	set := map[string]any{"status": d.Status, "attempts": gorm.Expr("attempts + 1"),
		"last_error": d.Error, "updated_at": db.now().UTC()}
	if d.MailFrom != "" {
		set["mail_from"] = d.MailFrom
	}
	if d.Status == OutboundSent {
		set["sent_at"] = d.At.UTC()
	}
	g := db.gorm.WithContext(ctx)
	if err := g.Model(&OutboundMessage{}).Where("id = ?", d.OutboundID).Updates(set).Error; err != nil {
		return err
	}
	if d.Suppress != "" {
		if err := db.Suppress(ctx, d.Suppress, fmt.Sprintf("delivery: %d %s", d.Code, d.Error)); err != nil {
			return err
		}
	}
	return db.promptDelivered(ctx, d)
}

// promptDelivered moves the prompt a "prompt" message belongs to.
func (db *DB) promptDelivered(ctx context.Context, d Delivery) error {
	if d.PromptID == 0 || d.Kind != "prompt" {
		return nil
	}
	q := db.gorm.WithContext(ctx).Model(&Prompt{}).Where("id = ? AND status = ?", d.PromptID, PromptPending)
	switch d.Status {
	case OutboundSent:
		return q.Updates(map[string]any{"status": PromptSent, "sent_at": d.At.UTC()}).Error
	case OutboundFailed, OutboundSuppressed:
		return q.Updates(map[string]any{"status": PromptFailed, "reason": d.Error}).Error
	}
	return nil
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
// skipped (ID left 0, no job); the others get their ID and a DeliverArgs
// job. It returns how many were created.
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
	now := db.now().UTC()
	var sb strings.Builder
	sb.WriteString("INSERT INTO outbound_messages (dedup_key, kind, prompt_id, member_id, team_id, recipient, mail_from, message_id, subject, raw, status, attempts, last_error, created_at, updated_at) VALUES ")
	args := make([]any, 0, len(ms)*15)
	for i, m := range ms {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
		if m.Status == "" {
			m.Status = OutboundQueued
		}
		m.Recipient, m.CreatedAt, m.UpdatedAt = strings.ToLower(m.Recipient), now, now
		args = append(args, m.DedupKey, m.Kind, m.PromptID, m.MemberID, m.TeamID, m.Recipient, m.MailFrom, m.MessageID,
			m.Subject, m.Raw, m.Status, m.Attempts, m.LastError, now, now)
	}
	sb.WriteString(" ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key")
	var rows []struct {
		ID       int64
		DedupKey string
	}
	if err := db.gorm.WithContext(ctx).Raw(sb.String(), args...).Scan(&rows).Error; err != nil {
		return 0, err
	}
	ids := make(map[string]int64, len(rows))
	for _, r := range rows {
		ids[r.DedupKey] = r.ID
	}
	for _, m := range ms {
		m.ID = ids[m.DedupKey]
	}
	return len(rows), nil
}
