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
