package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"
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
			if err != nil || got.Attempts != want || got.ID != m.ID || string(got.Raw) != string(m.Raw) || got.MessageID != m.MessageID || !slices.Equal(got.Rcpt, m.Rcpt) {
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

func TestCreateInboundsInOneStatement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
		old := inboundMsg("k-old", "", at)
		if _, err := db.CreateInbound(ctx, old); err != nil {
			t.Fatal(err)
		}
		batch := []*store.InboundMessage{
			inboundMsg("k-new1", "", at), inboundMsg("k-old", "", at),
			inboundMsg("k-new2", "", at), inboundMsg("k-new1", "", at),
		}
		created, err := db.CreateInbounds(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if want := []bool{true, false, true, false}; !slices.Equal(created, want) {
			t.Errorf("created = %v, want %v", created, want)
		}
		if batch[1].ID != old.ID || batch[3].ID != batch[0].ID || batch[0].ID == batch[2].ID || batch[0].ID == 0 {
			t.Errorf("IDs = %d %d %d %d (old %d)", batch[0].ID, batch[1].ID, batch[2].ID, batch[3].ID, old.ID)
		}
		for _, m := range batch {
			got, err := db.InboundByID(ctx, m.ID)
			if err != nil || got.DedupKey != m.DedupKey || got.Status != store.InboundReceived ||
				got.Rcpt[0] != "reply+x@tidings.example.com" || !got.ReceivedAt.Equal(at) || string(got.Raw) != string(m.Raw) {
				t.Errorf("row %d = %+v, %v", m.ID, got, err)
			}
		}
		if all, err := db.FindInbound(ctx, store.InboundFilter{}); err != nil || len(all) != 3 {
			t.Errorf("%d rows stored, want 3 (%v)", len(all), err)
		}
	})
}

func TestCreateInboundsRollBackTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.DB) error {
			_, err := tx.CreateInbounds(ctx, []*store.InboundMessage{inboundMsg("k1", "", time.Time{}), inboundMsg("k2", "", time.Time{})})
			return errors.Join(err, boom)
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if rows, err := db.FindInbound(ctx, store.InboundFilter{}); err != nil || len(rows) != 0 {
			t.Errorf("rolled-back batch left %d rows, %v", len(rows), err)
		}
	})
}

// plainInboundArgs is store.ProcessInboundArgs without the river:"unique"
// tag, to measure what River's unique check costs on insert.
type plainInboundArgs struct {
	InboundID int64 `json:"inbound_id"`
}

func (plainInboundArgs) Kind() string { return "process_inbound_plain" }

// BenchmarkEnqueueInboundJobs inserts the jobs of one group commit (64
// messages) in a transaction, with and without River's unique-job check,
// on each backend:
//
//	TIDINGS_TEST_DATABASE_URL=… go test ./store/ -run '^$' -bench EnqueueInboundJobs -benchtime 200x
func BenchmarkEnqueueInboundJobs(b *testing.B) {
	const batch = 64
	for _, be := range storetest.Backends(b) {
		for _, unique := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/unique=%v", be.Name, unique), func(b *testing.B) {
				db, _ := be.Open(b, store.Options{})
				ctx := context.Background()
				var next int64
				for b.Loop() {
					params := make([]river.InsertManyParams, batch)
					for i := range params {
						next++
						params[i].Args = plainInboundArgs{InboundID: next}
						if unique {
							params[i].Args = store.ProcessInboundArgs{InboundID: next}
						}
					}
					if err := db.InTx(ctx, func(tx *store.DB) error { return tx.EnqueueMany(ctx, params) }); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batch), "µs/job")
			})
		}
	}
}
