package okr

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"
	"github.com/tidings-app/tidings/store"
)

// ScheduleWorker is the River worker for store.ScheduleOKRArgs: one
// SendDue at the current time.
type ScheduleWorker struct {
	river.WorkerDefaults[store.ScheduleOKRArgs]
	s   *Service
	now func() time.Time
}

// NewScheduleWorker returns the worker; now is the clock (nil: the
// service's).
func NewScheduleWorker(s *Service, now func() time.Time) *ScheduleWorker {
	if now == nil {
		now = s.opts.Now
	}
	return &ScheduleWorker{s: s, now: now}
}

// Work implements river.Worker.
func (w *ScheduleWorker) Work(ctx context.Context, _ *river.Job[store.ScheduleOKRArgs]) error {
	sum, err := w.s.SendDue(ctx, w.now())
	if err != nil {
		return err
	}
	if sum.Queued+sum.Expired+sum.Skipped > 0 {
		w.s.log.Info("key-result prompts scheduled", "queued", sum.Queued, "expired", sum.Expired, "skipped", sum.Skipped)
	}
	return nil
}

// Timeout implements river.Worker.
func (w *ScheduleWorker) Timeout(*river.Job[store.ScheduleOKRArgs]) time.Duration {
	return 5 * time.Minute
}

// PeriodicJobs returns the periodic job that runs SendDue every minute;
// River's leader election makes one instance insert it, and the unique
// prompt index keeps concurrent runs harmless.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(cron.Every(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) {
			return store.ScheduleOKRArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
		}, &river.PeriodicJobOpts{RunOnStart: true, ID: "schedule_okr"})}
}
