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
// deliverer; after that another process may take it over.
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

// Flush delivers every queued message once, now, through the pool (up to
// PoolSize at a time), recording outcomes in batches. It is how `tidings
// prompts send` delivers synchronously and how the pipeline benchmark
// runs; in `serve` the DeliverArgs jobs do the same one message at a time.
// Messages claimed by another process are left to it. When ctx ends,
// messages not yet handed to the relay are released to the queue and the
// error wraps ctx.Err(); outcomes of messages in flight are still recorded.
func (d *Deliverer) Flush(ctx context.Context) (FlushResult, error) {
	var res FlushResult
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("outbound: flush: %w", err)
		}
		batch, err := d.db.ClaimOutbound(ctx, after, flushBatch, claimLease)
		if err != nil {
			return res, fmt.Errorf("outbound: flush: %w", err)
		}
		if len(batch) == 0 {
			return res, nil
		}
		after = batch[len(batch)-1].ID
		if err := d.flushBatch(ctx, batch, &res); err != nil {
			return res, err
		}
	}
}

func (d *Deliverer) flushBatch(ctx context.Context, batch []store.OutboundMessage, res *FlushResult) error {
	recs := make([]store.Delivery, len(batch))
	tried := make([]bool, len(batch))
	var wg sync.WaitGroup
	next := make(chan int)
	for range d.workers() {
		wg.Go(func() {
			for i := range next {
				if ctx.Err() != nil {
					continue // left for release below
				}
				var err error
				recs[i], err = d.attempt(ctx, &batch[i])
				tried[i] = !isCanceled(ctx, err)
			}
		})
	}
	for i := range batch {
		next <- i
	}
	close(next)
	wg.Wait()
	var done []store.Delivery
	var release []int64
	for i, r := range recs {
		if !tried[i] {
			release = append(release, batch[i].ID)
			continue
		}
		done = append(done, r)
		res.count(r)
	}
	bg := context.WithoutCancel(ctx)
	if err := d.db.RecordDeliveries(bg, done); err != nil {
		return fmt.Errorf("outbound: flush: %w", err)
	}
	if err := d.db.ReleaseOutbound(bg, release); err != nil {
		return fmt.Errorf("outbound: flush: %w", err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("outbound: flush: %w", ctx.Err())
	}
	return nil
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
