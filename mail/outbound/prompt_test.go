package outbound_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

var ana = store.MemberSpec{Email: "ana@example.com", Name: "Ana Lima", Timezone: "America/Sao_Paulo"}

func TestPromptHeadersAndContent(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			loc := mustLoc(t, "America/Sao_Paulo")
			e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("Europe/Berlin", daily(8*time.Hour, 0), ana))
			nine := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
			sum, res := e.run(t, nine)
			if sum.Queued != 1 || res.Sent != 1 {
				t.Fatalf("summary %+v, flush %+v; want 1 queued and sent", sum, res)
			}
			got := e.sink.WaitFor(1, 5*time.Second)[0]
			ps := prompts(t, e.db, store.PromptSent)
			if len(ps) != 1 {
				t.Fatalf("sent prompts = %d", len(ps))
			}
			pr := ps[0]
			checkEnvelope(t, e, got.From, got.To)
			m := parse(t, got.Data)
			checkHeaders(t, e, m, pr.ID)
			if wantID := e.p.PromptMessageID(pr.ID); pr.MessageID != wantID {
				t.Errorf("stored Message-ID %q, want %q", pr.MessageID, wantID)
			}
			if subj, _ := m.h.Subject(); subj != "Platform · daily check-in · Tue 24 Nov" {
				t.Errorf("Subject = %q", subj)
			}
			hasAll(t, "text part", m.parts["text/plain"], "Good morning Ana", "Platform team", "1. What did you get done yesterday?",
				"3. Anything blocking you?", `"Today:", "Blockers:"`, `Reply "skip"`, "ooo until",
				"digest, Fridays at 17:00", e.p.CheckInUnsubscribeURL(pr.CheckInID, pr.MemberID))
			hasAll(t, "html part", m.parts["text/html"], "Good morning Ana", "<li", "Anything blocking you?", "Stop these emails", `lang="en"`, "<h1")
			// The same instant again sends nothing.
			if sum, res := e.run(t, nine.Add(time.Minute)); sum.Queued != 0 || res.Sent != 0 {
				t.Errorf("second run: %+v %+v", sum, res)
			}
			if n := len(e.sink.Messages()); n != 1 {
				t.Errorf("sink got %d messages, want 1", n)
			}
		})
	}
}

func checkEnvelope(t *testing.T, e *env, from string, to []string) {
	t.Helper()
	r, err := e.addrs.Parse(from, nil)
	if err != nil || r.Kind != mail.RcptBounce {
		t.Fatalf("MAIL FROM %q: %v %+v", from, err, r)
	}
	out, err := e.db.OutboundByID(context.Background(), r.ID)
	if err != nil || out.MailFrom != from || !slices.Equal(to, []string{out.Recipient}) {
		t.Errorf("bounce token → outbound %+v (%v); envelope to %v", out, err, to)
	}
}

func checkHeaders(t *testing.T, e *env, m parsed, promptID int64) {
	t.Helper()
	if m.top != "multipart/alternative" || m.parts["text/plain"] == "" || m.parts["text/html"] == "" {
		t.Errorf("content type %q with parts %v, want multipart/alternative with text and HTML", m.top, len(m.parts))
	}
	rt, err := m.h.AddressList("Reply-To")
	if err != nil || len(rt) != 1 {
		t.Fatalf("Reply-To: %v %v", rt, err)
	}
	if r, err := e.addrs.Parse(rt[0].Address, nil); err != nil || r.Kind != mail.RcptReply || r.ID != promptID {
		t.Errorf("Reply-To %q → %+v %v, want prompt %d", rt[0].Address, r, err, promptID)
	}
	if id, _ := m.h.MessageID(); id != e.p.PromptMessageID(promptID) || !strings.HasSuffix(id, "@"+domain) {
		t.Errorf("Message-ID %q", id)
	}
	refs, _ := m.h.MsgIDList("References")
	tok := strings.TrimSuffix(strings.TrimPrefix(rt[0].Address, "reply+"), "@"+domain)
	if !slices.Contains(refs, "reply-"+tok+"@"+domain) {
		t.Errorf("References %v lack the reply- key", refs)
	}
	lu := m.h.Get("List-Unsubscribe")
	hasAll(t, "List-Unsubscribe", lu, "<https://"+domain+"/u/", "<mailto:"+rt[0].Address+"?subject=unsubscribe>")
	for k, want := range map[string]string{"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"} {
		if got := m.h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestSchedulerAcrossDST(t *testing.T) {
	cases := []struct {
		zone string
		days []string // local dates around a change (or none)
	}{
		{"America/New_York", []string{"2026-03-06", "2026-03-09", "2026-10-30", "2026-11-02"}},
		{"Europe/Berlin", []string{"2026-03-27", "2026-03-30", "2026-10-23", "2026-10-26"}},
		{"Australia/Sydney", []string{"2026-04-03", "2026-04-06", "2026-10-02", "2026-10-05"}},
		{"Asia/Kolkata", []string{"2026-03-06", "2026-03-09"}},
		{"Asia/Kathmandu", []string{"2026-10-23", "2026-10-26"}},
	}
	b := storetest.Backends(t)[0]
	for _, c := range cases {
		t.Run(c.zone, func(t *testing.T) {
			loc := mustLoc(t, c.zone)
			member := store.MemberSpec{Email: "m@example.com", Name: "M", Timezone: c.zone}
			ci := store.CheckInSpec{Name: "daily", Schedule: "daily 09:00", Window: 4 * time.Hour, Questions: questions}
			e := newEnv(t, b, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), spec("UTC", ci, member))
			for _, d := range c.days {
				day, _ := time.ParseInLocation("2006-01-02", d, loc)
				for _, step := range []struct {
					h, m, want int
				}{{8, 59, 0}, {9, 0, 1}, {9, 30, 0}, {12, 0, 0}} {
					at := time.Date(day.Year(), day.Month(), day.Day(), step.h, step.m, 0, 0, loc)
					e.clock.Set(at)
					sum, err := e.p.SendDue(context.Background(), at)
					if err != nil {
						t.Fatal(err)
					}
					if sum.Queued != step.want {
						t.Errorf("%s %02d:%02d local: queued %d, want %d", d, step.h, step.m, sum.Queued, step.want)
					}
				}
			}
			for _, p := range prompts(t, e.db, "") {
				if p.Status == store.PromptExpired {
					continue
				}
				if l := p.DueAt.In(loc); l.Hour() != 9 || l.Minute() != 0 || p.Period != l.Format("2006-01-02") {
					t.Errorf("prompt due %s (period %s), want 09:00 local", l, p.Period)
				}
			}
			if n := len(prompts(t, e.db, store.PromptPending)); n != len(c.days) {
				t.Errorf("%d pending prompts, want %d", n, len(c.days))
			}
		})
	}
}

func TestDowntimeCatchUp(t *testing.T) {
	b := storetest.Backends(t)[0]
	loc := mustLoc(t, "America/Sao_Paulo")
	// Created Sunday; the service comes back Wednesday 11:00 (window 4h).
	e := newEnv(t, b, time.Date(2026, 11, 22, 12, 0, 0, 0, loc), spec("UTC", daily(4*time.Hour, 0), ana))
	sum, res := e.run(t, time.Date(2026, 11, 25, 11, 0, 0, 0, loc))
	if sum.Queued != 1 || sum.Expired != 2 || res.Sent != 1 {
		t.Fatalf("summary %+v flush %+v: want 1 late send, 2 expired", sum, res)
	}
	exp := prompts(t, e.db, store.PromptExpired)
	var periods []string
	reasons := map[string]string{
		"2026-11-23": "not sent: its answer window had closed (Mon 23 Nov 13:00 -03) when the scheduler ran (Wed 25 Nov 11:00 -03)",
		"2026-11-24": "not sent: its answer window had closed (Tue 24 Nov 13:00 -03) when the scheduler ran (Wed 25 Nov 11:00 -03)",
	}
	for _, p := range exp {
		periods = append(periods, p.Period)
		// The scheduler cannot know why it ran late (downtime, a clock
		// set with prompts send --now, a member added): no guess.
		if p.Reason != reasons[p.Period] {
			t.Errorf("expired %s reason %q, want %q", p.Period, p.Reason, reasons[p.Period])
		}
	}
	slices.Sort(periods)
	if !slices.Equal(periods, []string{"2026-11-23", "2026-11-24"}) {
		t.Errorf("expired periods %v", periods)
	}
	if sent := prompts(t, e.db, store.PromptSent); len(sent) != 1 || sent[0].Period != "2026-11-25" {
		t.Errorf("sent %+v", sent)
	}
}

func TestSkippedMembers(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			loc := mustLoc(t, "America/Sao_Paulo")
			names := []string{"active", "paused", "away", "unsub", "suppressed"}
			var ms []store.MemberSpec
			for _, n := range names {
				ms = append(ms, store.MemberSpec{Email: n + "@example.com", Name: n})
			}
			e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(4*time.Hour, 0), ms...))
			ctx := context.Background()
			later := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
			setMember(t, e.db, "paused@example.com", func(m *store.MemberChange) { m.PausedUntil = &later })
			setMember(t, e.db, "away@example.com", func(m *store.MemberChange) { m.AwayUntil = &later })
			setMember(t, e.db, "unsub@example.com", func(m *store.MemberChange) { v := true; m.Unsubscribed = &v })
			if err := e.db.Suppress(ctx, "suppressed@example.com", "test"); err != nil {
				t.Fatal(err)
			}
			sum, res := e.run(t, time.Date(2026, 11, 24, 9, 0, 0, 0, loc))
			want := map[string]int{"paused": 1, "away": 1, "unsubscribed": 1, "suppressed": 1}
			if sum.Queued != 1 || res.Sent != 1 || !mapsEqual(sum.Skipped, want) {
				t.Errorf("summary %+v flush %+v", sum, res)
			}
			for _, p := range prompts(t, e.db, store.PromptSkipped) {
				if p.Reason == "" {
					t.Errorf("skipped prompt for %s has no reason", p.MemberEmail)
				}
			}
			got := e.sink.WaitFor(1, 5*time.Second)
			if len(got) != 1 || got[0].To[0] != "active@example.com" {
				t.Errorf("sink got %+v", got)
			}
		})
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func setMember(t *testing.T, db *store.DB, email string, fn func(*store.MemberChange)) {
	t.Helper()
	m, err := db.MemberByAddress(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	var ch store.MemberChange
	fn(&ch)
	if err := db.ChangeMember(context.Background(), m.ID, ch); err != nil {
		t.Fatal(err)
	}
}

func TestReminderOnceInThread(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			loc := mustLoc(t, "America/Sao_Paulo")
			e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("UTC", daily(8*time.Hour, 2*time.Hour), ana))
			at := func(h, m int) time.Time { return time.Date(2026, 11, 24, h, m, 0, 0, loc) }
			e.run(t, at(9, 0))
			if sum, _ := e.run(t, at(10, 0)); sum.Reminders != 0 {
				t.Errorf("reminder before remind_after: %+v", sum)
			}
			if sum, res := e.run(t, at(11, 5)); sum.Reminders != 1 || res.Sent != 1 {
				t.Fatalf("at 11:05: %+v %+v", sum, res)
			}
			for _, h := range []int{12, 16} {
				if sum, _ := e.run(t, at(h, 0)); sum.Reminders != 0 {
					t.Errorf("second reminder at %d:00", h)
				}
			}
			msgs := e.sink.WaitFor(2, 5*time.Second)
			prompt, rem := parse(t, msgs[0].Data), parse(t, msgs[1].Data)
			pid, _ := prompt.h.MessageID()
			irt, _ := rem.h.MsgIDList("In-Reply-To")
			refs, _ := rem.h.MsgIDList("References")
			ps, _ := prompt.h.Subject()
			rs, _ := rem.h.Subject()
			if !slices.Equal(irt, []string{pid}) || len(refs) == 0 || refs[0] != pid || rs != "Re: "+ps {
				t.Errorf("reminder In-Reply-To %v References %v Subject %q; prompt %q %q", irt, refs, rs, pid, ps)
			}
			if rt := rem.h.Get("Reply-To"); rt != prompt.h.Get("Reply-To") {
				t.Errorf("reminder Reply-To %q differs from the prompt's %q", rt, prompt.h.Get("Reply-To"))
			}
			hasAll(t, "reminder text", rem.parts["text/plain"], "still open", "What are you working on today?")
			if len(e.sink.Messages()) != 2 {
				t.Errorf("sink got %d messages", len(e.sink.Messages()))
			}
		})
	}
}

func TestWelcome(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), nil)
			ch, err := e.db.Sync(context.Background(), spec("Europe/Berlin", daily(8*time.Hour, 0), ana))
			if err != nil || len(ch.Joined) != 1 {
				t.Fatalf("sync: %v %+v", err, ch)
			}
			for i, want := range []int{1, 0} {
				n, err := e.p.QueueWelcomes(context.Background(), ch.Joined)
				if err != nil || n != want {
					t.Fatalf("call %d: queued %d (%v), want %d", i, n, err, want)
				}
			}
			if res, err := e.d.Flush(context.Background()); err != nil || res.Sent != 1 {
				t.Fatalf("flush %+v %v", res, err)
			}
			m := parse(t, e.sink.WaitFor(1, 5*time.Second)[0].Data)
			subj, _ := m.h.Subject()
			hasAll(t, "welcome subject", subj, "Platform")
			hasAll(t, "welcome text", m.parts["text/plain"], "Hi Ana", "Platform team",
				"weekdays at 09:00 (São Paulo time)", "What did you get done yesterday?",
				"digest of everyone's answers goes out Fridays at 17:00", "ooo until", "https://"+domain+"/u/")
			hasAll(t, "welcome html", m.parts["text/html"], "weekdays at 09:00", "Platform")
			if m.h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Error("welcome lacks one-click unsubscribe")
			}
		})
	}
}
