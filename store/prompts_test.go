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

// TestReservedIDs checks that reserved IDs are unique, kept by the
// inserts, and never handed out by an insert that lets the database
// choose, on both backends.
func TestReservedIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		due := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		mk := func(member int64) *store.Prompt {
			return &store.Prompt{CheckInID: 1, MemberID: member, TeamID: 1, Period: "2026-11-24", DueAt: due, ExpiresAt: due.Add(time.Hour), Status: store.PromptPending}
		}
		auto := mk(1)
		if _, err := db.InsertPrompts(ctx, []*store.Prompt{auto}); err != nil || auto.ID == 0 {
			t.Fatalf("auto insert: %v id %d", err, auto.ID)
		}
		ids, out, err := db.ReserveIDs(ctx, 3)
		if err != nil || len(ids) != 3 || len(out) != 3 {
			t.Fatalf("reserve: %v %v %v", ids, out, err)
		}
		more, _, err := db.ReserveIDs(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{auto.ID: true}
		for _, id := range append(ids, more...) {
			if seen[id] || id <= auto.ID {
				t.Fatalf("reserved %v then %v after row %d: not fresh", ids, more, auto.ID)
			}
			seen[id] = true
		}
		// Reserved IDs are kept; a row the database numbers gets none of
		// them; a duplicate is skipped and its ID zeroed.
		kept, dup, later := mk(2), mk(1), mk(3)
		kept.ID, dup.ID = ids[0], ids[1]
		if n, err := db.InsertPrompts(ctx, []*store.Prompt{kept, dup, later}); err != nil || n != 2 {
			t.Fatalf("insert: %d %v", n, err)
		}
		if kept.ID != ids[0] || dup.ID != 0 || seen[later.ID] || later.ID == 0 {
			t.Errorf("ids kept %d (want %d), dup %d (want 0), later %d (reserved: %v)", kept.ID, ids[0], dup.ID, later.ID, seen)
		}
		if out[0] == out[1] || out[1] == out[2] {
			t.Fatalf("reserved outbound ids %v", out)
		}
		m := &store.OutboundMessage{ID: out[1], DedupKey: "k", Kind: "test", Recipient: "a@example.com"}
		auto2 := &store.OutboundMessage{DedupKey: "k2", Kind: "test", Recipient: "b@example.com"}
		if n, err := db.QueueOutboundMany(ctx, []*store.OutboundMessage{m, auto2}); err != nil || n != 2 || m.ID != out[1] {
			t.Fatalf("queue with reserved id: %d %v id %d, want %d", n, err, m.ID, out[1])
		}
		if auto2.ID <= out[2] {
			t.Errorf("database-numbered message got %d, inside the reserved %v", auto2.ID, out)
		}
		if err := db.SetPromptMessageIDs(ctx, map[int64]string{kept.ID: "a@x", later.ID: "b@x"}); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[int64]string{kept.ID: "a@x", later.ID: "b@x", auto.ID: ""} {
			if p, err := db.PromptByID(ctx, id); err != nil || p.MessageID != want {
				t.Errorf("prompt %d message id %q %v, want %q", id, p.MessageID, err, want)
			}
		}
	})
}

// TestRequeueStaleOutbound checks that a message whose claim lapsed goes
// back to the queue with a DeliverArgs job, that a fresh claim is left
// alone, and that a temporary failure recorded outside a job gets a
// scheduled retry job.
func TestRequeueStaleOutbound(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
			db, _ := b.Open(t, store.Options{Now: func() time.Time { return now }})
			ctx := context.Background()
			claimed := func(k string) *store.OutboundMessage {
				m := &store.OutboundMessage{DedupKey: k, Kind: "test", Recipient: k + "@example.com", Status: store.OutboundSending}
				if _, err := db.QueueOutbound(ctx, m); err != nil {
					t.Fatal(err)
				}
				return m
			}
			old := claimed("old")
			now = now.Add(20 * time.Minute)
			fresh := claimed("fresh")
			if n := jobs(t, db); n != 0 {
				t.Fatalf("claimed messages have %d jobs, want none", n)
			}
			n, err := db.RequeueStaleOutbound(ctx, 10*time.Minute, 100)
			if err != nil || n != 1 {
				t.Fatalf("requeue: %d %v", n, err)
			}
			o, _ := db.OutboundByID(ctx, old.ID)
			f, _ := db.OutboundByID(ctx, fresh.ID)
			if o.Status != store.OutboundQueued || f.Status != store.OutboundSending || jobs(t, db) != 1 {
				t.Errorf("old %s, fresh %s, %d jobs; want queued, sending, 1", o.Status, f.Status, jobs(t, db))
			}
			err = db.RecordDeliveries(ctx, []store.Delivery{{OutboundID: fresh.ID, At: now, Status: store.OutboundQueued, Code: 451, Temporary: true, Error: "busy"}})
			if err != nil || jobs(t, db) != 2 {
				t.Errorf("after a deferral: %v, %d jobs, want 2", err, jobs(t, db))
			}
		})
	}
}

// jobs counts the DeliverArgs jobs in the database.
func jobs(t *testing.T, db *store.DB) int {
	t.Helper()
	c, err := river.NewClient(db.JobDriver(), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.JobList(context.Background(), river.NewJobListParams().Kinds(store.DeliverArgs{}.Kind()).First(100))
	if err != nil {
		t.Fatal(fmt.Errorf("list jobs: %w", err))
	}
	return len(res.Jobs)
}
