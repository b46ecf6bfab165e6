package outbound

import (
	"context"
	"fmt"
	"time"

	"github.com/tidings-app/tidings/store"
)

// SendAndDeliver delivers through d what was queued before (d.Flush), then
// runs p.SendDue(ctx, now) and delivers each batch of prompts and
// reminders as soon as its transaction commits, while scheduling goes on.
// Those messages are stored already claimed by this process (status
// sending, no DeliverArgs job) and handed over in memory, so they are
// neither queued as jobs nor read back; if the process dies before
// recording an outcome, the claim lapses and the next Flush, or serve's
// scheduler (RequeueStaleOutbound), delivers them. A temporary failure
// gets a DeliverArgs job for a later retry. It is the synchronous path of
// `tidings prompts send` and of the pipeline benchmark. The FlushResult
// adds up both deliveries; an error from either side is returned after
// both have stopped.
func SendAndDeliver(ctx context.Context, p *Prompter, d *Deliverer, now time.Time) (Summary, FlushResult, error) {
	total, err := d.Flush(ctx)
	if err != nil {
		return Summary{}, total, fmt.Errorf("outbound: send and deliver: %w", err)
	}
	in := make(chan []*store.OutboundMessage, 4)
	type streamOut struct {
		res FlushResult
		err error
	}
	out := make(chan streamOut, 1)
	go func() {
		res, err := d.deliverStream(ctx, in)
		out <- streamOut{res, err}
	}()
	sum, serr := p.sendDue(ctx, &run{now: now, hand: func(ms []*store.OutboundMessage) { in <- ms }})
	close(in)
	f := <-out
	total.add(f.res)
	if serr != nil {
		return sum, total, serr
	}
	if f.err != nil {
		return sum, total, fmt.Errorf("outbound: send and deliver: %w", f.err)
	}
	return sum, total, nil
}
