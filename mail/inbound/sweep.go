package inbound

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
)

// sweepLimit bounds the messages one statement of the sweep requeues: the
// inbound side pages through all of them, the outbound side takes this
// many per run.
const sweepLimit = 1000

// SweepOptions tune the stuck-work sweep.
type SweepOptions struct {
	// Every is how often the sweep runs (default one minute).
	Every time.Duration
	// InboundAfter is how long a message may stay "received" before the
	// sweep checks that it has a live job (default Every).
	InboundAfter time.Duration
	// OutboundLease is how long an outbound claim holds before the sweep
	// returns the message to the queue (default ten minutes, the
	// deliverers' lease).
	OutboundLease time.Duration
	// Addresses are the receiver's (required): each requeued processing
	// job gets the receiver's priority (mail to a token address first, see
	// jobPriority), so replies stranded by a crash are still applied
	// before the notes of a flood stranded with them.
	Addresses mail.Addresses
	Logger    *slog.Logger
}

func (o SweepOptions) withDefaults() SweepOptions {
	if o.Every <= 0 {
		o.Every = time.Minute
	}
	if o.InboundAfter <= 0 {
		o.InboundAfter = o.Every
	}
	if o.OutboundLease <= 0 {
		o.OutboundLease = 10 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// SweepWorker is the River worker for store.SweepArgs: it requeues inbound
// messages left "received" without a live job and outbound messages left
// claimed past their lease, so no acknowledged message waits for a human.
type SweepWorker struct {
	river.WorkerDefaults[store.SweepArgs]
	db   *store.DB
	opts SweepOptions
}

// NewSweepWorker returns the sweep worker on db.
func NewSweepWorker(db *store.DB, opts SweepOptions) *SweepWorker {
	return &SweepWorker{db: db, opts: opts.withDefaults()}
}

// Work implements river.Worker.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[store.SweepArgs]) error {
	priority := func(rcpt []string) int { return jobPriority(w.opts.Addresses, rcpt) }
	in, after := 0, int64(0)
	for { // page by page: a crash during a hold can leave thousands without a job
		n, next, err := w.db.RequeueStaleInbound(ctx, w.opts.InboundAfter, after, sweepLimit, priority)
		if err != nil {
			return err
		}
		in += n
		if next == 0 {
			break
		}
		after = next
	}
	out, err := w.db.RequeueStaleOutbound(ctx, w.opts.OutboundLease, sweepLimit)
	if err != nil {
		return err
	}
	if in+out > 0 {
		w.opts.Logger.Warn("sweep requeued stuck messages", "component", "sweep", "inbound", in, "outbound", out)
	}
	return nil
}

// Timeout implements river.Worker.
func (w *SweepWorker) Timeout(*river.Job[store.SweepArgs]) time.Duration { return time.Minute }

// PeriodicJobs returns the sweep as a periodic job (run by the elected
// leader, and once at start).
func (w *SweepWorker) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(cron.Every(w.opts.Every),
		func() (river.JobArgs, *river.InsertOpts) {
			return store.SweepArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: w.opts.Every}}
		}, &river.PeriodicJobOpts{RunOnStart: true, ID: "sweep"})}
}
