package inbound

import (
	"context"
	"fmt"
	"time"

	"github.com/tidings-app/tidings/store"
)

// Large messages (those spooled to a file) do not go through the group
// commit: a batch of them would hold the keeper, and every small message
// queued behind it, for seconds. Each commits in its own transaction,
// largeCommits at a time, so at most that many are whole in memory.
const (
	largeCommits = 2
	// largeWait bounds the wait for a commit slot when many large
	// messages arrive at once; the commit itself is bounded by
	// StoreTimeout. RFC 5321 (4.5.3.2.6) has the client wait 10 minutes
	// for the reply to the end of data.
	largeWait = 5 * time.Minute
)

// keepLarge stores one spooled message with its job and reports its row ID
// and whether it was new (see keeper.submit for the small ones).
func (r *Receiver) keepLarge(in *store.InboundMessage, sp *spool) stored {
	wait, cancel := context.WithTimeout(r.base, largeWait)
	defer cancel()
	select {
	case r.large <- struct{}{}:
	case <-wait.Done():
		return stored{err: fmt.Errorf("inbound: keep large message: waiting for a commit slot: %w", wait.Err())}
	}
	defer func() { <-r.large }()
	raw, err := sp.bytes()
	if err != nil {
		return stored{err: err}
	}
	in.Raw = raw
	defer func() { in.Raw = nil }()
	ctx, cancel := context.WithTimeout(r.base, r.opts.StoreTimeout)
	defer cancel()
	created, err := r.keepRows(ctx, []*store.InboundMessage{in})
	if err != nil {
		return stored{err: err}
	}
	return stored{id: in.ID, created: created[0]}
}
