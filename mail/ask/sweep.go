package ask

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"
	"github.com/tidings-app/tidings/store"
)

// Summary is what one Sweep did.
type Summary struct {
	Reminded int // asks whose reminders were queued
	Closed   int // asks closed at their deadline
}

// Sweep queues the one reminder of every open ask half-way to its
// deadline (to members who have not answered and are not away or
// paused), and closes every ask whose deadline has passed, sending the
// results. Each ask is handled in its own transaction; running Sweep
// again, or on several instances at once, sends nothing twice.
func (s *Service) Sweep(ctx context.Context, db *store.DB) (Summary, error) {
	var sum Summary
	now := s.now()
	due, err := db.DueAsks(ctx, now)
	if err != nil {
		return sum, fmt.Errorf("ask: sweep: %w", err)
	}
	for i := range due {
		a := &due[i]
		err := db.InTx(ctx, func(tx *store.DB) error {
			if !a.Deadline.After(now) {
				closed, err := s.close(ctx, tx, a, "at the deadline")
				if closed {
					sum.Closed++
				}
				return err
			}
			ok, err := tx.MarkAskReminded(ctx, a.ID)
			if err != nil || !ok {
				return err
			}
			sum.Reminded++
			return s.remind(ctx, tx, a)
		})
		if err != nil {
			return sum, fmt.Errorf("ask: sweep ask %d: %w", a.ID, err)
		}
	}
	return sum, nil
}

// remind queues the reminder to a's members who have not answered.
func (s *Service) remind(ctx context.Context, tx *store.DB, a *store.Ask) error {
	team, err := tx.TeamByID(ctx, a.TeamID)
	if err != nil {
		return fmt.Errorf("ask: remind: %w", err)
	}
	rs, err := tx.AskRecipients(ctx, a.ID)
	if err != nil {
		return fmt.Errorf("ask: remind: %w", err)
	}
	return s.sendCopies(ctx, tx, a, team, rs, true)
}

// CloseNow closes open ask id at once (the CLI's `asks close`) and sends
// the results; it reports false when the ask was not open.
func (s *Service) CloseNow(ctx context.Context, db *store.DB, id int64) (bool, error) {
	var closed bool
	err := db.InTx(ctx, func(tx *store.DB) error {
		a, err := tx.AskByID(ctx, id)
		if err != nil {
			return err
		}
		if a.Status != store.AskOpen {
			return nil
		}
		closed, err = s.close(ctx, tx, a, "by the team lead")
		return err
	})
	if err != nil {
		return false, fmt.Errorf("ask: close %d: %w", id, err)
	}
	return closed, nil
}

// SweepWorker is the River worker for store.SweepAsksArgs.
type SweepWorker struct {
	river.WorkerDefaults[store.SweepAsksArgs]
	s  *Service
	db *store.DB
}

// NewSweepWorker returns the worker that runs s.Sweep on db.
func NewSweepWorker(s *Service, db *store.DB) *SweepWorker { return &SweepWorker{s: s, db: db} }

// Work runs one sweep.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[store.SweepAsksArgs]) error {
	_, err := w.s.Sweep(ctx, w.db)
	return err
}

// PeriodicJobs returns the periodic job that sweeps asks every minute.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(cron.Every(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) {
			return store.SweepAsksArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
		}, &river.PeriodicJobOpts{RunOnStart: true, ID: "sweep_asks"})}
}
