package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/ask"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
)

// askRig is the real receiver, processor, ask service and composer on one
// store; every message goes over SMTP on 127.0.0.1.
type askRig struct {
	db   *store.DB
	proc *inbound.Processor
	svc  *ask.Service
	addr string
	now  time.Time
	seen int
	// inReplyTo, when set, is the next message's In-Reply-To.
	inReplyTo string
}

func newAskRig(t *testing.T, db *store.DB) *askRig {
	t.Helper()
	ctx := context.Background()
	r := &askRig{db: db, now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return r.now }
	if _, err := db.Sync(ctx, []store.TeamSpec{{Slug: "platform", Name: "Platform", Timezone: "Europe/Lisbon",
		Members: []store.MemberSpec{{Email: "ana@example.com", Name: "Ana Lima"}, {Email: "ben@example.com", Name: "Ben Okafor"},
			{Email: "chen@example.com", Name: "Chen Wei"}}}}); err != nil {
		t.Fatal(err)
	}
	signer, _ := mail.NewSigner("e2e-secret")
	addrs := mail.Addresses{Domain: "tidings.test", Signer: signer, From: "checkins"}
	set, err := templates.Parse(templates.Default())
	if err != nil {
		t.Fatal(err)
	}
	composer, err := outbound.NewComposer(outbound.ComposerOptions{Domain: "tidings.test",
		From: outbound.Address{Name: "Tidings", Addr: "checkins@tidings.test"}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if r.svc, err = ask.New(ask.Options{Addresses: addrs, Templates: set, Mailer: askMailer{composer: composer}, Now: clock}); err != nil {
		t.Fatal(err)
	}
	// No DNS in tests: DMARC never passes, so asks need the confirmation.
	opts := inbound.Options{Addresses: addrs, Asks: r.svc, Now: clock,
		LookupTXT: func(string) ([]string, error) { return nil, fmt.Errorf("no DNS in tests") }}
	if r.proc, err = inbound.NewProcessor(db, opts); err != nil {
		t.Fatal(err)
	}
	rcv := inbound.NewReceiver(db, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go rcv.Serve(ln)
	t.Cleanup(func() { rcv.Shutdown(context.Background()) })
	r.addr = ln.Addr().String()
	return r
}

// send delivers a complete message over SMTP and processes it; it returns
// the inbound status and reason, or the SMTP error.
func (r *askRig) send(t *testing.T, from, to, subject, body string) (string, string, error) {
	t.Helper()
	r.seen++
	thread := ""
	if r.inReplyTo != "" {
		thread, r.inReplyTo = "In-Reply-To: <"+r.inReplyTo+">\r\nReferences: <"+r.inReplyTo+">\r\n", ""
	}
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <e2e-%d@example.com>\r\n%sMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", from, to, subject, r.now.Format(time.RFC1123Z), r.seen, thread, strings.ReplaceAll(body, "\n", "\r\n"))
	c, err := smtp.Dial(r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	env := from
	if i := strings.IndexByte(from, '<'); i >= 0 {
		env = strings.Trim(from[i:], "<>")
	}
	if err := c.SendMail(env, []string{to}, strings.NewReader(raw)); err != nil {
		return "", "", err
	}
	c.Quit()
	ctx := context.Background()
	ins, err := r.db.FindInbound(ctx, store.InboundFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, in := range ins {
		id = max(id, in.ID)
	}
	if err := r.proc.Process(ctx, id); err != nil {
		t.Fatal(err)
	}
	in, _ := r.db.InboundByID(ctx, id)
	return in.Status, in.Reason, nil
}

var replyToHeader = regexp.MustCompile(`(?m)^Reply-To: <([^>]+)>`)

// outbox returns the queued messages of kind by recipient, with the
// Reply-To of each.
func (r *askRig) outbox(t *testing.T, kind string) map[string]string {
	t.Helper()
	out, err := r.db.FindOutbound(context.Background(), store.OutboundFilter{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, o := range out {
		full, err := r.db.OutboundByID(context.Background(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		rt := ""
		if s := replyToHeader.FindSubmatch(full.Raw); s != nil {
			rt = string(s[1])
		}
		m[o.Recipient] = rt + "\n" + string(full.Raw)
	}
	return m
}

// TestAskEndToEnd: over real SMTP, a stranger's ask is refused at RCPT or
// quarantined silently; Ana's ask waits for her confirmation, goes out
// with one signed reply address per member, takes answers in several
// styles and a changed vote, sends the reminder, and at the deadline one
// results email per person, which the week's digest section lists.
func TestAskEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newAskRig(t, db)
		if _, _, err := r.send(t, "eve@evil.example", "ask+nosuchteam@tidings.test", "Hi", "A) x"); err == nil {
			t.Error("ask+ for a team that does not exist was accepted at RCPT")
		}
		if st, _, err := r.send(t, "eve@evil.example", "ask+platform@tidings.test", "Your passwords?", "A) yes\nB) sure"); err != nil || st != store.InboundQuarantined {
			t.Fatalf("stranger: %s %v", st, err)
		}
		st, why, err := r.send(t, "Ana Lima <ana@example.com>", "ask+platform@tidings.test", "Which city for the offsite?", "A) Lisbon\nB) Porto\nC) Madrid\n\nuntil Thu 17:00")
		if err != nil || st != store.InboundApplied {
			t.Fatalf("ask: %s %s %v", st, why, err)
		}
		conf := r.outbox(t, "ask_confirm")
		if len(conf) != 1 || r.outbox(t, "ask_question")["ben@example.com"] != "" {
			t.Fatalf("before confirmation: confirmations %d, questions sent", len(conf))
		}
		asker, _, _ := strings.Cut(conf["ana@example.com"], "\n")
		if st, why, _ := r.send(t, "ana@example.com", asker, "Re: Which city for the offsite?", "yes"); st != store.InboundApplied {
			t.Fatalf("confirmation: %s %s", st, why)
		}
		qs := r.outbox(t, "ask_question")
		ben, _, _ := strings.Cut(qs["ben@example.com"], "\n")
		chen, _, _ := strings.Cut(qs["chen@example.com"], "\n")
		if !strings.HasPrefix(ben, "answer+") || ben == chen || len(qs) != 2 {
			t.Fatalf("questions %v", qs)
		}
		// Chen's reply to Ben's address is refused.
		if st, _, _ := r.send(t, "chen@example.com", ben, "Re: x", "C"); st != store.InboundQuarantined {
			t.Errorf("answer from the wrong member: %s", st)
		}
		for _, a := range []struct{ from, to, body string }{
			{"ben@example.com", ben, "b"}, {"ben@example.com", ben, "Lisbon\nThe food, honestly."},
		} {
			if st, why, _ := r.send(t, a.from, a.to, "Re: Which city for the offsite?", a.body); st != store.InboundApplied {
				t.Fatalf("%s: %s %s", a.body, st, why)
			}
		}
		a, err := latestAsk(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		r.now = a.RemindAt.Add(time.Minute)
		if sum, err := r.svc.Sweep(ctx, db); err != nil || sum.Reminded != 1 {
			t.Fatalf("reminder sweep %+v %v", sum, err)
		}
		if rem := r.outbox(t, "ask_reminder"); len(rem) != 1 || rem["chen@example.com"] == "" {
			t.Fatalf("reminders %v, want Chen only", rem)
		}
		// Chen's client dropped Reply-To: the answer goes to the From
		// address and finds his copy by In-Reply-To.
		msgID := regexp.MustCompile(`(?m)^Message-Id: <([^>]+)>`).FindStringSubmatch(qs["chen@example.com"])
		if msgID == nil {
			t.Fatal("Chen's copy has no Message-Id")
		}
		r.inReplyTo = msgID[1]
		if st, why, _ := r.send(t, "chen@example.com", "checkins@tidings.test", "Re: Which city for the offsite?", "2"); st != store.InboundApplied {
			t.Fatalf("Chen's answer to the From address: %s %s", st, why)
		}
		res := r.outbox(t, "ask_results")
		if len(res) != 3 {
			t.Fatalf("results to %d, want Ana, Ben and Chen", len(res))
		}
		for _, w := range []string{"2 of 2 answered", "Ben Okafor (A): The food, honestly."} {
			if !bytes.Contains([]byte(textPart(t, []byte(res["ana@example.com"][strings.Index(res["ana@example.com"], "\n")+1:]))), []byte(w)) {
				t.Errorf("results lack %q", w)
			}
		}
		team, _ := db.FindTeam(ctx, "platform")
		loc, _ := time.LoadLocation("Europe/Lisbon")
		week := digest.Period{Key: "2026-W49", Start: time.Date(2026, 11, 30, 0, 0, 0, 0, loc), End: time.Date(2026, 12, 7, 0, 0, 0, 0, loc), Weekly: true, Loc: loc}
		sec, err := digest.LoadAsks(ctx, db, team.ID, week)
		if err != nil || len(sec.Results) != 1 || sec.Results[0].Rows[0].Count != 1 || sec.Results[0].Rows[1].Count != 1 {
			t.Fatalf("digest section %+v %v", sec, err)
		}
	})
}

func latestAsk(ctx context.Context, db *store.DB) (*store.Ask, error) {
	as, err := db.FindAsks(ctx, store.AskFilter{})
	if err != nil || len(as) == 0 {
		return nil, fmt.Errorf("no ask: %v", err)
	}
	return &as[0], nil
}
