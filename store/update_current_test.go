package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestCurrentUpdateAndBaseVersion proves CurrentUpdate finds the prompt's
// update (ErrNotFound before the first answer) and that answers merged
// with a version that is no longer current are refused with ErrConflict,
// so a concurrent second reply is retried rather than lost.
func TestCurrentUpdateAndBaseVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, p, _ := seedPrompts(t, db)
		if _, err := db.CurrentUpdate(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before any answer: %v, want ErrNotFound", err)
		}
		t0 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		if _, _, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: answer("v1"), InboundID: 1, AnsweredAt: t0}); err != nil {
			t.Fatal(err)
		}
		cur, err := db.CurrentUpdate(ctx, p.ID)
		if err != nil || cur.Version != 1 || cur.Answers[0].Text != "v1" {
			t.Fatalf("current = %+v, %v", cur, err)
		}
		u, changed, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: answer("v2"), InboundID: 2,
			AnsweredAt: t0.Add(time.Hour), BaseVersion: cur.Version})
		if err != nil || !changed || u.Version != 2 {
			t.Fatalf("merged save: %+v %v %v", u, changed, err)
		}
		_, _, err = db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: answer("stale"), InboundID: 3,
			AnsweredAt: t0.Add(2 * time.Hour), BaseVersion: cur.Version})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("save merged with version 1 over version 2: %v, want ErrConflict", err)
		}
		if now, _ := db.CurrentUpdate(ctx, p.ID); now.Version != 2 || now.Answers[0].Text != "v2" {
			t.Errorf("after the refused save: %+v", now)
		}
	})
}

// TestSyncReceipts proves the receipts setting is stored, reported as a
// change, and read as "unsure" when empty.
func TestSyncReceipts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		specs := exampleSpecs()
		if _, err := db.Sync(ctx, specs); err != nil {
			t.Fatal(err)
		}
		team, _ := db.FindTeam(ctx, specs[0].Slug)
		if team.ReceiptMode() != store.ReceiptsUnsure {
			t.Errorf("default receipts = %q", team.ReceiptMode())
		}
		specs[0].Receipts = store.ReceiptsNever
		ch, err := db.Sync(ctx, specs)
		if err != nil || len(ch.Changed) != 1 || ch.Changed[0] != "team "+specs[0].Slug+" (receipts)" {
			t.Fatalf("changes %+v, %v", ch, err)
		}
		if team, _ = db.FindTeam(ctx, specs[0].Slug); team.ReceiptMode() != store.ReceiptsNever {
			t.Errorf("receipts = %q, want never", team.ReceiptMode())
		}
	})
}
