package inbound

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
)

// enqueueBatch bounds the jobs one enqueuer transaction inserts.
const enqueueBatch = 512

// enqueuer inserts the processing jobs of messages the receiver has
// stored, after their 250, in batches and off the sessions' path: a
// message's row is committed alone (one statement, one round trip) and its
// job follows. Should a job never be inserted (the process dies first, or
// the database refuses), the sweep gives the message one (see
// store.RequeueStaleInbound), so nothing waits for a human. Jobs are
// unique per message while live, so a sweep racing the enqueuer inserts
// one job, not two. On PostgreSQL the job inserts commit without waiting
// for the disk (store.EnqueueManyLazily), so they do not queue behind the
// durable commits of the messages themselves. While the pacer holds
// processing during a fast burst (Pacer.Holding) no job could run, so the
// enqueuer waits too and inserts the burst's jobs once the hold ends, in
// fewer, larger batches, leaving the burst's CPU to receiving.
type enqueuer struct {
	db    *store.DB
	log   *slog.Logger
	addrs mail.Addresses // for each job's priority
	pacer *Pacer         // nil: never waits
	ids   chan queued
	done  chan struct{}
	quit  chan struct{} // closed by close: stop waiting for a hold

	startOnce sync.Once
	mu        sync.Mutex // guards closed against add
	closed    bool
}

// enqueueQueue is how many stored messages may wait for their jobs: a
// hold of 10 s at 3,000 messages a second. Beyond it the sweep queues them.
const enqueueQueue = 32768

// holdCheck is how often a waiting enqueuer looks whether the hold ended.
const holdCheck = 50 * time.Millisecond

func newEnqueuer(db *store.DB, log *slog.Logger, addrs mail.Addresses, pacer *Pacer) *enqueuer {
	return &enqueuer{db: db, log: log, addrs: addrs, pacer: pacer, ids: make(chan queued, enqueueQueue), done: make(chan struct{}),
		quit: make(chan struct{})}
}

// queued is a stored message waiting for its job, with its envelope
// recipients, which decide the job's priority (jobPriority).
type queued struct {
	id   int64
	rcpt []string
}

// add hands newly stored messages over without blocking; when the queue is
// full the sweep will pick them up.
func (e *enqueuer) add(msgs ...queued) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return // shutting down: the sweep will queue them
	}
	for _, m := range msgs {
		select {
		case e.ids <- m:
		default:
			e.log.Warn("job queue full: the sweep will queue the message", "inbound_id", m.id)
		}
	}
}

// start runs the enqueuer with ctx (a no-op after the first call).
func (e *enqueuer) start(ctx context.Context) { e.startOnce.Do(func() { go e.run(ctx) }) }

// run inserts jobs until close; it returns after the last batch.
func (e *enqueuer) run(ctx context.Context) {
	defer close(e.done)
	batch := make([]queued, 0, enqueueBatch)
	for m := range e.ids {
		e.awaitHold()
		batch = append(batch[:0], m)
	gather:
		for len(batch) < enqueueBatch {
			select {
			case m, ok := <-e.ids:
				if !ok {
					break gather
				}
				batch = append(batch, m)
			default:
				break gather
			}
		}
		e.insert(ctx, batch)
	}
}

// awaitHold returns when the pacer holds no more, or when close was called.
func (e *enqueuer) awaitHold() {
	if !e.pacer.Holding() {
		return
	}
	tick := time.NewTicker(holdCheck)
	defer tick.Stop()
	for e.pacer.Holding() {
		select {
		case <-tick.C:
		case <-e.quit:
			return
		}
	}
}

func (e *enqueuer) insert(ctx context.Context, msgs []queued) {
	params := make([]river.InsertManyParams, len(msgs))
	for i, m := range msgs {
		params[i] = store.ProcessInboundJob(m.id, jobPriority(e.addrs, m.rcpt))
	}
	if err := e.db.EnqueueManyLazily(ctx, params); err != nil {
		e.log.Warn("queueing processing jobs failed: the sweep will queue them", "count", len(msgs), "err", err)
	}
}

// close stops accepting IDs and waits until those queued are inserted, or
// ctx ends.
func (e *enqueuer) close(ctx context.Context) {
	e.mu.Lock()
	if !e.closed {
		e.closed = true
		close(e.ids)
		close(e.quit)
	}
	e.mu.Unlock()
	e.startOnce.Do(func() { close(e.done) }) // never started
	select {
	case <-e.done:
	case <-ctx.Done():
	}
}
