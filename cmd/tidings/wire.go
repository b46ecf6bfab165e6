package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/ask"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/mail/okr"
	"github.com/tidings-app/tidings/mail/oneonone"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
)

// services holds the long-lived parts of a Tidings process and connects
// them: the packages never import each other, so this is where the digest
// meets the outbound queue and the receiver meets the meeting filer.
type services struct {
	db        *store.DB
	log       *slog.Logger
	deps      *deps
	jobs      *river.Client[*sql.Tx]
	receiver  *inbound.Receiver
	prompter  *outbound.Prompter
	deliverer *outbound.Deliverer
}

func newServices(ctx context.Context, cfg *Config, db *store.DB, log *slog.Logger, reg prometheus.Registerer, now func() time.Time) (*services, error) {
	d, err := newDeps(ctx, cfg, db, log, reg, now)
	if err != nil {
		return nil, err
	}
	s := &services{db: db, log: log, deps: d}
	if s.prompter, err = d.prompter(); err != nil {
		return nil, err
	}
	if s.deliverer, err = d.deliverer(); err != nil {
		return nil, err
	}
	if err := s.newJobs(); err != nil {
		s.deliverer.Close()
		return nil, err
	}
	opts, err := d.inboundOptions()
	if err != nil {
		s.deliverer.Close()
		return nil, err
	}
	s.receiver = inbound.NewReceiver(db, opts)
	return s, nil
}

// newJobs registers every worker and periodic job on one River client:
// delivering outbound mail, processing inbound mail, the prompt scheduler
// and the digest scheduler. River elects one leader among instances to
// enqueue periodic jobs, and hands each job to one worker.
func (s *services) newJobs() error {
	d := s.deps
	proc, err := d.processor()
	if err != nil {
		return err
	}
	dig, err := d.digestService()
	if err != nil {
		return err
	}
	okrs, err := d.okrService()
	if err != nil {
		return err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, okr.NewScheduleWorker(okrs, d.now))
	river.AddWorker(workers, outbound.NewDeliverWorker(s.db, s.deliverer))
	river.AddWorker(workers, outbound.NewScheduleWorker(s.prompter, d.now))
	river.AddWorker(workers, inbound.NewWorker(proc))
	river.AddWorker(workers, digest.NewSendWorker(dig))
	river.AddWorker(workers, digest.NewScheduleWorker(digest.NewScheduler(s.db, digest.SchedulerOptions{Logger: s.log}), d.now))
	asks, err := d.asks()
	if err != nil {
		return err
	}
	river.AddWorker(workers, ask.NewSweepWorker(asks, s.db))
	periodic := append(outbound.PeriodicJobs(), digest.PeriodicJobs()...)
	periodic = append(periodic, ask.PeriodicJobs()...)
	periodic = append(periodic, okr.PeriodicJobs()...)
	sweep := inbound.NewSweepWorker(s.db, inbound.SweepOptions{Every: time.Duration(d.cfg.Server.Jobs.SweepEvery),
		OutboundLease: time.Duration(d.cfg.Server.Jobs.DeliveryLease), Addresses: d.addrs, Logger: s.log})
	river.AddWorker(workers, sweep)
	periodic = append(periodic, sweep.PeriodicJobs()...)
	ones, err := d.oneOnOnes()
	if err != nil {
		return err
	}
	river.AddWorker(workers, oneonone.NewWorker(ones, d.now))
	periodic = append(periodic, oneonone.PeriodicJobs()...)
	// Hourly: expired sign-in links and sessions always, raw messages only
	// when retention.raw is set.
	rw := &retentionWorker{db: s.db, keep: time.Duration(d.cfg.Retention.Raw), now: d.now, log: s.log}
	river.AddWorker(workers, rw)
	periodic = append(periodic, rw.periodicJobs()...)
	s.jobs, err = river.NewClient(s.db.JobDriver(), &river.Config{
		// Inbound processing has server.workers of its own, apart from
		// deliveries, digests and schedulers: while mail arrives most or
		// all of them wait their turn (server.jobs.workers_while_receiving
		// and hold_above, inbound.Pacer), and they must not hold up the
		// other jobs.
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: d.cfg.Server.Workers},
			store.QueueInbound: {MaxWorkers: d.cfg.Server.Workers}},
		Workers:           workers,
		PeriodicJobs:      periodic,
		Logger:            s.log.With("component", "jobs"),
		FetchCooldown:     20 * time.Millisecond,
		FetchPollInterval: pollInterval(s.db),
		// A job left running by a killed or frozen process is retried
		// after this (River's default is an hour); the sweep covers
		// messages whose job was lost altogether (docs/reliability.md).
		RescueStuckJobsAfter: time.Duration(d.cfg.Server.Jobs.RescueAfter),
	})
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	return nil
}

// pollInterval is how often idle workers look for jobs. On PostgreSQL they
// are woken by NOTIFY when a job is inserted, so polling is only a
// fallback; SQLite has no notifications across processes.
func pollInterval(db *store.DB) time.Duration {
	if db.Postgres() {
		return time.Second
	}
	return 50 * time.Millisecond
}

// apply syncs the configuration's teams and welcomes new members.
func (s *services) apply(ctx context.Context, cfg *Config) error {
	ch, err := s.db.Sync(ctx, cfg.Specs())
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	if _, err := s.db.SyncOneOnOnes(ctx, cfg.OneOnOneSpecs()); err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	if !ch.Empty() {
		s.log.Info("applied configuration", "created", len(ch.Created), "changed", len(ch.Changed), "removed", len(ch.Removed))
	}
	// Welcomes are caught up rather than taken from ch.Joined, so one that
	// failed to queue last time is queued now.
	if n, err := s.prompter.QueueMissingWelcomes(ctx); err != nil {
		return fmt.Errorf("welcome new members: %w", err)
	} else if n > 0 {
		s.log.Info("queued welcome messages", "count", n)
	}
	return nil
}

// mount serves the links in our mail: /u/ (unsubscribe, resubscribe) and
// /c/ (confirm an address or a settings message, after which the held
// messages are processed again at once).
func (s *services) mount(mux *http.ServeMux) {
	proc, err := s.deps.processor()
	var reprocess func(ctx context.Context, ids []int64) error
	if err == nil {
		reprocess = func(ctx context.Context, ids []int64) error {
			for _, id := range ids {
				if err := proc.Process(ctx, id); err != nil {
					return err
				}
			}
			return nil
		}
	}
	h := outbound.LandingHandler(outbound.LandingOptions{DB: s.db, Signer: s.deps.addrs.Signer, Logger: s.log, Reprocess: reprocess})
	mux.Handle("/u/", h)
	mux.Handle("/c/", h)
}

func (s *services) serveSMTP(ln net.Listener) error {
	if err := s.receiver.Serve(ln); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	return nil
}

// shutdownSMTP stops accepting and lets open sessions finish.
func (s *services) shutdownSMTP(ctx context.Context) {
	if err := s.receiver.Shutdown(ctx); err != nil {
		s.log.Warn("smtp shutdown", "err", err)
	}
}

func (s *services) runWorkers(ctx context.Context) error {
	if err := s.jobs.Start(ctx); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	return nil
}

// stopWorkers lets running jobs finish (until ctx ends).
func (s *services) stopWorkers(ctx context.Context) {
	if err := s.jobs.Stop(ctx); err != nil {
		s.log.Warn("stopping jobs", "err", err)
	}
}

// close releases the relay pool and closes the database, last.
func (s *services) close() {
	if err := s.deliverer.Close(); err != nil {
		s.log.Warn("closing relay connections", "err", err)
	}
	if err := s.db.Close(); err != nil {
		s.log.Warn("closing database", "err", err)
	}
}

// queueWelcomes sends the one welcome email to members an apply added, and
// to recent members whose welcome failed to queue before.
func queueWelcomes(ctx context.Context, a *app, cfg *Config, db *store.DB) error {
	d, err := a.deps(ctx, cfg, db, time.Now)
	if err != nil {
		return err
	}
	p, err := d.prompter()
	if err != nil {
		return err
	}
	n, err := p.QueueMissingWelcomes(ctx)
	if err != nil {
		return &exitError{code: exTempFail, msg: fmt.Sprintf("welcome new members: %v", err)}
	}
	if n > 0 {
		fmt.Fprintf(a.stdout, "queued %d welcome messages\n", n)
	}
	return nil
}
