package outbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
	gosmtp "github.com/wneessen/go-mail/smtp"
)

// DelivererOptions configures a Deliverer.
type DelivererOptions struct {
	// Relay is smtp://host:port, smtps://user:pass@host:465 or
	// smtp+starttls://…; empty writes .eml files to Outbox instead.
	Relay  string
	Outbox string // directory for .eml files (default "outbox")
	Helo   string // EHLO name, normally the domain
	// PoolSize is the number of relay sessions kept open (default 4).
	PoolSize int
	// Rate caps messages per second (0: unlimited).
	Rate float64
	// Timeout bounds dialling and each SMTP exchange (default 60s).
	Timeout time.Duration
	// ClaimLease is how long a message claimed for delivery stays reserved
	// for its deliverer (default 10 minutes); after that another process
	// may take it over, so a deliverer that died holding it (SIGKILL)
	// delays it by about this much. Keep it well above Timeout: a lease
	// that lapses while the first attempt is still talking to the relay
	// lets a second deliverer send the message again.
	ClaimLease time.Duration
	// TLSConfig overrides the TLS settings (tests; private relays).
	TLSConfig *tls.Config
	// Addresses builds the envelope sender (bounces+TOKEN@domain).
	Addresses  mail.Addresses
	Logger     *slog.Logger
	Registerer prometheus.Registerer // nil: no metrics
	Now        func() time.Time
}

// Deliverer sends stored OutboundMessages to the relay through a small pool
// of reused sessions, or into the outbox directory, and records every
// attempt and outcome (store.RecordDeliveries: a success on the message
// row, a failed attempt as a DeliveryAttempt row). It is safe for
// concurrent use.
type Deliverer struct {
	db      *store.DB
	opts    DelivererOptions
	pool    *pool // nil: outbox
	limit   *limiter
	log     *slog.Logger
	metrics *metrics
}

// DeliveryError is a failed attempt. Temporary failures (4xx replies,
// network errors, timeouts) are retried later; permanent ones (5xx) are
// final.
type DeliveryError struct {
	Code     int    // SMTP reply code; 0 for network and local errors
	Enhanced string // enhanced status code such as "5.1.1", when given
	// Stage is the command that failed: StageMail, StageRcpt or StageData;
	// empty before MAIL FROM (dial, TLS, AUTH) and for the outbox.
	Stage     string
	Temporary bool
	Err       error
}

// Stages of an SMTP transaction, for DeliveryError.Stage.
const (
	StageMail = "MAIL FROM"
	StageRcpt = "RCPT TO"
	StageData = "DATA"
)

// badMailbox reports whether an enhanced code says the recipient's
// address does not work (RFC 3463: bad mailbox, bad system, bad syntax,
// moved; RFC 7505: null MX). 5.1.7 and 5.1.8 are about our sender.
func badMailbox(enhanced string) bool {
	switch enhanced {
	case "5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10":
		return true
	}
	return false
}

// suppresses reports whether a permanent failure condemns the recipient's
// address: a bad-mailbox code in reply to RCPT TO, or to DATA (every
// transaction has the one recipient, so the reply is about it). A refusal
// of MAIL FROM is about our sender, never the recipient.
func (e *DeliveryError) suppresses() bool {
	return !e.Temporary && (e.Stage == StageRcpt || e.Stage == StageData) && badMailbox(e.Enhanced)
}

// Error says whether the failure is temporary and what the relay said.
func (e *DeliveryError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	return fmt.Sprintf("outbound: deliver: %s failure: %v", kind, e.Err)
}

// Unwrap returns the underlying error (a *textproto.Error for SMTP replies).
func (e *DeliveryError) Unwrap() error { return e.Err }

// NewDeliverer returns a Deliverer. It fails for a malformed relay URL or
// an outbox directory it cannot create. Close it when done.
func NewDeliverer(db *store.DB, opts DelivererOptions) (*Deliverer, error) {
	if opts.PoolSize <= 0 {
		opts.PoolSize = 4
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Minute
	}
	if opts.ClaimLease <= 0 {
		opts.ClaimLease = claimLease
	}
	if opts.Outbox == "" {
		opts.Outbox = "outbox"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Addresses.Signer == nil {
		return nil, errors.New("outbound: deliverer needs Addresses with a Signer")
	}
	d := &Deliverer{db: db, opts: opts, limit: newLimiter(opts.Rate), log: opts.Logger.With("component", "outbound")}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	d.metrics = m
	if opts.Relay == "" {
		if err := os.MkdirAll(opts.Outbox, 0o750); err != nil {
			return nil, fmt.Errorf("outbound: outbox: %w", err)
		}
		return d, nil
	}
	rc, err := newRelayClient(opts.Relay, opts.Helo, opts.Timeout, opts.TLSConfig)
	if err != nil {
		return nil, err
	}
	d.pool = newPool(opts.PoolSize, opts.Timeout, func(ctx context.Context) (*gosmtp.Client, error) {
		return rc.DialToSMTPClientWithContext(ctx)
	})
	return d, nil
}

// Close closes the idle relay sessions.
func (d *Deliverer) Close() error {
	if d.pool == nil {
		return nil
	}
	return d.pool.close()
}

// Deliver makes one attempt at m, which the caller has claimed (see
// store.ClaimOutbound), and records its outcome (message and prompt
// status; a DeliveryAttempt row when it failed; suppression on a 5.1.x
// refusal). It returns nil when the relay accepted the message, a
// *DeliveryError when it did not, and a store error when the outcome could
// not be recorded.
func (d *Deliverer) Deliver(ctx context.Context, m *store.OutboundMessage) error {
	rec, derr := d.attempt(ctx, m)
	// The outcome must be recorded even when ctx ends now: the relay has
	// answered and forgetting a success would send the message twice.
	if err := d.db.RecordDeliveries(context.WithoutCancel(ctx), []store.Delivery{rec}); err != nil {
		return fmt.Errorf("outbound: deliver %d: %w", m.ID, err)
	}
	return derr
}

// attempt sends m once and describes the outcome; the error is a
// *DeliveryError or nil.
func (d *Deliverer) attempt(ctx context.Context, m *store.OutboundMessage) (store.Delivery, error) {
	from := m.MailFrom
	if from == "" {
		from = d.opts.Addresses.Bounce(m.ID)
	}
	rec := store.Delivery{OutboundID: m.ID, Kind: m.Kind, MailFrom: from}
	if m.PromptID != nil {
		rec.PromptID = *m.PromptID
	}
	var err error
	if err = d.limit.wait(ctx); err == nil {
		if d.pool == nil {
			err = d.writeOutbox(m, from)
		} else {
			start := time.Now()
			err = d.pool.send(ctx, from, m.Recipient, m.Raw)
			d.metrics.observe(time.Since(start))
		}
	}
	rec.At = d.opts.Now()
	if err == nil {
		rec.Status = store.OutboundSent
		d.metrics.result("sent")
		d.log.Debug("delivered", "msg_id", m.MessageID, "outbound", m.ID, "kind", m.Kind)
		return rec, nil
	}
	de := classify(err)
	rec.Code, rec.Temporary, rec.Error = de.Code, de.Temporary, err.Error()
	switch {
	case de.Temporary:
		rec.Status = store.OutboundQueued
		d.metrics.result("deferred")
	case de.suppresses():
		rec.Status, rec.Suppress = store.OutboundSuppressed, m.Recipient
		d.metrics.result("failed")
	default:
		rec.Status = store.OutboundFailed
		d.metrics.result("failed")
	}
	d.log.Warn("delivery failed", "msg_id", m.MessageID, "outbound", m.ID, "code", de.Code,
		"stage", de.Stage, "temporary", de.Temporary, "err", err)
	return rec, de
}

var enhancedRE = regexp.MustCompile(`^([245])\.(\d{1,3})\.(\d{1,3})\b`)

// classify decides whether err is worth retrying. go-mail's own IsTemp
// only looks at 4xx replies: dial errors, timeouts and dropped connections
// are temporary too.
func classify(err error) *DeliveryError {
	var stage string
	if se := (*stageError)(nil); errors.As(err, &se) {
		stage = se.stage
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		de := &DeliveryError{Code: tp.Code, Stage: stage, Temporary: tp.Code < 500, Err: err}
		de.Enhanced = enhancedRE.FindString(strings.TrimSpace(tp.Msg))
		return de
	}
	return &DeliveryError{Stage: stage, Temporary: true, Err: err}
}

// isReply reports whether err is an SMTP reply (the session still works)
// rather than a broken connection.
func isReply(err error) bool {
	var tp *textproto.Error
	return errors.As(err, &tp)
}

// outboxName is the file name of m written at t:
// "20261123T120000.000Z-0000000042-prompt.eml". Names sort in sending
// order (time, then the queue's ID) in any file manager or `ls`.
func outboxName(m *store.OutboundMessage, t time.Time) string {
	kind := m.Kind
	if kind == "" {
		kind = "mail"
	}
	return fmt.Sprintf("%s-%010d-%s.eml", t.UTC().Format("20060102T150405.000Z"), m.ID, kind)
}

// writeOutbox writes m to Outbox/outboxName atomically (temp file, then
// rename) with a Return-Path line carrying the envelope sender.
func (d *Deliverer) writeOutbox(m *store.OutboundMessage, from string) error {
	name := filepath.Join(d.opts.Outbox, outboxName(m, d.opts.Now()))
	f, err := os.CreateTemp(d.opts.Outbox, ".tmp-*.eml")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "Return-Path: <%s>\r\nDelivered-To: %s\r\n", from, m.Recipient)
	if err == nil {
		_, err = f.Write(m.Raw)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}
