package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// A message left "received" without a job gets one from the sweep, once,
// with the priority its recipients call for: while that job is live,
// further sweeps insert nothing; a message already processed, or too
// recent, is left alone.
func TestRequeueStaleInbound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := db.Now().UTC()
		old := inboundMsg("mid:old to:x", "", now.Add(-time.Hour))
		done := inboundMsg("mid:done to:x", store.InboundApplied, now.Add(-time.Hour))
		recent := inboundMsg("mid:recent to:x", "", now)
		for _, m := range []*store.InboundMessage{old, done, recent} {
			if _, err := db.CreateInbound(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		var asked [][]string
		priority := func(rcpt []string) int { asked = append(asked, rcpt); return 3 }
		n, next, err := db.RequeueStaleInbound(ctx, 10*time.Minute, 0, 100, priority)
		if err != nil || n != 1 || next != 0 {
			t.Fatalf("first sweep: %d jobs, next %d, %v; want 1, 0", n, next, err)
		}
		if len(asked) != 1 || len(asked[0]) != 1 || asked[0][0] != old.Rcpt[0] {
			t.Errorf("priority asked for %q, want the old message's recipients %q", asked, old.Rcpt)
		}
		c, err := river.NewClient(db.JobDriver(), &river.Config{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.JobList(ctx, river.NewJobListParams().Kinds(store.ProcessInboundArgs{}.Kind()))
		if err != nil || len(res.Jobs) != 1 || res.Jobs[0].Priority != 3 {
			t.Fatalf("jobs after the sweep: %+v, %v; want one of priority 3", res, err)
		}
		n, _, err = db.RequeueStaleInbound(ctx, 10*time.Minute, 0, 100, priority)
		if err != nil || n != 0 {
			t.Fatalf("second sweep: %d jobs, %v; want 0 (the first job is still live)", n, err)
		}
	})
}

// The sweep pages by ID: a full page reports its last ID, the next page
// starts after it (past messages whose jobs are live), and the last page
// reports none.
func TestRequeueStaleInboundPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		old := db.Now().UTC().Add(-time.Hour)
		var ids []int64
		for i := range 5 {
			m := inboundMsg(fmt.Sprintf("mid:page-%d to:x", i), "", old)
			if _, err := db.CreateInbound(ctx, m); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		n, next, err := db.RequeueStaleInbound(ctx, 10*time.Minute, 0, 2, nil)
		if err != nil || n != 2 || next != ids[1] {
			t.Fatalf("page 1: %d jobs, next %d, %v; want 2, %d", n, next, err, ids[1])
		}
		n, next, err = db.RequeueStaleInbound(ctx, 10*time.Minute, next, 2, nil)
		if err != nil || n != 2 || next != ids[3] {
			t.Fatalf("page 2: %d jobs, next %d, %v; want 2, %d", n, next, err, ids[3])
		}
		n, next, err = db.RequeueStaleInbound(ctx, 10*time.Minute, next, 2, nil)
		if err != nil || n != 1 || next != 0 {
			t.Fatalf("page 3: %d jobs, next %d, %v; want 1, 0", n, next, err)
		}
	})
}
