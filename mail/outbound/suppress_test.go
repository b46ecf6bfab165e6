package outbound_test

import (
	"context"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestSuppressOnlyBadRecipients proves that a permanent failure
// suppresses the recipient only when it is about the recipient's address:
// a bad-mailbox code (5.1.1, 5.1.2, 5.1.3, 5.1.6, 5.1.10) in reply to
// RCPT TO or to the DATA of its one-recipient transaction. A 5.1.7 or
// 5.1.8 (about our sender address), or any refusal of MAIL FROM, fails
// the message and leaves the address deliverable.
func TestSuppressOnlyBadRecipients(t *testing.T) {
	b := storetest.Backends(t)[0]
	cases := []struct {
		name     string
		fail     func(s *mailtest.Sink, reply error)
		reply    error
		suppress bool
	}{
		{"rcpt 5.1.1", failRcpt, mailtest.Reply(550, 5, 1, 1, "no such user"), true},
		{"rcpt 5.1.2", failRcpt, mailtest.Reply(550, 5, 1, 2, "no such domain"), true},
		{"rcpt 5.1.3", failRcpt, mailtest.Reply(501, 5, 1, 3, "bad address syntax"), true},
		{"rcpt 5.1.6", failRcpt, mailtest.Reply(551, 5, 1, 6, "user has moved"), true},
		{"rcpt 5.1.10", failRcpt, mailtest.Reply(556, 5, 1, 10, "domain does not accept mail"), true},
		{"data 5.1.1", failData, mailtest.Reply(550, 5, 1, 1, "no such user"), true},
		{"rcpt 5.1.7", failRcpt, mailtest.Reply(553, 5, 1, 7, "bad sender mailbox syntax"), false},
		{"rcpt 5.1.8", failRcpt, mailtest.Reply(553, 5, 1, 8, "sender domain does not resolve"), false},
		{"data 5.1.8", failData, mailtest.Reply(550, 5, 1, 8, "sender domain does not resolve"), false},
		{"mail 5.1.1", failMail, mailtest.Reply(550, 5, 1, 1, "sender unknown"), false},
		{"mail 5.1.8", failMail, mailtest.Reply(553, 5, 1, 8, "sender domain does not resolve"), false},
		{"rcpt 5.7.1", failRcpt, mailtest.Reply(550, 5, 7, 1, "relaying denied"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			loc := mustLoc(t, "America/Sao_Paulo")
			e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), ana))
			c.fail(e.sink, c.reply)
			if _, res := e.run(t, time.Date(2026, 11, 24, 9, 0, 0, 0, loc)); res != (outbound.FlushResult{Failed: 1}) {
				t.Fatalf("flush %+v, want 1 failed", res)
			}
			ctx := context.Background()
			if sup, err := e.db.Suppressed(ctx, ana.Email); err != nil || sup != c.suppress {
				t.Errorf("suppressed = %v (%v), want %v", sup, err, c.suppress)
			}
			want := store.OutboundFailed
			if c.suppress {
				want = store.OutboundSuppressed
			}
			out, err := e.db.FindOutbound(ctx, store.OutboundFilter{})
			if err != nil || len(out) != 1 || out[0].Status != want {
				t.Fatalf("outbound %+v (%v), want one %s", out, err, want)
			}
			if failed := prompts(t, e.db, store.PromptFailed); len(failed) != 1 {
				t.Errorf("failed prompts %+v, want 1", failed)
			}
		})
	}
}

func failMail(s *mailtest.Sink, reply error) { s.FailMail(func(string) error { return reply }) }
func failRcpt(s *mailtest.Sink, reply error) { s.FailRcpt(func(string) error { return reply }) }
func failData(s *mailtest.Sink, reply error) {
	s.FailData(func(mailtest.Received) error { return reply })
}
