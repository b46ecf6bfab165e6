package outbound

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"
	"github.com/tidings-app/tidings/store"
)

// DeliverWorker is the River worker for store.DeliverArgs: one attempt per
// job. A temporary failure returns an error so River retries with backoff;
// a permanent one cancels the job (river.JobCancel); the last attempt's
// temporary failure marks the message failed.
type DeliverWorker struct {
	river.WorkerDefaults[store.DeliverArgs]
	db *store.DB
	d  *Deliverer
}

// NewDeliverWorker returns the worker; register it with river.AddWorker.
func NewDeliverWorker(db *store.DB, d *Deliverer) *DeliverWorker {
	return &DeliverWorker{db: db, d: d}
}

// Work implements river.Worker.
func (w *DeliverWorker) Work(ctx context.Context, job *river.Job[store.DeliverArgs]) error {
	m, err := w.db.ClaimOutboundByID(ctx, job.Args.OutboundID, w.d.opts.ClaimLease)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return river.JobCancel(fmt.Errorf("outbound %d: %w", job.Args.OutboundID, err))
	case errors.Is(err, store.ErrConflict) && m != nil && m.Status == store.OutboundSending:
		return river.JobSnooze(time.Minute) // another deliverer holds it
	case errors.Is(err, store.ErrConflict):
		return nil // already sent, failed or suppressed
	case err != nil:
		return err
	}
	err = w.d.Deliver(ctx, m)
	var de *DeliveryError
	if !errors.As(err, &de) {
		return err // nil, or the outcome could not be recorded: retry
	}
	if !de.Temporary {
		return river.JobCancel(err)
	}
	if job.Attempt >= job.MaxAttempts {
		rec := store.Delivery{OutboundID: m.ID, Kind: m.Kind, At: w.d.opts.Now(), Status: store.OutboundFailed,
			Code: de.Code, Error: "gave up after " + fmt.Sprint(job.Attempt) + " attempts: " + de.Err.Error()}
		if m.PromptID != nil {
			rec.PromptID = *m.PromptID
		}
		if rerr := w.db.RecordDeliveries(ctx, []store.Delivery{rec}); rerr != nil {
			return rerr
		}
	}
	return err
}

// ScheduleWorker is the River worker for store.SchedulePromptsArgs: one
// SendDue at the current time.
type ScheduleWorker struct {
	river.WorkerDefaults[store.SchedulePromptsArgs]
	p   *Prompter
	now func() time.Time
}

// NewScheduleWorker returns the worker; now is the clock (nil: time.Now).
func NewScheduleWorker(p *Prompter, now func() time.Time) *ScheduleWorker {
	if now == nil {
		now = time.Now
	}
	return &ScheduleWorker{p: p, now: now}
}

// Work implements river.Worker.
// After scheduling it requeues messages whose deliverer died holding
// them (a crashed `tidings prompts send`), so each gets a DeliverArgs job.
func (w *ScheduleWorker) Work(ctx context.Context, _ *river.Job[store.SchedulePromptsArgs]) error {
	sum, err := w.p.SendDue(ctx, w.now())
	if err != nil {
		return err
	}
	n, err := w.p.db.RequeueStaleOutbound(ctx, claimLease, 1000)
	if err != nil {
		return err
	}
	if n > 0 {
		w.p.log.Warn("requeued messages of a deliverer that stopped", "count", n)
	}
	if sum.Queued+sum.Reminders+sum.Expired > 0 || len(sum.Skipped) > 0 {
		w.p.log.Info("prompts scheduled", "queued", sum.Queued, "reminders", sum.Reminders,
			"expired", sum.Expired, "skipped", sum.Skipped)
	}
	return nil
}

// Timeout implements river.Worker: a run over 10k members takes seconds.
func (w *ScheduleWorker) Timeout(*river.Job[store.SchedulePromptsArgs]) time.Duration {
	return 5 * time.Minute
}

// PeriodicJobs returns the periodic job that runs the prompt scheduler
// every minute; River's leader election makes one instance insert it, and
// the unique prompt index keeps concurrent runs harmless.
func PeriodicJobs() []*river.PeriodicJob {
	every := cron.Every(time.Minute)
	return []*river.PeriodicJob{river.NewPeriodicJob(every,
		func() (river.JobArgs, *river.InsertOpts) {
			return store.SchedulePromptsArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
		}, &river.PeriodicJobOpts{RunOnStart: true, ID: "schedule_prompts"})}
}
