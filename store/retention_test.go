package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func TestDropInboundRaw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		msgs := map[string]*store.InboundMessage{
			"old applied":     {Status: store.InboundApplied, ReceivedAt: now.AddDate(0, 0, -100)},
			"old ignored":     {Status: store.InboundIgnored, ReceivedAt: now.AddDate(0, 0, -91)},
			"old received":    {Status: store.InboundReceived, ReceivedAt: now.AddDate(0, 0, -100)},
			"old quarantined": {Status: store.InboundQuarantined, ReceivedAt: now.AddDate(0, 0, -100)},
			"new applied":     {Status: store.InboundApplied, ReceivedAt: now.AddDate(0, 0, -89)},
		}
		for name, m := range msgs {
			m.DedupKey, m.MailFrom, m.Raw, m.Size = "<"+name+">", "a@example.com", []byte("Subject: "+name+"\r\n\r\nbody\r\n"), 30
			if _, err := db.CreateInbound(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		before := now.AddDate(0, 0, -90)
		n, err := db.DropInboundRaw(ctx, before, 1)
		if err != nil || n != 1 {
			t.Fatalf("limit 1: %d, %v", n, err)
		}
		if n, err = db.DropInboundRaw(ctx, before, 0); err != nil || n != 1 {
			t.Fatalf("rest: %d, %v", n, err)
		}
		if n, err = db.DropInboundRaw(ctx, before, 0); err != nil || n != 0 {
			t.Fatalf("again: %d, %v", n, err)
		}
		for name, m := range msgs {
			got, err := db.InboundByID(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			dropped := name == "old applied" || name == "old ignored"
			if (len(got.Raw) == 0) != dropped || got.MailFrom != "a@example.com" || got.Size != 30 || got.Status != m.Status {
				t.Errorf("%s: raw %d bytes, row %+v; want dropped=%v and the row kept", name, len(got.Raw), got.Status, dropped)
			}
		}
	})
}
