package meeting_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/meeting"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

const domain = "tidings.test"

// fakeMailer records what the filer queues.
type fakeMailer struct {
	mu   sync.Mutex
	sent []meeting.Outgoing
}

func (m *fakeMailer) Queue(_ context.Context, _ *store.DB, o meeting.Outgoing) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, o)
	return nil
}

func (m *fakeMailer) take() []meeting.Outgoing {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.sent
	m.sent = nil
	return out
}

// specs: Ana and Ben are in platform and data; two Marias make the first
// name ambiguous; corp.example may post to platform.
func specs() []store.TeamSpec {
	return []store.TeamSpec{
		{Slug: "platform", Name: "Platform", Timezone: "America/Sao_Paulo", AllowedDomains: []string{"corp.example"},
			Members: []store.MemberSpec{
				{Email: "ana@example.com", Name: "Ana Lima"},
				{Email: "ben@example.com", Name: "Ben Okafor"},
				{Email: "chen@example.com", Name: "Chen Wei"},
				{Email: "maria.lopez@example.com", Name: "Maria Lopez"},
				{Email: "msilva@example.com", Name: "Maria Silva"},
				{Email: "jonas@example.com", Name: "Jonas Müller"},
				{Email: "sophie@example.com", Name: "Sophie Martin"},
				{Email: "lucia@example.com", Name: "Lucía Fernández"},
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
	filer  *meeting.Filer
	mailer *fakeMailer
	addr   mail.Addresses
	now    time.Time
	nextID int64
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	return newEnvWith(t, db, nil)
}

// newEnvWith is newEnv with mod applied to the filer's options.
func newEnvWith(t *testing.T, db *store.DB, mod func(*meeting.Options)) *env {
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
	e := &env{db: db, mailer: &fakeMailer{}, addr: mail.Addresses{Domain: domain, Signer: signer},
		now: time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)}
	opts := meeting.Options{Addresses: e.addr, Templates: set, Mailer: e.mailer,
		Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return e.now }}
	if mod != nil {
		mod(&opts)
	}
	e.filer, err = meeting.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// file parses raw as sent to rcpt and files it in one transaction, as
// mail/inbound's job does.
func (e *env) file(t *testing.T, raw []byte, rcpt, dmarc string) (status, reason string, msg *reply.Message) {
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
	e.nextID++
	in := &store.InboundMessage{ID: e.nextID, MessageID: msg.MessageID, DMARC: dmarc, ReceivedAt: e.now}
	err = e.db.InTx(ctx, func(tx *store.DB) error {
		var err error
		status, reason, err = e.filer.FileMeeting(ctx, tx, in, msg, r)
		return err
	})
	if err != nil {
		t.Fatalf("FileMeeting: %v", err)
	}
	return status, reason, msg
}

// lastNote returns the newest note and its items.
func (e *env) lastNote(t *testing.T) (store.MeetingNote, []store.ActionItem) {
	t.Helper()
	ctx := context.Background()
	notes, err := e.db.FindMeetingNotes(ctx, store.MeetingNoteFilter{})
	if err != nil || len(notes) == 0 {
		t.Fatalf("no note stored (err %v)", err)
	}
	newest := notes[0]
	for _, n := range notes {
		if n.ID > newest.ID {
			newest = n
		}
	}
	items, err := e.db.FindActionItems(ctx, store.ActionItemFilter{NoteID: newest.ID})
	if err != nil {
		t.Fatal(err)
	}
	return newest.MeetingNote, items
}
