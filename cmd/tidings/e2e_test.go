package main

import (
	"context"
	"fmt"
	"net/smtp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestEndToEnd boots the whole service the way `tidings serve` does (real
// SMTP receiver, River workers, relay delivery to a sink), then walks the
// product loop: welcome mail, a prompt at 09:00 in the member's zone, a
// reply over SMTP that becomes an update, and a digest that arrives with it.
func TestEndToEnd(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			tempEnv(t)
			if b.Name == "postgres" {
				t.Setenv("TIDINGS_DATABASE", storetest.PostgresDSN(t))
			}
			endToEnd(t)
		})
	}
}

func endToEnd(t *testing.T) {
	sink := mailtest.NewSink(t)
	t.Setenv("TIDINGS_RELAY", sink.URL())

	// Pin the services' clock to four hours after Ana's next 09:00 in São
	// Paulo (and Ben's in Berlin the same day): the prompt is due.
	sched, _ := store.ParseSchedule("mon-fri 09:00")
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	var clock atomic.Int64
	clock.Store(sched.Next(time.Now(), sp).Add(4 * time.Hour).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := &app{configPath: "../../examples/tidings.yaml", stdout: &strings.Builder{}, stderr: testLog{t}, logLevel: "warn", now: now}
	cfg, err := a.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.startServer(ctx, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()

	welcomes := sink.WaitFor(2, 30*time.Second)
	for _, m := range welcomes {
		if !strings.Contains(m.Header("Subject"), "Platform team") {
			t.Errorf("welcome subject = %q", m.Header("Subject"))
		}
	}

	if sum, err := s.svc.prompter.SendDue(ctx, now()); err != nil || sum.Queued != 2 {
		t.Fatalf("SendDue at %s = %+v, %v; want 2 prompts queued", now(), sum, err)
	}
	msgs := sink.WaitFor(4, 30*time.Second)
	prompt := findTo(t, msgs[2:], "ana@example.com")
	replyTo := strings.Trim(prompt.Header("Reply-To"), "<>")
	if !strings.HasPrefix(replyTo, "reply+") {
		t.Fatalf("prompt Reply-To = %q", prompt.Header("Reply-To"))
	}

	body := fmt.Sprintf("From: Ana Lima <ana@example.com>\r\nTo: %s\r\nSubject: Re: %s\r\n"+
		"Message-ID: <e2e-1@example.com>\r\nIn-Reply-To: %s\r\nDate: %s\r\n\r\n"+
		"Yesterday: shipped the billing export\r\nToday: review escaping\r\nBlockers: waiting on VPN access\r\n\r\n"+
		"On Fri, Nov 27, 2026 at 9:00 AM Tidings wrote:\r\n> 1. What did you get done yesterday?\r\n",
		replyTo, prompt.Header("Subject"), prompt.Header("Message-ID"), now().Format(time.RFC1123Z))
	if err := smtp.SendMail(s.smtpLn.Addr().String(), nil, "ana@example.com", []string{replyTo}, []byte(body)); err != nil {
		t.Fatalf("reply refused: %v", err)
	}
	ups := waitForUpdates(t, s.svc.db, 1)
	if ups[0].Answers[0].Text != "shipped the billing export" || !ups[0].HasBlocker {
		t.Errorf("update = %+v", ups[0])
	}

	dig, err := s.svc.deps.digestService()
	if err != nil {
		t.Fatal(err)
	}
	team, _ := s.svc.db.FindTeam(ctx, "platform")
	if _, err := dig.Send(ctx, team.ID, "", digest.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	msgs = sink.WaitFor(6, 30*time.Second)
	digestMsg := findTo(t, msgs[4:], "ben@example.com")
	text := string(digestMsg.Data)
	for _, want := range []string{"waiting on VPN access", "shipped the billing export", "Precedence: bulk", "List-Unsubscribe-Post"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q", want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
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
