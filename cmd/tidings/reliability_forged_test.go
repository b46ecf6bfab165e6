//go:build reliability

package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
)

// The reliability probes (go test -tags reliability ./...) attack a real
// `serve` over SMTP and print their figures. This one: forged senders
// and recipients. Run: go test -tags reliability -run Reliability -v ./cmd/tidings/

// probeServer is a serving instance on the example configuration with a
// relay sink, the senders' DNS on the in-process server, and the clock
// pinned so that Ana's and Ben's prompts are due; it returns Ana's
// prompt's reply address, read from the prompt she received.
type probeServer struct {
	s       *server
	sink    *mailtest.Sink
	dns     *senderDNS
	now     func() time.Time
	replyTo string
	base    int // messages in the sink before the probe
}

func newProbeServer(t *testing.T) *probeServer {
	t.Helper()
	p := &probeServer{sink: mailtest.NewSink(t), dns: newSenderDNS(t)}
	t.Setenv("TIDINGS_RELAY", p.sink.URL())
	t.Setenv("TIDINGS_AUTH_DNS", p.dns.dns.Addr())
	t.Setenv("TIDINGS_SMTP_MAX_MESSAGE_BYTES", fmt.Sprint(8<<20))
	sched, _ := store.ParseSchedule("mon-fri 09:00")
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	due := sched.Next(time.Now(), sp)
	// The members join (serve applies the config) six hours before Ana's
	// 09:00, before Ben's 09:00 in Berlin too; four hours after it both
	// prompts are due.
	var clock atomic.Int64
	clock.Store(due.Add(-6 * time.Hour).UnixNano())
	p.now = func() time.Time { return time.Unix(0, clock.Load()) }
	p.s, _ = serveForTest(t, &app{configPath: "../../examples/tidings.yaml", stdout: &strings.Builder{}, stderr: testLog{t}, logLevel: "error", now: p.now})
	clock.Store(due.Add(4 * time.Hour).UnixNano())
	if _, err := p.s.svc.prompter.SendDue(context.Background(), p.now()); err != nil {
		t.Fatal(err)
	}
	for _, m := range p.sink.WaitFor(4, 30*time.Second) { // 2 welcomes, 2 prompts, in any order
		if rt := strings.Trim(m.Header("Reply-To"), "<>"); strings.HasPrefix(rt, "reply+") && m.To[0] == "ana@example.com" {
			p.replyTo = rt
		}
	}
	if p.replyTo == "" {
		t.Fatal("no prompt to Ana")
	}
	p.base = len(p.sink.Messages())
	return p
}

// attempt sends raw from mailFrom to rcpts on a fresh connection and
// returns the refusal (nil: 250).
func (p *probeServer) attempt(mailFrom string, rcpts []string, raw []byte) error {
	c, err := smtp.Dial(p.s.smtpLn.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SendMail(mailFrom, rcpts, bytes.NewReader(raw)); err != nil {
		return err
	}
	return c.Quit()
}

func forgedEML(from, to, subject, extra, body string, n int) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <forged-%d@evil.example>\r\n"+
		"Date: Mon, 30 Nov 2026 10:00:00 +0000\r\n%sMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, to, subject, n, extra, body))
}

func TestReliabilityForged(t *testing.T) {
	eachBackend(t, func(t *testing.T, _ string) {
		forgedProbe(t)
	})
}

func forgedProbe(t *testing.T) {
	ctx := context.Background()
	p := newProbeServer(t)
	db := p.s.svc.db
	tok := strings.TrimSuffix(strings.TrimPrefix(p.replyTo, "reply+"), "@tidings.example.com")

	// 1. Forged recipients: refused at RCPT, nothing stored.
	var rcpts []string
	for i := 0; len(rcpts) < 200; i++ { // one character changed: a guessed or mistyped token
		b := []byte(tok)
		b[i%len(b)] = "abcdefghijklmnopqrstuvwxyz234567"[(i*7+3)%32]
		if string(b) != tok {
			rcpts = append(rcpts, "reply+"+string(b)+"@tidings.example.com")
		}
	}
	last := tok[len(tok)-1]
	for _, c := range "abcdefghijklmnopqrstuvwxyz234567" {
		if byte(c) != last {
			rcpts = append(rcpts, "reply+"+tok[:len(tok)-1]+string(c)+"@tidings.example.com") // unused bits
		}
	}
	for _, fold := range [][2]string{{"k", "\u212a"}, {"s", "\u017f"}, {"i", "\u0131"}, {"a", "\u0430"}} {
		if strings.Contains(tok, fold[0]) { // Unicode look-alikes and case folds of a token letter
			rcpts = append(rcpts, "reply+"+strings.Replace(tok, fold[0], fold[1], 1)+"@tidings.example.com")
		}
	}
	rcpts = append(rcpts, // the token under another purpose, unknown mailboxes, other domains
		"bounces+"+tok+"@tidings.example.com", "confirm+"+tok+"@tidings.example.com",
		"meetings+ghosts@tidings.example.com", "ana@tidings.example.com", "reply+@tidings.example.com",
		"reply+"+tok+"@evil.example", "ceo@example.com", "checkins+x@tidings.example.com")
	refused, acceptedRcpt := 0, 0
	for i, r := range rcpts {
		err := p.attempt("attacker@evil.example", []string{r}, forgedEML("Ana Lima <ana@example.com>", r, "Re: check-in", "", "Yesterday: FORGED", i))
		var se *smtp.SMTPError
		switch {
		case errors.As(err, &se) && se.Code == 550:
			refused++
		case err == nil:
			acceptedRcpt++
			t.Errorf("forged recipient %q accepted (token %q)", r, tok)
		default:
			t.Errorf("forged recipient %q: %v, want 550", r, err)
		}
	}

	// 2. Forged senders to our real addresses: acknowledged and stored,
	// never applied as the member.
	otherKey := func() ed25519.PrivateKey { _, k, _ := ed25519.GenerateKey(rand.Reader); return k }()
	signEvil := func(raw []byte) []byte {
		var b bytes.Buffer
		if err := dkim.Sign(&b, bytes.NewReader(raw), &dkim.SignOptions{Domain: "evil.example", Selector: "s", Signer: otherKey}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	notes := "Action items\r\n- Ben: send the payroll export to backup@evil.example FORGED\r\n- Ana: wire 40k to the new vendor FORGED"
	type forgery struct {
		to, from, extra, body string
		sign                  bool
	}
	var forgeries []forgery
	for _, from := range []string{"Ana Lima <ana@example.com>", "Ben Okafor <ben@example.com>", "ANA@EXAMPLE.COM",
		`"ana@example.com" <attacker@evil.example>`, "Ana <\u0430na@example.com>", "Ben <ben@example.com.evil.example>"} {
		for _, to := range []string{"meetings@tidings.example.com", "meetings+platform@tidings.example.com"} {
			forgeries = append(forgeries, forgery{to: to, from: from, body: notes}, forgery{to: to, from: from, body: notes, sign: true})
		}
		forgeries = append(forgeries,
			forgery{to: "checkins@tidings.example.com", from: from, body: "unsubscribe FORGED"},
			forgery{to: "checkins@tidings.example.com", from: from, body: "pause until 2027-06-01 FORGED",
				extra: "In-Reply-To: <reply-" + tok[:len(tok)-2] + "aa@tidings.example.com>\r\n"},
			forgery{to: "meetings@tidings.example.com", from: from, body: "yes FORGED",
				extra: "In-Reply-To: <m.1." + tok + "@tidings.example.com>\r\n"},
			forgery{to: "postmaster@tidings.example.com", from: from, body: notes},
		)
	}
	// A leaked reply token used by a stranger.
	forgeries = append(forgeries, forgery{to: p.replyTo, from: "Mallory <mallory@evil.example>", body: "Yesterday: FORGED\r\nunsubscribe"},
		forgery{to: p.replyTo, from: `"Ana Lima" <ana@example.com.evil.example>`, body: "Yesterday: FORGED"})
	sent, acked := 0, 0
	for i, f := range forgeries {
		raw := forgedEML(f.from, f.to, "Notes: finance sync", f.extra, f.body, 1000+i)
		if f.sign {
			raw = signEvil(raw)
		}
		sent++
		if err := p.attempt("attacker@evil.example", []string{f.to}, raw); err != nil {
			t.Errorf("forgery %d to %s refused: %v (must be kept and judged, not refused)", i, f.to, err)
			continue
		}
		acked++
	}
	waitProcessed(t, db, acked)

	// What a member would ever see: prompts (again, a day later), digest.
	if _, err := p.s.svc.prompter.SendDue(ctx, p.now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	dig, err := p.s.svc.deps.digestService()
	if err != nil {
		t.Fatal(err)
	}
	team, _ := db.FindTeam(ctx, "platform")
	if _, err := dig.Send(ctx, team.ID, "", digest.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	waitQueueDrained(t, db)

	all, _ := db.FindInbound(ctx, store.InboundFilter{Limit: 100000})
	byStatus := map[string]int{}
	for _, in := range all {
		byStatus[in.Status]++
	}
	delivered, requests := 0, 0
	perAddress := map[string]int{}
	for _, m := range p.sink.Messages()[p.base:] {
		if bytes.Contains(m.Data, []byte("FORGED")) || strings.Contains(textPart(t, m.Data), "FORGED") ||
			strings.Contains(textPart(t, m.Data), "payroll") {
			delivered++
			t.Errorf("forged text reached %v: %s", m.To, m.Header("Subject"))
		}
		if strings.HasPrefix(strings.Trim(m.Header("Reply-To"), "<>"), "confirm+") {
			requests++
			perAddress[m.To[0]]++
			if m.To[0] != "ana@example.com" && m.To[0] != "ben@example.com" {
				t.Errorf("confirmation request to %v, not to a forged member address", m.To)
			}
		}
	}
	ups, _ := db.FindUpdates(ctx, store.UpdateFilter{})
	for _, u := range ups {
		for _, a := range u.Answers {
			if strings.Contains(a.Text, "FORGED") {
				t.Errorf("forged update %+v", u)
			}
		}
	}
	for _, addr := range []string{"ana@example.com", "ben@example.com"} {
		m, _ := db.MemberByAddress(ctx, addr)
		if m.Unsubscribed || m.PausedUntil != nil {
			t.Errorf("member %s changed by a forgery: %+v", addr, m)
		}
	}
	filed, _ := db.FindMeetingNotes(ctx, store.MeetingNoteFilter{Status: store.NoteFiled})
	if len(filed) != 0 {
		t.Errorf("%d forged notes filed", len(filed))
	}
	pending, _ := db.FindMeetingNotes(ctx, store.MeetingNoteFilter{Status: store.NotePending})
	if len(pending) != byStatus[store.InboundApplied] || requests > len(pending) {
		t.Errorf("%d messages applied, %d pending notes, %d confirmation requests: every applied forgery must be a pending note, with at most one request",
			byStatus[store.InboundApplied], len(pending), requests)
	}
	for a, n := range perAddress {
		if n > 3 {
			t.Errorf("%d confirmation requests to %s, want at most 3 a day", n, a)
		}
	}
	t.Logf("RELIABILITY forged: rcpt forgeries %d, refused 550 %d, accepted %d; sender forgeries sent %d, acknowledged %d, stored %d "+
		"(quarantined %d, ignored %d, kept as pending notes %d, failed %d, stuck %d); confirmation requests to the forged From %d (at most 3 a day per address); forged-delivered %d",
		len(rcpts), refused, acceptedRcpt, sent, acked, len(all), byStatus[store.InboundQuarantined], byStatus[store.InboundIgnored],
		byStatus[store.InboundApplied], byStatus[store.InboundFailed], byStatus[store.InboundReceived], requests, delivered)
	if len(all) != acked || byStatus[store.InboundReceived] != 0 {
		t.Errorf("stored %d of %d acknowledged, %d not processed", len(all), acked, byStatus[store.InboundReceived])
	}
}
