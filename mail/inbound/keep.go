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
// per new message (unique while live, see store.ProcessInboundInsertOpts;
// job may set its ScheduledAt), all in one transaction. It sets every message's ID and
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
				opts := store.ProcessInboundInsertOpts()
				if job != nil {
					opts.ScheduledAt = job.ScheduledAt
				}
				jobs = append(jobs, river.InsertManyParams{Args: store.ProcessInboundArgs{InboundID: in.ID}, InsertOpts: opts})
			}
		}
		return tx.EnqueueMany(ctx, jobs)
	})
	if err != nil {
		return nil, fmt.Errorf("inbound: keep message: %w", err)
	}
	return created, nil
}

// newInbound is the row that keeps raw, received over env.
func newInbound(env Envelope, raw []byte, received string, now time.Time) *store.InboundMessage {
	msgID := messageID(raw)
	return &store.InboundMessage{
		DedupKey:   dedupKey(msgID, env.Rcpt, raw),
		MessageID:  msgID,
		MailFrom:   strings.ToLower(env.MailFrom),
		Rcpt:       env.Rcpt,
		Remote:     env.Remote,
		Helo:       env.Helo,
		Raw:        append([]byte(received), raw...),
		Size:       int64(len(raw)),
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

// dedupKey identifies one delivery of one message: its Message-ID (else a
// hash of its content) and the recipients it was accepted for. A sender's
// retry of the same transaction maps to the same key; the same message
// delivered separately to another of our addresses (an MTA that splits
// recipients) gets its own key, so neither copy is lost.
func dedupKey(msgID string, rcpt []string, raw []byte) string {
	to := make([]string, len(rcpt))
	for i, r := range rcpt {
		to[i] = strings.ToLower(r)
	}
	slices.Sort(to)
	to = slices.Compact(to)
	key := "mid:" + msgID
	if msgID == "" {
		sum := sha256.Sum256(raw)
		key = "sha256:" + hex.EncodeToString(sum[:])
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
