package inbound

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Pacer gives receiving priority over processing during a burst of mail.
// Processing a reply costs CPU that the SMTP sessions share; on a small
// machine, applying a burst while it arrives slows every 250 down.
//
// While the receiver is busy (a message was given MAIL or handed over
// within Quiet) a worker that starts a message needs one of Slots slots,
// so once the runs that began before the burst have finished, at most
// Slots messages are processed at once; the other workers wait their turn.
//
// A fast burst (at least HoldAbove messages a second, counted over one
// Quiet period) holds processing back altogether: no worker starts a
// message until the burst pauses or MaxWait after the hold began. A hold
// is followed by as long without one, so mail that never stops (or
// pauses only briefly) cannot keep processing held more than half the
// time; a trickle of replies never starts one.
//
// A worker goes on without a slot once the burst pauses, or after MaxWait,
// so processing never stops and no message waits in the pacer longer
// than MaxWait.
//
// The receiver calls Arrived at MAIL and Received at hand-over; the
// inbound worker calls Wait. A nil *Pacer never waits. It is safe for
// concurrent use.
type Pacer struct {
	quiet   time.Duration
	maxWait time.Duration
	slots   chan struct{}
	last    atomic.Int64 // time of the last arrival, Unix nanoseconds
	now     func() time.Time

	holdAt    int          // messages in one Quiet period that start a hold; 0: never
	holdEnd   atomic.Int64 // a hold lasts until then (Unix nanoseconds) unless the burst pauses
	mu        sync.Mutex   // guards last's updates (with holdAt) and the fields below
	window    int64        // index of the Quiet period being counted
	count     int          // messages handed over in that period
	holdStart time.Time    // when the burst's hold began; zero: no hold since the last pause
	nextHold  time.Time    // no hold starts before then
}

// PacerOptions configure a Pacer; zero values take the defaults.
type PacerOptions struct {
	// Slots is how many messages may be processed at once while mail is
	// arriving (default 1).
	Slots int
	// HoldAbove is the arrival rate, in messages per second, at which a
	// burst holds processing back altogether (see Pacer); 0 never holds.
	HoldAbove int
	// Quiet is how long after the last arrival the receiver counts as busy
	// (default 250ms).
	Quiet time.Duration
	// MaxWait bounds one worker's wait and one hold (default 10s; less
	// than the processing job's timeout).
	MaxWait time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// NewPacer returns a pacer with opts.
func NewPacer(opts PacerOptions) *Pacer {
	setDefault(&opts.Slots, 1)
	setDefault(&opts.Quiet, 250*time.Millisecond)
	setDefault(&opts.MaxWait, 10*time.Second)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &Pacer{quiet: opts.Quiet, maxWait: opts.MaxWait, slots: make(chan struct{}, opts.Slots), now: opts.Now}
	if opts.HoldAbove > 0 {
		// The rate over one Quiet period, rounded up: at least one message.
		p.holdAt = max(1, int((int64(opts.HoldAbove)*int64(opts.Quiet)+int64(time.Second)-1)/int64(time.Second)))
	}
	return p
}

// Arrived records that a message is arriving (MAIL given).
func (p *Pacer) Arrived() {
	if p == nil {
		return
	}
	now := p.now()
	if p.holdAt == 0 {
		p.last.Store(now.UnixNano())
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mark(now)
}

// Received records that a message was handed over; enough of them in one
// Quiet period start a hold.
func (p *Pacer) Received() {
	if p == nil {
		return
	}
	now := p.now()
	if p.holdAt == 0 {
		p.last.Store(now.UnixNano())
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mark(now)
	if w := now.UnixNano() / int64(p.quiet); w != p.window {
		p.window, p.count = w, 0
	}
	p.count++
	if p.count >= p.holdAt && p.holdStart.IsZero() && !now.Before(p.nextHold) {
		p.holdStart = now
		p.holdEnd.Store(now.Add(p.maxWait).UnixNano())
	}
}

// mark records an arrival at now (p.mu held). After a pause (nothing for
// Quiet) the previous burst's hold is over, and no hold starts again for
// as long as it lasted.
func (p *Pacer) mark(now time.Time) {
	last := time.Unix(0, p.last.Swap(now.UnixNano()))
	if now.Sub(last) < p.quiet || p.holdStart.IsZero() {
		return
	}
	end := last.Add(p.quiet)
	if hold := time.Unix(0, p.holdEnd.Load()); hold.Before(end) {
		end = hold
	}
	p.nextHold = end.Add(end.Sub(p.holdStart))
	p.holdStart = time.Time{}
	p.holdEnd.Store(0)
}

// receiving reports whether a message arrived within the quiet period.
func (p *Pacer) receiving() bool {
	return p.now().UnixNano()-p.last.Load() < int64(p.quiet)
}

// holding reports whether a hold is on: begun, not over, and the burst
// has not paused.
func (p *Pacer) holding() bool {
	return p.receiving() && p.now().UnixNano() < p.holdEnd.Load()
}

// Wait returns when the caller may process a message: at once when the
// receiver is not busy, else when one of the slots is free and no hold is
// on, the burst has paused, or MaxWait has passed. The caller must call release when done.
// The error is ctx's when it ends first.
func (p *Pacer) Wait(ctx context.Context) (release func(), err error) {
	if p == nil || !p.receiving() {
		return func() {}, nil
	}
	if !p.holding() {
		select {
		case p.slots <- struct{}{}: // a free slot: no timers needed
			return func() { <-p.slots }, nil
		default:
		}
	}
	deadline := time.NewTimer(p.maxWait)
	defer deadline.Stop()
	recheck := time.NewTicker(p.quiet)
	defer recheck.Stop()
	for {
		slots := p.slots
		if p.holding() {
			slots = nil // no slot during a hold: wait for the recheck
		}
		select {
		case slots <- struct{}{}:
			if p.holding() { // a hold began while this worker waited
				<-p.slots
				continue
			}
			return func() { <-p.slots }, nil
		case <-recheck.C:
			if !p.receiving() {
				return func() {}, nil
			}
		case <-deadline.C:
			return func() {}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
