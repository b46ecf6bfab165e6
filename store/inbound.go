package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CreateInbound inserts m unless a message with the same DedupKey is
// already stored. It reports whether a row was inserted; on a duplicate it
// sets m.ID to the existing row's ID and returns false with a nil error, so
// a sender's retry is acknowledged without being applied twice. Status
// defaults to InboundReceived and ReceivedAt to the store's clock. A database
// that cannot be reached gives an error wrapping ErrUnavailable.
func (db *DB) CreateInbound(ctx context.Context, m *InboundMessage) (bool, error) {
	created, err := db.CreateInbounds(ctx, []*InboundMessage{m})
	if err != nil {
		return false, err
	}
	return created[0], nil
}

// inboundColumns are the columns CreateInbounds writes, in the order of
// inboundValues.
const inboundColumns = "dedup_key, message_id, mail_from, rcpt, remote, helo, raw, size, " +
	"spf, dkim, dmarc, kind, status, reason, error, attempts, received_at"

// CreateInbounds inserts ms with one multi-row statement (ON CONFLICT
// (dedup_key) DO NOTHING), as CreateInbound does for one message: it sets
// every message's ID, the existing row's for a duplicate, and reports per
// message whether it was inserted. A DedupKey repeated within ms is
// inserted once, for its first message. On error nothing is inserted; the
// error wraps ErrUnavailable when the database cannot be reached. Inside
// InTx the rows commit or roll back with the transaction.
func (db *DB) CreateInbounds(ctx context.Context, ms []*InboundMessage) ([]bool, error) {
	created := make([]bool, len(ms))
	if len(ms) == 0 {
		return created, nil
	}
	var q strings.Builder
	q.WriteString("INSERT INTO inbound_messages (" + inboundColumns + ") VALUES ")
	args := make([]any, 0, 17*len(ms))
	keys := make([]string, len(ms))
	for i, m := range ms {
		vals, err := db.inboundValues(m)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?" + strings.Repeat(", ?", len(vals)-1) + ")")
		args = append(args, vals...)
		keys[i] = m.DedupKey
	}
	q.WriteString(" ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key")
	inserted, err := db.inboundIDs(ctx, q.String(), args...)
	if err != nil {
		return nil, wrap("create inbound", err)
	}
	ids := maps.Clone(inserted)
	var dups []string
	for _, k := range keys {
		if _, ok := inserted[k]; !ok {
			dups = append(dups, k)
		}
	}
	if len(dups) > 0 {
		existing, err := db.inboundIDs(ctx, "SELECT id, dedup_key FROM inbound_messages WHERE dedup_key IN ?", dups)
		if err != nil {
			return nil, wrap("create inbound: find duplicates", err)
		}
		maps.Copy(ids, existing)
	}
	for i, m := range ms {
		m.ID = ids[m.DedupKey]
		if _, ok := inserted[m.DedupKey]; ok {
			created[i] = true
			delete(inserted, m.DedupKey) // a repeat later in ms is a duplicate
		}
	}
	return created, nil
}

// inboundValues defaults m's Status and ReceivedAt and returns the values
// of inboundColumns.
func (db *DB) inboundValues(m *InboundMessage) ([]any, error) {
	if m.Status == "" {
		m.Status = InboundReceived
	}
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = db.now().UTC()
	}
	rcpt, err := json.Marshal(m.Rcpt)
	if err != nil {
		return nil, fmt.Errorf("store: create inbound: recipients: %w", err)
	}
	raw := m.Raw
	if raw == nil {
		raw = []byte{}
	}
	return []any{m.DedupKey, m.MessageID, m.MailFrom, string(rcpt), m.Remote, m.Helo, raw, m.Size,
		m.SPF, m.DKIM, m.DMARC, m.Kind, m.Status, m.Reason, m.Error, m.Attempts, m.ReceivedAt}, nil
}

// inboundIDs runs a query returning (id, dedup_key) rows and maps key to id.
func (db *DB) inboundIDs(ctx context.Context, query string, args ...any) (map[string]int64, error) {
	rows, err := db.gorm.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[string]int64{}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, err
		}
		ids[key] = id
	}
	return ids, rows.Err()
}

// InboundByID returns the stored message with its raw bytes, or
// ErrNotFound.
func (db *DB) InboundByID(ctx context.Context, id int64) (*InboundMessage, error) {
	var m InboundMessage
	if err := db.gorm.WithContext(ctx).Take(&m, id).Error; err != nil {
		return nil, wrap(fmt.Sprintf("find inbound %d", id), err)
	}
	return &m, nil
}

// InboundFilter selects inbound messages; zero fields do not filter.
type InboundFilter struct {
	Status string // one of the Inbound* statuses
	IDs    []int64
	Limit  int // newest first; zero means 100
}

// FindInbound returns the messages matching f, newest first, without their
// raw bytes (Raw is nil; use InboundByID for one message's content).
func (db *DB) FindInbound(ctx context.Context, f InboundFilter) ([]InboundMessage, error) {
	q := db.gorm.WithContext(ctx).Omit("raw").Order("id DESC")
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if len(f.IDs) > 0 {
		q = q.Where("id IN ?", f.IDs)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	var out []InboundMessage
	err := q.Limit(limit).Find(&out).Error
	return out, wrap("find inbound", err)
}

// BeginInboundAttempt counts one processing attempt of the message and
// returns it with its raw bytes; ErrNotFound when there is no such message.
// The count is committed even when processing later fails, so Attempts shows
// how often the pipeline ran.
func (db *DB) BeginInboundAttempt(ctx context.Context, id int64) (*InboundMessage, error) {
	var rows []InboundMessage // one statement: the update returns the row
	res := db.gorm.WithContext(ctx).Model(&rows).Clauses(clause.Returning{}).Where("id = ?", id).
		UpdateColumn("attempts", gorm.Expr("attempts + 1"))
	if res.Error != nil {
		return nil, wrap("begin inbound attempt", res.Error)
	}
	if len(rows) == 0 {
		return nil, wrap(fmt.Sprintf("begin inbound attempt %d", id), ErrNotFound)
	}
	return &rows[0], nil
}

// InboundOutcome is the recorded result of processing an inbound message.
type InboundOutcome struct {
	Status string // InboundApplied, InboundIgnored, InboundQuarantined or InboundFailed
	Reason string // why ignored or quarantined, or what was applied
	Error  string // for InboundFailed
	Kind   string // what the parser said the message is
	SPF    string
	DKIM   string
	DMARC  string
}

// FinishInbound records the outcome of processing message id and stamps
// ProcessedAt; ErrNotFound when there is no such message.
func (db *DB) FinishInbound(ctx context.Context, id int64, o InboundOutcome) error {
	now := db.now().UTC()
	res := db.gorm.WithContext(ctx).Model(&InboundMessage{}).Where("id = ?", id).Updates(map[string]any{
		"status": o.Status, "reason": o.Reason, "error": o.Error, "kind": o.Kind,
		"spf": o.SPF, "dkim": o.DKIM, "dmarc": o.DMARC, "processed_at": now,
	})
	if res.Error != nil {
		return wrap("finish inbound", res.Error)
	}
	if res.RowsAffected == 0 {
		return wrap(fmt.Sprintf("finish inbound %d", id), ErrNotFound)
	}
	return nil
}

// DeliveryReport is what a delivery status notification said about one
// OutboundMessage.
type DeliveryReport struct {
	OutboundID int64
	Action     string // failed, delayed, delivered, relayed, expanded
	Status     string // enhanced status code such as 5.1.1
	Recipient  string // as named by the report
}

// Permanent reports whether the report is a hard failure: action failed
// with a 5.x.x status.
func (r DeliveryReport) Permanent() bool {
	return r.Action == "failed" && strings.HasPrefix(r.Status, "5")
}

// RecordDeliveryReport applies a DSN to its outbound message: it is logged
// as a DeliveryAttempt (once, however often the report is processed); a
// failed action marks the message failed and its prompt failed unless the
// prompt was already answered; a permanent failure also suppresses the
// message's recipient. Delayed and other actions are recorded only. It
// returns the outbound message, or ErrNotFound.
func (db *DB) RecordDeliveryReport(ctx context.Context, r DeliveryReport) (*OutboundMessage, error) {
	var out OutboundMessage
	g := db.gorm.WithContext(ctx)
	if err := g.Take(&out, r.OutboundID).Error; err != nil {
		return nil, wrap("record delivery report", err)
	}
	detail := fmt.Sprintf("DSN: %s %s %s", r.Action, r.Status, r.Recipient)
	var seen int64
	if err := g.Model(&DeliveryAttempt{}).Where("outbound_id = ? AND error = ?", out.ID, detail).Count(&seen).Error; err != nil {
		return nil, wrap("record delivery report", err)
	}
	if seen == 0 {
		a := DeliveryAttempt{OutboundID: out.ID, At: db.now().UTC(), Temporary: !r.Permanent(), Error: detail}
		if err := g.Create(&a).Error; err != nil {
			return nil, wrap("record delivery report", err)
		}
	}
	if r.Action != "failed" {
		return &out, nil
	}
	if err := g.Model(&out).Updates(map[string]any{"status": OutboundFailed, "last_error": detail}).Error; err != nil {
		return nil, wrap("record delivery report", err)
	}
	if out.PromptID != nil {
		err := g.Model(&Prompt{}).Where("id = ? AND status <> ?", *out.PromptID, PromptAnswered).
			Updates(map[string]any{"status": PromptFailed, "reason": "bounced: " + r.Status}).Error
		if err != nil {
			return nil, wrap("record delivery report", err)
		}
	}
	if r.Permanent() {
		if err := db.Suppress(ctx, out.Recipient, "bounce "+r.Status); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// ReplyTarget is everything a reply to a prompt is applied against.
type ReplyTarget struct {
	Prompt  Prompt
	Member  Member
	CheckIn CheckIn
	Team    Team
}

// Location is the member's time zone, else the team's, else UTC.
func (t *ReplyTarget) Location() *time.Location {
	for _, name := range []string{t.Member.Timezone, t.Team.Timezone} {
		if loc, err := time.LoadLocation(name); name != "" && err == nil {
			return loc
		}
	}
	return time.UTC
}

// FindReplyTarget loads the prompt with its member, check-in and team, or
// ErrNotFound when any of them is gone.
func (db *DB) FindReplyTarget(ctx context.Context, promptID int64) (*ReplyTarget, error) {
	var t ReplyTarget
	g := db.gorm.WithContext(ctx)
	if err := g.Take(&t.Prompt, promptID).Error; err != nil {
		return nil, wrap(fmt.Sprintf("find prompt %d", promptID), err)
	}
	if err := g.Take(&t.Member, t.Prompt.MemberID).Error; err != nil {
		return nil, wrap("find prompt member", err)
	}
	if err := g.Take(&t.CheckIn, t.Prompt.CheckInID).Error; err != nil {
		return nil, wrap("find prompt check-in", err)
	}
	if err := g.Take(&t.Team, t.Prompt.TeamID).Error; err != nil {
		return nil, wrap("find prompt team", err)
	}
	return &t, nil
}

// MarkPrompt sets a prompt's status and reason; ErrNotFound when there is
// no such prompt.
func (db *DB) MarkPrompt(ctx context.Context, id int64, status, reason string) error {
	res := db.gorm.WithContext(ctx).Model(&Prompt{}).Where("id = ?", id).
		Updates(map[string]any{"status": status, "reason": reason})
	if res.Error != nil {
		return wrap("mark prompt", res.Error)
	}
	if res.RowsAffected == 0 {
		return wrap(fmt.Sprintf("mark prompt %d", id), ErrNotFound)
	}
	return nil
}
