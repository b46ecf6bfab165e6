package inbound

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-message/textproto"
	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/store"
)

// Envelope is the SMTP transaction a message arrived in.
type Envelope struct {
	MailFrom string   // empty for a bounce or an auto-reply (MAIL FROM:<>)
	Rcpt     []string // accepted recipients
	Remote   string   // client address, "pipe" for ingest
	Helo     string
	TLS      bool
}

// maxDedupKey is the column size of InboundMessage.DedupKey.
const maxDedupKey = 512

// keep stores raw with its envelope and enqueues the job that processes it,
// in one transaction, so a message is either kept with its job or not at
// all. It reports the row ID and whether the message was new: a message
// already kept (same dedup key) is not stored again and gets no new job.
func keep(ctx context.Context, db *store.DB, env Envelope, raw []byte, received string, now time.Time, job *river.InsertOpts) (int64, bool, error) {
	in := newInbound(env, raw, received, now)
	created, err := keepAll(ctx, db, []*store.InboundMessage{in}, job)
	if err != nil {
		return 0, false, err
	}
	return in.ID, created[0], nil
}

// keepAll stores messages with one multi-row insert and enqueues one job
// per new message (unique while live, see store.ProcessInboundJob;
// job may set its ScheduledAt and Priority), all in one transaction. It sets every message's ID and
// reports which were new; on error nothing is kept.
func keepAll(ctx context.Context, db *store.DB, ins []*store.InboundMessage, job *river.InsertOpts) ([]bool, error) {
	var created []bool
	err := db.InTx(ctx, func(tx *store.DB) error {
		var err error
		if created, err = tx.CreateInbounds(ctx, ins); err != nil {
			return err
		}
		jobs := make([]river.InsertManyParams, 0, len(ins))
		for i, in := range ins {
			if created[i] {
				j := store.ProcessInboundJob(in.ID, 0)
				if job != nil {
					j.InsertOpts.ScheduledAt, j.InsertOpts.Priority = job.ScheduledAt, job.Priority
				}
				jobs = append(jobs, j)
			}
		}
		return tx.EnqueueMany(ctx, jobs)
	})
	if err != nil {
		return nil, fmt.Errorf("inbound: keep message: %w", err)
	}
	return created, nil
}

// newInbound is the row that keeps raw, received over env (ingest: the
// whole message is in memory already).
func newInbound(env Envelope, raw []byte, received string, now time.Time) *store.InboundMessage {
	sum := sha256.Sum256(raw)
	in := inboundRow(env, raw, hex.EncodeToString(sum[:]), int64(len(raw)), now)
	in.Raw = append([]byte(received), raw...)
	return in
}

// newSpooledInbound is the row for a message received into sp. Raw is the
// spool's buffer for a message held in memory, nil for a spooled one (the
// keeper reads it back just before committing).
func newSpooledInbound(env Envelope, sp *spool, now time.Time) *store.InboundMessage {
	in := inboundRow(env, sp.head, sp.contentHash(), sp.size, now)
	if !sp.spooled() {
		in.Raw, _ = sp.bytes()
	}
	return in
}

// inboundRow is the row without its raw bytes; head is (the start of) the
// message, for its Message-ID, and sum the hex SHA-256 of its content.
func inboundRow(env Envelope, head []byte, sum string, size int64, now time.Time) *store.InboundMessage {
	msgID := messageID(head)
	return &store.InboundMessage{
		DedupKey:   dedupKey(msgID, env.Rcpt, sum),
		MessageID:  msgID,
		MailFrom:   strings.ToLower(env.MailFrom),
		Rcpt:       env.Rcpt,
		Remote:     env.Remote,
		Helo:       env.Helo,
		Size:       size,
		Status:     store.InboundReceived,
		ReceivedAt: now.UTC(),
	}
}

// messageID returns the Message-ID without angle brackets, or "" when the
// header is missing or unreadable.
func messageID(raw []byte) string {
	h, err := readHeader(raw)
	if err != nil {
		return ""
	}
	return strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
}

// readHeader reads the header of raw.
func readHeader(raw []byte) (textproto.Header, error) {
	return textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
}

// dedupKey identifies one delivery of one message: its Message-ID, the
// hash of its content and the recipients it was accepted for. A sender's
// retry of the same transaction (same bytes, same recipients) maps to the
// same key; a different message reusing a Message-ID does not, and the
// same message delivered separately to another of our addresses (an MTA
// that splits recipients) gets its own key, so none of them is lost.
func dedupKey(msgID string, rcpt []string, sum string) string {
	to := make([]string, len(rcpt))
	for i, r := range rcpt {
		to[i] = strings.ToLower(r)
	}
	slices.Sort(to)
	to = slices.Compact(to)
	key := "sha256:" + sum
	if msgID != "" {
		key = "mid:" + msgID + " " + key
	}
	key += " to:" + strings.Join(to, ",")
	if len(key) > maxDedupKey {
		sum := sha256.Sum256([]byte(key))
		key = "sha256key:" + hex.EncodeToString(sum[:])
	}
	return key
}

// receivedHeader is the trace field (RFC 5321 4.4) prepended to the stored
// message. It is not part of the dedup hash, so a retry still matches.
func receivedHeader(env Envelope, host string, now time.Time) string {
	with := "ESMTP"
	if env.TLS {
		with = "ESMTPS"
	}
	if env.Remote == "pipe" {
		with = "local"
	}
	helo := env.Helo
	if helo == "" {
		helo = "unknown"
	}
	return fmt.Sprintf("Received: from %s (%s)\r\n\tby %s (Tidings) with %s;\r\n\t%s\r\n",
		helo, env.Remote, host, with, now.Format(time.RFC1123Z))
}
