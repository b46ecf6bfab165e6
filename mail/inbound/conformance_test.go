package inbound_test

import (
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// withLine returns a reply whose body has one line of n bytes.
func withLine(from, to, id string, n int) []byte {
	return plainReply(from, to, id, "Yesterday: long line below\r\n"+strings.Repeat("x", n))
}

// TestLongLines proves lines up to 64 KiB are accepted and stored, a
// longer one gets a permanent 554 5.6.0 (never a 4xx) with the connection
// still usable for the next message, and a line past go-smtp's own limit
// is never answered 4xx nor stored.
func TestLongLines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(o *inbound.Options) { o.MaxMessageBytes = 8 << 20 })
		to := f.addrs.Reply(f.prompt.ID)
		if err := send(t, f.addr, "ana@example.com", []string{to}, withLine("ana@example.com", to, msgID(t, "64k"), inbound.DefaultMaxLineBytes)); err != nil {
			t.Fatalf("64 KiB line: %v", err)
		}
		c, err := smtp.Dial(f.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		err = c.SendMail("ana@example.com", []string{to}, strings.NewReader(string(withLine("ana@example.com", to, msgID(t, "64k1"), inbound.DefaultMaxLineBytes+1))))
		wantCode(t, err, 554, smtp.EnhancedCode{5, 6, 0})
		if err := c.SendMail("ana@example.com", []string{to}, strings.NewReader(string(plainReply("ana@example.com", to, msgID(t, "next"), "Yesterday: fine")))); err != nil {
			t.Fatalf("next message on the same connection: %v", err)
		}
		// Past go-smtp's own 1 MiB limit: it closes the connection, which
		// lingers, so the client still reads the 554.
		for range 3 {
			err = send(t, f.addr, "ana@example.com", []string{to}, withLine("ana@example.com", to, msgID(t, "3m"), 3<<20))
			wantCode(t, err, 554, smtp.EnhancedCode{5, 6, 0})
		}
		if msgs := f.processAll(t); len(msgs) != 2 {
			t.Errorf("stored %d messages, want the 64 KiB one and the next", len(msgs))
		}
	})
}

// TestPostmasterWithoutDomain proves RCPT TO:<postmaster> is accepted
// (RFC 5321 section 4.5.1) and the message kept for the operator.
func TestPostmasterWithoutDomain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		for _, rcpt := range []string{"postmaster", "Postmaster", "POSTMASTER@" + strings.ToUpper(domain)} {
			raw := plainReply("someone@example.net", "postmaster", msgID(t, "pm"), "Your server rejects my mail.")
			if err := send(t, f.addr, "someone@example.net", []string{rcpt}, raw); err != nil {
				t.Fatalf("RCPT TO:<%s>: %v", rcpt, err)
			}
		}
		msgs := f.processAll(t)
		if len(msgs) != 3 {
			t.Fatalf("stored %d, want 3", len(msgs))
		}
		for _, m := range msgs {
			if m.Status != store.InboundIgnored || !strings.Contains(m.Reason, "postmaster") {
				t.Errorf("postmaster mail: %s (%s)", m.Status, m.Reason)
			}
		}
	})
}
