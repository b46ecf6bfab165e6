package inbound_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// holdWriteLock blocks writers to inbound_messages from another connection
// until the returned release is called: on PostgreSQL an ACCESS EXCLUSIVE
// table lock in an open transaction, on SQLite an open write transaction
// (BEGIN IMMEDIATE), which the store waits on for its busy timeout (10s).
func holdWriteLock(t *testing.T, backend, dsn string) (release func()) {
	t.Helper()
	ctx := context.Background()
	driver := "pgx"
	if backend == "sqlite" {
		driver = "sqlite" // registered by the store's SQLite driver
	}
	other, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{"BEGIN", "LOCK TABLE inbound_messages IN ACCESS EXCLUSIVE MODE"}
	if backend == "sqlite" {
		stmts = []string{"BEGIN IMMEDIATE"}
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	released := false
	release = func() {
		if released {
			return
		}
		released = true
		if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
			t.Errorf("release lock: %v", err)
		}
		conn.Close()
		other.Close()
	}
	t.Cleanup(release)
	return release
}

// TestSlowStoreIs451 holds the inbound table locked from another connection
// while a reply is sent with a StoreTimeout of 500ms: the sender gets
// 451 4.3.0 and nothing is kept; once the lock is gone the sender's retry
// is stored, once.
func TestSlowStoreIs451(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			db, dsn := b.Open(t, store.Options{})
			f := newFixture(t, db, func(o *inbound.Options) { o.StoreTimeout = 500 * time.Millisecond })
			to := f.addrs.Reply(f.prompt.ID)
			raw := message(t, "gmail_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "slow")})

			release := holdWriteLock(t, b.Name, dsn)
			wantCode(t, send(t, f.addr, "ana@example.com", []string{to}, raw), 451, smtp.EnhancedCode{4, 3, 0})
			release()

			msgs, err := db.FindInbound(ctx, store.InboundFilter{})
			if err != nil || len(msgs) != 0 {
				t.Fatalf("after 451: %d messages stored (%v), want none", len(msgs), err)
			}
			if got := rejected(t, f, "temporary"); got != 1 {
				t.Errorf("rejected{temporary} = %v, want 1", got)
			}
			if err := send(t, f.addr, "ana@example.com", []string{to}, raw); err != nil {
				t.Fatalf("retry after the lock: %v", err)
			}
			msgs = f.processAll(t)
			if len(msgs) != 1 || msgs[0].Status != store.InboundApplied {
				t.Fatalf("after retry: %+v", msgs)
			}
			ups, err := db.FindUpdates(ctx, store.UpdateFilter{})
			if err != nil || len(ups) != 1 || ups[0].Version != 1 {
				t.Errorf("updates after retry = %+v, %v", ups, err)
			}
		})
	}
}
