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
	"github.com/tidings-app/tidings/store"
)

// services holds the long-lived parts of a Tidings process and connects
// them: the packages never import each other, so this is where a
// digest.Sender meets the outbound queue and the receiver meets the
// meeting filer.
type services struct {
	db   *store.DB
	log  *slog.Logger
	jobs *river.Client[*sql.Tx]
}

func newServices(ctx context.Context, cfg *Config, db *store.DB, log *slog.Logger, reg prometheus.Registerer) (*services, error) {
	s := &services{db: db, log: log}
	workers := river.NewWorkers()
	var periodic []*river.PeriodicJob
	jobs, err := river.NewClient(db.JobDriver(), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 8}},
		Workers:           workers,
		PeriodicJobs:      periodic,
		Logger:            log.With("component", "jobs"),
		FetchPollInterval: 200 * time.Millisecond,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	s.jobs = jobs
	return s, nil
}

// apply syncs the configuration's teams and welcomes new members.
func (s *services) apply(ctx context.Context, cfg *Config) error {
	ch, err := s.db.Sync(ctx, cfg.Specs())
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	if !ch.Empty() {
		s.log.Info("applied configuration", "created", len(ch.Created), "changed", len(ch.Changed), "removed", len(ch.Removed))
	}
	return nil
}

func (s *services) mount(mux *http.ServeMux) {}

func (s *services) serveSMTP(ln net.Listener) error { return nil }

func (s *services) shutdownSMTP(ctx context.Context) {}

func (s *services) runWorkers(ctx context.Context) error {
	if err := s.jobs.Start(ctx); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	return nil
}

func (s *services) stopWorkers(ctx context.Context) {
	if err := s.jobs.Stop(ctx); err != nil {
		s.log.Warn("stopping jobs", "err", err)
	}
}

func (s *services) close() {
	if err := s.db.Close(); err != nil {
		s.log.Warn("closing database", "err", err)
	}
}

func queueWelcomes(ctx context.Context, a *app, cfg *Config, db *store.DB, joined []store.Membership) error {
	return nil
}
