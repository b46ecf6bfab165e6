package outbound_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestQueueMissingWelcomes proves that welcomes lost after a sync (the
// QueueWelcomes call after it failed) are caught up: every recent
// membership without a welcome gets one, observers included; suppressed
// members and memberships older than the catch-up horizon get none; a
// second call, and QueueWelcomes for the same memberships, queue nothing.
func TestQueueMissingWelcomes(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			start := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
			// Ana joined long ago, before welcomes were queued.
			e := newEnv(t, b, start, spec("Europe/Berlin", daily(8*time.Hour, 0), ana))
			e.clock.Set(start.AddDate(0, 0, 20))
			if err := e.db.Suppress(ctx, "cid@example.com", "test"); err != nil {
				t.Fatal(err)
			}
			ch, err := e.db.Sync(ctx, spec("Europe/Berlin", daily(8*time.Hour, 0), ana,
				store.MemberSpec{Email: "ben@example.com", Name: "Ben Okafor", Role: store.RoleLead},
				store.MemberSpec{Email: "cid@example.com", Name: "Cid Suppressed"},
				store.MemberSpec{Email: "dee@example.com", Name: "Dee Watcher", Role: store.RoleObserver}))
			if err != nil || len(ch.Joined) != 3 {
				t.Fatalf("sync: %v %+v", err, ch)
			}
			for i, want := range []int{2, 0} {
				if n, err := e.p.QueueMissingWelcomes(ctx); err != nil || n != want {
					t.Fatalf("call %d: queued %d (%v), want %d", i, n, err, want)
				}
			}
			if n, err := e.p.QueueWelcomes(ctx, ch.Joined); err != nil || n != 0 {
				t.Errorf("QueueWelcomes after the catch-up queued %d (%v)", n, err)
			}
			if res, err := e.d.Flush(ctx); err != nil || res.Sent != 2 {
				t.Fatalf("flush %+v %v", res, err)
			}
			var to []string
			for _, m := range e.sink.WaitFor(2, 5*time.Second) {
				to = append(to, m.To...)
				hasAll(t, "welcome text", parse(t, m.Data).parts["text/plain"], "Platform team")
			}
			slices.Sort(to)
			if !slices.Equal(to, []string{"ben@example.com", "dee@example.com"}) {
				t.Errorf("welcomed %v, want ben and dee", to)
			}
		})
	}
}
