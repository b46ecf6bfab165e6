package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// A message left "received" without a job gets one from the sweep, once:
// while that job is live, further sweeps insert nothing; a message already
// processed, or too recent, is left alone.
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
		n, err := db.RequeueStaleInbound(ctx, 10*time.Minute, 100)
		if err != nil || n != 1 {
			t.Fatalf("first sweep: %d jobs, %v; want 1", n, err)
		}
		n, err = db.RequeueStaleInbound(ctx, 10*time.Minute, 100)
		if err != nil || n != 0 {
			t.Fatalf("second sweep: %d jobs, %v; want 0 (the first job is still live)", n, err)
		}
	})
}
