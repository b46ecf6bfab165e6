package inbound_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
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
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}, store.QueueInbound: {MaxWorkers: 2}},
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

// TestWorkerWaitsWhileReceiving: the receiver tells the pacer of every
// message, and while mail is arriving the worker processes only when it
// gets the pacer's slot (here held by the test, then released).
func TestWorkerWaitsWhileReceiving(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC) // stands still: once busy, busy
		pacer := inbound.NewPacer(inbound.PacerOptions{Quiet: time.Hour, MaxWait: time.Hour, Now: func() time.Time { return clock }})
		f := newFixture(t, db, func(o *inbound.Options) { o.Pacer = pacer })
		for range 2 { // nothing has arrived: both go at once, neither takes the slot
			idle, cancel := context.WithTimeout(ctx, time.Second)
			if _, err := pacer.Wait(idle); err != nil {
				t.Fatalf("wait before any mail: %v", err)
			}
			cancel() // the releases are not called: an idle wait holds nothing
		}
		to := f.addrs.Reply(f.prompt.ID)
		raw := message(t, "outlook_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "paced")})
		if err := send(t, f.addr, "ana@example.com", []string{to}, raw); err != nil {
			t.Fatalf("send: %v", err)
		}
		held, err := pacer.Wait(ctx) // the receiver made the pacer busy: this takes the slot
		if err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if _, err := pacer.Wait(short); err == nil {
			t.Fatal("the pacer let a second worker through: the receiver did not mark it busy")
		}
		startWorkers(t, db, f.proc)
		status := func() string {
			msgs, err := db.FindInbound(ctx, store.InboundFilter{})
			if err != nil || len(msgs) != 1 {
				t.Fatalf("inbound: %+v, %v", msgs, err)
			}
			return msgs[0].Status
		}
		time.Sleep(500 * time.Millisecond) // ten fetch intervals
		if s := status(); s != store.InboundReceived {
			t.Fatalf("processed (%s) while the slot was held", s)
		}
		held()
		deadline := time.Now().Add(30 * time.Second)
		for status() == store.InboundReceived {
			if time.Now().After(deadline) {
				t.Fatal("not processed after the slot was released")
			}
			time.Sleep(50 * time.Millisecond)
		}
		if s := status(); s != store.InboundApplied {
			t.Errorf("status %q, want applied", s)
		}
	})
}

// TestReceiverStartsAHold: the receiver counts every message it takes, so
// a fast burst (here two messages while the clock stands still, with
// HoldAbove 2 a second over a 1 s Quiet period) holds every worker back,
// although the pacer's slot is free; the processing jobs of messages
// taken during the hold are inserted only once it ends (the clock moves on
// past Quiet without mail).
func TestReceiverStartsAHold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var clock atomic.Int64
		clock.Store(time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC).UnixNano()) // stands still: once busy, busy
		pacer := inbound.NewPacer(inbound.PacerOptions{HoldAbove: 2, Quiet: time.Second, MaxWait: time.Hour,
			Now: func() time.Time { return time.Unix(0, clock.Load()) }})
		f := newFixture(t, db, func(o *inbound.Options) { o.Pacer = pacer })
		to := f.addrs.Reply(f.prompt.ID)
		for i := range 2 {
			raw := message(t, "outlook_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, fmt.Sprintf("burst-%d", i))})
			if err := send(t, f.addr, "ana@example.com", []string{to}, raw); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
			if i == 0 { // one message is not a burst: the free slot is taken at once
				soon, cancel := context.WithTimeout(ctx, 5*time.Second)
				release, err := pacer.Wait(soon)
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				release()
				waitJobs(t, db, 1, "the first message's job")
			}
		}
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if _, err := pacer.Wait(short); err == nil {
			t.Fatal("a worker went ahead during a fast burst: the receiver did not count the messages")
		}
		time.Sleep(300 * time.Millisecond) // six of the enqueuer's checks
		if n := countJobs(t, db); n != 1 {
			t.Fatalf("%d processing jobs during the hold, want 1 (the second waits for its end)", n)
		}
		clock.Add(int64(2 * time.Second)) // no mail for Quiet: the hold is over
		waitJobs(t, db, 2, "the job of the message taken during the hold")
	})
}

// TestRepliesQueuedFirst: the job of a message to one of our token
// addresses (a reply to a prompt) gets River's first priority, a note to
// the meetings address the second, so after a burst a member's reply is
// applied before the flood that arrived ahead of it.
func TestRepliesQueuedFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, nil)
		note := plainReply("stranger@example.net", f.addrs.Meetings(""), msgID(t, "flood"), "Notes.\r\n")
		if err := send(t, f.addr, "stranger@example.net", []string{f.addrs.Meetings("")}, note); err != nil {
			t.Fatal(err)
		}
		to := f.addrs.Reply(f.prompt.ID)
		reply := message(t, "outlook_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "first")})
		if err := send(t, f.addr, "ana@example.com", []string{to}, reply); err != nil {
			t.Fatal(err)
		}
		waitJobs(t, db, 2, "the two messages' jobs")
		msgs, err := db.FindInbound(ctx, store.InboundFilter{})
		if err != nil || len(msgs) != 2 {
			t.Fatalf("inbound: %d, %v", len(msgs), err)
		}
		want := map[int64]int{}
		for _, m := range msgs {
			want[m.ID] = 2
			if m.Rcpt[0] == to {
				want[m.ID] = 1
			}
		}
		for id, prio := range jobPriorities(t, listJobs(t, db)) {
			if prio != want[id] {
				t.Errorf("message %d: job priority %d, want %d", id, prio, want[id])
			}
		}
	})
}

// TestIngestedRepliesQueuedFirst: a message piped in by a local MTA gets
// the same priority as over SMTP for its safety-net job (the one that runs
// should the synchronous processing not finish): a reply 1, a note 2.
func TestIngestedRepliesQueuedFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, nil)
		note, err := f.proc.Ingest(ctx, inbound.Envelope{MailFrom: "stranger@example.net", Rcpt: []string{f.addrs.Meetings("")}},
			plainReply("stranger@example.net", f.addrs.Meetings(""), msgID(t, "piped-note"), "Notes.\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		to := f.addrs.Reply(f.prompt.ID)
		reply, err := f.proc.Ingest(ctx, inbound.Envelope{MailFrom: "ana@example.com", Rcpt: []string{to}},
			message(t, "outlook_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "piped-reply")}))
		if err != nil {
			t.Fatal(err)
		}
		got := jobPriorities(t, listJobs(t, db))
		if len(got) != 2 || got[reply] != 1 || got[note] != 2 {
			t.Errorf("job priorities by message %v, want reply %d at 1 and note %d at 2", got, reply, note)
		}
	})
}

// listJobs returns every processing job in the database, page by page.
func listJobs(t *testing.T, db *store.DB) []*rivertype.JobRow {
	t.Helper()
	client, err := river.NewClient(db.JobDriver(), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var out []*rivertype.JobRow
	params := river.NewJobListParams().Kinds(store.ProcessInboundArgs{}.Kind()).First(1000)
	for {
		res, err := client.JobList(context.Background(), params)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res.Jobs...)
		if len(res.Jobs) < 1000 {
			return out
		}
		params = params.After(res.LastCursor)
	}
}

// jobPriorities maps each job's message ID to the job's River priority.
func jobPriorities(t *testing.T, jobs []*rivertype.JobRow) map[int64]int {
	t.Helper()
	out := make(map[int64]int, len(jobs))
	for _, j := range jobs {
		var args store.ProcessInboundArgs
		if err := json.Unmarshal(j.EncodedArgs, &args); err != nil {
			t.Fatal(err)
		}
		out[args.InboundID] = j.Priority
	}
	return out
}

// countJobs returns how many processing jobs are queued.
func countJobs(t *testing.T, db *store.DB) int {
	t.Helper()
	return len(listJobs(t, db))
}

// waitJobs waits up to 5 s for n processing jobs.
func waitJobs(t *testing.T, db *store.DB, n int, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for countJobs(t, db) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s was not queued within 5 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
