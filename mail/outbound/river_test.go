package outbound_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestScheduleWorkerOnRiver runs a real River client on SQLite with the
// store's JobDriver, the deliver and schedule workers and PeriodicJobs, as
// serve does: the periodic schedule job (run on start) queues the due
// prompt and its DeliverArgs job delivers it; a message a crashed
// `tidings prompts send` left claimed is requeued by the same job once
// its claim lapsed, and delivered once.
func TestScheduleWorkerOnRiver(t *testing.T) {
	b := storetest.Backends(t)[0] // SQLite
	loc := mustLoc(t, "America/Sao_Paulo")
	e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), ana))
	ctx := context.Background()
	// What a crashed SendAndDeliver leaves: a stored message, claimed
	// (status sending), without a job.
	orphan := &store.OutboundMessage{DedupKey: "test:orphan", Kind: "test", Recipient: "orphan@example.com",
		Status: store.OutboundSending, Raw: []byte("Subject: orphan\r\n\r\nhello\r\n")}
	if _, err := e.db.QueueOutbound(ctx, orphan); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, loc)) // 4 days later: the claim has lapsed
	workers := river.NewWorkers()
	river.AddWorker(workers, outbound.NewDeliverWorker(e.db, e.d))
	river.AddWorker(workers, outbound.NewScheduleWorker(e.p, e.clock.Now))
	client, err := river.NewClient(e.db.JobDriver(), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		Workers:           workers,
		PeriodicJobs:      outbound.PeriodicJobs(),
		FetchCooldown:     10 * time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond,
		Logger:            slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = client.Stop(stop)
	})
	got := e.sink.WaitFor(2, 30*time.Second)
	waitJobsDone(t, client) // outcomes recorded
	to := map[string]int{}
	for _, m := range got {
		to[m.To[0]]++
	}
	if to[ana.Email] != 1 || to["orphan@example.com"] != 1 {
		t.Errorf("sink got %v, want one prompt to %s and the orphan", to, ana.Email)
	}
	if p := prompts(t, e.db, store.PromptSent); len(p) != 1 {
		t.Errorf("sent prompts %+v", p)
	}
	// Another schedule run for the same instant adds nothing.
	if _, err := client.Insert(ctx, store.SchedulePromptsArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	waitJobsDone(t, client)
	if n := len(e.sink.Messages()); n != 2 {
		t.Errorf("after a second run the sink has %d messages, want 2", n)
	}
}

// waitJobsDone waits until River has no job left to run.
func waitJobsDone(t *testing.T, c *river.Client[*sql.Tx]) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := c.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateAvailable, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled).First(10))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Jobs) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("River jobs still pending after 30s")
}

// TestSendAndDeliverJobs checks what SendAndDeliver leaves in River on
// both backends: no DeliverArgs job for a delivered prompt (it was handed
// over in memory, already claimed), one scheduled retry job for a
// temporary failure, and the failed attempt recorded.
func TestSendAndDeliverJobs(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			loc := mustLoc(t, "America/Sao_Paulo")
			ms := []store.MemberSpec{ana, {Email: "busy@example.com", Name: "Busy"}}
			e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), ms...))
			e.sink.FailRcpt(func(rcpt string) error {
				if rcpt == "busy@example.com" {
					return mailtest.Temporary("busy")
				}
				return nil
			})
			now := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
			e.clock.Set(now)
			ctx := context.Background()
			sum, res, err := outbound.SendAndDeliver(ctx, e.p, e.d, now)
			if err != nil || sum.Queued != 2 || res != (outbound.FlushResult{Sent: 1, Deferred: 1}) {
				t.Fatalf("send: %+v %+v %v", sum, res, err)
			}
			c, err := river.NewClient(e.db.JobDriver(), &river.Config{})
			if err != nil {
				t.Fatal(err)
			}
			jobs, err := c.JobList(ctx, river.NewJobListParams().Kinds(store.DeliverArgs{}.Kind()).First(100))
			if err != nil {
				t.Fatal(err)
			}
			busy, err := e.db.FindOutbound(ctx, store.OutboundFilter{Status: store.OutboundQueued})
			if err != nil || len(busy) != 1 || busy[0].Recipient != "busy@example.com" {
				t.Fatalf("queued %+v %v", busy, err)
			}
			if len(jobs.Jobs) != 1 || !strings.Contains(string(jobs.Jobs[0].EncodedArgs), fmt.Sprint(busy[0].ID)) ||
				jobs.Jobs[0].State != rivertype.JobStateScheduled {
				t.Errorf("deliver jobs %+v, want one scheduled for outbound %d", jobs.Jobs, busy[0].ID)
			}
			as, err := e.db.DeliveryAttempts(ctx, busy[0].ID)
			if err != nil || len(as) != 1 || as[0].Code != 451 || !as[0].Temporary {
				t.Errorf("attempts %+v %v", as, err)
			}
		})
	}
}

// TestRestartMidSendAndDeliver stops SendAndDeliver while it is both
// scheduling and delivering (the context ends after 40 messages); a new
// process on the same database runs it again for the same instant and
// every member ends up with exactly one prompt: messages handed over but
// not attempted were released to the queue, the rest is scheduled anew.
func TestRestartMidSendAndDeliver(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			loc := mustLoc(t, "America/Sao_Paulo")
			e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), members(300)...))
			now := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
			e.clock.Set(now)
			ctx, cancel := context.WithCancel(context.Background())
			var mu sync.Mutex
			n := 0
			e.sink.FailData(func(mailtest.Received) error {
				mu.Lock()
				defer mu.Unlock()
				if n++; n == 40 {
					cancel()
				}
				return nil
			})
			if _, _, err := outbound.SendAndDeliver(ctx, e.p, e.d, now); err == nil {
				t.Fatal("SendAndDeliver with a cancelled context returned no error")
			}
			if first := len(e.sink.Messages()); first < 40 || first >= 300 {
				t.Fatalf("first run delivered %d", first)
			}
			e.d.Close()
			e.db.Close()
			db2 := reopen(t, e.dsn, e.clock)
			p2, d2 := e.wire(t, db2)
			if _, _, err := outbound.SendAndDeliver(context.Background(), p2, d2, now); err != nil {
				t.Fatal(err)
			}
			distinct(t, e.sink.Messages(), 300)
			if n := len(prompts(t, db2, store.PromptSent)); n != 300 {
				t.Errorf("%d prompts sent, want 300", n)
			}
		})
	}
}
