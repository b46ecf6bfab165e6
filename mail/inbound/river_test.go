package inbound_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// startWorkers runs a River client with the inbound worker on the store's
// job driver until the test ends.
func startWorkers(t *testing.T, db *store.DB, p *inbound.Processor) {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, inbound.NewWorker(p))
	client, err := river.NewClient(db.JobDriver(), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		Workers:           workers,
		Logger:            testLogger(t),
		FetchPollInterval: 50 * time.Millisecond,
		FetchCooldown:     20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		if err := client.Stop(stop); err != nil {
			t.Errorf("stop river: %v", err)
		}
		cancel()
	})
}

// TestRiverAppliesAcceptedReply proves the path a real reply takes: 250
// over SMTP, the job committed with the message, a River client picking it
// up and the worker applying it — without calling Process.
func TestRiverAppliesAcceptedReply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, nil)
		startWorkers(t, db, f.proc)
		to := f.addrs.Reply(f.prompt.ID)
		raw := message(t, "outlook_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "river")})
		if err := send(t, f.addr, "ana@example.com", []string{to}, raw); err != nil {
			t.Fatalf("send: %v", err)
		}
		var in store.InboundMessage
		deadline := time.Now().Add(30 * time.Second)
		for {
			msgs, err := db.FindInbound(ctx, store.InboundFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) == 1 && msgs[0].Status != store.InboundReceived {
				in = msgs[0]
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("message not processed by the worker: %+v", msgs)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if in.Status != store.InboundApplied || in.Attempts != 1 {
			t.Fatalf("inbound after the job: status %q attempts %d reason %q error %q", in.Status, in.Attempts, in.Reason, in.Error)
		}
		ups, err := db.FindUpdates(ctx, store.UpdateFilter{MemberID: f.ana.ID})
		if err != nil || len(ups) != 1 || ups[0].InboundID != in.ID || ups[0].Version != 1 {
			t.Fatalf("updates = %+v, %v", ups, err)
		}
		rows, err := db.FindPrompts(ctx, store.PromptFilter{})
		if err != nil || len(rows) != 1 || rows[0].Status != store.PromptAnswered {
			t.Errorf("prompt = %+v, %v", rows, err)
		}
		if got := testutilCount(t, f, "tidings_inbound_applied_total"); got != 1 {
			t.Errorf("applied = %v, want 1", got)
		}
	})
}
