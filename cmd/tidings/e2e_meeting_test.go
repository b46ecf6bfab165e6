package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/mail/meeting"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
)

const forwardEML = "From: Ana Lima <ana@example.com>\r\n" +
	"To: meetings+platform@tidings.test\r\n" +
	"Subject: Fwd: Notes: Q1 capacity planning sync\r\n" +
	"Date: Thu, 26 Nov 2026 10:12:03 -0300\r\n" +
	"Message-ID: <fwd-e2e-1@example.com>\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
	"Filing yesterday's notes.\r\n\r\n" +
	"---------- Forwarded message ---------\r\n" +
	"From: Dana Ortiz <dana@corp.example>\r\n" +
	"Date: Wed, Nov 25, 2026 at 3:05 PM\r\n" +
	"Subject: Notes: Q1 capacity planning sync\r\n" +
	"To: Platform <platform@corp.example>\r\n\r\n" +
	"Decisions\r\n- Freeze the billing export schema on Dec 4.\r\n\r\n" +
	"Action items\r\n- Ben to draft the staffing plan by Friday\r\n"

// TestMeetingEndToEnd sends a forwarded summary over SMTP to the real
// receiver, processes it with the real inbound job and meeting filer, and
// checks the confirmation composed by the real composer (threaded on the
// forward, Reply-To the team's address), the item in what Ben's next prompt
// lists (store.OpenActionItems, the Prompter's query) and the meeting in
// the team's digest model.
func TestMeetingEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
		if _, err := db.Sync(ctx, []store.TeamSpec{{Slug: "platform", Name: "Platform", Timezone: "America/Sao_Paulo",
			Members: []store.MemberSpec{{Email: "ana@example.com", Name: "Ana Lima"}, {Email: "ben@example.com", Name: "Ben Okafor"}}}}); err != nil {
			t.Fatal(err)
		}
		signer, _ := mail.NewSigner("e2e-secret")
		addrs := mail.Addresses{Domain: "tidings.test", Signer: signer}
		set, err := templates.Parse(templates.Default())
		if err != nil {
			t.Fatal(err)
		}
		composer, err := outbound.NewComposer(outbound.ComposerOptions{Domain: "tidings.test",
			From: outbound.Address{Name: "Tidings", Addr: "checkins@tidings.test"}, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		filer, err := meeting.New(meeting.Options{Addresses: addrs, Templates: set, Mailer: meetingMailer{composer: composer},
			Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		sender := newSenderDNS(t)
		lookup, err := inbound.NewLookupTXT(sender.dns.Addr(), 5*time.Second, nil)
		if err != nil {
			t.Fatal(err)
		}
		opts := inbound.Options{Addresses: addrs, Filer: filer, LookupTXT: lookup, Now: func() time.Time { return now }}
		sendOverSMTP(t, db, opts, sender.sign(t, forwardEML))
		proc, err := inbound.NewProcessor(db, opts)
		if err != nil {
			t.Fatal(err)
		}
		ins, err := db.FindInbound(ctx, store.InboundFilter{})
		if err != nil || len(ins) != 1 {
			t.Fatalf("stored inbound = %d (%v), want 1", len(ins), err)
		}
		if err := proc.Process(ctx, ins[0].ID); err != nil {
			t.Fatal(err)
		}
		if in, _ := db.InboundByID(ctx, ins[0].ID); in.Status != store.InboundApplied {
			t.Fatalf("inbound status %s (%s %s)", in.Status, in.Reason, in.Error)
		}
		checkConfirmation(t, db)
		ben, _ := db.MemberByAddress(ctx, "ben@example.com")
		open, err := db.OpenActionItems(ctx, ben.ID)
		if err != nil || len(open) != 1 || open[0].Text != "draft the staffing plan" || open[0].NoteTitle != "Q1 capacity planning sync" {
			t.Fatalf("Ben's prompt items = %+v (%v)", open, err)
		}
		checkDigest(t, db, now)
	})
}

func sendOverSMTP(t *testing.T, db *store.DB, opts inbound.Options, eml string) {
	t.Helper()
	rcv := inbound.NewReceiver(db, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go rcv.Serve(ln)
	t.Cleanup(func() { rcv.Shutdown(context.Background()) })
	c, err := smtp.Dial(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.SendMail("ana@example.com", []string{"meetings+platform@tidings.test"}, strings.NewReader(eml))
	if err != nil {
		t.Fatalf("SMTP: %v", err)
	}
	c.Quit()
}

func checkConfirmation(t *testing.T, db *store.DB) {
	t.Helper()
	out, err := db.FindOutbound(context.Background(), store.OutboundFilter{Kind: "meeting_confirm"})
	if err != nil || len(out) != 1 {
		t.Fatalf("confirmations = %d (%v), want 1", len(out), err)
	}
	raw := out[0].Raw
	for _, want := range []string{"In-Reply-To: <fwd-e2e-1@example.com>", "Reply-To: <meetings+platform@tidings.test>",
		"Subject: Re: Fwd: Notes: Q1 capacity planning sync", "Ben Okafor"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("confirmation lacks %q:\n%s", want, raw)
		}
	}
	if out[0].Recipient != "ana@example.com" {
		t.Errorf("confirmation to %s, want the forwarder", out[0].Recipient)
	}
}

func checkDigest(t *testing.T, db *store.DB, now time.Time) {
	t.Helper()
	team, _ := db.FindTeam(context.Background(), "platform")
	from := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	data, err := db.LoadDigest(context.Background(), team.ID, from, from.AddDate(0, 0, 7), from.AddDate(0, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	d := digest.Build(data, digest.Period{Key: "2026-W48", Start: from, End: from.AddDate(0, 0, 7), Weekly: true, Loc: time.UTC}, now)
	// Ben's open item is listed once, under open items, naming the
	// meeting; the meeting keeps its decision and counts the item.
	if len(d.Meetings) != 1 || len(d.Meetings[0].Items) != 0 || d.Meetings[0].Open != 1 ||
		len(d.Meetings[0].Decisions) != 1 {
		t.Fatalf("digest meetings = %+v, want the note with its decision and Ben's open item counted", d.Meetings)
	}
	if len(d.OpenItems) != 1 || d.OpenItems[0].Owner == "" || !strings.HasPrefix(d.OpenItems[0].Items[0].Meeting, "Q1 capacity planning sync, ") {
		t.Fatalf("digest open items = %+v, want Ben's item naming the meeting", d.OpenItems)
	}
}
