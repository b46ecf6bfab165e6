package okr_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// send delivers a message over SMTP to the receiver, processes what is
// received and delivers what that queued, which it returns.
func (f *fixture) send(t *testing.T, from, rcpt, msgID, inReplyTo, body string, at time.Time) []mailtest.Received {
	t.Helper()
	raw := "From: " + from + "\r\nTo: " + rcpt + "\r\nSubject: Our OKRs\r\nDate: " + at.Format(time.RFC1123Z) +
		"\r\nMessage-ID: <" + msgID + ">\r\n"
	if inReplyTo != "" {
		raw += "In-Reply-To: " + inReplyTo + "\r\nReferences: " + inReplyTo + "\r\n"
	}
	raw += "Content-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n")
	f.now = at
	c, err := smtp.Dial(f.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(from, []string{rcpt}, strings.NewReader(raw)); err != nil {
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

func lastInbound(t *testing.T, db *store.DB) store.InboundMessage {
	t.Helper()
	in, err := db.FindInbound(context.Background(), store.InboundFilter{Limit: 1})
	if err != nil || len(in) == 0 {
		t.Fatalf("inbound: %v", err)
	}
	return in[0]
}

func TestOKRsByEmailNeedConfirmation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		team, _ := db.FindTeam(ctx, "platform")
		q2 := store.Quarter{Year: 2027, Q: 2}
		rcpt := "okrs+platform@" + domain
		when := time.Date(2027, 3, 20, 15, 0, 0, 0, time.UTC)
		list := "Our OKRs for 2027-Q2:\n\nObjective: Faster support\nKR: first reply within 4 hours (from 12)\nKR: CSAT 90 % (from 82 %), ana@example.com\n"

		// A stranger's list is quarantined and answered by nothing.
		if got := f.send(t, "mallory@example.net", rcpt, "m1@example.net", "", list, when); len(got) != 0 {
			t.Errorf("stranger got %d answers", len(got))
		}
		if in := lastInbound(t, db); in.Status != store.InboundQuarantined {
			t.Errorf("stranger's list: %s %s", in.Status, in.Reason)
		}
		// The lead's list is kept pending and confirmed in the thread.
		got := f.send(t, "ben@example.com", rcpt, "b1@example.com", "", list, when)
		confirm := to(t, got, "ben@example.com")
		body := text(t, confirm)
		for _, want := range []string{"2027-Q2", "Nothing is created until you confirm", "1. Faster support (owner ben@example.com)",
			"KR1 first reply within 4 hours: from 12 to 4, owner ben@example.com", "KR2 CSAT 90 %: from 82 to 90 %, owner ana@example.com", `Reply "confirm"`} {
			if !strings.Contains(body, want) {
				t.Errorf("confirmation lacks %q:\n%s", want, body)
			}
		}
		if set, _ := db.LoadOKRs(ctx, team.ID, q2); len(set.Objectives) != 0 {
			t.Fatal("OKRs created before confirmation")
		}
		h := header(t, confirm)
		cid, _ := h.MessageID()
		// Ana is no lead: her "confirm" in the thread is quarantined.
		f.send(t, "ana@example.com", rcpt, "a1@example.com", "<"+cid+">", "confirm", when.Add(time.Minute))
		if in := lastInbound(t, db); in.Status != store.InboundQuarantined {
			t.Errorf("non-lead confirmation: %s %s", in.Status, in.Reason)
		}
		// A correction is confirmed again.
		got = f.send(t, "ben@example.com", rcpt, "b2@example.com", "<"+cid+">",
			"Objective: Faster support\nKR: first reply within 2 hours (from 12)\n", when.Add(2*time.Minute))
		if body := text(t, to(t, got, "ben@example.com")); !strings.Contains(body, "from 12 to 2, owner ben@example.com") || strings.Contains(body, "CSAT") {
			t.Errorf("corrected confirmation:\n%s", body)
		}
		h = header(t, to(t, got, "ben@example.com"))
		cid2, _ := h.MessageID()
		got = f.send(t, "ben@example.com", rcpt, "b3@example.com", "<"+cid2+">", "Confirm, thanks!", when.Add(3*time.Minute))
		if body := text(t, to(t, got, "ben@example.com")); !strings.Contains(body, "OKRs for 2027-Q2 are created") {
			t.Errorf("created message:\n%s", body)
		}
		set, err := db.LoadOKRs(ctx, team.ID, q2)
		if err != nil || len(set.Objectives) != 1 || len(set.KeyResults) != 1 || set.KeyResults[0].Target != 2 ||
			set.KeyResults[0].Direction != store.DirectionDown || set.Objectives[0].Source != "email" {
			t.Fatalf("created: %+v %+v (%v)", set.Objectives, set.KeyResults, err)
		}
		// Confirming again creates nothing more.
		f.send(t, "ben@example.com", rcpt, "b4@example.com", "<"+cid2+">", "confirm", when.Add(4*time.Minute))
		if in := lastInbound(t, db); in.Status != store.InboundIgnored || !strings.Contains(in.Reason, "already confirmed") {
			t.Errorf("second confirmation: %s %s", in.Status, in.Reason)
		}
		// A quarter the configuration declares is not replaced by mail.
		got = f.send(t, "ben@example.com", rcpt, "b5@example.com", "", "Quarter: 2027-Q1\nObjective: Other\nKR: ship it\n", when.Add(5*time.Minute))
		h = header(t, to(t, got, "ben@example.com"))
		cid3, _ := h.MessageID()
		got = f.send(t, "ben@example.com", rcpt, "b6@example.com", "<"+cid3+">", "confirm", when.Add(6*time.Minute))
		if body := text(t, to(t, got, "ben@example.com")); !strings.Contains(body, "configuration file, which stays the source of truth") {
			t.Errorf("config quarter answer:\n%s", body)
		}
		if set, _ := db.LoadOKRs(ctx, team.ID, store.Quarter{Year: 2027, Q: 1}); len(set.Objectives) != 2 || set.Objectives[0].Source != "config" {
			t.Errorf("config quarter changed: %+v", set.Objectives)
		}
	})
}
