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
// of 1,000, and the member's reply stranded among them keeps its place
// ahead of the notes (priority 1, the notes 2), as the receiver gives it.
func TestSweepQueuesEveryPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 2100
		addrs := testAddresses(t)
		old := db.Now().UTC().Add(-time.Hour)
		ins := make([]*store.InboundMessage, n)
		for i := range ins {
			to := addrs.Meetings("")
			if i == 1500 {
				to = addrs.Reply(42)
			}
			key := fmt.Sprintf("mid:held-%d@x to:%s", i, to)
			ins[i] = &store.InboundMessage{DedupKey: key, MessageID: key, MailFrom: "ana@example.com",
				Rcpt: []string{to}, Raw: []byte("Subject: held\r\n\r\nbody\r\n"), Size: 22,
				Status: store.InboundReceived, ReceivedAt: old}
		}
		for i := 0; i < n; i += 500 {
			if _, err := db.CreateInbounds(ctx, ins[i:min(i+500, n)]); err != nil {
				t.Fatal(err)
			}
		}
		w := inbound.NewSweepWorker(db, inbound.SweepOptions{Addresses: addrs})
		if err := w.Work(ctx, &river.Job[store.SweepArgs]{}); err != nil {
			t.Fatal(err)
		}
		jobs := listJobs(t, db)
		if len(jobs) != n {
			t.Errorf("%d processing jobs after one sweep, want %d", len(jobs), n)
		}
		reply, byPriority := ins[1500].ID, map[int]int{}
		for id, prio := range jobPriorities(t, jobs) {
			byPriority[prio]++
			if id == reply && prio != 1 {
				t.Errorf("the stranded reply's job has priority %d, want 1", prio)
			}
		}
		if byPriority[1] != 1 || byPriority[2] != n-1 {
			t.Errorf("jobs by priority %v, want the reply's at 1 and %d notes at 2", byPriority, n-1)
		}
	})
}
