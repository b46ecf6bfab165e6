package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/store"
)

// retentionBatch is how many messages one statement empties, so a first
// run on a large archive does not hold one long transaction.
const retentionBatch = 1000

// webPruneMargin is how long after its end a sign-in link, session or
// rate counter is deleted.
const webPruneMargin = 24 * time.Hour

// retentionWorker runs every hour (and at start): it deletes the archive's
// expired sign-in links, sessions and rate counters and, when keep is not
// zero (retention.raw), empties the raw bytes of processed inbound messages
// older than keep.
type retentionWorker struct {
	river.WorkerDefaults[store.RetentionArgs]
	db   *store.DB
	keep time.Duration
	now  func() time.Time
	log  *slog.Logger
}

// Work implements river.Worker.
func (w *retentionWorker) Work(ctx context.Context, _ *river.Job[store.RetentionArgs]) error {
	// A day's margin: rate-limit windows (an hour) still counting are kept.
	pruned, err := w.db.PruneWeb(ctx, w.now().Add(-webPruneMargin))
	if err != nil {
		return err
	}
	if pruned > 0 {
		w.log.Info("retention deleted expired sign-in links and sessions", "component", "retention", "rows", pruned)
	}
	if w.keep <= 0 {
		return nil
	}
	before := w.now().Add(-w.keep)
	total := 0
	for {
		n, err := w.db.DropInboundRaw(ctx, before, retentionBatch)
		if err != nil {
			return err
		}
		total += n
		if n < retentionBatch {
			break
		}
	}
	if total > 0 {
		w.log.Info("retention dropped raw inbound messages", "component", "retention", "messages", total, "before", before)
	}
	return nil
}

// Timeout implements river.Worker.
func (w *retentionWorker) Timeout(*river.Job[store.RetentionArgs]) time.Duration {
	return 10 * time.Minute
}

// periodicJobs returns the hourly run (elected leader only, and once at
// start).
func (w *retentionWorker) periodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) {
			return store.RetentionArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Hour}}
		}, &river.PeriodicJobOpts{RunOnStart: true, ID: "retention"})}
}
