package inbound

import (
	"context"
	"fmt"
	"time"

	"github.com/emersion/go-message"
	msgmail "github.com/emersion/go-message/mail"
	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/mail"
)

// ingestSafetyDelay is when the queued job for a piped message runs: only
// if the synchronous run did not finish it (the process died, the database
// went away), since the job leaves finished messages alone.
const ingestSafetyDelay = time.Minute

// Ingest stores a message handed over by a local MTA (a Postfix pipe
// transport, procmail) and processes it synchronously, like a message
// received over SMTP. Recipients come from env.Rcpt, else from the
// Delivered-To, X-Original-To, To and Cc fields; each must be ours. The
// error wraps mail.ErrUnknownRecipient or mail.ErrRelay for a recipient
// we do not accept, and store.ErrUnavailable when the message could not be
// stored (the MTA should retry). Once stored, a failure to process is
// logged and left to the queued job: the message is safe and the returned
// error is nil.
func (p *Processor) Ingest(ctx context.Context, env Envelope, raw []byte) (int64, error) {
	if len(env.Rcpt) == 0 {
		env.Rcpt = p.headerRecipients(raw)
	}
	if len(env.Rcpt) == 0 {
		return 0, fmt.Errorf("inbound: ingest: %w: no recipient of ours", mail.ErrUnknownRecipient)
	}
	for _, r := range env.Rcpt {
		if _, err := checkRecipient(ctx, p.db, p.opts.Addresses, r); err != nil {
			return 0, fmt.Errorf("inbound: ingest: %s: %w", r, err)
		}
	}
	if env.Remote == "" {
		env.Remote = "pipe"
	}
	now := p.opts.Now()
	id, created, err := keep(ctx, p.db, env, raw, receivedHeader(env, p.opts.Hostname, now), now,
		&river.InsertOpts{ScheduledAt: now.Add(ingestSafetyDelay), Priority: jobPriority(p.opts.Addresses, env.Rcpt)})
	if err != nil {
		return 0, fmt.Errorf("inbound: ingest: %w", err)
	}
	if !created {
		p.log.Info("duplicate message ignored", "inbound_id", id)
		return id, nil
	}
	if err := p.Process(ctx, id); err != nil {
		p.log.Warn("stored; processing left to the job queue", "inbound_id", id, "err", err)
	}
	return id, nil
}

// headerRecipients returns the addresses of ours named in the header.
func (p *Processor) headerRecipients(raw []byte) []string {
	h, err := readHeader(raw)
	if err != nil {
		return nil
	}
	mh := msgmail.Header{Header: message.Header{Header: h}}
	var out []string
	for _, f := range []string{"Delivered-To", "X-Original-To", "To", "Cc"} {
		list, _ := mh.AddressList(f)
		for _, a := range list {
			if _, err := p.opts.Addresses.Parse(a.Address, nil); err == nil {
				out = append(out, a.Address)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}
