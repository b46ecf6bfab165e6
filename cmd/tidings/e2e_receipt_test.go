package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
)

// TestReceiptEndToEnd boots the service as `tidings serve` does, with a
// relay sink, and proves that a free-text reply (the parser had to guess)
// gets one receipt through the usual outbound delivery, threaded on the
// member's message and answering to the prompt; that a reply to it with
// one heading amends only that answer; and that no second receipt is
// sent for the prompt.
func TestReceiptEndToEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, _ string) {
		receiptEndToEnd(t)
	})
}

func receiptEndToEnd(t *testing.T) {
	ctx := context.Background()
	sink := mailtest.NewSink(t)
	t.Setenv("TIDINGS_RELAY", sink.URL())
	sched, _ := store.ParseSchedule("mon-fri 09:00")
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	due := sched.Next(time.Now(), sp)
	var clock atomic.Int64
	clock.Store(due.Add(-6 * time.Hour).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	s, _ := serveForTest(t, &app{configPath: "../../examples/tidings.yaml", stdout: &strings.Builder{}, stderr: testLog{t}, logLevel: "warn", now: now})
	sink.WaitFor(2, 30*time.Second) // welcomes

	clock.Store(due.Add(4 * time.Hour).UnixNano())
	if _, err := s.svc.prompter.SendDue(ctx, now()); err != nil {
		t.Fatal(err)
	}
	prompt := findTo(t, sink.WaitFor(4, 30*time.Second)[2:], "ana@example.com")
	replyTo := strings.Trim(prompt.Header("Reply-To"), "<>")

	first := fmt.Sprintf("From: Ana Lima <ana@example.com>\r\nTo: %s\r\nSubject: Re: Daily check-in\r\n"+
		"Message-ID: <e2e-r1@example.com>\r\nIn-Reply-To: %s\r\nReferences: %s\r\nDate: %s\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Spent the day on the billing export and the review for Ben, more of the\r\nsame tomorrow.\r\n\r\n"+
		"On Tue, Dec 1, 2026 at 9:00 AM Tidings wrote:\r\n> What did you get done yesterday?\r\n",
		replyTo, prompt.Header("Message-ID"), prompt.Header("Message-ID"), now().Format(time.RFC1123Z))
	sendSMTP(t, s, "ana@example.com", replyTo, first)
	receipt := sink.WaitFor(5, 30*time.Second)[4]
	if len(receipt.To) != 1 || receipt.To[0] != "ana@example.com" || receipt.Header("In-Reply-To") != "<e2e-r1@example.com>" ||
		strings.Trim(receipt.Header("Reply-To"), "<>") != replyTo || !strings.Contains(receipt.Header("From"), "checkins@tidings.example.com") {
		t.Fatalf("receipt to %v, headers From %q In-Reply-To %q Reply-To %q", receipt.To, receipt.Header("From"),
			receipt.Header("In-Reply-To"), receipt.Header("Reply-To"))
	}
	text := strings.Join(strings.Fields(textPart(t, receipt.Data)), " ")
	for _, want := range []string{"Yesterday — What did you get done yesterday? Spent the day on the billing export",
		"Today — What are you working on today? (nothing filed)",
		"Reply with Yesterday: / Today: / Blockers: headings; a reply with only some headings changes only those."} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}

	second := fmt.Sprintf("From: Ana Lima <ana@example.com>\r\nTo: %s\r\nSubject: Re: Daily check-in\r\n"+
		"Message-ID: <e2e-r2@example.com>\r\nIn-Reply-To: %s\r\nDate: %s\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nToday: more of the billing export\r\nBlockers: none\r\n\r\n"+
		"> Hi Ana, your answers to the daily check-in are filed.\r\n",
		replyTo, receipt.Header("Message-ID"), now().Add(time.Minute).Format(time.RFC1123Z))
	sendSMTP(t, s, "ana@example.com", replyTo, second)
	u := waitForVersion(t, s.svc.db, 2)
	got := map[string]string{}
	for _, a := range u.Answers {
		got[a.Key] = a.Text
	}
	if !strings.HasPrefix(got["done"], "Spent the day on the billing export") || got["today"] != "more of the billing export" ||
		got["blockers"] != "none" || u.HasBlocker {
		t.Errorf("amended update = %+v", u)
	}
	if outs, err := s.svc.db.FindOutbound(ctx, store.OutboundFilter{Kind: "receipt"}); err != nil || len(outs) != 1 {
		t.Errorf("receipts queued = %d (%v), want 1", len(outs), err)
	}
}

// waitForVersion waits until the one update reaches version v.
func waitForVersion(t *testing.T, db *store.DB, v int) store.UpdateView {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ups, err := db.FindUpdates(context.Background(), store.UpdateFilter{})
		if err == nil && len(ups) == 1 && ups[0].Version >= v {
			return ups[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("updates = %+v (%v), want one at version %d", ups, err, v)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
