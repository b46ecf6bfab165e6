package inbound_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// memberFixture is a fixture with a composer (replies are queued), no DNS,
// and an MTA whose Authentication-Results are trusted.
func memberFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC) }
	c, err := outbound.NewComposer(outbound.ComposerOptions{Domain: domain,
		From: outbound.Address{Name: "Tidings", Addr: "checkins@" + domain}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return newFixture(t, db, func(o *inbound.Options) {
		o.Composer, o.PublicURL = c, "https://tidings.example.com"
		o.TrustedAuthServID = "mx.tidings.example.com"
		o.LookupTXT = func(string) ([]string, error) { return nil, errors.New("no DNS in tests") }
	})
}

// dmarcPass is the trusted MTA's verdict for domain.
func dmarcPass(domain string) []byte {
	return []byte("Authentication-Results: mx.tidings.example.com; spf=pass smtp.mailfrom=" + domain +
		"; dmarc=pass header.from=" + domain + "\r\n")
}

func outbounds(t *testing.T, db *store.DB, kind string) []store.OutboundMessage {
	t.Helper()
	outs, err := db.FindOutbound(context.Background(), store.OutboundFilter{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

func hasAll(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

// The bug of issue 12: after one-click unsubscribe, "resume" logged
// "resumed" and changed nothing. Now it brings the member back, says so,
// and records it.
func TestResumeAfterUnsubscribe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := memberFixture(t, db)
		yes := true
		if err := db.ChangeMember(ctx, f.ana.ID, store.MemberChange{Unsubscribed: &yes, Actor: store.ActorLink}); err != nil {
			t.Fatal(err)
		}
		to := f.addrs.Reply(f.prompt.ID)
		in := f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "resume"), "resume"))
		if in.Status != store.InboundApplied || !strings.Contains(in.Reason, "resubscribed: all email") {
			t.Fatalf("resume: %q %q", in.Status, in.Reason)
		}
		if m, _ := db.MemberByID(ctx, f.ana.ID); m.Unsubscribed {
			t.Fatal("still unsubscribed after resume")
		}
		outs := outbounds(t, db, "settings")
		if len(outs) != 1 {
			t.Fatalf("confirmations = %d", len(outs))
		}
		hasAll(t, "confirmation", string(outs[0].Raw), "subscribed again to: all email", "To undo, reply with:", "unsubscribe")
		// "subscribe" when nothing is stopped says so and changes nothing.
		in = f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "sub"), "subscribe"))
		if !strings.Contains(in.Reason, "nothing was paused or stopped") {
			t.Errorf("subscribe again: %q", in.Reason)
		}
		h, _ := db.MemberHistory(ctx, f.ana.ID)
		last := h[len(h)-1]
		if last.Actor != store.ActorEmail || last.Action != "resubscribed" || last.InboundID == nil {
			t.Errorf("last event = %+v", last)
		}
	})
}

func TestSettingsByReply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := memberFixture(t, db)
		to := f.addrs.Reply(f.prompt.ID)
		body := "timezone Berlin\r\nprompt at 10:00\r\ndays mon-thu\r\ndigest off\r\n"
		in := f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "settings"), body))
		if in.Status != store.InboundApplied || !strings.Contains(in.Reason, "4 setting(s) changed") {
			t.Fatalf("settings: %q %q", in.Status, in.Reason)
		}
		m, _ := db.MemberByID(ctx, f.ana.ID)
		p, _ := db.MemberPrefsOf(ctx, f.ana.ID)
		if m.Timezone != "Europe/Berlin" || p.PromptAt != "10:00" || p.Days != "mon-thu" || p.Digest != store.DigestOff {
			t.Errorf("member zone %q, prefs %+v", m.Timezone, p)
		}
		outs := outbounds(t, db, "settings")
		if len(outs) != 1 {
			t.Fatalf("confirmations = %d, want one for all four", len(outs))
		}
		hasAll(t, "confirmation", string(outs[0].Raw), "Time zone: now Europe/Berlin", "Check-in time: now 10:00",
			"Working days: now mon-thu", "Digest: off", "timezone default", "days default", "digest default")
		if ms, _ := db.FindTeamMembers(ctx, f.team.ID); ms[0].Email != "ana@example.com" || !ms[0].DigestOff {
			t.Errorf("digest off not seen by the digest: %+v", ms[0])
		}
		// A zone not understood changes nothing and says how to write it.
		in = f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "bad"), "timezone Atlantis"))
		if m, _ := db.MemberByID(ctx, f.ana.ID); m.Timezone != "Europe/Berlin" {
			t.Errorf("bad zone changed the zone to %q", m.Timezone)
		}
		outs = outbounds(t, db, "settings")
		if len(outs) != 2 {
			t.Fatalf("confirmations = %d", len(outs))
		}
		hasAll(t, "refusal", string(outs[0].Raw)+string(outs[1].Raw), `Not changed: I don't know the time zone "Atlantis"`)
	})
}

func TestSettingsAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := memberFixture(t, db)
		to := "settings@" + domain
		raw := func(id, body string) []byte {
			return []byte("From: Ana Lima <ana@example.com>\r\nTo: " + to + "\r\nSubject: settings\r\n" +
				"Date: Tue, 24 Nov 2026 10:00:00 -0300\r\nMessage-ID: <" + id + ">\r\nMIME-Version: 1.0\r\n" +
				"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
		}
		// Without proof: held, and a confirmation link goes to the known
		// address.
		in := f.deliver(t, "ana@example.com", to, raw(msgID(t, "s1"), "timezone Europe/Lisbon"))
		if in.Status != store.InboundQuarantined || !strings.Contains(in.Reason, "held until ana@example.com confirms") {
			t.Fatalf("unproven settings: %q %q", in.Status, in.Reason)
		}
		if m, _ := db.MemberByID(ctx, f.ana.ID); m.Timezone != "" {
			t.Fatalf("unproven settings applied: %q", m.Timezone)
		}
		cs := outbounds(t, db, "confirm-settings")
		if len(cs) != 1 || cs[0].Recipient != "ana@example.com" {
			t.Fatalf("confirm-settings = %+v", cs)
		}
		link := linkIn(t, string(cs[0].Raw), "https://tidings.example.com/c/")
		id, err := f.addrs.Signer.Verify(outbound.PurposeConfirm, link[strings.LastIndexByte(link, '/')+1:])
		if err != nil {
			t.Fatal(err)
		}
		ids, err := db.Confirm(ctx, id, store.ActorLink)
		if err != nil || len(ids) != 1 || ids[0] != in.ID {
			t.Fatalf("confirm: %v %v", ids, err)
		}
		if err := f.proc.Process(ctx, in.ID); err != nil {
			t.Fatal(err)
		}
		if m, _ := db.MemberByID(ctx, f.ana.ID); m.Timezone != "Europe/Lisbon" {
			t.Fatalf("after confirmation the zone is %q", m.Timezone)
		}
		// With DMARC pass: applied at once.
		in = f.deliver(t, "ana@example.com", to, append(dmarcPass("example.com"), raw(msgID(t, "s2"), "days mon-wed")...))
		if in.Status != store.InboundApplied {
			t.Fatalf("settings with DMARC pass: %q %q", in.Status, in.Reason)
		}
		// From a stranger: nothing back.
		n := len(outbounds(t, db, ""))
		in = f.deliver(t, "x@evil.example", to, []byte(strings.ReplaceAll(string(raw(msgID(t, "s3"), "digest off")), "ana@example.com", "x@evil.example")))
		if in.Status != store.InboundIgnored || len(outbounds(t, db, "")) != n {
			t.Errorf("stranger to settings@: %q %q, %d new messages", in.Status, in.Reason, len(outbounds(t, db, ""))-n)
		}
	})
}

func linkIn(t *testing.T, raw, prefix string) string {
	t.Helper()
	raw = strings.ReplaceAll(raw, "=\r\n", "")
	i := strings.Index(raw, prefix)
	if i < 0 {
		t.Fatalf("no %s link in:\n%s", prefix, raw)
	}
	return strings.Fields(raw[i:])[0]
}

func TestUnknownAddressOfKnownMember(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := memberFixture(t, db)
		to := f.addrs.Reply(f.prompt.ID)
		// With DMARC pass for gmail.com: the stranger address is asked
		// once, the known address gets the link.
		reply := append(dmarcPass("gmail.com"), plainReply("ana.lima@gmail.com", to, msgID(t, "u1"), "Yesterday: shipped the VPN fix")...)
		in := f.deliver(t, "ana.lima@gmail.com", to, reply)
		if in.Status != store.InboundQuarantined || !strings.Contains(in.Reason, "DMARC passed for ana.lima@gmail.com") {
			t.Fatalf("unknown address: %q %q", in.Status, in.Reason)
		}
		ask, notice := outbounds(t, db, "ask-address"), outbounds(t, db, "confirm-address")
		if len(ask) != 1 || ask[0].Recipient != "ana.lima@gmail.com" || len(notice) != 1 || notice[0].Recipient != "ana@example.com" {
			t.Fatalf("ask %+v notice %+v", ask, notice)
		}
		hasAll(t, "question", string(ask[0].Raw), "We don't know this address. Is it yours, Ana Lima?")
		if strings.Contains(string(ask[0].Raw), "/c/") {
			t.Error("the confirmation link went to the unknown address")
		}
		// A second message from it asks nothing again.
		in2 := f.deliver(t, "ana.lima@gmail.com", to, append(dmarcPass("gmail.com"), plainReply("ana.lima@gmail.com", to, msgID(t, "u2"), "Today: docs")...))
		if !strings.Contains(in2.Reason, "asked already") || len(outbounds(t, db, "ask-address")) != 1 {
			t.Errorf("second message: %q", in2.Reason)
		}
		link := linkIn(t, string(notice[0].Raw), "https://tidings.example.com/c/")
		id, err := f.addrs.Signer.Verify(outbound.PurposeConfirm, link[strings.LastIndexByte(link, '/')+1:])
		if err != nil {
			t.Fatal(err)
		}
		ids, err := db.Confirm(ctx, id, store.ActorLink)
		if err != nil || len(ids) != 2 {
			t.Fatalf("confirm: %v %v", ids, err)
		}
		for _, id := range ids {
			if err := f.proc.Process(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		ups, _ := db.FindUpdates(ctx, store.UpdateFilter{})
		if len(ups) != 1 || ups[0].Version != 2 {
			t.Fatalf("updates after confirming = %+v", ups)
		}
		if m, err := db.MemberByAddress(ctx, "Ana.Lima@gmail.com"); err != nil || m.ID != f.ana.ID {
			t.Errorf("alias: %v %v", m, err)
		}
	})
}

func TestUnknownAddressWithoutDMARC(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := memberFixture(t, db)
		to := f.addrs.Reply(f.prompt.ID)
		in := f.deliver(t, "ana.lima@gmail.com", to, plainReply("ana.lima@gmail.com", to, msgID(t, "n1"), "Yesterday: x"))
		if in.Status != store.InboundQuarantined || !strings.Contains(in.Reason, "nothing sent to it") {
			t.Fatalf("no DMARC: %q %q", in.Status, in.Reason)
		}
		if ask := outbounds(t, db, "ask-address"); len(ask) != 0 {
			t.Errorf("backscatter to the stranger: %+v", ask)
		}
		notice := outbounds(t, db, "confirm-address")
		if len(notice) != 1 || notice[0].Recipient != "ana@example.com" {
			t.Fatalf("notice = %+v", notice)
		}
		hasAll(t, "notice", string(notice[0].Raw), "A reply to your check-in came from ana.lima@gmail.com", "https://tidings.example.com/c/")
		// Another member's address is not offered as an alias.
		in = f.deliver(t, "ben@example.com", to, plainReply("ben@example.com", to, msgID(t, "n2"), "Yesterday: y"))
		if !strings.Contains(in.Reason, "another member") || len(outbounds(t, db, "confirm-address")) != 1 {
			t.Errorf("other member: %q", in.Reason)
		}
		h, _ := db.MemberHistory(context.Background(), f.ana.ID)
		if h[len(h)-1].Action != "unknown address" {
			t.Errorf("decision not recorded: %+v", h[len(h)-1])
		}
	})
}

func TestSettingsRecipientAccepted(t *testing.T) {
	b := storetest.Backends(t)[0]
	db, _ := b.Open(t, store.Options{})
	f := memberFixture(t, db)
	if err := send(t, f.addr, "ana@example.com", []string{"Settings@" + domain}, plainReply("ana@example.com", "settings@"+domain, msgID(t, "r"), "help")); err != nil {
		t.Fatalf("settings@ refused: %v", err)
	}
}
