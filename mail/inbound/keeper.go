package inbound

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tidings-app/tidings/store"
)

// Limits of one group commit: a batch closes at whichever comes first.
const (
	maxBatchMessages = 64
	maxBatchBytes    = 8 << 20
	// batchWindow bounds how long a batch waits for the messages of
	// sessions that are in the middle of a mail transaction (see
	// keeper.gather). A disk flush takes 1-2 ms; waiting about as long
	// lets one flush serve every connection instead of each its own.
	batchWindow = 2 * time.Millisecond
)

// errShutdown answers a message that arrives after the keeper stopped.
var errShutdown = errors.New("inbound: keep message: receiver shutting down")

// keepRequest is one session's message waiting to be committed.
type keepRequest struct {
	ctx context.Context // the session's: it stops waiting when ctx ends
	in  *store.InboundMessage
	res chan stored // buffered: the keeper never blocks on an answer
}

// keeper commits the messages of concurrent sessions in groups (group
// commit): it takes whatever is waiting, up to maxBatchMessages or
// maxBatchBytes and without waiting for more, stores it in one transaction
// (one multi-row insert, one job per new row) and only then answers each
// session. Every message of a batch is kept, or, when the transaction
// fails, none is and every session gets the error (a 451). The keeper
// itself holds no state across batches, so a failed batch does not affect
// the next one.
type keeper struct {
	base  context.Context // cancelled by a forced shutdown
	lanes int             // batches committed at once (see newKeeper)
	keep  func(ctx context.Context, ins []*store.InboundMessage) ([]bool, error)
	batch func(n int) // observes each committed batch's size
	reqs  chan *keepRequest
	// coming, when set, counts the sessions in a mail transaction whose
	// message has not been submitted yet: a batch waits for them, up to
	// window (see gather).
	coming func() int64
	window time.Duration
	// gathering lets one lane at a time collect a batch, so concurrent
	// lanes do not split the messages arriving together between them.
	gathering sync.Mutex

	startOnce, stopOnce sync.Once
	quit                chan struct{} // closed by stop: no new requests
	done                chan struct{} // closed when every run has returned
}

// newKeeper returns a keeper committing up to lanes batches at once: with
// two, a batch gathers and starts while the previous one waits for its
// commit to reach disk, and the database can flush both with one write.
func newKeeper(base context.Context, lanes int, keep func(context.Context, []*store.InboundMessage) ([]bool, error), batch func(int)) *keeper {
	return &keeper{base: base, lanes: max(lanes, 1), keep: keep, batch: batch, reqs: make(chan *keepRequest, maxBatchMessages),
		quit: make(chan struct{}), done: make(chan struct{})}
}

// start runs the keeper; it is a no-op after the first call or after stop.
func (k *keeper) start() {
	k.startOnce.Do(func() {
		var wg sync.WaitGroup
		for range k.lanes {
			wg.Go(k.run)
		}
		go func() { wg.Wait(); close(k.done) }()
	})
}

// stop refuses new requests and waits until the batch in hand is answered,
// or until ctx ends (then it returns ctx's error).
func (k *keeper) stop(ctx context.Context) error {
	k.stopOnce.Do(func() { close(k.quit) })
	k.startOnce.Do(func() { close(k.done) }) // never started: nothing to wait for
	select {
	case <-k.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// submit hands in to the keeper and waits for the commit, or for ctx (the
// session's StoreTimeout) to end: then the message may still be committed
// with its batch, and the sender's retry is a duplicate.
func (k *keeper) submit(ctx context.Context, in *store.InboundMessage) stored {
	req := &keepRequest{ctx: ctx, in: in, res: make(chan stored, 1)}
	select {
	case k.reqs <- req:
	case <-k.quit:
		return stored{err: errShutdown}
	case <-ctx.Done():
		return stored{err: fmt.Errorf("inbound: keep message: %w", ctx.Err())}
	}
	select {
	case s := <-req.res:
		return s
	case <-k.done: // stopped with req still queued: it was not kept
		select {
		case s := <-req.res:
			return s
		default:
			return stored{err: errShutdown}
		}
	case <-ctx.Done():
		return stored{err: fmt.Errorf("inbound: keep message: %w", ctx.Err())}
	}
}

func (k *keeper) run() {
	batch := make([]*keepRequest, 0, maxBatchMessages)
	for {
		k.gathering.Lock()
		select {
		case <-k.quit:
			k.gathering.Unlock()
			return
		case req := <-k.reqs:
			batch = k.gather(append(batch[:0], req))
			k.gathering.Unlock() // the other lane gathers while this one commits
			k.commit(batch)
			clear(batch) // let the messages go
		}
	}
}

// gather adds the requests already waiting to batch. While sessions are
// in the middle of a transaction (k.coming), it waits for their messages
// too, up to k.window after the batch's first message: senders that
// received their 250s together send their next messages together, and one
// commit (one disk flush) then serves all of them. Without sessions in
// flight it does not wait.
func (k *keeper) gather(batch []*keepRequest) []*keepRequest {
	size := batch[0].in.Size
	var timer *time.Timer
	for len(batch) < maxBatchMessages && size < maxBatchBytes {
		select {
		case req := <-k.reqs:
			batch = append(batch, req)
			size += req.in.Size
			continue
		default:
		}
		if k.coming == nil || k.window <= 0 || k.coming() <= 0 {
			return batch
		}
		if timer == nil {
			timer = time.NewTimer(k.window)
			defer timer.Stop()
		}
		select {
		case req := <-k.reqs:
			batch = append(batch, req)
			size += req.in.Size
		case <-timer.C:
			return batch
		case <-k.quit:
			return batch
		}
	}
	return batch
}

// commit stores the batch's live requests (those whose session still
// waits) in one transaction, lasting until the latest of their deadlines,
// and answers them. When the transaction fails for a reason other than an
// unavailable database, each message is retried alone, so one message the
// database refuses does not turn away the others.
func (k *keeper) commit(batch []*keepRequest) {
	live := make([]*keepRequest, 0, len(batch))
	for _, r := range batch {
		if r.ctx.Err() == nil {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return
	}
	err := k.store(live)
	if err == nil || len(live) == 1 || errors.Is(err, store.ErrUnavailable) {
		return
	}
	for _, r := range live {
		if r.ctx.Err() == nil {
			k.store([]*keepRequest{r})
		}
	}
}

// store runs one transaction for reqs and answers them, unless it fails
// and reqs has more than one request (commit then retries each).
func (k *keeper) store(reqs []*keepRequest) error {
	deadline := time.Time{}
	ins := make([]*store.InboundMessage, len(reqs))
	for i, r := range reqs {
		ins[i] = r.in
		if d, ok := r.ctx.Deadline(); ok && d.After(deadline) {
			deadline = d
		}
	}
	ctx, cancel := context.WithCancel(k.base)
	if !deadline.IsZero() {
		ctx, cancel = context.WithDeadline(k.base, deadline)
	}
	defer cancel()
	created, err := k.keep(ctx, ins)
	if err != nil && len(reqs) > 1 && !errors.Is(err, store.ErrUnavailable) {
		return err
	}
	if err == nil {
		k.batch(len(reqs))
	}
	for i, r := range reqs {
		s := stored{id: r.in.ID, err: err}
		if err == nil {
			s.created = created[i]
		}
		r.res <- s
	}
	return err
}
