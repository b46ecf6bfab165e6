package inbound_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestConcurrentSessionsKeptOnce sends eight messages, each by three
// clients at once (a sender retrying while its first attempt is still in
// flight), so concurrent sessions share group commits that hold duplicates
// of one another and of rows committed earlier. Every send gets 250; each
// message is stored once with one processing job (inserted by the
// time the receiver has shut down); the batch histogram
// counts every message handed to the keeper.
func TestConcurrentSessionsKeptOnce(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := b.Open(t, store.Options{})
			f := newFixture(t, db, nil)
			const messages, copies = 8, 3
			var wg sync.WaitGroup
			errs := make(chan error, messages*copies)
			for i := range messages * copies {
				wg.Go(func() {
					id := fmt.Sprintf("group-%d@client.example", i%messages)
					raw := plainReply("ana@example.com", "postmaster@"+domain, id, "Hello.\r\n")
					errs <- sendOnce(f.addr, raw)
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Errorf("send: %v", err)
				}
			}
			msgs, err := db.FindInbound(ctx, store.InboundFilter{})
			if err != nil || len(msgs) != messages {
				t.Fatalf("%d messages stored (%v), want %d", len(msgs), err, messages)
			}
			// Jobs follow the 250 (enqueuer.go); Shutdown waits for them.
			if err := f.rcv.Shutdown(ctx); err != nil {
				t.Fatal(err)
			}
			client, err := river.NewClient(db.JobDriver(), &river.Config{})
			if err != nil {
				t.Fatal(err)
			}
			jobs, err := client.JobList(ctx, river.NewJobListParams().Kinds(store.ProcessInboundArgs{}.Kind()).First(100))
			if err != nil || len(jobs.Jobs) != messages {
				t.Fatalf("%d jobs (%v), want %d", len(jobs.Jobs), err, messages)
			}
			if n, sum := batchHistogram(t, f); sum != messages*copies || n < 1 || n > messages*copies {
				t.Errorf("batch histogram: %d batches, %v messages; want %d messages", n, sum, messages*copies)
			}
		})
	}
}

// batchHistogram returns the number of group commits and the messages they
// held.
func batchHistogram(t *testing.T, f *fixture) (uint64, float64) {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "tidings_inbound_commit_batch_messages" {
			h := mf.GetMetric()[0].GetHistogram()
			return h.GetSampleCount(), h.GetSampleSum()
		}
	}
	t.Fatal("tidings_inbound_commit_batch_messages not registered")
	return 0, 0
}
