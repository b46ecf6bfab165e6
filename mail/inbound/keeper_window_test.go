package inbound

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
)

// TestKeeperWaitsForComingMessages: while a session is in the middle of a
// transaction, a batch waits for its message (here the window is an hour,
// so only the message's arrival can close the batch), and both are
// committed in one batch, each answered after it.
func TestKeeperWaitsForComingMessages(t *testing.T) {
	f := &fakeStore{}
	var coming atomic.Int64
	k := newKeeper(context.Background(), 2, f.keep, func(int) {})
	k.coming, k.window = coming.Load, time.Hour
	k.start()
	t.Cleanup(func() { k.stop(context.Background()) })

	coming.Store(1) // b's session has given MAIL
	a := submitAsync(context.Background(), k, "a")
	select {
	case s := <-a:
		t.Fatalf("a answered (%+v) before b, which was coming, arrived", s)
	case <-time.After(50 * time.Millisecond): // a is held, not answered
	}
	coming.Store(0) // b's session hands its message over
	b := submitAsync(context.Background(), k, "b")
	for name, ch := range map[string]<-chan stored{"a": a, "b": b} {
		if s := <-ch; s.err != nil || !s.created {
			t.Errorf("%s: %+v", name, s)
		}
	}
	if diff := cmp.Diff([][]string{{"a", "b"}}, f.seen()); diff != "" {
		t.Errorf("batches (-want +got):\n%s", diff)
	}
}

// TestKeeperWindowEnds: a session that stays in its transaction (a slow
// client) holds a batch only for the window; the message already
// submitted is committed and answered without it.
func TestKeeperWindowEnds(t *testing.T) {
	f := &fakeStore{}
	k := newKeeper(context.Background(), 1, f.keep, func(int) {})
	k.coming, k.window = func() int64 { return 1 }, 5*time.Millisecond
	k.start()
	t.Cleanup(func() { k.stop(context.Background()) })
	s := k.submit(context.Background(), &store.InboundMessage{DedupKey: "alone", Raw: []byte("x")})
	if s.err != nil || !s.created {
		t.Fatalf("submit: %+v", s)
	}
	if diff := cmp.Diff([][]string{{"alone"}}, f.seen()); diff != "" {
		t.Errorf("batches (-want +got):\n%s", diff)
	}
}
