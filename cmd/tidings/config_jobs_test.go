package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
)

// TestJobsDeliveryLease: the delivery lease defaults to ten minutes and
// one under a minute (shorter than one exchange with the relay may take)
// is refused with the key's name.
func TestJobsDeliveryLease(t *testing.T) {
	j := defaultJobs()
	if got := time.Duration(j.DeliveryLease); got != 10*time.Minute {
		t.Errorf("default delivery_lease = %s, want 10m", got)
	}
	if err := j.validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	j.DeliveryLease = Duration(30 * time.Second)
	if err := j.validate(); err == nil || !strings.Contains(err.Error(), "server.jobs.delivery_lease") {
		t.Errorf("30s lease: err = %v, want one naming server.jobs.delivery_lease", err)
	}
}

// TestJobsWorkersWhileReceiving: one worker processes replies during a
// burst by default; 0 lifts the limit; a negative number is refused with
// the key's name.
func TestJobsWorkersWhileReceiving(t *testing.T) {
	j := defaultJobs()
	if j.WorkersWhileReceiving != 1 {
		t.Errorf("default workers_while_receiving = %d, want 1", j.WorkersWhileReceiving)
	}
	j.WorkersWhileReceiving = 0
	if err := j.validate(); err != nil {
		t.Errorf("0 (no limit): %v", err)
	}
	j.WorkersWhileReceiving = -1
	if err := j.validate(); err == nil || !strings.Contains(err.Error(), "server.jobs.workers_while_receiving") {
		t.Errorf("-1: err = %v, want one naming server.jobs.workers_while_receiving", err)
	}
}

// TestJobsHoldAbove: a burst of 100 messages a second holds processing by
// default; 0 never holds; rates outside 8 to 1,000,000 are refused with
// the key's name.
func TestJobsHoldAbove(t *testing.T) {
	j := defaultJobs()
	if j.HoldAbove != 100 {
		t.Errorf("default hold_above = %d, want 100", j.HoldAbove)
	}
	j.HoldAbove = 0
	if err := j.validate(); err != nil {
		t.Errorf("0 (never hold): %v", err)
	}
	for _, bad := range []int{-5, 1, 7, 1_000_001} { // below 8 one message in 250 ms would hold
		j.HoldAbove = bad
		if err := j.validate(); err == nil || !strings.Contains(err.Error(), "server.jobs.hold_above") {
			t.Errorf("%d: err = %v, want one naming server.jobs.hold_above", bad, err)
		}
	}
	for _, good := range []int{8, 100, 1_000_000} {
		j.HoldAbove = good
		if err := j.validate(); err != nil {
			t.Errorf("%d: %v", good, err)
		}
	}
}

// TestPacerWiring: the receiver and the worker share a pacer when fewer
// workers may process during a burst than server.workers, or when a fast
// burst holds processing (hold_above); with neither there is none.
func TestPacerWiring(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "pacer.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, c := range []struct {
		workers, whileReceiving, holdAbove int
		paced                              bool
	}{{4, 1, 0, true}, {4, 3, 0, true}, {4, 0, 0, false}, {4, 4, 0, false}, {1, 1, 0, false},
		{4, 0, 100, true}, {4, 4, 100, true}, {1, 1, 100, true}, {4, 1, 100, true}} {
		cfg := &Config{Server: defaultServer()}
		cfg.Server.Domain, cfg.Server.Outbox, cfg.Server.Secret = "tidings.test", t.TempDir(), "pacer-test-secret-0123456789abcdef"
		cfg.Server.Workers, cfg.Server.Jobs.WorkersWhileReceiving, cfg.Server.Jobs.HoldAbove = c.workers, c.whileReceiving, c.holdAbove
		d, err := newDeps(ctx, cfg, db, slog.New(slog.DiscardHandler), nil, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		o, err := d.inboundOptions()
		if err != nil {
			t.Fatal(err)
		}
		if got := o.Pacer != nil; got != c.paced {
			t.Errorf("workers %d, workers_while_receiving %d, hold_above %d: paced = %v, want %v", c.workers, c.whileReceiving, c.holdAbove, got, c.paced)
			continue
		}
		if !c.paced {
			continue
		}
		// The slots: the limit while receiving, else (0 or too many) every worker.
		slots := c.whileReceiving
		if slots <= 0 || slots > c.workers {
			slots = c.workers
		}
		if got := o.Pacer.Options(); got.Slots != slots || got.HoldAbove != c.holdAbove {
			t.Errorf("workers %d, workers_while_receiving %d, hold_above %d: pacer slots %d, hold_above %d; want %d, %d",
				c.workers, c.whileReceiving, c.holdAbove, got.Slots, got.HoldAbove, slots, c.holdAbove)
		}
	}
}
