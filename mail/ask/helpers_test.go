package ask_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/ask"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

var update = flag.Bool("update", false, "rewrite golden files")

const domain = "tidings.test"

type fakeMailer struct {
	mu   sync.Mutex
	sent []ask.Outgoing
}

func (m *fakeMailer) Queue(_ context.Context, _ *store.DB, o ask.Outgoing) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, o)
	return nil
}

func (m *fakeMailer) take() []ask.Outgoing {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.sent
	m.sent = nil
	return out
}

// specs: Ana asks; Ben, Chen and Dora answer; Olga observes; Ana and Ben
// are also in data; corp.example may ask platform.
func specs() []store.TeamSpec {
	return []store.TeamSpec{
		{Slug: "platform", Name: "Platform", Timezone: "Europe/Lisbon", AllowedDomains: []string{"corp.example"},
			DigestSchedule: "fri 17:00",
			Members: []store.MemberSpec{
				{Email: "ana@example.com", Name: "Ana Lima"},
				{Email: "ben@example.com", Name: "Ben Okafor"},
				{Email: "chen@example.com", Name: "Chen Wei", Timezone: "Asia/Shanghai"},
				{Email: "dora@example.com", Name: "Dora Silva"},
				{Email: "olga@example.com", Name: "Olga Ivanova", Role: store.RoleObserver},
			}},
		{Slug: "data", Name: "Data", Timezone: "Europe/Berlin",
			Members: []store.MemberSpec{
				{Email: "ana@example.com", Name: "Ana Lima"},
				{Email: "ben@example.com", Name: "Ben Okafor"},
			}},
	}
}

type env struct {
	db     *store.DB
	svc    *ask.Service
	mailer *fakeMailer
	addr   mail.Addresses
	now    time.Time
	n      int
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	if _, err := db.Sync(context.Background(), specs()); err != nil {
		t.Fatal(err)
	}
	signer, err := mail.NewSigner("test-secret")
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Parse(templates.Default())
	if err != nil {
		t.Fatal(err)
	}
	// Tuesday 1 Dec 2026, 10:00 in Lisbon (UTC).
	e := &env{db: db, mailer: &fakeMailer{}, addr: mail.Addresses{Domain: domain, Signer: signer},
		now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	e.svc, err = ask.New(ask.Options{Addresses: e.addr, Templates: set, Mailer: e.mailer,
		Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// eml is a complete plain-text message.
func eml(from, to, subject, inReplyTo, body string, date time.Time) []byte {
	h := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%d.%s>\r\n",
		from, to, subject, date.Format(time.RFC1123Z), date.UnixNano(), strings.ReplaceAll(strings.Trim(from, "<>"), " ", ""))
	if inReplyTo != "" {
		h += fmt.Sprintf("In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	return []byte(h + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n"))
}

// deliver stores raw as received for rcpt and handles it in one
// transaction, as mail/inbound's job does.
func (e *env) deliver(t *testing.T, raw []byte, rcpt string, dmarcPass bool) (status, reason string) {
	t.Helper()
	ctx := context.Background()
	msg, err := reply.Parse(raw, reply.Options{Rcpt: rcpt, Now: e.now})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.addr.Parse(rcpt, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.n++
	in := &store.InboundMessage{DedupKey: fmt.Sprintf("m%d", e.n), MessageID: msg.MessageID, MailFrom: msg.From,
		Rcpt: []string{rcpt}, Raw: raw, Status: store.InboundReceived, ReceivedAt: e.now}
	if _, err := e.db.CreateInbound(ctx, in); err != nil {
		t.Fatal(err)
	}
	err = e.db.InTx(ctx, func(tx *store.DB) error {
		var err error
		status, reason, err = e.svc.Handle(ctx, tx, in, msg, r, dmarcPass)
		if err != nil {
			return err
		}
		return tx.FinishInbound(ctx, in.ID, store.InboundOutcome{Status: status, Reason: reason})
	})
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	return status, reason
}

// byTo indexes messages by recipient; it fails on two to one address.
func byTo(t *testing.T, out []ask.Outgoing) map[string]ask.Outgoing {
	t.Helper()
	m := map[string]ask.Outgoing{}
	for _, o := range out {
		if _, dup := m[o.To]; dup {
			t.Fatalf("two messages to %s", o.To)
		}
		m[o.To] = o
	}
	return m
}

func lastAsk(t *testing.T, db *store.DB) store.Ask {
	t.Helper()
	as, err := db.FindAsks(context.Background(), store.AskFilter{})
	if err != nil || len(as) == 0 {
		t.Fatalf("no ask stored (err %v)", err)
	}
	return as[0]
}
