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
