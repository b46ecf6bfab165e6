package inbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// Processor runs the inbound pipeline on stored messages. It is safe for
// concurrent use.
type Processor struct {
	db   *store.DB
	opts Options
	m    *processMetrics
	log  *slog.Logger
}

// NewProcessor returns a processor on db; it fails when opts has no
// Addresses.
func NewProcessor(db *store.DB, opts Options) (*Processor, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Processor{db: db, opts: opts, m: newProcessMetrics(opts.Registerer),
		log: opts.Logger.With("component", "inbound")}, nil
}

// Process runs the pipeline on stored message id, synchronously: it counts
// the attempt, authenticates and parses the message, and in one
// transaction applies it and records its final state (applied, ignored,
// quarantined, or failed). Running it again on the same message applies
// nothing twice. The error is nil when a state was recorded, failed
// included; it wraps store.ErrNotFound for an unknown id and
// store.ErrUnavailable or store.ErrConflict when the database refused the
// work, in which case nothing was applied and it should be retried.
func (p *Processor) Process(ctx context.Context, id int64) error {
	in, err := p.db.BeginInboundAttempt(ctx, id)
	if err != nil {
		return fmt.Errorf("inbound: process %d: %w", id, err)
	}
	log := p.log.With("inbound_id", id, "msg_id", in.MessageID)
	out, err := p.run(ctx, in)
	if err != nil {
		p.m.failed.Inc()
		if retryable(err) {
			log.Warn("processing deferred", "err", err)
			return fmt.Errorf("inbound: process %d: %w", id, err)
		}
		log.Error("processing failed", "err", err)
		return p.recordFailure(ctx, id, out, err)
	}
	log.Info("processed", "status", out.Status, "reason", out.Reason, "kind", out.Kind)
	if out.Status == store.InboundApplied {
		p.m.applied.Inc()
		p.m.latency.Observe(p.opts.Now().Sub(in.ReceivedAt).Seconds())
	}
	return nil
}

// retryable reports whether err may go away by itself.
func retryable(err error) bool {
	return errors.Is(err, store.ErrUnavailable) || errors.Is(err, store.ErrConflict) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// recordFailure stores the failed state with the error text.
func (p *Processor) recordFailure(ctx context.Context, id int64, out store.InboundOutcome, cause error) error {
	out.Status, out.Reason, out.Error = store.InboundFailed, "", cause.Error()
	if err := p.db.FinishInbound(ctx, id, out); err != nil {
		return fmt.Errorf("inbound: process %d: record failure: %w", id, err)
	}
	return nil
}

// run authenticates, parses and applies in; out carries what is known
// even when err is not nil.
func (p *Processor) run(ctx context.Context, in *store.InboundMessage) (store.InboundOutcome, error) {
	r, err := p.resolve(ctx, in)
	if err != nil {
		return store.InboundOutcome{}, err
	}
	opts := reply.Options{Rcpt: r.addr, Now: in.ReceivedAt}
	if r.target != nil {
		opts.Questions = questions(r.target.CheckIn.Questions)
	}
	msg, perr := reply.Parse(in.Raw, opts)
	var out store.InboundOutcome
	if perr == nil {
		out.Kind = string(msg.Kind)
		a := p.authenticate(in.Raw, domainOf(msg.From))
		out.SPF, out.DKIM, out.DMARC = a.SPF, a.DKIM, a.DMARC
		in.SPF, in.DKIM, in.DMARC = a.SPF, a.DKIM, a.DMARC // the filer reads them
	}
	err = p.db.InTx(ctx, func(tx *store.DB) error {
		var err error
		switch {
		case perr != nil:
			out.Status, out.Reason = store.InboundIgnored, "not a readable message: "+perr.Error()
		case !r.ok:
			out.Status, out.Reason = store.InboundIgnored, "no recipient of ours"
		default:
			j := &job{p: p, tx: tx, in: in, msg: msg, rcpt: r.rcpt, target: r.target, from: r.from,
				auth: authResults{SPF: out.SPF, DKIM: out.DKIM, DMARC: out.DMARC}}
			out.Status, out.Reason, err = j.apply(ctx)
		}
		if err != nil {
			return err
		}
		return tx.FinishInbound(ctx, in.ID, out)
	})
	return out, err
}

// resolved is what a message's recipients say it is.
type resolved struct {
	addr   string         // the primary recipient as received
	rcpt   mail.Recipient // its meaning; a reply when found by reference
	ok     bool           // false: no recipient of ours
	target *store.ReplyTarget
	from   *fromRef // set when sent to the From address
}

// resolve picks the primary recipient and, for a reply, loads its prompt.
// A message to the From address counts as a reply to the prompt its
// References or In-Reply-To name (see fromReference), or as an answer to
// the copy of an ask they name (mail.Addresses.AnswerReference).
func (p *Processor) resolve(ctx context.Context, in *store.InboundMessage) (resolved, error) {
	var r resolved
	r.addr, r.rcpt, r.ok = p.primaryRecipient(in.Rcpt)
	if r.ok && r.rcpt.Kind == mail.RcptFrom {
		r.from = p.fromReference(in.Raw)
		if r.from.found {
			r.rcpt = mail.Recipient{Kind: mail.RcptReply, ID: r.from.promptID}
		} else if rid, ok := p.opts.Addresses.AnswerReference(r.from.ids); ok {
			r.rcpt = mail.Recipient{Kind: mail.RcptAnswer, ID: rid} // an ask's copy, Reply-To dropped
		}
	}
	if r.ok && r.rcpt.Kind == mail.RcptReply {
		t, err := p.db.FindReplyTarget(ctx, r.rcpt.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return r, err
		}
		r.target = t
	}
	return r, nil
}

// primaryRecipient picks the recipient that decides what a message is:
// a reply address first, then a bounce address, an ask answer or asker
// thread, a note's confirmation address, ask, fyi, meetings, the From
// address, postmaster.
func (p *Processor) primaryRecipient(rcpts []string) (string, mail.Recipient, bool) {
	order := []string{mail.RcptReply, mail.RcptBounce, mail.RcptAnswer, mail.RcptAsker, mail.RcptConfirm, mail.RcptAsk, mail.RcptFYI,
		mail.RcptMeetings, mail.RcptOKRs, mail.RcptSettings, mail.RcptFrom, mail.RcptPostmaster}
	best, bestAddr, found := mail.Recipient{}, "", false
	for _, a := range rcpts {
		r, err := p.opts.Addresses.Parse(a, nil)
		if err != nil {
			continue
		}
		if !found || slices.Index(order, r.Kind) < slices.Index(order, best.Kind) {
			best, bestAddr, found = r, a, true
		}
	}
	return bestAddr, best, found
}

func questions(qs []store.Question) []reply.Question {
	out := make([]reply.Question, len(qs))
	for i, q := range qs {
		out[i] = reply.Question{Key: q.Key, Text: q.Text, Aliases: q.Aliases}
	}
	return out
}

func domainOf(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		return strings.ToLower(strings.Trim(addr[at+1:], "> "))
	}
	return ""
}

// Worker is the River worker for store.ProcessInboundArgs.
type Worker struct {
	river.WorkerDefaults[store.ProcessInboundArgs]
	p     *Processor
	large chan struct{} // one large message processed at a time (memory)
}

// NewWorker returns the worker that runs p on each queued message.
func NewWorker(p *Processor) *Worker { return &Worker{p: p, large: make(chan struct{}, 1)} }

// Work processes one message, waiting its turn while the receiver is
// taking a burst (Options.Pacer). A message already in a final state
// (applied by `tidings ingest` or a reprocess) is left alone. A retryable
// error is returned for River to retry; on the last attempt the message is
// recorded as failed first, so no message stays "received" for ever.
func (w *Worker) Work(ctx context.Context, job *river.Job[store.ProcessInboundArgs]) error {
	id := job.Args.InboundID
	rows, err := w.p.db.FindInbound(ctx, store.InboundFilter{IDs: []int64{id}})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return river.JobCancel(fmt.Errorf("inbound: message %d: %w", id, store.ErrNotFound))
	}
	if rows[0].Status != store.InboundReceived {
		return nil
	}
	if rows[0].Size > spillAt { // see large.go: whole in memory while parsed
		select {
		case w.large <- struct{}{}:
			defer func() { <-w.large }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	release, err := w.p.opts.Pacer.Wait(ctx) // last: a pacer slot is held only while processing
	if err != nil {
		return err
	}
	defer release()
	err = w.p.Process(ctx, id)
	if err != nil && job.Attempt >= job.MaxAttempts {
		if ferr := w.p.recordFailure(ctx, id, store.InboundOutcome{}, err); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return err
}

// Timeout bounds one processing run; server.jobs.rescue_after (default
// twice this) retries a run whose process died.
func (w *Worker) Timeout(*river.Job[store.ProcessInboundArgs]) time.Duration { return 30 * time.Second }
