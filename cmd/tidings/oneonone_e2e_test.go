package main

import (
	"context"

	"github.com/tidings-app/tidings/templates"
	"github.com/tidings-app/tidings/templates/htmlcheck"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// marker is the private text Ana writes in her 1:1; it must reach no one
// but Ben and Ana, and no output not scoped to their pair.
const marker = "Quokka-7731-private"

// itemMarker is in the text of an action item Ana owns from a 1:1: it may
// reach the pair's 1:1 emails and Ana's own check-in prompts and
// reminders, nothing else.
const itemMarker = "Wombat-4410-item"

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// count returns how many messages to rcpt have a Subject containing subj.
func count(ms []mailtest.Received, rcpt, subj string) int {
	n := 0
	for _, m := range ms {
		if len(m.To) == 1 && m.To[0] == rcpt && strings.Contains(decodeHeader(m.Header("Subject")), subj) {
			n++
		}
	}
	return n
}

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

func mustNotContain(t *testing.T, what, text string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(text, w) {
			t.Errorf("%s contains %q:\n%s", what, w, text)
		}
	}
}

// TestOneOnOneTwoMonths plays two months of Ben's (Berlin) and Ana's (São
// Paulo) every-second-Tuesday 1:1 with the real services, an hour at a
// time: prompts 48 h before at the right local times, a missed reply,
// merged agendas, notes by reply and by forward whose items are carried
// into the next prompts and agenda until "done:", a reschedule and a skip
// by email, feedback; then the privacy check over every email and CLI
// output.
func TestOneOnOneTwoMonths(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			if b.Name == "postgres" && testing.Short() {
				t.Skip("two simulated months on PostgreSQL take minutes on a loaded machine; run without -short")
			}
			s := newSim(t, b.Name, at("2026-12-01T00:00:00Z"), false)
			twoMonths(t, s)
			// Every CLI output is searched on both backends: the CLI runs
			// no migration on a store that records its schema version.
			if leaks, found := privacyLeaks(t, s); len(leaks) > 0 || found == 0 {
				t.Errorf("private text found %d times where allowed; leaks:\n%s", found, strings.Join(leaks, "\n"))
			}
			if b.Name == "sqlite" {
				t.Run("emails", func(t *testing.T) { checkOneOnOneEmails(t, s) })
			}
		})
	}
}

func twoMonths(t *testing.T, s *sim) {
	const prepSubj = "What do you want to talk about with"
	// Meeting 1: Tue 8 Dec 15:00 Berlin (14:00 UTC, 11:00 in São Paulo).
	s.runUntil(at("2026-12-06T13:00:00Z"))
	if n := count(s.mails(), "ana@example.com", prepSubj); n != 0 {
		t.Fatalf("prompt sent %d times before 48 h ahead", n)
	}
	s.runUntil(at("2026-12-06T14:00:00Z"))
	ana := s.last("ana@example.com", prepSubj)
	ben := s.last("ben@example.com", prepSubj)
	if got := decodeHeader(ana.Header("Subject")); got != "What do you want to talk about with Ben on Tue 8 Dec 11:00?" {
		t.Errorf("Ana's prompt subject = %q", got)
	}
	if got := decodeHeader(ben.Header("Subject")); got != "What do you want to talk about with Ana on Tue 8 Dec 15:00?" {
		t.Errorf("Ben's prompt subject = %q", got)
	}
	mustContain(t, "Ana's prompt", readable(t, ana.Data), "15:00 Berlin / 11:00 your time", "How are you feeling this week, 1–5?",
		"Anything you need from me?", "only shown to you", "reschedule")

	s.runUntil(at("2026-12-07T12:00:00Z"))
	s.reply("ana@example.com", "Ana Lima", ana, "Mood: 4\n\nTopics:\n- "+marker+" promotion path\n\nNeeds: a second reviewer")
	// Ben does not answer. Agendas go 3 h before, to both, once.
	s.runUntil(at("2026-12-08T10:00:00Z"))
	if n := count(s.mails(), "ben@example.com", "Agenda:"); n != 0 {
		t.Fatalf("agenda sent early")
	}
	s.runUntil(at("2026-12-08T11:00:00Z"))
	benAgenda := s.last("ben@example.com", "Agenda: your 1:1 with Ana")
	anaAgenda := s.last("ana@example.com", "Agenda: your 1:1 with Ben")
	bt, at1 := readable(t, benAgenda.Data), readable(t, anaAgenda.Data)
	mustContain(t, "Ben's agenda", bt, "Ana wrote:", marker, "a second reviewer", "You did not answer.")
	mustNotContain(t, "Ben's agenda (share_mood is off)", bt, "mood (1-5)")
	mustContain(t, "Ana's agenda", at1, "You wrote:", "Ben did not answer.", "Ana's mood (1-5), recent 1:1s: 4", "11:00 your time")

	// Ben replies to the agenda with the notes after the meeting.
	s.runUntil(at("2026-12-08T16:00:00Z"))
	s.reply("ben@example.com", "Ben Okafor", benAgenda, "Decisions:\n- Ana leads the Q1 migration\n\nAction items:\n"+
		"- Ana: draft the migration plan\n- Ben: ask finance about the conference budget\n- Ana: "+itemMarker+" onboarding checklist review")
	for _, who := range []string{"ana@example.com", "ben@example.com"} {
		mustContain(t, "notes confirmation to "+who, readable(t, s.last(who, "Notes filed").Data),
			"Ana leads the Q1 migration", "draft the migration plan", "ask finance about the conference budget")
	}
	s.reply("ana@example.com", "Ana Lima", s.last("ana@example.com", "Was your 1:1"), "4, useful")

	// The owners' regular check-in prompts (Mon 14 Dec 10:00, each in
	// their zone) list their own open 1:1 items, marked; nobody else's.
	s.runUntil(at("2026-12-14T14:00:00Z"))
	anaCheckin := s.lastOf("ana@example.com", "prompt")
	at2 := readable(t, anaCheckin.Data)
	mustContain(t, "Ana's check-in prompt", at2, itemMarker+" onboarding checklist review", "draft the migration plan",
		"from your 1:1 with Ben Okafor; only you see it here", "Reply \"done: "+itemMarker+" onboarding checklist review\"")
	mustNotContain(t, "Ana's check-in prompt", at2, "ask finance")
	bp := readable(t, s.lastOf("ben@example.com", "prompt").Data)
	mustContain(t, "Ben's check-in prompt", bp, "ask finance about the conference budget", "from your 1:1 with Ana Lima")
	mustNotContain(t, "Ben's check-in prompt", bp, itemMarker, "draft the migration plan")
	mustNotContain(t, "Cy's check-in prompt", readable(t, s.lastOf("cy@example.com", "prompt").Data),
		itemMarker, "draft the migration plan", "ask finance", "1:1")
	// "done:" in her check-in reply closes the 1:1 item it names.
	s.runUntil(at("2026-12-14T16:00:00Z"))
	s.reply("ana@example.com", "Ana Lima", anaCheckin, "Done: shipped the export\nNext: the VPN\n\ndone: onboarding checklist")
	if in, _ := s.db.FindInbound(s.ctx, store.InboundFilter{Limit: 1}); len(in) != 1 || !strings.Contains(in[0].Reason, "done: closed an item of a 1:1") {
		t.Errorf("check-in reply with done: reason = %+v", in)
	}

	// Meeting 2: the prompts carry each person's open item.
	s.runUntil(at("2026-12-20T14:00:00Z"))
	ana, ben = s.last("ana@example.com", prepSubj), s.last("ben@example.com", prepSubj)
	mustContain(t, "Ana's second prompt", readable(t, ana.Data), "[ ] You: draft the migration plan", "[ ] Ben: ask finance")
	mustNotContain(t, "Ana's second prompt", readable(t, ana.Data), "[ ] You: "+itemMarker)
	mustContain(t, "Ben's second prompt", readable(t, ben.Data), "[ ] You: ask finance about the conference budget")
	s.runUntil(at("2026-12-21T09:00:00Z"))
	s.reply("ana@example.com", "Ana Lima", ana, "Mood: 3\n\nTopics: hiring plan\n\ndone: draft the migration plan")
	s.reply("ben@example.com", "Ben Okafor", ben, "reschedule wed 10:00")
	mustContain(t, "Ana's notice", readable(t, s.last("ana@example.com", "Changed: your 1:1").Data),
		"Ben moved this 1:1", "Wed 23 Dec, 10:00 Berlin / 06:00 your time")
	s.runUntil(at("2026-12-23T05:00:00Z"))
	if n := count(s.mails(), "ben@example.com", "Agenda:"); n != 1 {
		t.Fatalf("agendas to Ben = %d before the moved meeting's, want 1", n)
	}
	s.runUntil(at("2026-12-23T06:00:00Z")) // 3 h before Wed 10:00 Berlin
	bt = readable(t, s.last("ben@example.com", "Agenda: your 1:1 with Ana").Data)
	mustNotContain(t, "Ana's check-in prompt of 21 Dec", readable(t, s.lastOf("ana@example.com", "prompt").Data), itemMarker)
	mustContain(t, "Ben's second agenda", bt, "Wed 23 Dec", "[x] Ana: draft the migration plan", "(done)", "[x] Ana: "+itemMarker,
		"[ ] You: ask finance about the conference budget", "You did not answer.", "hiring plan")

	// Meeting 3 (Tue 5 Jan): Ben closes his item; Ana forwards the notes.
	s.runUntil(at("2027-01-04T09:00:00Z"))
	s.reply("ben@example.com", "Ben Okafor", s.last("ben@example.com", prepSubj), "Topics: team offsite\n\ndone: ask finance")
	s.runUntil(at("2027-01-05T16:00:00Z"))
	anaAgenda = s.last("ana@example.com", "Agenda: your 1:1 with Ben")
	mustContain(t, "Ana's third agenda", readable(t, anaAgenda.Data), "Ben wrote:", "team offsite", "[x] Ben: ask finance", "You did not answer.")
	fwd := "From: Ana Lima <ana@example.com>\r\nTo: " + strings.Trim(anaAgenda.Header("Reply-To"), "<>") + "\r\n" +
		"Subject: Fwd: 1:1 Ben / Ana notes\r\nDate: " + s.now.Format(time.RFC1123Z) + "\r\nMessage-ID: <sim-fwd@example.com>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"---------- Forwarded message ---------\r\nFrom: Ana Lima <ana@example.com>\r\nDate: Tue, Jan 5, 2027 at 12:40 PM\r\n" +
		"Subject: 1:1 Ben / Ana notes\r\nTo: Ben Okafor <ben@example.com>\r\n\r\n" +
		"Decisions\r\n- Offsite in March\r\n\r\nAction items\r\n- Ben to book the offsite venue\r\n"
	s.send("ana@example.com", strings.Trim(anaAgenda.Header("Reply-To"), "<>"), fwd)
	mustContain(t, "forwarded notes confirmation", readable(t, s.last("ben@example.com", "Notes filed").Data), "Offsite in March", "book the offsite venue")

	// Meeting 4 (Tue 19 Jan): Ana skips it by email; no agenda goes.
	s.runUntil(at("2027-01-17T14:00:00Z"))
	mustContain(t, "Ben's fourth prompt", readable(t, s.last("ben@example.com", prepSubj).Data), "[ ] You: book the offsite venue")
	s.runUntil(at("2027-01-18T12:00:00Z"))
	s.reply("ana@example.com", "Ana Lima", s.last("ana@example.com", prepSubj), "skip")
	mustContain(t, "Ben's skip notice", readable(t, s.last("ben@example.com", "Changed: your 1:1").Data), "Ana skipped the 1:1 of Tue 19 Jan")
	s.runUntil(at("2027-01-31T23:00:00Z"))
	ms := s.mails()
	for _, who := range []string{"ana@example.com", "ben@example.com"} {
		if n := count(ms, who, "Agenda:"); n != 3 {
			t.Errorf("agendas to %s = %d, want 3 (8 Dec, 23 Dec, 5 Jan; 19 Jan skipped)", who, n)
		}
		if n := count(ms, who, prepSubj); n != 5 {
			t.Errorf("prompts to %s = %d, want 5 (8 Dec, 22 Dec, 5 Jan, 19 Jan, 2 Feb)", who, n)
		}
	}

	mustContain(t, "updates list --one-on-ones", s.cli("updates", "list", "--one-on-ones"), marker, "book the offsite venue")
	list := s.cli("one-on-ones", "list")
	mustContain(t, "one-on-ones list", list, "platform", "ben@example.com", "ana@example.com", "every 2nd tue 15:00 from 2026-12-08")
	show := s.cli("one-on-ones", "show", "ben@example.com", "ana@example.com")
	mustContain(t, "one-on-ones show", show, marker, "moved by Ben", "skipped by Ana", "Ben Okafor: did not answer",
		"mood: not shared", "decision: Ana leads the Q1 migration", "[open] Ben Okafor: book the offsite venue", "Ana Lima: feedback 4/5")
}

// privacyLeaks searches every email sent (decoded) and every CLI output
// not scoped to the pair for the marker. An email may carry it only when
// it is a one-on-one email to Ben or Ana; found counts those, so a search
// that cannot see the marker fails the test too.
func privacyLeaks(t *testing.T, s *sim) (leaks []string, found int) {
	t.Helper()
	ctx := context.Background()
	rows, err := s.db.FindOutbound(ctx, store.OutboundFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range rows {
		kinds[r.Kind]++
		text := readable(t, r.Raw)
		if strings.Contains(text, itemMarker) {
			// Ana's 1:1 item: her own check-in prompts and reminders, and
			// the pair's 1:1 emails.
			own := r.Recipient == "ana@example.com" && (r.Kind == "prompt" || r.Kind == "reminder")
			pair := (r.Recipient == "ben@example.com" || r.Recipient == "ana@example.com") && strings.HasPrefix(r.Kind, "oneonone_")
			if own || pair {
				found++
			} else {
				leaks = append(leaks, "1:1 item in email "+r.Kind+" to "+r.Recipient+": "+r.Subject)
			}
		}
		if !strings.Contains(text, marker) {
			continue
		}
		pair := r.Recipient == "ben@example.com" || r.Recipient == "ana@example.com"
		if pair && strings.HasPrefix(r.Kind, "oneonone_") {
			found++
			continue
		}
		leaks = append(leaks, "email "+r.Kind+" to "+r.Recipient+": "+r.Subject)
	}
	for _, m := range s.mails() {
		if text := readable(t, m.Data); m.To[0] == "cy@example.com" && (strings.Contains(text, marker) || strings.Contains(text, itemMarker)) {
			leaks = append(leaks, "delivered to Cy: "+decodeHeader(m.Header("Subject")))
		}
	}
	for _, k := range []string{"prompt", "digest"} {
		if kinds[k] == 0 {
			t.Errorf("the simulated month sent no %s email: the search proves nothing about it (kinds %v)", k, kinds)
		}
	}
	outputs := map[string]string{
		"updates list":            s.cli("updates", "list"),
		"updates list json":       s.cli("updates", "list", "--format", "json"),
		"prompts list":            s.cli("prompts", "list"),
		"meetings list":           s.cli("meetings", "list"),
		"inbound list":            s.cli("inbound", "list"),
		"one-on-ones list":        s.cli("one-on-ones", "list"),
		"one-on-ones list --team": s.cli("one-on-ones", "list", "--team", "platform"),
	}
	for d := at("2026-11-30T12:00:00Z"); d.Before(s.now); d = d.AddDate(0, 0, 7) {
		y, w := d.ISOWeek()
		p := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + "-W" + twoDigits(w)
		for _, f := range []string{"text", "html"} {
			outputs["digest preview "+p+" "+f] = s.cli("digest", "preview", "--team", "platform", "--period", p, "--format", f)
		}
	}
	for name, out := range outputs {
		if strings.Contains(out, marker) || strings.Contains(out, itemMarker) {
			leaks = append(leaks, "CLI "+name)
		}
	}
	return leaks, found
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + string(rune('0'+n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// TestOneOnOnePrivacyCheckCatchesALeak runs the same search after a
// deliberate bug routes Ana's 1:1 answer into her check-in update: the
// search must report the team digest and `updates list`.
func TestOneOnOnePrivacyCheckCatchesALeak(t *testing.T) {
	b := storetest.Backends(t)[0]
	s := newSim(t, b.Name, at("2026-12-01T00:00:00Z"), true)
	s.runUntil(at("2026-12-06T14:00:00Z"))
	s.runUntil(at("2026-12-07T14:00:00Z")) // Ana's weekly prompt went at 10:00 São Paulo
	s.reply("ana@example.com", "Ana Lima", s.last("ana@example.com", "What do you want to talk about with"),
		"Mood: 4\n\nTopics:\n- "+marker+" promotion path")
	s.runUntil(at("2026-12-11T17:00:00Z")) // the digest went at 17:00 Berlin
	leaks, _ := privacyLeaks(t, s)
	joined := strings.Join(leaks, "\n")
	mustContain(t, "leaks reported", joined, "email digest to cy@example.com", "delivered to Cy", "CLI updates list")
}

// checkOneOnOneEmails checks the last email of each one-on-one kind the
// simulation sent to Ana and to Ben: the text part within 78 columns, the
// HTML part in headless Chromium at phone and desktop widths, light and
// dark.
func checkOneOnOneEmails(t *testing.T, s *sim) {
	rows, err := s.db.FindOutbound(context.Background(), store.OutboundFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]store.OutboundMessage{}
	for _, r := range rows {
		if strings.HasPrefix(r.Kind, "oneonone_") {
			last[r.Kind+" to "+r.Recipient] = r
		}
	}
	if len(last) != 10 {
		t.Errorf("one-on-one kinds sent = %d, want 5 kinds to each of 2 people", len(last))
	}
	browser := htmlcheck.Start(t)
	for name, r := range last {
		p := partsOf(t, r.Raw)
		if ll := templates.LongLines(p["text/plain"], templates.TextWidth); len(ll) > 0 {
			t.Errorf("%s: text lines over %d columns: %q", name, templates.TextWidth, ll)
		}
		if p["text/html"] == "" {
			t.Errorf("%s: no HTML part", name)
			continue
		}
		browser.Check(t, name, p["text/html"])
	}
}
