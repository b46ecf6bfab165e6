package inbound_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// bigReply is a reply padded with a quoted part to about n bytes.
func bigReply(t *testing.T, to, id string, n int) []byte {
	raw := message(t, "gmail_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": id})
	raw = bytes.ReplaceAll(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	line := []byte("> " + strings.Repeat("q", 74) + "\r\n")
	return append(raw, bytes.Repeat(line, n/len(line))...)
}

// A message larger than what is kept in memory goes through the spool
// file and is stored byte for byte, after our Received field.
func TestLargeMessageSpooledAndStoredWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(o *inbound.Options) { o.MaxMessageBytes = 8 << 20; o.SpoolDir = t.TempDir() })
		to := f.addrs.Reply(f.prompt.ID)
		raw := bigReply(t, to, msgID(t, "big"), 3<<20)
		if err := send(t, f.addr, "ana@example.com", []string{to}, raw); err != nil {
			t.Fatalf("send: %v", err)
		}
		msgs, err := db.FindInbound(context.Background(), store.InboundFilter{})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("stored %+v, %v", msgs, err)
		}
		got, err := db.InboundByID(context.Background(), msgs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		_, body, ok := bytes.Cut(got.Raw, []byte("\r\n\tby "))
		if !bytes.HasPrefix(got.Raw, []byte("Received: ")) || !ok || !bytes.HasSuffix(got.Raw, raw) || got.Size != int64(len(raw)) {
			t.Fatalf("stored %d bytes (size %d), want Received + the %d bytes sent; body starts %q", len(got.Raw), got.Size, len(raw), body[:40])
		}
	})
}

// When the in-flight byte budget is spent, a message is refused with 452
// 4.3.1 (the sender retries) and nothing is stored; a smaller one that
// fits is still accepted.
func TestInflightBudgetAnswers452(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(o *inbound.Options) { o.MaxMessageBytes = 8 << 20; o.InflightBytes = 1 << 20 })
		to := f.addrs.Reply(f.prompt.ID)
		wantCode(t, send(t, f.addr, "ana@example.com", []string{to}, bigReply(t, to, msgID(t, "over"), 2<<20)), 452, smtp.EnhancedCode{4, 3, 1})
		if msgs := f.processAll(t); len(msgs) != 0 {
			t.Fatalf("refused message stored: %+v", msgs)
		}
		if got := testutilCount(t, f, "tidings_inbound_accepted_total"); got != 0 {
			t.Errorf("accepted = %v", got)
		}
		small := message(t, "gmail_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "small")})
		if err := send(t, f.addr, "ana@example.com", []string{to}, small); err != nil {
			t.Fatalf("small message after the refusal (budget given back?): %v", err)
		}
	})
}

// A different message reusing a Message-ID is a different delivery and is
// kept; resending the same bytes to the same recipients is a retry and is
// not.
func TestReusedMessageIDWithOtherContentKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		to := f.addrs.Reply(f.prompt.ID)
		id := msgID(t, "reused")
		first := message(t, "gmail_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": id})
		other := append(bytes.Clone(first), []byte("P.S. one more thing\r\n")...)
		for i, raw := range [][]byte{first, other, first} {
			if err := send(t, f.addr, "ana@example.com", []string{to}, raw); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
		msgs := f.processAll(t)
		if len(msgs) != 2 {
			t.Fatalf("stored %d messages, want 2 (the retry of the first is a duplicate)", len(msgs))
		}
		if a, s := testutilCount(t, f, "tidings_inbound_accepted_total"), testutilCount(t, f, "tidings_inbound_stored_total"); a != 3 || s != 2 {
			t.Errorf("accepted %v stored %v, want 3 and 2", a, s)
		}
	})
}
