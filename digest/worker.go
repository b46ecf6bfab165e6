package digest

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/store"
)

// SendWorker is the River worker for store.SendDigestArgs.
type SendWorker struct {
	river.WorkerDefaults[store.SendDigestArgs]
	svc *Service
}

// NewSendWorker returns the worker that runs Service.Send for each job.
func NewSendWorker(svc *Service) *SendWorker { return &SendWorker{svc: svc} }

// Work sends the digest. A period already sent completes the job; a team
// that no longer exists, or a bad period or schedule, cancels it (retrying
// cannot help); other errors are retried by River with backoff, and the
// per-recipient dedup keys make the retry queue only the missing copies.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[store.SendDigestArgs]) error {
	a := job.Args
	_, err := w.svc.Send(ctx, a.TeamID, a.Period, SendOptions{Force: a.Force, Zone: a.Zone, Cadence: a.Cadence})
	switch {
	case err == nil, errors.Is(err, ErrAlreadySent):
		return nil
	case errors.Is(err, store.ErrNotFound), errors.Is(err, ErrBadPeriod), errors.Is(err, ErrNoSchedule):
		return river.JobCancel(err)
	}
	return err
}

// ScheduleWorker is the River worker for the periodic
// store.ScheduleDigestsArgs: it runs Scheduler.SendDue.
type ScheduleWorker struct {
	river.WorkerDefaults[store.ScheduleDigestsArgs]
	s   *Scheduler
	now func() time.Time
}

// NewScheduleWorker returns the periodic scheduling worker; now is the
// clock (time.Now when nil).
func NewScheduleWorker(s *Scheduler, now func() time.Time) *ScheduleWorker {
	if now == nil {
		now = time.Now
	}
	return &ScheduleWorker{s: s, now: now}
}

// Work enqueues the digests due now; errors are retried by River.
func (w *ScheduleWorker) Work(ctx context.Context, _ *river.Job[store.ScheduleDigestsArgs]) error {
	_, err := w.s.SendDue(ctx, w.now())
	return err
}

// PeriodicJobs returns the periodic job that drives the digest schedule:
// ScheduleDigestsArgs every minute (and once at start), run by the elected
// leader only.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return store.ScheduleDigestsArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})}
}
