package main

import (
	"strings"
	"testing"
	"time"
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
