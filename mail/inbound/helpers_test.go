package inbound_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/store"
)

const domain = "tidings.example.com"

// fixture is a team with one prompt for Ana, a receiver on 127.0.0.1:0 and
// a processor, all on one store.
type fixture struct {
	db     *store.DB
	addrs  mail.Addresses
	rcv    *inbound.Receiver
	proc   *inbound.Processor
	reg    *prometheus.Registry
	addr   string
	prompt store.Prompt
	ana    store.Member
	team   store.Team
}

func testAddresses(t testing.TB) mail.Addresses {
	if t != nil {
		t.Helper()
	}
	s, err := mail.NewSigner("inbound-test-secret")
	if err != nil {
		panic(err) // a constant, non-empty secret
	}
	return mail.Addresses{Domain: domain, Signer: s}
}

// testLogger sends logs to t.Log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// platformSpec is the team seed syncs, with the given receipts setting.
func platformSpec(receipts string) store.TeamSpec {
	return store.TeamSpec{
		Slug: "platform", Name: "Platform", Timezone: "America/Sao_Paulo", Receipts: receipts,
		Members: []store.MemberSpec{
			{Email: "ana@example.com", Name: "Ana Lima", Aliases: []string{"ana.lima@personal.example"}},
			{Email: "ben@example.com", Name: "Ben Okafor", Role: store.RoleLead},
		},
		CheckIns: []store.CheckInSpec{{Name: "daily", Schedule: "mon-fri 09:00", Window: 20 * time.Hour,
			Questions: []store.Question{
				{Key: "done", Text: "What did you get done yesterday?", Aliases: []string{"yesterday"}},
				{Key: "today", Text: "What are you working on today?", Aliases: []string{"today"}},
				{Key: "blockers", Text: "Anything blocking you?", Aliases: []string{"blockers"}},
			}}},
	}
}

func seed(t testing.TB, db *store.DB) (store.Team, store.Member, store.Prompt) {
	t.Helper()
	ctx := context.Background()
	_, err := db.Sync(ctx, []store.TeamSpec{platformSpec("")})
	if err != nil {
		t.Fatal(err)
	}
	team, err := db.FindTeam(ctx, "platform")
	if err != nil {
		t.Fatal(err)
	}
	ana, err := db.MemberByAddress(ctx, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	cis, err := db.FindCheckIns(ctx, team.ID)
	if err != nil || len(cis) != 1 {
		t.Fatalf("check-ins: %v %v", cis, err)
	}
	due := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	p := store.Prompt{CheckInID: cis[0].ID, MemberID: ana.ID, TeamID: team.ID, Period: "2026-11-24",
		DueAt: due, ExpiresAt: due.Add(20 * time.Hour), Status: store.PromptSent}
	if err := db.CreatePrompt(ctx, &p); err != nil {
		t.Fatal(err)
	}
	return *team, *ana, p
}

func newFixture(t *testing.T, db *store.DB, mod func(*inbound.Options)) *fixture {
	t.Helper()
	team, ana, p := seed(t, db)
	f := &fixture{db: db, addrs: testAddresses(t), reg: prometheus.NewRegistry(), prompt: p, ana: ana, team: team}
	opts := inbound.Options{Addresses: f.addrs, Logger: testLogger(t), Registerer: f.reg,
		MaxMessageBytes: 64 << 10, StoreTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		Now: func() time.Time { return time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC) }}
	if mod != nil {
		mod(&opts)
	}
	var err error
	if f.proc, err = inbound.NewProcessor(db, opts); err != nil {
		t.Fatal(err)
	}
	f.rcv = inbound.NewReceiver(db, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.rcv.Serve(ln)
	f.addr = ln.Addr().String()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		f.rcv.Shutdown(ctx)
	})
	return f
}

// message reads testdata/name and fills its placeholders.
func message(t testing.TB, name string, vars map[string]string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{{"+k+"}}", v)
	}
	if strings.Contains(s, "{{") {
		t.Fatalf("%s: unfilled placeholder", name)
	}
	return []byte(s)
}

// send delivers raw over SMTP and returns the first refusal (nil: 250).
func send(t testing.TB, addr, from string, to []string, raw []byte) error {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("mail.client.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// wantCode asserts that err is an SMTP reply with code and enhanced code.
func wantCode(t testing.TB, err error, code int, enh smtp.EnhancedCode) {
	t.Helper()
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want SMTP %d %v", err, code, enh)
	}
	if se.Code != code || se.EnhancedCode != enh {
		t.Fatalf("got %d %v %q, want %d %v", se.Code, se.EnhancedCode, se.Message, code, enh)
	}
}

// processAll runs the processor on every stored message still received,
// as the River worker would.
func (f *fixture) processAll(t testing.TB) []store.InboundMessage {
	t.Helper()
	ctx := context.Background()
	msgs, err := f.db.FindInbound(ctx, store.InboundFilter{Status: store.InboundReceived})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if err := f.proc.Process(ctx, m.ID); err != nil {
			t.Fatalf("process %d: %v", m.ID, err)
		}
	}
	all, err := f.db.FindInbound(ctx, store.InboundFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func msgID(t testing.TB, tag string) string {
	return fmt.Sprintf("%s.%d@mail.client.example", tag, time.Now().UnixNano())
}
