package inbound

import (
	"context"
	"sync/atomic"
	"time"
)

// Pacer gives receiving priority over processing during a burst of mail.
// Processing a reply costs CPU that the SMTP sessions share; on a small
// machine, applying a burst while it arrives slows every 250 down. A
// worker that starts a message while the receiver is busy (a message was
// given MAIL or handed over within Quiet) needs one of Slots slots, so
// once the runs that began before the burst have finished, at most Slots
// messages are processed at once; the other workers wait their turn. A
// worker goes on without a slot once the burst pauses, or after MaxWait,
// so processing never stops: at worst Slots workers' pace plus one run
// per MaxWait per waiting worker.
//
// The receiver calls Arrived; the inbound worker calls Wait. A nil *Pacer
// never waits. It is safe for concurrent use.
type Pacer struct {
	quiet   time.Duration
	maxWait time.Duration
	slots   chan struct{}
	last    atomic.Int64 // time of the last arrival, Unix nanoseconds
	now     func() time.Time
}

// PacerOptions configure a Pacer; zero values take the defaults.
type PacerOptions struct {
	// Slots is how many messages may be processed at once while mail is
	// arriving (default 1).
	Slots int
	// Quiet is how long after the last arrival the receiver counts as busy
	// (default 250ms).
	Quiet time.Duration
	// MaxWait bounds one worker's wait (default 10s; less than the
	// processing job's timeout).
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
	return &Pacer{quiet: opts.Quiet, maxWait: opts.MaxWait, slots: make(chan struct{}, opts.Slots), now: opts.Now}
}

// Arrived records that a message is arriving (MAIL given) or has been
// received.
func (p *Pacer) Arrived() {
	if p != nil {
		p.last.Store(p.now().UnixNano())
	}
}

// receiving reports whether a message arrived within the quiet period.
func (p *Pacer) receiving() bool {
	return p.now().UnixNano()-p.last.Load() < int64(p.quiet)
}

// Wait returns when the caller may process a message: at once when the
// receiver is not busy, else when one of the slots is free, the burst has
// paused, or MaxWait has passed. The caller must call release when done.
// The error is ctx's when it ends first.
func (p *Pacer) Wait(ctx context.Context) (release func(), err error) {
	if p == nil || !p.receiving() {
		return func() {}, nil
	}
	select {
	case p.slots <- struct{}{}: // a free slot: no timers needed
		return func() { <-p.slots }, nil
	default:
	}
	deadline := time.NewTimer(p.maxWait)
	defer deadline.Stop()
	recheck := time.NewTicker(p.quiet)
	defer recheck.Stop()
	for {
		select {
		case p.slots <- struct{}{}:
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
