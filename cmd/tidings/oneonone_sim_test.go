package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/mail/oneonone"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// simConfig is the team of the one-on-one simulations: Ben (lead,
// Berlin) meets Ana (São Paulo) every second Tuesday at 15:00 Berlin
// time; Cy is a third member who must never see any of it.
const simConfig = `server:
  domain: tidings.example.com
  from: "Tidings <checkins@tidings.example.com>"
  secret: sim-secret
  relay: %s
teams:
  - slug: platform
    name: Platform
    timezone: Europe/Berlin
    digest: { schedule: "fri 17:00" }
    members:
      - { email: ben@example.com, name: Ben Okafor, role: lead }
      - { email: ana@example.com, name: Ana Lima, timezone: America/Sao_Paulo }
      - { email: cy@example.com, name: Cy Park }
    checkins:
      - name: weekly
        schedule: "mon 10:00"
        window: 48h
        questions:
          - { key: done, text: "What did you get done?" }
          - { key: next, text: "What is next?" }
    one_on_ones:
      - lead: ben@example.com
        member: ana@example.com
        schedule: "every 2nd tue 15:00 from 2026-12-08"
        prepare: 48h
        agenda: 3h
        feedback: true
`

// sim runs the real services on one store with a clock it moves: the
// prompt scheduler, the one-on-one scheduler, the digest scheduler and
// delivery to an SMTP sink, with replies sent over SMTP to the real
// receiver and applied by the real processor.
type sim struct {
	t        *testing.T
	ctx      context.Context
	dsn      string
	db       *store.DB
	d        *deps
	sink     *mailtest.Sink
	now      time.Time
	rcvAddr  string
	proc     *inbound.Processor
	ones     *oneonone.Service
	prompter *outbound.Prompter
	dl       *outbound.Deliverer
	digests  *digest.Service
	sched    *digest.Scheduler
	cfgPath  string
}

// leakyApplier is the deliberate bug of the privacy mutation test: it
// applies a one-on-one reply and also files its answers as the sender's
// check-in update, where the team digest reads them.
type leakyApplier struct {
	inner inbound.OneOnOneApplier
}

func (l leakyApplier) ApplyReply(ctx context.Context, tx *store.DB, in *store.InboundMessage, entryID int64) (string, string, error) {
	status, reason, err := l.inner.ApplyReply(ctx, tx, in, entryID)
	if err != nil {
		return status, reason, err
	}
	e, err := tx.OneOnOneEntryByID(ctx, entryID)
	if err != nil || len(e.Answers) == 0 {
		return status, reason, err
	}
	rows, err := tx.FindPrompts(ctx, store.PromptFilter{})
	if err != nil {
		return status, reason, err
	}
	for _, r := range rows {
		if r.Prompt.MemberID == e.PersonID {
			_, _, err := tx.SaveUpdate(ctx, store.UpdateInput{PromptID: r.Prompt.ID, Answers: e.Answers, InboundID: in.ID, AnsweredAt: in.ReceivedAt})
			return status, reason, err
		}
	}
	return status, reason, nil
}

func newSim(t *testing.T, backend string, start time.Time, leak bool) *sim {
	t.Helper()
	s := &sim{t: t, ctx: context.Background(), now: start, sink: mailtest.NewSink(t)}
	dir := t.TempDir()
	s.dsn = filepath.Join(dir, "tidings.db")
	if backend == "postgres" {
		s.dsn = storetest.PostgresDSN(t)
	}
	s.cfgPath = filepath.Join(dir, "tidings.yaml")
	if err := os.WriteFile(s.cfgPath, []byte(fmt.Sprintf(simConfig, s.sink.URL())), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(s.cfgPath, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.Database = s.dsn
	if s.db, err = store.Open(s.ctx, s.dsn, store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.db.Close() })
	if _, err := s.db.Sync(s.ctx, cfg.Specs()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.SyncOneOnOnes(s.ctx, cfg.OneOnOneSpecs()); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return s.now }
	if s.d, err = newDeps(s.ctx, cfg, s.db, discardLog(), nil, clock); err != nil {
		t.Fatal(err)
	}
	opts, err := s.d.inboundOptions()
	if err != nil {
		t.Fatal(err)
	}
	opts.LookupTXT = func(string) ([]string, error) { return nil, errors.New("no DNS in tests") }
	if leak {
		opts.OneOnOnes = leakyApplier{inner: opts.OneOnOnes}
	}
	rcv := inbound.NewReceiver(s.db, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go rcv.Serve(ln)
	t.Cleanup(func() { rcv.Shutdown(context.Background()) })
	s.rcvAddr = ln.Addr().String()
	if s.proc, err = inbound.NewProcessor(s.db, opts); err != nil {
		t.Fatal(err)
	}
	if s.ones, err = s.d.oneOnOnes(); err != nil {
		t.Fatal(err)
	}
	if s.prompter, err = s.d.prompter(); err != nil {
		t.Fatal(err)
	}
	if s.dl, err = s.d.deliverer(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.dl.Close() })
	if s.digests, err = s.d.digestService(); err != nil {
		t.Fatal(err)
	}
	s.sched = digest.NewScheduler(s.db, digest.SchedulerOptions{})
	return s
}

// runUntil moves the clock an hour at a time up to end, running every
// scheduler at each step and delivering what they queued.
func (s *sim) runUntil(end time.Time) {
	s.t.Helper()
	for ; !s.now.After(end); s.now = s.now.Add(time.Hour) {
		s.tick()
	}
	s.now = end
}

func (s *sim) tick() {
	s.t.Helper()
	if _, err := s.prompter.SendDue(s.ctx, s.now); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.ones.Tick(s.ctx, s.now); err != nil {
		s.t.Fatal(err)
	}
	due, err := s.sched.Due(s.ctx, s.now)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, a := range due {
		if _, err := s.digests.Send(s.ctx, a.TeamID, a.Period, digest.SendOptions{Zone: a.Zone}); err != nil {
			s.t.Fatal(err)
		}
	}
	if _, err := s.dl.Flush(s.ctx); err != nil {
		s.t.Fatal(err)
	}
}

// mails returns every message the sink received.
func (s *sim) mails() []mailtest.Received { return s.sink.Messages() }

// last returns the latest message to rcpt whose Subject contains subj.
func (s *sim) last(rcpt, subj string) mailtest.Received {
	s.t.Helper()
	ms := s.mails()
	for i := len(ms) - 1; i >= 0; i-- {
		if len(ms[i].To) == 1 && ms[i].To[0] == rcpt && strings.Contains(decodeHeader(ms[i].Header("Subject")), subj) {
			return ms[i]
		}
	}
	s.t.Fatalf("no message to %s with subject %q", rcpt, subj)
	return mailtest.Received{}
}

// lastOf returns the latest message of the outbound kind ("prompt",
// "reminder", "digest", …) delivered to rcpt.
func (s *sim) lastOf(rcpt, kind string) mailtest.Received {
	s.t.Helper()
	rows, err := s.db.FindOutbound(s.ctx, store.OutboundFilter{Kind: kind, Limit: 100000})
	if err != nil {
		s.t.Fatal(err)
	}
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Recipient != rcpt {
			continue
		}
		for _, m := range s.mails() {
			if strings.Trim(m.Header("Message-ID"), "<>") == rows[i].MessageID {
				return m
			}
		}
	}
	s.t.Fatalf("no %s delivered to %s", kind, rcpt)
	return mailtest.Received{}
}

// reply sends a complete reply from `from` to the Reply-To of to (or to
// rcpt when given) over SMTP, then processes what the receiver stored.
func (s *sim) reply(from, name string, to mailtest.Received, body string) {
	s.t.Helper()
	rcpt := strings.Trim(to.Header("Reply-To"), "<>")
	if rcpt == "" {
		s.t.Fatalf("message %q has no Reply-To", to.Header("Subject"))
	}
	s.send(from, rcpt, fmt.Sprintf("From: %s <%s>\r\nTo: %s\r\nSubject: Re: %s\r\nDate: %s\r\n"+
		"Message-ID: <sim-%d@example.com>\r\nIn-Reply-To: %s\r\nReferences: %s\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\nOn %s Tidings <checkins@tidings.example.com> wrote:\r\n> (quoted)\r\n",
		name, from, rcpt, decodeHeader(to.Header("Subject")), s.now.Format(time.RFC1123Z), s.now.UnixNano(),
		to.Header("Message-ID"), to.Header("Message-ID"), strings.ReplaceAll(body, "\n", "\r\n"), s.now.Add(-time.Hour).Format("Mon, 2 Jan 2006")))
}

// send delivers raw to rcpt over SMTP and processes it.
func (s *sim) send(from, rcpt, raw string) {
	s.t.Helper()
	if err := smtp.SendMail(s.rcvAddr, nil, from, []string{rcpt}, []byte(raw)); err != nil {
		s.t.Fatalf("SMTP to %s refused: %v", rcpt, err)
	}
	ins, err := s.db.FindInbound(s.ctx, store.InboundFilter{Status: store.InboundReceived})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, in := range ins {
		if err := s.proc.Process(s.ctx, in.ID); err != nil {
			s.t.Fatal(err)
		}
		got, _ := s.db.InboundByID(s.ctx, in.ID)
		if got.Status != store.InboundApplied {
			s.t.Fatalf("message to %s: %s (%s %s)", rcpt, got.Status, got.Reason, got.Error)
		}
	}
	if _, err := s.dl.Flush(s.ctx); err != nil {
		s.t.Fatal(err)
	}
}

// cli runs the tidings CLI on the simulation's store and configuration.
func (s *sim) cli(args ...string) string {
	s.t.Helper()
	s.t.Setenv("TIDINGS_DATABASE", s.dsn)
	out, errOut, code := run(s.t, s.ctx, "", append([]string{"--config", s.cfgPath, "--log-level", "error"}, args...)...)
	if code != 0 {
		s.t.Fatalf("tidings %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// readable is a message's headers and every part decoded (quoted-printable,
// base64, charsets), so a search finds text however it was encoded.
func readable(t *testing.T, raw []byte) string {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		t.Fatalf("unreadable message: %v", err)
	}
	var b strings.Builder
	fields := e.Header.Fields()
	for fields.Next() {
		v, _ := fields.Text()
		b.WriteString(fields.Key() + ": " + v + "\n")
	}
	err = e.Walk(func(_ []int, p *message.Entity, err error) error {
		if err != nil {
			return err
		}
		if mr := p.MultipartReader(); mr != nil {
			return nil
		}
		body, err := io.ReadAll(p.Body)
		b.Write(body)
		b.WriteString("\n")
		return err
	})
	if err != nil {
		t.Fatalf("walking message: %v", err)
	}
	return b.String()
}

func decodeHeader(s string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// partsOf returns a message's decoded text/plain and text/html parts.
func partsOf(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		t.Fatalf("unreadable message: %v", err)
	}
	out := map[string]string{}
	err = e.Walk(func(_ []int, p *message.Entity, err error) error {
		if err != nil || p.MultipartReader() != nil {
			return err
		}
		ct, _, _ := p.Header.ContentType()
		b, err := io.ReadAll(p.Body)
		out[ct] = strings.ReplaceAll(string(b), "\r\n", "\n")
		return err
	})
	if err != nil {
		t.Fatalf("walking message: %v", err)
	}
	return out
}
