package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/smtp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	msgmail "github.com/emersion/go-message/mail"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
)

// TestEndToEnd boots the whole service the way `tidings serve` does (real
// SMTP receiver, River workers, relay delivery to a sink), then walks the
// product loop: welcome mail, a prompt at 09:00 in the member's zone, a
// reply over SMTP that becomes an update, and a digest that arrives with it.
func TestEndToEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, _ string) {
		endToEnd(t)
	})
}

func endToEnd(t *testing.T) {
	sink := mailtest.NewSink(t)
	t.Setenv("TIDINGS_RELAY", sink.URL())
	sender := newSenderDNS(t)
	t.Setenv("TIDINGS_AUTH_DNS", sender.dns.Addr())

	// Pin the services' clock six hours before Ana's next 09:00 in São
	// Paulo, which is before Ben's 09:00 in Berlin the same day: nothing is
	// due yet, whatever the periodic scheduler does meanwhile.
	sched, _ := store.ParseSchedule("mon-fri 09:00")
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	due := sched.Next(time.Now(), sp)
	var clock atomic.Int64
	clock.Store(due.Add(-6 * time.Hour).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }

	ctx := context.Background()
	s, _ := serveForTest(t, &app{configPath: "../../examples/tidings.yaml", stdout: &strings.Builder{}, stderr: testLog{t}, logLevel: "warn", now: now})

	welcomes := sink.WaitFor(2, 30*time.Second)
	for _, m := range welcomes {
		if !strings.Contains(m.Header("Subject"), "Platform team") {
			t.Errorf("welcome subject = %q", m.Header("Subject"))
		}
	}

	// Ana forwards yesterday's meeting notes (DKIM-signed by her provider,
	// so DMARC passes); she gets a confirmation in the same thread and
	// Ben's item is on his next prompt.
	sendSMTP(t, s, "ana@example.com", "meetings+platform@tidings.example.com", sender.sign(t, meetingForward(now())))
	confirm := sink.WaitFor(3, 30*time.Second)[2]
	if confirm.Header("In-Reply-To") != "<e2e-fwd@example.com>" || !strings.Contains(string(confirm.Data), "Ben Okafor") {
		t.Errorf("confirmation: In-Reply-To %q\n%s", confirm.Header("In-Reply-To"), confirm.Data)
	}

	// Four hours after Ana's 09:00: both prompts are due. The periodic
	// scheduler may queue them before this call does; either way once.
	clock.Store(due.Add(4 * time.Hour).UnixNano())
	if _, err := s.svc.prompter.SendDue(ctx, now()); err != nil {
		t.Fatal(err)
	}
	msgs := sink.WaitFor(5, 30*time.Second)
	if benPrompt := findTo(t, msgs[3:], "ben@example.com"); !strings.Contains(string(benPrompt.Data), "draft the staffing plan") {
		t.Errorf("Ben's prompt does not list his action item:\n%s", benPrompt.Data)
	}
	prompt := findTo(t, msgs[3:], "ana@example.com")
	if pt := strings.ReplaceAll(textPart(t, prompt.Data), "\r\n", "\n"); !strings.Contains(pt, "Your update on the web, once you have replied:\nhttps://tidings.example.com/l/") {
		t.Errorf("prompt lacks the signed link to the team's archive page:\n%s", prompt.Data)
	}
	replyTo := strings.Trim(prompt.Header("Reply-To"), "<>")
	if !strings.HasPrefix(replyTo, "reply+") {
		t.Fatalf("prompt Reply-To = %q", prompt.Header("Reply-To"))
	}

	body := fmt.Sprintf("From: Ana Lima <ana@example.com>\r\nTo: %s\r\nSubject: Re: %s\r\n"+
		"Message-ID: <e2e-1@example.com>\r\nIn-Reply-To: %s\r\nDate: %s\r\n\r\n"+
		"Yesterday: shipped the billing export\r\nToday: review escaping\r\nBlockers: waiting on VPN access\r\n\r\n"+
		"On Fri, Nov 27, 2026 at 9:00 AM Tidings wrote:\r\n> 1. What did you get done yesterday?\r\n",
		replyTo, prompt.Header("Subject"), prompt.Header("Message-ID"), now().Format(time.RFC1123Z))
	sendSMTP(t, s, "ana@example.com", replyTo, body)
	benPrompt := findTo(t, msgs[3:], "ben@example.com")
	sendSMTP(t, s, "ben@example.com", strings.Trim(benPrompt.Header("Reply-To"), "<>"),
		"From: Ben Okafor <ben@example.com>\r\nTo: "+benPrompt.Header("Reply-To")+"\r\nSubject: Re: check-in\r\n"+
			"Message-ID: <e2e-2@example.com>\r\nDate: "+now().Format(time.RFC1123Z)+"\r\n\r\n"+
			"Yesterday: interviews\r\nToday: hiring loop\r\nBlockers: none\r\ndone: staffing plan\r\n")
	ups := waitForUpdates(t, s.svc.db, 2)
	for _, u := range ups {
		if u.MemberEmail == "ana@example.com" && (u.Answers[0].Text != "shipped the billing export" || !u.HasBlocker) ||
			u.MemberEmail == "ben@example.com" && u.HasBlocker {
			t.Errorf("update = %+v", u)
		}
	}
	ben, _ := s.svc.db.MemberByAddress(ctx, "ben@example.com")
	if open, err := s.svc.db.OpenActionItems(ctx, ben.ID); err != nil || len(open) != 0 {
		t.Errorf("Ben's open items after \"done: staffing plan\" = %+v, %v", open, err)
	}

	dig, err := s.svc.deps.digestService()
	if err != nil {
		t.Fatal(err)
	}
	team, _ := s.svc.db.FindTeam(ctx, "platform")
	if _, err := dig.Send(ctx, team.ID, "", digest.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	msgs = sink.WaitFor(7, 30*time.Second)
	digestMsg := findTo(t, msgs[5:], "ben@example.com")
	text := digestMsg.Header("Precedence") + digestMsg.Header("List-Unsubscribe-Post") + textPart(t, digestMsg.Data)
	for _, want := range []string{"Read this digest on the web: https://tidings.example.com/l/", "waiting on VPN access", "shipped the billing export", "bulk",
		"One-Click", "Q1 capacity planning sync", "Freeze the billing export schema", "✓ Ben Okafor — draft the staffing plan"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q", want)
		}
	}
	if n := len(sink.Messages()); n != 7 {
		t.Errorf("sink got %d messages, want 7 (2 welcomes, 1 confirmation, 2 prompts, 2 digests)", n)
	}
}

func sendSMTP(t *testing.T, s *server, from, to, body string) {
	t.Helper()
	if err := smtp.SendMail(s.smtpLn.Addr().String(), nil, from, []string{to}, []byte(body)); err != nil {
		t.Fatalf("SMTP to %s refused: %v", to, err)
	}
}

// meetingForward is a Gmail forward of notes from the day before now.
func meetingForward(now time.Time) string {
	orig := now.Add(-24 * time.Hour)
	return "From: Ana Lima <ana@example.com>\r\nTo: meetings+platform@tidings.example.com\r\n" +
		"Subject: Fwd: Notes: Q1 capacity planning sync\r\nMessage-ID: <e2e-fwd@example.com>\r\n" +
		"Date: " + now.Format(time.RFC1123Z) + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Filing yesterday's notes.\r\n\r\n---------- Forwarded message ---------\r\n" +
		"From: Dana Ortiz <dana@corp.example>\r\nDate: " + orig.Format("Mon, Jan 2, 2006 at 3:04 PM") + "\r\n" +
		"Subject: Notes: Q1 capacity planning sync\r\nTo: Platform <platform@corp.example>\r\n\r\n" +
		"Decisions\r\n- Freeze the billing export schema on Dec 4.\r\n\r\n" +
		"Action items\r\n- Ben to draft the staffing plan by Friday\r\n"
}

func findTo(t *testing.T, msgs []mailtest.Received, rcpt string) mailtest.Received {
	t.Helper()
	for _, m := range msgs {
		for _, to := range m.To {
			if to == rcpt {
				return m
			}
		}
	}
	t.Fatalf("no message to %s among %d", rcpt, len(msgs))
	return mailtest.Received{}
}

func waitForUpdates(t *testing.T, db *store.DB, n int) []store.UpdateView {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ups, err := db.FindUpdates(context.Background(), store.UpdateFilter{})
		if err == nil && len(ups) >= n {
			return ups
		}
		if time.Now().After(deadline) {
			t.Fatalf("updates = %d (%v), want %d", len(ups), err, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// textPart returns the decoded text/plain part of a message.
func textPart(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := msgmail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if err != nil {
			t.Fatalf("no text/plain part: %v", err)
		}
		h, ok := p.Header.(*msgmail.InlineHeader)
		if !ok {
			continue
		}
		if ct, _, _ := h.ContentType(); ct == "text/plain" {
			b, _ := io.ReadAll(p.Body)
			return string(b)
		}
	}
}
