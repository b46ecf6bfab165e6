package inbound

import (
	"context"
	"math"
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
// A fast burst holds processing back altogether: once HoldAbove messages
// a second have been handed over (counted per Quiet period: 25 in one
// 250 ms period for 100 a second), no worker starts a message until
// messages stop coming for Quiet, or until MaxWait after the hold began.
// Only handed-over messages (any sender's) start or prolong a hold; MAIL
// commands do not. A hold starts at most once until messages pause, and
// none starts again for as long as the last one lasted, so bursts that
// pause briefly and resume cannot keep processing held much more than
// half the time. The count is this process's: with several instances
// behind one MX each counts its own share.
//
// A worker goes on without a slot once mail pauses, or after MaxWait, so
// processing never stops and no worker waits in the pacer longer than
// MaxWait. (A message can wait longer to be applied: behind the ones that
// arrived before it.)
//
// The receiver calls Arrived at MAIL and Received at hand-over; the
// inbound worker calls Wait. A nil *Pacer never waits. It is safe for
// concurrent use.
type Pacer struct {
	opts   PacerOptions // with the defaults
	slots  chan struct{}
	last   atomic.Int64 // time of the last MAIL or hand-over, Unix nanoseconds
	lastIn atomic.Int64 // time of the last hand-over, Unix nanoseconds

	holdAt    int          // messages in one Quiet period that start a hold; 0: never
	holdEnd   atomic.Int64 // a hold lasts until then (Unix nanoseconds) unless messages pause
	mu        sync.Mutex   // serialises Received (with holdAt); guards the fields below
	window    int64        // index of the Quiet period being counted
	count     int          // messages handed over in that period
	holdStart time.Time    // when the current hold began; zero: none since the last pause
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
	p := &Pacer{opts: opts, slots: make(chan struct{}, opts.Slots)}
	if opts.HoldAbove > 0 {
		// The rate over one Quiet period, rounded up: at least one message.
		perQuiet := math.Ceil(float64(opts.HoldAbove) * opts.Quiet.Seconds())
		p.holdAt = int(min(max(perQuiet, 1), 1<<30))
	}
	return p
}

// Options returns the options in effect (defaults filled in).
func (p *Pacer) Options() PacerOptions { return p.opts }

// Arrived records that a message is arriving (MAIL given).
func (p *Pacer) Arrived() {
	if p != nil {
		p.last.Store(p.opts.Now().UnixNano())
	}
}

// Received records that a message was handed over; enough of them in one
// Quiet period start a hold.
func (p *Pacer) Received() {
	if p == nil {
		return
	}
	now := p.opts.Now()
	if p.holdAt == 0 {
		p.last.Store(now.UnixNano())
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endPausedHold(now)
	p.lastIn.Store(now.UnixNano()) // after the hold's end: never a paused hold revived
	p.last.Store(now.UnixNano())
	if w := now.UnixNano() / int64(p.opts.Quiet); w != p.window {
		p.window, p.count = w, 0
	}
	p.count++
	if p.count >= p.holdAt && p.holdStart.IsZero() && !now.Before(p.nextHold) {
		p.holdStart = now
		p.holdEnd.Store(now.Add(p.opts.MaxWait).UnixNano())
	}
}

// endPausedHold (p.mu held) ends the hold when no message was handed over
// for Quiet before now: it ended when messages stopped (or at its MaxWait
// if that came first), and none starts again for as long as it lasted.
func (p *Pacer) endPausedHold(now time.Time) {
	lastIn := time.Unix(0, p.lastIn.Load())
	if p.holdStart.IsZero() || now.Sub(lastIn) < p.opts.Quiet {
		return
	}
	end := lastIn.Add(p.opts.Quiet)
	if hold := time.Unix(0, p.holdEnd.Load()); hold.Before(end) {
		end = hold
	}
	p.holdEnd.Store(0)
	p.nextHold = end.Add(end.Sub(p.holdStart))
	p.holdStart = time.Time{}
}

// receiving reports whether a message arrived within the quiet period.
func (p *Pacer) receiving() bool {
	return p.opts.Now().UnixNano()-p.last.Load() < int64(p.opts.Quiet)
}

// Holding reports whether a hold is on: begun, not over, and messages
// have not paused. A nil *Pacer never holds.
func (p *Pacer) Holding() bool { return p != nil && p.holding() }

// holding is Holding for a non-nil p.
func (p *Pacer) holding() bool {
	now := p.opts.Now().UnixNano()
	return now-p.lastIn.Load() < int64(p.opts.Quiet) && now < p.holdEnd.Load()
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
	deadline := time.NewTimer(p.opts.MaxWait)
	defer deadline.Stop()
	recheck := time.NewTicker(p.opts.Quiet / 5) // sees a pause or a hold's end soon after
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
