package inbound_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestSweepQueuesEveryPage: a process that died while its receiver held
// back the jobs of a burst leaves thousands of messages "received" without
// a job; one sweep run gives every one of them a job, past its page size
// of 1,000.
func TestSweepQueuesEveryPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 2100
		old := db.Now().UTC().Add(-time.Hour)
		ins := make([]*store.InboundMessage, n)
		for i := range ins {
			key := fmt.Sprintf("mid:held-%d@x to:meetings@tidings.test", i)
			ins[i] = &store.InboundMessage{DedupKey: key, MessageID: key, MailFrom: "ana@example.com",
				Rcpt: []string{"meetings@tidings.test"}, Raw: []byte("Subject: held\r\n\r\nbody\r\n"), Size: 22,
				Status: store.InboundReceived, ReceivedAt: old}
		}
		for i := 0; i < n; i += 500 {
			if _, err := db.CreateInbounds(ctx, ins[i:min(i+500, n)]); err != nil {
				t.Fatal(err)
			}
		}
		w := inbound.NewSweepWorker(db, inbound.SweepOptions{})
		if err := w.Work(ctx, &river.Job[store.SweepArgs]{}); err != nil {
			t.Fatal(err)
		}
		got := countJobs(t, db)
		if got != n {
			t.Errorf("%d processing jobs after one sweep, want %d", got, n)
		}
	})
}
