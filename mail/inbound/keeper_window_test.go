package inbound

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/mail"
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

// TestSessionsComingCount: a session counts as coming from MAIL until its
// message is handed over, or until RSET, QUIT or a dropped connection, so
// the keeper never waits for a session that will not send.
func TestSessionsComingCount(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "coming.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	signer, err := mail.NewSigner("coming-test-secret")
	if err != nil {
		t.Fatal(err)
	}
	r := NewReceiver(db, Options{Addresses: mail.Addresses{Domain: "tidings.test", Signer: signer}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go r.Serve(ln)
	t.Cleanup(func() { r.Shutdown(context.Background()) })
	// wantComing waits until the counter settles at want (the server
	// updates it after its reply, so the client may be ahead of it).
	wantComing := func(step string, want int64) {
		t.Helper()
		for range 500 {
			if r.coming.Load() == want {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
		t.Fatalf("%s: coming = %d, want %d", step, r.coming.Load(), want)
	}
	c, err := smtp.Dial(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("a@client.example", nil); err != nil {
		t.Fatal(err)
	}
	wantComing("after MAIL", 1)
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	wantComing("after RSET", 0)
	raw := "From: a@client.example\r\nTo: postmaster@tidings.test\r\nMessage-ID: <coming-1@client.example>\r\n\r\nHello.\r\n"
	if err := c.SendMail("a@client.example", []string{"postmaster@tidings.test"}, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	wantComing("after a message", 0)
	if err := c.Mail("a@client.example", nil); err != nil {
		t.Fatal(err)
	}
	wantComing("after a second MAIL", 1)
	c.Close() // drops the connection mid-transaction
	wantComing("after the connection dropped", 0)
}
