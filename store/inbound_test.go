package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func inboundMsg(key, status string, at time.Time) *store.InboundMessage {
	return &store.InboundMessage{DedupKey: key, MessageID: key, MailFrom: "ana@example.com",
		Rcpt: []string{"reply+x@tidings.example.com"}, Remote: "192.0.2.7:4100", Helo: "mx.example.net",
		Raw: []byte("Subject: " + key + "\r\n\r\nbody\r\n"), Size: 22, Status: status, ReceivedAt: at}
}

func TestCreateInboundIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
		first := inboundMsg("mid:a@x to:reply+x", "", at)
		created, err := db.CreateInbound(ctx, first)
		if err != nil || !created || first.ID == 0 || first.Status != store.InboundReceived {
			t.Fatalf("first insert: created %v id %d status %q, %v", created, first.ID, first.Status, err)
		}
		dup := inboundMsg("mid:a@x to:reply+x", "", at.Add(time.Minute))
		dup.Raw = []byte("a different copy")
		created, err = db.CreateInbound(ctx, dup)
		if err != nil || created || dup.ID != first.ID {
			t.Fatalf("duplicate: created %v id %d (first %d), %v", created, dup.ID, first.ID, err)
		}
		got, err := db.InboundByID(ctx, first.ID)
		if err != nil || string(got.Raw) != string(first.Raw) || !got.ReceivedAt.Equal(at) || got.Rcpt[0] != "reply+x@tidings.example.com" {
			t.Fatalf("stored = %+v, %v", got, err)
		}
		other := inboundMsg("mid:a@x to:meetings", "", at)
		if created, err := db.CreateInbound(ctx, other); err != nil || !created || other.ID == first.ID {
			t.Errorf("same Message-ID to another recipient: created %v id %d, %v", created, other.ID, err)
		}
		if _, err := db.InboundByID(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("InboundByID(missing) = %v, want ErrNotFound", err)
		}
	})
}

func TestCreateInboundRollsBackWithTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.DB) error {
			if _, err := tx.CreateInbound(ctx, inboundMsg("k1", "", time.Time{})); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if rows, err := db.FindInbound(ctx, store.InboundFilter{}); err != nil || len(rows) != 0 {
			t.Errorf("rolled-back insert left %d rows, %v", len(rows), err)
		}
	})
}

func TestFindInboundFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
		var ids []int64
		for i, st := range []string{store.InboundReceived, store.InboundApplied, store.InboundReceived, store.InboundQuarantined} {
			m := inboundMsg("k"+string(rune('a'+i)), st, at.Add(time.Duration(i)*time.Minute))
			if _, err := db.CreateInbound(ctx, m); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		all, err := db.FindInbound(ctx, store.InboundFilter{})
		if err != nil || len(all) != 4 || all[0].ID != ids[3] || all[3].ID != ids[0] {
			t.Fatalf("all, newest first: %v, %v", idsOf(all), err)
		}
		for _, m := range all {
			if m.Raw != nil {
				t.Errorf("FindInbound returned raw bytes for %d", m.ID)
			}
		}
		rec, _ := db.FindInbound(ctx, store.InboundFilter{Status: store.InboundReceived})
		if got := idsOf(rec); len(got) != 2 || got[0] != ids[2] || got[1] != ids[0] {
			t.Errorf("status received = %v, want [%d %d]", got, ids[2], ids[0])
		}
		byID, _ := db.FindInbound(ctx, store.InboundFilter{IDs: []int64{ids[1], ids[3]}, Status: store.InboundApplied})
		if got := idsOf(byID); len(got) != 1 || got[0] != ids[1] {
			t.Errorf("ids+status = %v, want [%d]", got, ids[1])
		}
		lim, _ := db.FindInbound(ctx, store.InboundFilter{Limit: 2})
		if got := idsOf(lim); len(got) != 2 || got[0] != ids[3] || got[1] != ids[2] {
			t.Errorf("limit 2 = %v", got)
		}
	})
}

func idsOf(ms []store.InboundMessage) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func TestInboundAttemptAndOutcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := inboundMsg("k", "", time.Time{})
		if _, err := db.CreateInbound(ctx, m); err != nil {
			t.Fatal(err)
		}
		for want := 1; want <= 2; want++ {
			got, err := db.BeginInboundAttempt(ctx, m.ID)
			if err != nil || got.Attempts != want || len(got.Raw) == 0 {
				t.Fatalf("attempt %d: %+v, %v", want, got, err)
			}
		}
		out := store.InboundOutcome{Status: store.InboundQuarantined, Reason: "stranger", Kind: "reply", SPF: "pass", DKIM: "none", DMARC: "fail"}
		if err := db.FinishInbound(ctx, m.ID, out); err != nil {
			t.Fatal(err)
		}
		got, _ := db.InboundByID(ctx, m.ID)
		if got.Status != out.Status || got.Reason != "stranger" || got.Kind != "reply" || got.DMARC != "fail" || got.ProcessedAt == nil || got.Attempts != 2 {
			t.Errorf("after finish: %+v", got)
		}
		if _, err := db.BeginInboundAttempt(ctx, 424242); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("attempt on missing = %v", err)
		}
		if err := db.FinishInbound(ctx, 424242, out); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("finish missing = %v", err)
		}
	})
}
