package outbound

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tidings-app/tidings/store"
)

// claimLease is how long a claimed message stays reserved for its
// deliverer by default (DelivererOptions.ClaimLease); after that another
// process may take it over.
const claimLease = 10 * time.Minute

// flushBatch is how many messages one claim takes and one transaction
// records.
const flushBatch = 256

// FlushResult counts what one Flush did.
type FlushResult struct {
	Sent     int
	Deferred int // temporary failures, left queued for a retry
	Failed   int // permanent failures (suppressed addresses included)
}

func (r *FlushResult) add(o FlushResult) {
	r.Sent, r.Deferred, r.Failed = r.Sent+o.Sent, r.Deferred+o.Deferred, r.Failed+o.Failed
}

// Flush delivers every queued message once, now, through the pool (up to
// PoolSize at a time), recording outcomes in batches while it sends. It is
// how `tidings prompts send` delivers what was queued before it ran; in
// `serve` the DeliverArgs jobs do the same one message at a time. Messages
// claimed by another process are left to it. When ctx ends, messages not
// yet handed to the relay are released to the queue (each with a
// DeliverArgs job) and the error wraps ctx.Err(); outcomes of messages in
// flight are still recorded. Store errors are wrapped.
func (d *Deliverer) Flush(ctx context.Context) (FlushResult, error) {
	in := make(chan []*store.OutboundMessage, 1)
	var claimErr error
	go func() {
		defer close(in)
		var after int64
		for ctx.Err() == nil {
			batch, err := d.db.ClaimOutbound(ctx, after, flushBatch, d.opts.ClaimLease)
			if err != nil || len(batch) == 0 {
				claimErr = err
				return
			}
			after = batch[len(batch)-1].ID
			ms := make([]*store.OutboundMessage, len(batch))
			for i := range batch {
				ms[i] = &batch[i]
			}
			in <- ms
		}
	}()
	res, err := d.deliverStream(ctx, in)
	if err == nil && claimErr != nil && ctx.Err() == nil {
		err = claimErr
	}
	if err != nil {
		return res, fmt.Errorf("outbound: flush: %w", err)
	}
	return res, nil
}

// outcome is what a worker did with one message.
type outcome struct {
	rec   store.Delivery
	id    int64
	tried bool // false: never reached the relay, to release
}

// deliverStream delivers the claimed messages that arrive on in until it
// is closed, PoolSize at a time, and records their outcomes in batches of
// flushBatch while sending continues. It reads in to the end even after a
// failure, so senders never block. When ctx ends or an outcome cannot be
// recorded, the messages not yet attempted are released; the error is
// ctx.Err() or the store's.
func (d *Deliverer) deliverStream(ctx context.Context, in <-chan []*store.OutboundMessage) (FlushResult, error) {
	sendCtx, stop := context.WithCancel(ctx)
	defer stop()
	msgs := make(chan *store.OutboundMessage, flushBatch)
	// Room for many outcomes, so that senders never wait for a recording
	// transaction.
	outs := make(chan outcome, 16*flushBatch)
	go func() {
		defer close(msgs)
		for batch := range in {
			for _, m := range batch {
				msgs <- m
			}
		}
	}()
	var wg sync.WaitGroup
	for range d.workers() {
		wg.Go(func() {
			for m := range msgs {
				if sendCtx.Err() != nil {
					outs <- outcome{id: m.ID}
					continue
				}
				rec, err := d.attempt(sendCtx, m)
				outs <- outcome{rec: rec, id: m.ID, tried: !isCanceled(sendCtx, err)}
			}
		})
	}
	go func() { wg.Wait(); close(outs) }()
	return d.record(ctx, outs, stop)
}

// record stores outcomes as they come, flushBatch at a time, and releases
// the untried messages at the end. A store error stops further sending.
func (d *Deliverer) record(ctx context.Context, outs <-chan outcome, stop func()) (FlushResult, error) {
	var res FlushResult
	var firstErr error
	bg := context.WithoutCancel(ctx) // outcomes the relay gave must be kept
	done := make([]store.Delivery, 0, flushBatch)
	var release []int64
	save := func() {
		if len(done) == 0 {
			return
		}
		if err := d.db.RecordDeliveries(bg, done); err != nil && firstErr == nil {
			firstErr = err
			stop()
		}
		done = done[:0]
	}
	for o := range outs {
		if !o.tried {
			release = append(release, o.id)
			continue
		}
		res.count(o.rec)
		if done = append(done, o.rec); len(done) == flushBatch {
			save()
		}
	}
	save()
	if err := d.db.ReleaseOutbound(bg, release); err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return res, firstErr
}

func (d *Deliverer) workers() int {
	if d.pool == nil {
		return 1
	}
	return d.opts.PoolSize
}

// isCanceled reports an attempt that never reached the relay because ctx
// ended first.
func isCanceled(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

func (r *FlushResult) count(d store.Delivery) {
	switch d.Status {
	case store.OutboundSent:
		r.Sent++
	case store.OutboundQueued:
		r.Deferred++
	default:
		r.Failed++
	}
}
