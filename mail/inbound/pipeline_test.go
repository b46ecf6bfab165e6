package inbound_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// deliver sends raw to rcpt, processes it and returns the stored message.
func (f *fixture) deliver(t *testing.T, mailFrom, rcpt string, raw []byte) store.InboundMessage {
	t.Helper()
	if err := send(t, f.addr, mailFrom, []string{rcpt}, raw); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := f.processAll(t)
	return msgs[0] // newest first
}

func TestStrangerIsQuarantined(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		to := f.addrs.Reply(f.prompt.ID)
		in := f.deliver(t, "mallory@evil.example", to,
			message(t, "apple_reply.eml", map[string]string{"FROM": "mallory@evil.example", "TO": to, "MSGID": msgID(t, "apple")}))
		if in.Status != store.InboundQuarantined || !strings.Contains(in.Reason, "mallory@evil.example") {
			t.Errorf("stranger's reply: status %q reason %q", in.Status, in.Reason)
		}
		if ups, _ := db.FindUpdates(context.Background(), store.UpdateFilter{}); len(ups) != 0 {
			t.Errorf("stranger's reply became an update: %+v", ups)
		}
	})
}

func TestAutoReplyMarksMemberAway(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, nil)
		to := f.addrs.Reply(f.prompt.ID)
		in := f.deliver(t, "", to, message(t, "ooo.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "ooo")}))
		if in.Status != store.InboundIgnored || in.Kind != "auto_reply" {
			t.Errorf("auto-reply: status %q kind %q reason %q", in.Status, in.Kind, in.Reason)
		}
		if ups, _ := db.FindUpdates(ctx, store.UpdateFilter{}); len(ups) != 0 {
			t.Errorf("auto-reply became an update: %+v", ups)
		}
		m, err := db.MemberByID(ctx, f.ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		sp, _ := time.LoadLocation("America/Sao_Paulo")
		want := time.Date(2026, 12, 4, 0, 0, 0, 0, sp)
		if m.AwayUntil == nil || !m.AwayUntil.Equal(want) {
			t.Errorf("AwayUntil = %v, want %v", m.AwayUntil, want)
		}
	})
}

func TestBounceSuppressesRecipient(t *testing.T) {
	for _, c := range []struct {
		action, status string
		hard           bool
	}{{"failed", "5.1.1", true}, {"delayed", "4.4.1", false}} {
		t.Run(c.status, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				f := newFixture(t, db, nil)
				pid := f.prompt.ID
				out := store.OutboundMessage{DedupKey: fmt.Sprintf("prompt:%d", pid), Kind: "prompt", PromptID: &pid,
					Recipient: "ana@example.com", Subject: "Daily check-in", Raw: []byte("x"), Status: store.OutboundSent}
				if _, err := db.QueueOutbound(ctx, &out); err != nil {
					t.Fatal(err)
				}
				to := f.addrs.Bounce(out.ID)
				in := f.deliver(t, "", to, message(t, "dsn.eml", map[string]string{"FROM": "ana@example.com", "TO": to,
					"MSGID": msgID(t, "dsn"), "ACTION": c.action, "STATUS": c.status}))
				if in.Status != store.InboundApplied || in.Kind != "bounce" {
					t.Errorf("DSN: status %q kind %q reason %q", in.Status, in.Kind, in.Reason)
				}
				sup, err := db.Suppressed(ctx, "ana@example.com")
				if err != nil || sup != c.hard {
					t.Errorf("suppressed = %v, %v; want %v", sup, err, c.hard)
				}
				got, err := db.OutboundByID(ctx, out.ID)
				if err != nil || (got.Status == store.OutboundFailed) != c.hard {
					t.Errorf("outbound status = %q, %v", got.Status, err)
				}
				rows, _ := db.FindPrompts(ctx, store.PromptFilter{})
				if len(rows) != 1 || (rows[0].Status == store.PromptFailed) != c.hard {
					t.Errorf("prompt = %+v", rows)
				}
			})
		})
	}
}

// plainReply is a minimal reply from ana with body.
func plainReply(from, to, id, body string) []byte {
	return []byte("From: Ana Lima <" + from + ">\r\nTo: " + to + "\r\nSubject: Re: Daily check-in\r\n" +
		"Date: Tue, 24 Nov 2026 10:00:00 -0300\r\nMessage-ID: <" + id + ">\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
}

func TestCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, nil)
		to := f.addrs.Reply(f.prompt.ID)
		member := func() *store.Member {
			m, err := db.MemberByID(ctx, f.ana.ID)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		in := f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "c1"), "pause until 2026-12-01"))
		if m := member(); m.PausedUntil == nil || in.Status != store.InboundApplied {
			t.Errorf("pause: %+v, inbound %q %q", m.PausedUntil, in.Status, in.Reason)
		}
		f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "c2"), "resume"))
		if m := member(); m.PausedUntil != nil || m.AwayUntil != nil {
			t.Errorf("resume left %v %v", m.PausedUntil, m.AwayUntil)
		}
		f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "c3"), "skip"))
		if rows, _ := db.FindPrompts(ctx, store.PromptFilter{}); rows[0].Status != store.PromptSkipped {
			t.Errorf("skip: prompt %q", rows[0].Status)
		}
		f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "c4"), "unsubscribe"))
		if out, _ := db.OptedOut(ctx, member().ID, store.OptoutPrompts, f.prompt.CheckInID); !out || member().Unsubscribed {
			t.Errorf("unsubscribe in answer to a prompt: check-in opted out %v, everything stopped %v; want only the check-in", out, member().Unsubscribed)
		}
		f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "c5"), "unsubscribe all"))
		if !member().Unsubscribed {
			t.Error("unsubscribe all not applied")
		}
	})
}

func TestLoopAndMeetingsWithoutFiler(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		to := f.addrs.Reply(f.prompt.ID)
		in := f.deliver(t, "checkins@"+domain, to, plainReply("checkins@"+domain, to, msgID(t, "loop"), "Yesterday: x"))
		if in.Status != store.InboundIgnored || !strings.HasPrefix(in.Reason, "loop") {
			t.Errorf("loop: %q %q", in.Status, in.Reason)
		}
		mt := f.addrs.Meetings("platform")
		in = f.deliver(t, "ana@example.com", mt, plainReply("ana@example.com", mt, msgID(t, "meet"), "Decisions: ship it"))
		if in.Status != store.InboundIgnored || in.Reason != "meetings not configured" {
			t.Errorf("meetings: %q %q", in.Status, in.Reason)
		}
	})
}

func TestRequireDMARC(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dns := map[string][]string{
		"sel._domainkey.example.com": {"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)},
		"_dmarc.example.com":         {"v=DMARC1; p=reject"},
	}
	lookup := func(name string) ([]string, error) {
		if v, ok := dns[name]; ok {
			return v, nil
		}
		return nil, fmt.Errorf("no TXT for %s", name)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(o *inbound.Options) { o.RequireDMARC, o.LookupTXT = true, lookup })
		to := f.addrs.Reply(f.prompt.ID)
		unsigned := plainReply("ana@example.com", to, msgID(t, "unsigned"), "Yesterday: unsigned work")
		in := f.deliver(t, "ana@example.com", to, unsigned)
		if in.Status != store.InboundQuarantined || !strings.HasPrefix(in.DMARC, "fail") || in.DKIM != "none" {
			t.Errorf("unsigned: status %q dkim %q dmarc %q", in.Status, in.DKIM, in.DMARC)
		}
		var signed bytes.Buffer
		raw := plainReply("ana@example.com", to, msgID(t, "signed"), "Yesterday: signed work")
		err := dkim.Sign(&signed, bytes.NewReader(raw), &dkim.SignOptions{Domain: "example.com", Selector: "sel", Signer: priv})
		if err != nil {
			t.Fatal(err)
		}
		in = f.deliver(t, "ana@example.com", to, signed.Bytes())
		if in.Status != store.InboundApplied || !strings.HasPrefix(in.DKIM, "pass") || !strings.HasPrefix(in.DMARC, "pass") {
			t.Errorf("signed: status %q dkim %q dmarc %q reason %q", in.Status, in.DKIM, in.DMARC, in.Reason)
		}
	})
}

func TestTrustedAuthenticationResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(o *inbound.Options) {
			o.TrustedAuthServID, o.RequireDMARC = "mx.tidings.example.com", true
			o.LookupTXT = func(string) ([]string, error) { return nil, fmt.Errorf("no DNS in tests") }
		})
		to := f.addrs.Reply(f.prompt.ID)
		ar := "Authentication-Results: mx.tidings.example.com; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com\r\n" +
			"Authentication-Results: evil.example; spf=fail smtp.mailfrom=example.com\r\n"
		in := f.deliver(t, "ana@example.com", to, append([]byte(ar), plainReply("ana@example.com", to, msgID(t, "ar"), "Yesterday: x")...))
		if in.Status != store.InboundApplied || in.SPF != "pass (mx.tidings.example.com)" || in.DMARC != "pass (mx.tidings.example.com)" {
			t.Errorf("status %q spf %q dmarc %q", in.Status, in.SPF, in.DMARC)
		}
	})
}
