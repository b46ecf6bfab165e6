package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
)

// TestForgedMeetingNoteReachesNobody reproduces issue 13's attack against
// a running `serve` over real SMTP: meeting notes forged with a member's
// From address (no DKIM: the forger cannot sign for example.com, whose
// DMARC policy is published on the in-process DNS server) naming that
// member as owner of "send the payroll export to backup@evil.example".
// The notes must appear in nobody's next prompt nor in the digest; the
// only mail they cause is one confirmation request to the From address
// itself, which repeats none of their text.
func TestForgedMeetingNoteReachesNobody(t *testing.T) {
	eachBackend(t, func(t *testing.T, _ string) {
		forgedNote(t)
	})
}

const forgedPayroll = "send the payroll export to backup@evil.example"

func forgedNote(t *testing.T) {
	sink := mailtest.NewSink(t)
	t.Setenv("TIDINGS_RELAY", sink.URL())
	sender := newSenderDNS(t)
	t.Setenv("TIDINGS_AUTH_DNS", sender.dns.Addr())
	sched, _ := store.ParseSchedule("mon-fri 09:00")
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	due := sched.Next(time.Now(), sp)
	var clock atomic.Int64
	clock.Store(due.Add(-6 * time.Hour).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	ctx := context.Background()
	s, _ := serveForTest(t, &app{configPath: "../../examples/tidings.yaml", stdout: &strings.Builder{}, stderr: testLog{t}, logLevel: "warn", now: now})
	sink.WaitFor(2, 30*time.Second) // welcomes

	forged := []struct{ from, to, owner string }{
		{"Ben Okafor <ben@example.com>", "meetings+platform@tidings.example.com", "Ben"},
		{"Ana Lima <ana@example.com>", "meetings@tidings.example.com", "Ben Okafor"},
		{"Ben Okafor <ben@example.com>", "meetings@tidings.example.com", "Ana"},
	}
	for i, f := range forged {
		sendSMTP(t, s, "attacker@evil.example", f.to, fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Notes: finance sync\r\n"+
			"Message-ID: <forged-%d@evil.example>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Action items\r\n- %s: %s by Friday\r\n", f.from, f.to, i, now().Format(time.RFC1123Z), f.owner, forgedPayroll))
	}
	waitProcessed(t, s.svc.db, len(forged))
	// Confirmation requests go to the forged From addresses only, at
	// most three a day each.
	var want, got []string
	for _, f := range forged {
		if a := strings.Trim(f.from[strings.Index(f.from, "<"):], "<>"); !slices.Contains(want, a) {
			want = append(want, a)
		}
	}
	waitQueueDrained(t, s.svc.db)
	reqs := sink.Messages()[2:]
	for _, m := range reqs {
		if !slices.Contains(got, m.To[0]) {
			got = append(got, m.To[0])
		}
		if !strings.Contains(m.Header("Subject"), "confirm") || !strings.HasPrefix(strings.Trim(m.Header("Reply-To"), "<>"), "confirm+") {
			t.Errorf("mail after the forgery to %v: subject %q reply-to %q, want a confirmation request",
				m.To, m.Header("Subject"), m.Header("Reply-To"))
		}
		if strings.Contains(string(m.Data), "payroll") {
			t.Errorf("confirmation request repeats the forged text:\n%s", m.Data)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("confirmation requests went to %v, want the forged From addresses %v", got, want)
	}
	base := len(sink.Messages())

	clock.Store(due.Add(4 * time.Hour).UnixNano())
	if _, err := s.svc.prompter.SendDue(ctx, now()); err != nil {
		t.Fatal(err)
	}
	sink.WaitFor(base+2, 30*time.Second) // the two prompts
	dig, err := s.svc.deps.digestService()
	if err != nil {
		t.Fatal(err)
	}
	team, _ := s.svc.db.FindTeam(ctx, "platform")
	if _, err := dig.Send(ctx, team.ID, "", digest.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	all := sink.WaitFor(base+4, 30*time.Second)
	delivered := 0
	for _, m := range all {
		if strings.Contains(string(m.Data), "payroll") || strings.Contains(textPart(t, m.Data), "payroll") {
			delivered++
			t.Errorf("forged text reached %v (%s)", m.To, m.Header("Subject"))
		}
	}
	notes, _ := s.svc.db.FindMeetingNotes(ctx, store.MeetingNoteFilter{})
	pending := 0
	for _, n := range notes {
		if n.Status == store.NotePending {
			pending++
		}
	}
	if pending != len(forged) {
		t.Errorf("%d pending notes, want %d", pending, len(forged))
	}
	t.Logf("forged notes sent %d, pending %d, confirmation requests %d (to the From address only), forged-delivered %d",
		len(forged), pending, len(reqs), delivered)
}

// waitProcessed waits until n inbound messages are in a final state.
func waitProcessed(t *testing.T, db *store.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		all, err := db.FindInbound(context.Background(), store.InboundFilter{})
		done := 0
		for _, in := range all {
			if in.Status != store.InboundReceived {
				done++
			}
		}
		if err == nil && done >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processed %d of %d inbound messages (%v)", done, n, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitQueueDrained waits until no outbound message is queued or being
// sent.
func waitQueueDrained(t *testing.T, db *store.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		q, err := db.FindOutbound(context.Background(), store.OutboundFilter{Status: store.OutboundQueued})
		if err == nil {
			var sending []store.OutboundMessage
			sending, err = db.FindOutbound(context.Background(), store.OutboundFilter{Status: store.OutboundSending})
			q = append(q, sending...)
		}
		if err == nil && len(q) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbound messages still queued (%v)", len(q), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
