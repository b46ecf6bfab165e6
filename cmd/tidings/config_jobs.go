package main

import (
	"fmt"
	"time"
)

// JobsConfig tunes how stuck work is recovered (server.jobs). See
// docs/reliability.md.
type JobsConfig struct {
	// RescueAfter is how long a job may stay running before River treats
	// its worker as dead and retries it (a process killed or frozen
	// mid-job). Twice the longest ordinary job (processing a reply, 30s).
	RescueAfter Duration `yaml:"rescue_after"`
	// SweepEvery is how often the sweep requeues inbound messages left
	// "received" without a live job and outbound messages whose claim
	// lapsed.
	SweepEvery Duration `yaml:"sweep_every"`
	// DeliveryLease is how long a message claimed for delivery stays
	// reserved for the instance that claimed it; a message claimed by an
	// instance that died is sent by another after this. It must exceed
	// the longest SMTP exchange with the relay (smtp.write_timeout).
	DeliveryLease Duration `yaml:"delivery_lease"`
	// WorkersWhileReceiving is how many replies are processed at once
	// while mail is arriving (a message in the last 250 ms); the other
	// workers wait their turn, at most 10 s each, so that receiving keeps
	// the CPU during a burst (inbound.Pacer). 0: no limit beyond
	// server.workers.
	WorkersWhileReceiving int `yaml:"workers_while_receiving"`
	// HoldAbove is the arrival rate, in messages per second (all mail this
	// process receives, counted per 250 ms), at which a burst holds
	// processing back altogether until messages pause for 250 ms, at most
	// 10 s; after a hold none starts for as long as it lasted (see
	// inbound.Pacer). 0: never hold; otherwise 8 (two messages in 250 ms)
	// to 1,000,000.
	HoldAbove int `yaml:"hold_above"`
}

func defaultJobs() JobsConfig {
	return JobsConfig{RescueAfter: Duration(time.Minute), SweepEvery: Duration(time.Minute), DeliveryLease: Duration(10 * time.Minute),
		WorkersWhileReceiving: 1, HoldAbove: 100}
}

// validate checks the durations: River refuses a rescue shorter than its
// job timeout (one minute).
func (j JobsConfig) validate() error {
	if time.Duration(j.RescueAfter) < time.Minute {
		return fmt.Errorf("server.jobs.rescue_after must be at least 1m (the job timeout), not %s", time.Duration(j.RescueAfter))
	}
	if time.Duration(j.SweepEvery) < time.Second {
		return fmt.Errorf("server.jobs.sweep_every must be at least 1s, not %s", time.Duration(j.SweepEvery))
	}
	if time.Duration(j.DeliveryLease) < time.Minute {
		return fmt.Errorf("server.jobs.delivery_lease must be at least 1m, not %s", time.Duration(j.DeliveryLease))
	}
	if j.WorkersWhileReceiving < 0 {
		return fmt.Errorf("server.jobs.workers_while_receiving must be 0 (no limit) or more, not %d", j.WorkersWhileReceiving)
	}
	if j.HoldAbove != 0 && (j.HoldAbove < 8 || j.HoldAbove > 1_000_000) {
		return fmt.Errorf("server.jobs.hold_above must be 0 (never hold) or 8 to 1000000 messages per second, not %d", j.HoldAbove)
	}
	return nil
}
