package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func TestQueueOutboundIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := &store.OutboundMessage{DedupKey: "welcome:1:2", Kind: "welcome", Recipient: "Ana@Example.com", Raw: []byte("x")}
		created, err := db.QueueOutbound(ctx, m)
		if err != nil || !created || m.ID == 0 || m.Status != store.OutboundQueued || m.Recipient != "ana@example.com" {
			t.Fatalf("first: %v %v %+v", created, err, m)
		}
		again := &store.OutboundMessage{DedupKey: "welcome:1:2", Kind: "welcome", Recipient: "other@example.com", Raw: []byte("z")}
		created, err = db.QueueOutbound(ctx, again)
		if err != nil || created || again.ID != m.ID || again.Recipient != "ana@example.com" || string(again.Raw) != "x" {
			t.Fatalf("second: %v %v %+v", created, err, again)
		}
		many := []*store.OutboundMessage{
			{DedupKey: "welcome:1:2", Kind: "welcome", Recipient: "a@example.com"},
			{DedupKey: "prompt:9", Kind: "prompt", Recipient: "b@example.com", Raw: []byte("y")},
		}
		n, err := db.QueueOutboundMany(ctx, many)
		if err != nil || n != 1 || many[0].ID != 0 || many[1].ID == 0 {
			t.Fatalf("many: %d %v ids %d %d", n, err, many[0].ID, many[1].ID)
		}
	})
}

// TestOutboundBodies checks that a message's bytes, stored apart from its
// row, come back with it from every query that returns messages.
func TestOutboundBodies(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
			db, _ := b.Open(t, store.Options{Now: func() time.Time { return now }})
			ctx := context.Background()
			one := &store.OutboundMessage{DedupKey: "one", Kind: "test", Recipient: "a@example.com", Raw: []byte("body one")}
			if _, err := db.QueueOutbound(ctx, one); err != nil {
				t.Fatal(err)
			}
			many := []*store.OutboundMessage{
				{DedupKey: "two", Kind: "test", Recipient: "b@example.com", Raw: []byte("body two")},
				{DedupKey: "three", Kind: "test", Recipient: "c@example.com", MailFrom: "bounces+three@d", Status: store.OutboundSending, Raw: []byte("body three")},
			}
			if _, err := db.QueueOutboundMany(ctx, many); err != nil {
				t.Fatal(err)
			}
			want := map[int64]string{one.ID: "body one", many[0].ID: "body two", many[1].ID: "body three"}
			check := func(what string, ms ...store.OutboundMessage) {
				t.Helper()
				for _, m := range ms {
					if string(m.Raw) != want[m.ID] {
						t.Errorf("%s: message %d raw %q, want %q", what, m.ID, m.Raw, want[m.ID])
					}
				}
			}
			all, err := db.FindOutbound(ctx, store.OutboundFilter{})
			if err != nil || len(all) != 3 {
				t.Fatalf("find: %v %d", err, len(all))
			}
			check("find", all...)
			byID, err := db.OutboundByID(ctx, many[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			check("by id", *byID)
			claimed, err := db.ClaimOutbound(ctx, 0, 10, time.Minute)
			if err != nil || len(claimed) != 2 {
				t.Fatalf("claim: %v %d", err, len(claimed))
			}
			check("claim", claimed...)
			now = now.Add(2 * time.Minute)
			m, err := db.ClaimOutboundByID(ctx, many[1].ID, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			check("claim by id", *m)
			// A success keeps the envelope sender the message was stored with.
			err = db.RecordDeliveries(ctx, []store.Delivery{{OutboundID: m.ID, MailFrom: "bounces+other@d", At: now, Status: store.OutboundSent}})
			if err != nil {
				t.Fatal(err)
			}
			if m, _ := db.OutboundByID(ctx, m.ID); m.Status != store.OutboundSent || m.MailFrom != "bounces+three@d" || string(m.Raw) != "body three" {
				t.Errorf("after success: %+v", m)
			}
		})
	}
}

func TestClaimAndRecord(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			db, _ := b.Open(t, store.Options{Now: clock})
			ctx := context.Background()
			for _, k := range []string{"a", "b", "c"} {
				if _, err := db.QueueOutbound(ctx, &store.OutboundMessage{DedupKey: k, Kind: "test", Recipient: k + "@example.com"}); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.ClaimOutbound(ctx, 0, 2, time.Minute)
			if err != nil || len(got) != 2 || got[0].Status != store.OutboundSending {
				t.Fatalf("claim: %v %+v", err, got)
			}
			rest, _ := db.ClaimOutbound(ctx, 0, 10, time.Minute)
			if len(rest) != 1 || rest[0].DedupKey != "c" {
				t.Fatalf("second claim got %+v, want only c", rest)
			}
			if _, err := db.ClaimOutboundByID(ctx, got[0].ID, time.Minute); !errors.Is(err, store.ErrConflict) {
				t.Errorf("claim of a held message: %v, want ErrConflict", err)
			}
			now = now.Add(2 * time.Minute) // the holder died; its lease ran out
			if m, err := db.ClaimOutboundByID(ctx, got[0].ID, time.Minute); err != nil || m.ID != got[0].ID {
				t.Fatalf("claim after lease: %v", err)
			}
			err = db.RecordDeliveries(ctx, []store.Delivery{
				{OutboundID: got[0].ID, MailFrom: "bounces+x@d", At: now, Status: store.OutboundSent},
				{OutboundID: got[1].ID, At: now, Status: store.OutboundSuppressed, Code: 550, Error: "550 5.1.1 no such user", Suppress: "b@example.com"},
				{OutboundID: rest[0].ID, At: now, Status: store.OutboundQueued, Code: 451, Temporary: true, Error: "451 busy"},
			})
			if err != nil {
				t.Fatal(err)
			}
			// A success is recorded on the message row, without an attempt row.
			a, _ := db.OutboundByID(ctx, got[0].ID)
			if a.Status != store.OutboundSent || a.MailFrom != "bounces+x@d" || a.Attempts != 1 || a.SentAt == nil {
				t.Errorf("sent message %+v", a)
			}
			if as, err := db.DeliveryAttempts(ctx, got[0].ID); err != nil || len(as) != 0 {
				t.Errorf("attempt rows of a success: %+v %v, want none", as, err)
			}
			if as, _ := db.DeliveryAttempts(ctx, got[1].ID); len(as) != 1 || as[0].Code != 550 || as[0].Temporary {
				t.Errorf("attempt rows of a refusal: %+v", as)
			}
			if sup, _ := db.Suppressed(ctx, "b@example.com"); !sup {
				t.Error("b not suppressed")
			}
			c, _ := db.OutboundByID(ctx, rest[0].ID)
			as, _ := db.DeliveryAttempts(ctx, rest[0].ID)
			if c.Status != store.OutboundQueued || len(as) != 1 || as[0].Code != 451 || !as[0].Temporary {
				t.Errorf("deferred message %+v attempts %+v", c, as)
			}
			if again, _ := db.ClaimOutbound(ctx, 0, 10, time.Minute); len(again) != 1 || again[0].ID != c.ID {
				t.Errorf("only the deferred message is claimable again, got %+v", again)
			}
		})
	}
}

func TestInsertPromptsOncePerPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		due := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		mk := func(member int64, period string) *store.Prompt {
			return &store.Prompt{CheckInID: 1, MemberID: member, TeamID: 1, Period: period, DueAt: due, ExpiresAt: due.Add(time.Hour), Status: store.PromptPending}
		}
		first := mk(1, "2026-11-24")
		if ok, err := db.InsertPrompt(ctx, first); !ok || err != nil {
			t.Fatalf("insert: %v %v", ok, err)
		}
		if ok, err := db.InsertPrompt(ctx, mk(1, "2026-11-24")); ok || err != nil {
			t.Fatalf("duplicate insert: %v %v", ok, err)
		}
		batch := []*store.Prompt{mk(1, "2026-11-24"), mk(2, "2026-11-24"), mk(1, "2026-11-25")}
		n, err := db.InsertPrompts(ctx, batch)
		if err != nil || n != 2 || batch[0].ID != 0 || batch[1].ID == 0 || batch[2].ID == 0 {
			t.Fatalf("batch: %d %v ids %d %d %d", n, err, batch[0].ID, batch[1].ID, batch[2].ID)
		}
		keys, err := db.PromptKeys(ctx, 1, []string{"2026-11-24"})
		if err != nil || len(keys) != 2 || !keys[store.PromptKey{MemberID: 2, Period: "2026-11-24"}] {
			t.Errorf("keys %v %v", keys, err)
		}
	})
}
