package outbound

import (
	"context"
	"fmt"
	"time"
)

// SendAndDeliver runs p.SendDue(ctx, now) and delivers what it queues
// through d while it is still scheduling (Flush passes every few
// milliseconds, then a last one), so rendering and storing overlap with
// SMTP. It is the synchronous path of `tidings prompts send` and of the
// pipeline benchmark. The FlushResult adds up every pass; an error from
// either side is returned after both have stopped.
func SendAndDeliver(ctx context.Context, p *Prompter, d *Deliverer, now time.Time) (Summary, FlushResult, error) {
	done := make(chan struct{})
	type flushOut struct {
		res FlushResult
		err error
	}
	out := make(chan flushOut, 1)
	go func() {
		var total FlushResult
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var last bool
			select {
			case <-done:
				last = true
			case <-tick.C:
			}
			res, err := d.Flush(ctx)
			total.Sent, total.Deferred, total.Failed = total.Sent+res.Sent, total.Deferred+res.Deferred, total.Failed+res.Failed
			if err != nil || last {
				out <- flushOut{total, err}
				return
			}
		}
	}()
	sum, serr := p.SendDue(ctx, now)
	close(done)
	f := <-out
	if serr != nil {
		return sum, f.res, serr
	}
	if f.err != nil {
		return sum, f.res, fmt.Errorf("outbound: send and deliver: %w", f.err)
	}
	return sum, f.res, nil
}
