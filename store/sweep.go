package store

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// liveJobStates are the River states in which a job will still run: a job
// unique by args is not inserted again while another is in one of them.
var liveJobStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}

// QueueInbound is the River queue of ProcessInboundArgs jobs: inbound
// processing has workers of its own, so a burst of mail (whose workers
// may wait their turn, see inbound.Pacer) never holds up deliveries and
// digests in the default queue.
const QueueInbound = "inbound"

// ProcessInboundJob is the River insert of the job that processes inbound
// message id: in QueueInbound, unique by message while a job for it is
// live (not after it completed, so a reprocess or a sweep can queue it
// again), with River priority priority (1 runs first; 0 is River's
// default, 1). Every path that queues processing builds its job here.
func ProcessInboundJob(id int64, priority int) river.InsertManyParams {
	return river.InsertManyParams{Args: ProcessInboundArgs{InboundID: id}, InsertOpts: &river.InsertOpts{
		Queue: QueueInbound, Priority: priority, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: liveJobStates}}}
}

// RequeueStaleInbound gives a ProcessInboundArgs job to each of up to
// limit messages with an ID above after, in ID order, still "received"
// although they arrived before olderThan ago, unless a live job for it
// exists (River's unique insert skips those). It finds messages whose job
// was lost: discarded after a crash on its last attempt, or never
// inserted (a process that died while its receiver held the jobs of a
// burst back). A job left "running" by a dead process is River's to
// rescue (RescueStuckJobsAfter). Each job's River priority is
// priority(the message's envelope recipients); nil keeps River's default.
// It returns how many jobs it inserted and, when it looked at limit
// messages, the last ID it looked at (the after of the next page; 0 when
// there is none).
func (db *DB) RequeueStaleInbound(ctx context.Context, olderThan time.Duration, after int64, limit int, priority func(rcpt []string) int) (int, int64, error) {
	var rows []InboundMessage
	err := db.gorm.WithContext(ctx).Select("id", "rcpt").
		Where("status = ? AND received_at < ? AND id > ?", InboundReceived, db.now().UTC().Add(-olderThan), after).
		Order("id").Limit(limit).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return 0, 0, wrap("requeue stale inbound", err)
	}
	params := make([]river.InsertManyParams, len(rows))
	for i, r := range rows {
		prio := 0
		if priority != nil {
			prio = priority(r.Rcpt)
		}
		params[i] = ProcessInboundJob(r.ID, prio)
	}
	res, err := db.jobs.InsertMany(ctx, params)
	if err != nil {
		return 0, 0, wrap("requeue stale inbound", err)
	}
	n := 0
	for _, r := range res {
		if !r.UniqueSkippedAsDuplicate {
			n++
		}
	}
	next := int64(0)
	if len(rows) == limit {
		next = rows[len(rows)-1].ID
	}
	return n, next, nil
}

// SweepArgs runs the stuck-work sweep once (periodic): inbound messages
// without a live job and outbound messages whose claim lapsed get a job.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "sweep" }

// EnqueueManyLazily inserts jobs (see EnqueueMany) in a transaction that,
// on PostgreSQL, commits without waiting for its WAL to reach disk
// (synchronous_commit off for this transaction only): it does not queue
// behind, nor slow down, the durable commits of received messages. Use it
// only for jobs whose loss in a crash is repaired elsewhere: the sweep
// (RequeueStaleInbound) queues processing jobs again.
func (db *DB) EnqueueManyLazily(ctx context.Context, params []river.InsertManyParams) error {
	if !db.postgres {
		return db.EnqueueMany(ctx, params)
	}
	return db.InTx(ctx, func(tx *DB) error {
		if err := tx.gorm.WithContext(ctx).Exec("SET LOCAL synchronous_commit TO OFF").Error; err != nil {
			return wrap("enqueue jobs", err)
		}
		return tx.EnqueueMany(ctx, params)
	})
}
