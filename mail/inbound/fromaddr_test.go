package inbound_test

import (
	"context"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
)

const fromAddr = "checkins@" + domain

// newFromFixture is newFixture with the From address (checkins@) accepted.
func newFromFixture(t *testing.T, db *store.DB) *fixture {
	f := newFixture(t, db, func(o *inbound.Options) { o.Addresses.From = "checkins" })
	f.addrs.From = "checkins"
	return f
}

// promptIDs are the prompt's Message-ID and References key as the
// outbound side writes them; the Message-ID is checked against the
// Prompter's, so a change of format there fails here.
func promptIDs(t *testing.T, f *fixture) (msgID, key string) {
	t.Helper()
	msgID, key = f.addrs.ThreadIDs(f.prompt.ID)
	c, err := outbound.NewComposer(outbound.ComposerOptions{Domain: domain, From: outbound.Address{Addr: fromAddr}})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := templates.Parse(templates.Default())
	if err != nil {
		t.Fatal(err)
	}
	p, err := outbound.NewPrompter(f.db, outbound.PrompterOptions{Composer: c, Templates: ts, Addresses: f.addrs})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.PromptMessageID(f.prompt.ID); got != msgID {
		t.Fatalf("prompt Message-ID %q, outbound writes %q", msgID, got)
	}
	return msgID, key
}

func updates(t *testing.T, db *store.DB) []store.UpdateView {
	t.Helper()
	ups, err := db.FindUpdates(context.Background(), store.UpdateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ups
}

func TestFromAddressAcceptedAtRcpt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFromFixture(t, db)
		for _, to := range []string{fromAddr, "Checkins@" + strings.ToUpper(domain)} {
			raw := message(t, "welcome_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to,
				"MSGID": msgID(t, "rcpt"), "IRT": "<x@mail.client.example>", "BODY": "thanks!"})
			if err := send(t, f.addr, "ana@example.com", []string{to}, raw); err != nil {
				t.Errorf("RCPT %s: %v", to, err)
			}
		}
		err := send(t, f.addr, "ana@example.com", []string{"checkin@" + domain}, []byte("Subject: x\r\n\r\nx\r\n"))
		wantCode(t, err, 550, smtp.EnhancedCode{5, 1, 1})
	})
}

func TestReplyToFromAddressFindsPrompt(t *testing.T) {
	cases := map[string]func(msgID, key string) (irt, refs string){
		// Gmail: the prompt's Message-ID and the key, Reply-To dropped.
		"gmail":          func(m, k string) (string, string) { return "<" + m + ">", "<" + m + "> <" + k + ">" },
		"key only":       func(_, k string) (string, string) { return "<r.1@client.example>", "<r.1@client.example> <" + k + ">" },
		"in-reply-to id": func(m, _ string) (string, string) { return "<" + m + ">", "<other@client.example>" },
	}
	for name, refs := range cases {
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newFromFixture(t, db)
				irt, rf := refs(promptIDs(t, f))
				in := f.deliver(t, "ana@example.com", fromAddr, message(t, "gmail_reply_from.eml", map[string]string{
					"FROM": "ana@example.com", "TO": fromAddr, "MSGID": msgID(t, "gmail"), "IRT": irt, "REFS": rf}))
				if in.Status != store.InboundApplied || !strings.Contains(in.Reason, "prompt found by reference") {
					t.Fatalf("status %q reason %q", in.Status, in.Reason)
				}
				ups := updates(t, db)
				if len(ups) != 1 || ups[0].PromptID != f.prompt.ID || ups[0].InboundID != in.ID || len(ups[0].Answers) != 3 {
					t.Fatalf("updates %+v, want one for prompt %d with 3 answers", ups, f.prompt.ID)
				}
				if !ups[0].HasBlocker {
					t.Errorf("blocker not seen: %+v", ups[0].Answers)
				}
			})
		})
	}
}

func TestFromAddressForgedReferenceIgnored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFromFixture(t, db)
		other, _ := mail.NewSigner("guessed-secret")
		forgedID, forgedKey := mail.Addresses{Domain: domain, Signer: other}.ThreadIDs(f.prompt.ID)
		in := f.deliver(t, "ana@example.com", fromAddr, message(t, "gmail_reply_from.eml", map[string]string{
			"FROM": "ana@example.com", "TO": fromAddr, "MSGID": msgID(t, "forged"),
			"IRT": "<" + forgedID + ">", "REFS": "<" + forgedID + "> <" + forgedKey + ">"}))
		if in.Status != store.InboundIgnored || !strings.Contains(in.Reason, "without a prompt reference (2 reference(s) with an invalid token)") {
			t.Errorf("status %q reason %q", in.Status, in.Reason)
		}
		if ups := updates(t, db); len(ups) != 0 {
			t.Errorf("forged reference became an update: %+v", ups)
		}
	})
}

// welcome queues the welcome message Ana got and returns its Message-ID.
func (f *fixture) welcome(t *testing.T) string {
	t.Helper()
	id := "9f1c2e7a33b04d5e8a61c0de@" + domain
	mid, tid := f.ana.ID, f.team.ID
	out := store.OutboundMessage{DedupKey: "welcome:test", Kind: outbound.KindWelcome, MemberID: &mid, TeamID: &tid,
		Recipient: "ana@example.com", MessageID: id, Subject: "Welcome", Raw: []byte("x"), Status: store.OutboundSent}
	if _, err := f.db.QueueOutbound(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestReplyToWelcomeUnsubscribes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFromFixture(t, db)
		wid := f.welcome(t)
		in := f.deliver(t, "ana@example.com", fromAddr, message(t, "welcome_reply.eml", map[string]string{
			"FROM": "ana@example.com", "TO": fromAddr, "MSGID": msgID(t, "unsub"), "IRT": "<" + wid + ">", "BODY": "unsubscribe"}))
		if in.Status != store.InboundApplied || !strings.Contains(in.Reason, "unsubscribed") {
			t.Fatalf("status %q kind %q reason %q", in.Status, in.Kind, in.Reason)
		}
		m, err := db.MemberByID(ctx, f.ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Unsubscribed {
			t.Error("member not unsubscribed")
		}
		if ups := updates(t, db); len(ups) != 0 {
			t.Errorf("command became an update: %+v", ups)
		}
	})
}

// TestFromAddressCommandNeedsProof: without a prompt token, a command must
// answer our mail to the member (or pass DMARC); a forged From alone
// changes nothing.
func TestFromAddressCommandNeedsProof(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFromFixture(t, db)
		f.welcome(t)
		in := f.deliver(t, "ana@example.com", fromAddr, message(t, "welcome_reply.eml", map[string]string{
			"FROM": "ana@example.com", "TO": fromAddr, "MSGID": msgID(t, "spoof"),
			"IRT": "<guessed@" + domain + ">", "BODY": "pause 2 weeks"}))
		if in.Status != store.InboundQuarantined || !strings.Contains(in.Reason, "need DMARC to pass or a reply to our mail") {
			t.Errorf("status %q reason %q", in.Status, in.Reason)
		}
		m, err := db.MemberByID(ctx, f.ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.PausedUntil != nil || m.Unsubscribed {
			t.Errorf("unproven command applied: paused %v unsubscribed %t", m.PausedUntil, m.Unsubscribed)
		}
	})
}

func TestFromAddressStrangerAndPlainMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFromFixture(t, db)
		msgID0, key := promptIDs(t, f)
		wid := f.welcome(t)
		cases := []struct {
			name, from, file, irt, refs, body string
			status, reason                    string
		}{
			{"stranger with the prompt's references", "mallory@evil.example", "gmail_reply_from.eml",
				"<" + msgID0 + ">", "<" + msgID0 + "> <" + key + ">", "",
				store.InboundQuarantined, "sender mallory@evil.example is not the prompt's member"},
			{"stranger's command", "mallory@evil.example", "welcome_reply.eml", "<" + wid + ">", "", "unsubscribe",
				store.InboundIgnored, "without a prompt reference; sender is not a member"},
			{"member's answers to the welcome", "ana@example.com", "gmail_reply_from.eml",
				"<" + wid + ">", "<" + wid + ">", "",
				store.InboundIgnored, "sent to the From address without a prompt reference"},
		}
		for _, c := range cases {
			in := f.deliver(t, c.from, fromAddr, message(t, c.file, map[string]string{"FROM": c.from, "TO": fromAddr,
				"MSGID": msgID(t, "s"), "IRT": c.irt, "REFS": c.refs, "BODY": c.body}))
			if in.Status != c.status || !strings.Contains(in.Reason, c.reason) {
				t.Errorf("%s: status %q reason %q; want %q containing %q", c.name, in.Status, in.Reason, c.status, c.reason)
			}
		}
		if ups := updates(t, db); len(ups) != 0 {
			t.Errorf("updates from mail without a proven prompt: %+v", ups)
		}
		if m, _ := db.MemberByID(context.Background(), f.ana.ID); m == nil || m.Unsubscribed {
			t.Errorf("member changed by a stranger: %+v", m)
		}
	})
}
