package inbound

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// waitAsync runs p.Wait in a goroutine and delivers its release.
func waitAsync(ctx context.Context, p *Pacer) <-chan func() {
	ch := make(chan func(), 1)
	go func() {
		release, err := p.Wait(ctx)
		if err != nil {
			release = nil
		}
		ch <- release
	}()
	return ch
}

// TestPacerTakesTurnsWhileReceiving: with no mail arriving every worker
// goes at once; while mail arrives one slot is shared, a second worker
// waits until the first releases it, and a cancelled wait returns the
// context's error.
func TestPacerTakesTurnsWhileReceiving(t *testing.T) {
	ctx := context.Background()
	var nilPacer *Pacer
	if release, err := nilPacer.Wait(ctx); err != nil || release == nil {
		t.Fatalf("nil pacer: %v", err)
	}
	nilPacer.Arrived() // must not panic

	clock := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC) // never moves: busy stays busy
	p := NewPacer(PacerOptions{Quiet: time.Hour, MaxWait: time.Hour, Now: func() time.Time { return clock }})
	r1, err := p.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := p.Wait(ctx) // idle: no slot taken, nobody waits
	if err != nil {
		t.Fatal(err)
	}
	r1()
	r2()

	p.Arrived()
	first, err := p.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := waitAsync(ctx, p)
	stillWaits(t, second, "a second worker went ahead while the only slot was taken and mail was arriving")
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := p.Wait(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled wait: err = %v, want deadline exceeded", err)
	}
	first()
	goesOn(t, second, "the second worker did not get the slot after it was released")
}

// stillWaits fails when the wait in ch returns within 60ms.
func stillWaits(t *testing.T, ch <-chan func(), why string) {
	t.Helper()
	select {
	case <-ch:
		t.Fatal(why)
	case <-time.After(60 * time.Millisecond):
	}
}

// goesOn fails unless the wait in ch returns a release within 5s; it
// releases it.
func goesOn(t *testing.T, ch <-chan func(), why string) {
	t.Helper()
	select {
	case release := <-ch:
		if release == nil {
			t.Fatal("the wait failed")
		}
		release()
	case <-time.After(5 * time.Second):
		t.Fatal(why)
	}
}

// TestPacerGoesOnWhenTheBurstPauses: a waiting worker proceeds, without
// the slot, once nothing has arrived for Quiet.
func TestPacerGoesOnWhenTheBurstPauses(t *testing.T) {
	ctx := context.Background()
	var now atomic.Int64
	now.Store(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC).UnixNano())
	p := NewPacer(PacerOptions{Quiet: 20 * time.Millisecond, MaxWait: time.Hour, Now: func() time.Time { return time.Unix(0, now.Load()) }})
	p.Arrived()
	held, err := p.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held()
	second := waitAsync(ctx, p)
	stillWaits(t, second, "went ahead while mail was arriving (the clock stands still: still busy)")
	now.Add(int64(time.Second)) // a second without mail
	goesOn(t, second, "the worker still waits after the burst paused")
}

// TestPacerBoundsTheWait: under mail that never stops, a worker waits at
// most MaxWait, so processing always goes on.
func TestPacerBoundsTheWait(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	p := NewPacer(PacerOptions{Quiet: time.Hour, MaxWait: 30 * time.Millisecond, Now: func() time.Time { return clock }})
	p.Arrived()
	held, err := p.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held()
	start := time.Now()
	release, err := p.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if waited := time.Since(start); waited < 30*time.Millisecond {
		t.Errorf("waited %s, want at least MaxWait (30ms)", waited)
	}
}

// TestPacerHoldsAFastBurst: HoldAbove messages a second (here two in one
// 20ms Quiet period) hold every worker back, free slot or not, until the
// burst pauses; a worker already waiting for a slot does not take it
// during a hold; a trickle never starts one; after a hold none starts for
// as long as it lasted; a hold ends after MaxWait even while mail still
// arrives, and no other starts until the mail pauses.
func TestPacerHoldsAFastBurst(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	var now atomic.Int64
	now.Store(t0.UnixNano())
	at := func(d time.Duration) { now.Store(t0.Add(d).UnixNano()) }
	p := NewPacer(PacerOptions{HoldAbove: 100, Quiet: 20 * time.Millisecond, MaxWait: time.Hour,
		Now: func() time.Time { return time.Unix(0, now.Load()) }})
	free := func(why string) { t.Helper(); goesOn(t, waitAsync(ctx, p), why) }
	held := func(why string) <-chan func() { t.Helper(); ch := waitAsync(ctx, p); stillWaits(t, ch, why); return ch }

	for i := range 5 { // a trickle: one message per Quiet period
		at(time.Duration(i) * 30 * time.Millisecond)
		p.Arrived()
		p.Received()
		free("a trickle held processing")
	}

	at(time.Second)
	p.Received() // the first of a burst: no hold yet
	first, err := p.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := held("a second worker went ahead while the slot was taken")
	p.Received() // two in one Quiet period: the hold begins
	first()
	stillWaits(t, second, "a waiting worker took the freed slot during a hold")
	third := held("a worker went ahead during a hold")
	at(time.Second + 25*time.Millisecond) // the burst paused
	goesOn(t, second, "the worker still waits after the burst paused")
	goesOn(t, third, "the worker still waits after the burst paused")

	at(time.Second + 30*time.Millisecond) // a new burst as soon after the hold as it lasted: none
	p.Received()
	p.Received()
	p.Received()
	free("a burst right after a hold held again (or the paused hold came back)")

	at(2 * time.Second) // later: a burst holds again...
	p.Received()
	p.Received()
	ch := held("a later fast burst did not hold")
	for d := 2 * time.Second; d <= 2*time.Hour+2*time.Second; d += 10 * time.Millisecond {
		at(d) // ...for MaxWait at most, though messages go on
		p.Received()
		if d == time.Hour+2*time.Second+10*time.Millisecond {
			goesOn(t, ch, "the hold lasted longer than MaxWait")
			free("a hold began again before messages paused")
		}
	}
	// A pause, then a burst: the cool-down (as long as the hold, counted
	// from its end) is over.
	at(2*time.Hour + 2*time.Second + 50*time.Millisecond)
	p.Received()
	p.Received()
	ch = held("no hold after the pause: the cool-down did not count from the hold's end")
	for d := 60 * time.Millisecond; d <= 200*time.Millisecond; d += 10 * time.Millisecond {
		at(2*time.Hour + 2*time.Second + d) // MAIL commands only: they do not prolong it
		p.Arrived()
	}
	goesOn(t, ch, "MAIL commands without messages kept a hold on")
}

// TestPacerHoldRate: HoldAbove messages a second become messages per
// Quiet period, rounded up, at least one, and bounded.
func TestPacerHoldRate(t *testing.T) {
	for _, c := range []struct {
		above int
		quiet time.Duration
		want  int
	}{{100, 250 * time.Millisecond, 25}, {8, 250 * time.Millisecond, 2}, {10, 250 * time.Millisecond, 3},
		{1, 250 * time.Millisecond, 1}, {0, 250 * time.Millisecond, 0}, {100, 0, 25}, {1 << 62, time.Second, 1 << 30}} {
		if got := NewPacer(PacerOptions{HoldAbove: c.above, Quiet: c.quiet}).holdAt; got != c.want {
			t.Errorf("HoldAbove %d over %s: %d messages, want %d", c.above, c.quiet, got, c.want)
		}
	}
}

// TestPacerHoldNeedsARate: without HoldAbove no burst holds.
func TestPacerHoldNeedsARate(t *testing.T) {
	clock := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	p := NewPacer(PacerOptions{Quiet: time.Hour, MaxWait: time.Hour, Now: func() time.Time { return clock }})
	for range 1000 {
		p.Received()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	release, err := p.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	release()
}
