package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// RetryDelay is when a message whose attempt failed temporarily outside a
// River job (Flush, SendAndDeliver) is tried again by its DeliverArgs job.
const RetryDelay = time.Minute

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

// RecordDeliveries stores the outcomes in one transaction. Every attempt
// and outcome is recorded: a success on the message row itself (status
// sent, sent_at, attempts+1, and the envelope sender when the row was
// stored without one) and its prompt (sent), each
// failed attempt as a DeliveryAttempt row plus the message's status,
// attempts and last error, its prompt (failed, with the error as reason,
// when the failure is final) and any suppression. A temporary failure
// gets a DeliverArgs job RetryDelay after its attempt unless the message
// has a live one. Successes are written with a few set-based statements,
// their sent time being the latest At among them.
func (db *DB) RecordDeliveries(ctx context.Context, ds []Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	err := db.InTx(ctx, func(tx *DB) error {
		var attempts []DeliveryAttempt
		var sent []Delivery
		var retry []int64
		var at time.Time
		for _, d := range ds {
			if d.Status == OutboundSent && d.Suppress == "" {
				sent = append(sent, d)
				continue
			}
			attempts = append(attempts, DeliveryAttempt{OutboundID: d.OutboundID, At: d.At.UTC(), Code: d.Code, Temporary: d.Temporary, Error: d.Error})
			if err := tx.recordOne(ctx, d); err != nil {
				return err
			}
			if d.Status == OutboundQueued {
				retry = append(retry, d.OutboundID)
				at = d.At
			}
		}
		if err := tx.recordSent(ctx, sent); err != nil {
			return err
		}
		if len(attempts) > 0 {
			if err := tx.gorm.WithContext(ctx).CreateInBatches(attempts, 200).Error; err != nil {
				return err
			}
		}
		if len(retry) == 0 {
			return nil
		}
		return tx.enqueueDeliveries(ctx, retry, at.Add(RetryDelay))
	})
	return wrap("record deliveries", err)
}

// recordSent marks successful deliveries sent in one UPDATE of their
// small rows, fills in the envelope senders of those stored without one
// (queued with an empty MailFrom), and moves their prompts.
func (db *DB) recordSent(ctx context.Context, ds []Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	var at time.Time
	var prompts []int64
	ids := make([]int64, len(ds))
	from := make(map[int64]string, len(ds))
	for i, d := range ds {
		if d.At.After(at) {
			at = d.At
		}
		if d.Kind == "prompt" && d.PromptID != 0 {
			prompts = append(prompts, d.PromptID)
		}
		ids[i], from[d.OutboundID] = d.OutboundID, d.MailFrom
	}
	g := db.gorm.WithContext(ctx)
	var blank []int64
	if err := g.Model(&OutboundMessage{}).Where("id IN ? AND mail_from = ''", ids).Pluck("id", &blank).Error; err != nil {
		return err
	}
	err := g.Exec("UPDATE outbound_messages SET status = ?, attempts = attempts + 1, last_error = '', sent_at = ?, updated_at = ? WHERE id IN ?",
		OutboundSent, at.UTC(), db.now().UTC(), ids).Error
	if err != nil {
		return err
	}
	fill := make([]idText, len(blank))
	for i, id := range blank {
		fill[i] = idText{id, from[id]}
	}
	if err := db.setByID(ctx, "outbound_messages", "mail_from", fill, ""); err != nil || len(prompts) == 0 {
		return err
	}
	return g.Model(&Prompt{}).Where("id IN ? AND status = ?", prompts, PromptPending).
		Updates(map[string]any{"status": PromptSent, "sent_at": at.UTC()}).Error
}

// idText is one row's value for setByID.
type idText struct {
	ID  int64
	Val string
}

// setByID sets column to a per-row text value, and the assignments in set
// (with ? placeholders for setArgs), on the rows of table whose IDs are in
// vals, in one statement: UPDATE … FROM (VALUES …) on PostgreSQL; on
// SQLite, whose UPDATE … FROM copies every whole row into a temporary
// table, a lookup in a VALUES CTE instead.
func (db *DB) setByID(ctx context.Context, table, column string, vals []idText, set string, setArgs ...any) error {
	if len(vals) == 0 {
		return nil
	}
	var rows strings.Builder
	args := make([]any, 0, 2*len(vals)+len(setArgs))
	for i, v := range vals {
		if i > 0 {
			rows.WriteByte(',')
		}
		rows.WriteString("(CAST(? AS BIGINT), CAST(? AS TEXT))")
		args = append(args, v.ID, v.Val)
	}
	var q string
	if set != "" {
		set += ", "
	}
	if db.postgres {
		q = "UPDATE " + table + " SET " + set + column + " = v.val FROM (VALUES " + rows.String() +
			") AS v(id, val) WHERE " + table + ".id = v.id"
		args = append(setArgs, args...)
	} else {
		q = "WITH v(id, val) AS (VALUES " + rows.String() + ") UPDATE " + table + " SET " + set + column +
			" = (SELECT val FROM v WHERE v.id = " + table + ".id) WHERE id IN (SELECT id FROM v)"
		args = append(args, setArgs...)
	}
	return db.gorm.WithContext(ctx).Exec(q, args...).Error
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

// insertBodies stores the bodies of the messages that have an ID (those
// just created), in one statement.
func (db *DB) insertBodies(ctx context.Context, ms []*OutboundMessage) error {
	var sb strings.Builder
	args := make([]any, 0, 2*len(ms))
	for _, m := range ms {
		if m.ID == 0 {
			continue
		}
		if len(args) > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?)")
		raw := m.Raw
		if raw == nil {
			raw = []byte{}
		}
		args = append(args, m.ID, raw)
	}
	if len(args) == 0 {
		return nil
	}
	return db.gorm.WithContext(ctx).Exec("INSERT INTO outbound_bodies (outbound_id, raw) VALUES "+sb.String(), args...).Error
}

// loadBodies fills the Raw of each message from its OutboundBody, a few
// hundred messages per query.
func (db *DB) loadBodies(ctx context.Context, ms []*OutboundMessage) error {
	const perQuery = 500
	for len(ms) > 0 {
		part := ms[:min(len(ms), perQuery)]
		ms = ms[len(part):]
		byID := make(map[int64]*OutboundMessage, len(part))
		ids := make([]int64, len(part))
		for i, m := range part {
			byID[m.ID], ids[i] = m, m.ID
		}
		rows, err := db.gorm.WithContext(ctx).Raw("SELECT outbound_id, raw FROM outbound_bodies WHERE outbound_id IN ?", ids).Rows()
		if err != nil {
			return err
		}
		if err := scanBodies(rows, byID); err != nil {
			return err
		}
	}
	return nil
}

func scanBodies(rows *sql.Rows, byID map[int64]*OutboundMessage) error {
	defer rows.Close()
	for rows.Next() {
		var id int64
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			return err
		}
		if m := byID[id]; m != nil {
			m.Raw = raw
		}
	}
	return rows.Err()
}

func pointers(ms []OutboundMessage) []*OutboundMessage {
	ps := make([]*OutboundMessage, len(ms))
	for i := range ms {
		ps[i] = &ms[i]
	}
	return ps
}
