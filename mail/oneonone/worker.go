package oneonone

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"
	"github.com/tidings-app/tidings/store"
)

// Worker is the River worker for store.OneOnOneTickArgs.
type Worker struct {
	river.WorkerDefaults[store.OneOnOneTickArgs]
	s   *Service
	now func() time.Time
}

// NewWorker returns the worker that runs s.Tick at now().
func NewWorker(s *Service, now func() time.Time) *Worker { return &Worker{s: s, now: now} }

// Work runs one Tick.
func (w *Worker) Work(ctx context.Context, _ *river.Job[store.OneOnOneTickArgs]) error {
	res, err := w.s.Tick(ctx, w.now())
	if err != nil {
		return err
	}
	if res.Prompts+res.Agendas+res.Feedback > 0 {
		w.s.log.Info("one-on-ones scheduled", "prompts", res.Prompts, "agendas", res.Agendas, "feedback", res.Feedback)
	}
	return nil
}

// Timeout implements river.Worker.
func (w *Worker) Timeout(*river.Job[store.OneOnOneTickArgs]) time.Duration { return 5 * time.Minute }

// PeriodicJobs returns the periodic job that runs Tick every minute;
// River's leader election makes one instance insert it and the unique
// entry index keeps concurrent runs harmless.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(cron.Every(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) {
			return store.OneOnOneTickArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
		}, &river.PeriodicJobOpts{RunOnStart: true, ID: "oneonone_tick"})}
}
