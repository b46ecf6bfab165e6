package okr_test

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
	tmail "github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/mail/okr"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

const domain = "tidings.example.com"

func specs() []store.TeamSpec {
	return []store.TeamSpec{{
		Slug: "platform", Name: "Platform", Timezone: "America/New_York",
		Members: []store.MemberSpec{
			{Email: "ana@example.com", Name: "Ana Lima", Timezone: "America/Sao_Paulo"},
			{Email: "ben@example.com", Name: "Ben Okafor", Role: store.RoleLead}, // team zone: New York
			{Email: "chen@example.com", Name: "Chen Wei"},                        // owns nothing
		},
		CheckIns: []store.CheckInSpec{{Name: "okr", Kind: store.CheckInOKR, Schedule: "fri 11:00", Window: 72 * time.Hour}},
		OKRs: []store.OKRQuarterSpec{{Quarter: "2027-Q1", Objectives: []store.ObjectiveSpec{
			{Title: "A platform customers can rely on", Owner: "ben@example.com", KeyResults: []store.KeyResultSpec{
				{Key: "KR1", Title: "Reach 99.9 % uptime", Owner: "ana@example.com", Start: 99.5, Target: 99.9, Unit: store.UnitPercent, Direction: store.DirectionUp},
				{Key: "KR2", Title: "Cut pager alerts per week", Start: 40, Target: 10, Unit: store.UnitNumber, Direction: store.DirectionDown},
			}},
			{Title: "Grow self-serve", Owner: "ana@example.com", KeyResults: []store.KeyResultSpec{
				{Key: "KR3", Title: "Monthly signups", Start: 800, Target: 2000, Unit: store.UnitNumber, Direction: store.DirectionUp},
				{Key: "KR5", Title: "Ship the billing page", Start: 0, Target: 1, Unit: store.UnitBoolean, Direction: store.DirectionUp},
			}},
		}}},
	}}
}

// fixture is the team above, the OKR service, a deliverer to a real SMTP
// sink and a receiver on 127.0.0.1:0 whose processor files OKR replies.
type fixture struct {
	db    *store.DB
	svc   *okr.Service
	del   *outbound.Deliverer
	sink  *mailtest.Sink
	proc  *inbound.Processor
	addr  string
	addrs tmail.Addresses
	now   time.Time
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Sync(ctx, specs()); err != nil {
		t.Fatal(err)
	}
	signer, err := tmail.NewSigner("okr-test-secret")
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Parse(templates.Default())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, addrs: tmail.Addresses{Domain: domain, Signer: signer}, sink: mailtest.NewSink(t)}
	clock := func() time.Time { return f.now }
	comp, err := outbound.NewComposer(outbound.ComposerOptions{Domain: domain, From: outbound.Address{Name: "Tidings", Addr: "checkins@" + domain}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	if f.svc, err = okr.New(db, okr.Options{Composer: comp, Templates: set, Addresses: f.addrs, Logger: log, Now: clock}); err != nil {
		t.Fatal(err)
	}
	if f.del, err = outbound.NewDeliverer(db, outbound.DelivererOptions{Relay: f.sink.URL(), Helo: domain, PoolSize: 1,
		Addresses: f.addrs, Logger: log, Now: clock}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.del.Close() })
	opts := inbound.Options{Addresses: f.addrs, OKR: f.svc, Composer: comp, Logger: log, MaxMessageBytes: 1 << 20,
		StoreTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, Now: clock,
		LookupTXT: func(string) ([]string, error) { return nil, &net.DNSError{Err: "no such host", IsNotFound: true} }}
	if f.proc, err = inbound.NewProcessor(db, opts); err != nil {
		t.Fatal(err)
	}
	rcv := inbound.NewReceiver(db, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go rcv.Serve(ln)
	f.addr = ln.Addr().String()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rcv.Shutdown(ctx)
	})
	return f
}

// sendDue runs the scheduler at now and delivers what it queued; it
// returns the messages the sink received in this step.
func (f *fixture) sendDue(t *testing.T, now time.Time) (okr.Summary, []mailtest.Received) {
	t.Helper()
	f.now = now
	before := len(f.sink.Messages())
	sum, err := f.svc.SendDue(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	return sum, f.flush(t, before)
}

func (f *fixture) flush(t *testing.T, before int) []mailtest.Received {
	t.Helper()
	if _, err := f.del.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f.sink.Messages()[before:]
}

// reply sends body as from's reply to the received prompt over SMTP to
// the receiver, processes it and delivers what that queued (the answer in
// the thread), which it returns.
func (f *fixture) reply(t *testing.T, prompt mailtest.Received, from, msgID, body string, at time.Time) []mailtest.Received {
	t.Helper()
	h := header(t, prompt)
	replyTo, _ := h.AddressList("Reply-To")
	pid, _ := h.MessageID()
	subj, _ := h.Subject()
	raw := "From: " + from + "\r\nTo: " + replyTo[0].Address + "\r\nSubject: Re: " + subj +
		"\r\nDate: " + at.Format(time.RFC1123Z) + "\r\nMessage-ID: <" + msgID + ">\r\nIn-Reply-To: <" + pid +
		">\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n")
	f.now = at.Add(time.Minute)
	c, err := smtp.Dial(f.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	env := from
	if i := strings.IndexByte(from, '<'); i >= 0 {
		env = strings.Trim(from[i:], "<>")
	}
	if err := c.SendMail(env, []string{replyTo[0].Address}, strings.NewReader(raw)); err != nil {
		t.Fatalf("SMTP: %v", err)
	}
	ctx := context.Background()
	msgs, err := f.db.FindInbound(ctx, store.InboundFilter{Status: store.InboundReceived})
	if err != nil {
		t.Fatal(err)
	}
	before := len(f.sink.Messages())
	for _, m := range msgs {
		if err := f.proc.Process(ctx, m.ID); err != nil {
			t.Fatalf("process: %v", err)
		}
	}
	return f.flush(t, before)
}

func header(t *testing.T, m mailtest.Received) mail.Header {
	t.Helper()
	r, err := mail.CreateReader(strings.NewReader(string(m.Data)))
	if err != nil {
		t.Fatal(err)
	}
	return r.Header
}

// text is the text/plain part of m.
func text(t *testing.T, m mailtest.Received) string {
	t.Helper()
	r, err := mail.CreateReader(strings.NewReader(string(m.Data)))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if err != nil {
			t.Fatalf("no text part: %v", err)
		}
		if ct, _, _ := p.Header.(*mail.InlineHeader).ContentType(); ct == "text/plain" {
			var b strings.Builder
			buf := make([]byte, 4096)
			for {
				n, err := p.Body.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					break
				}
			}
			return strings.ReplaceAll(b.String(), "\r\n", "\n")
		}
	}
}

// to finds the message sent to addr among ms.
func to(t *testing.T, ms []mailtest.Received, addr string) mailtest.Received {
	t.Helper()
	for _, m := range ms {
		if len(m.To) == 1 && m.To[0] == addr {
			return m
		}
	}
	t.Fatalf("nothing sent to %s among %d messages", addr, len(ms))
	return mailtest.Received{}
}

// withSubject finds the message sent to addr whose subject starts with prefix.
func withSubject(t *testing.T, ms []mailtest.Received, addr, prefix string) mailtest.Received {
	t.Helper()
	for _, m := range ms {
		h := header(t, m)
		if subj, _ := h.Subject(); len(m.To) == 1 && m.To[0] == addr && strings.HasPrefix(subj, prefix) {
			return m
		}
	}
	t.Fatalf("no message to %s with subject %q among %d", addr, prefix, len(ms))
	return mailtest.Received{}
}
