package outbound_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
	"github.com/tidings-app/tidings/templates/htmlcheck"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestEmailsGoldenAndBrowser sends a realistic welcome, prompt and
// reminder (team in New York, member in São Paulo, a long question, an
// open action item) through the real pipeline to an SMTP sink, compares
// each text part with its golden file, checks it is wrapped at 78
// columns, and renders each HTML part in headless Chromium at 320, 375 and
// 700 px in light and dark mode.
func TestEmailsGoldenAndBrowser(t *testing.T) {
	browser := htmlcheck.Start(t)
	b := storetest.Backends(t)[0]
	ny := mustLoc(t, "America/New_York")
	sp := mustLoc(t, "America/Sao_Paulo")
	ctx := context.Background()
	ana := store.MemberSpec{Email: "ana@example.com", Name: "Ana Lima", Timezone: "America/Sao_Paulo"}
	ben := store.MemberSpec{Email: "ben@example.com", Name: "Ben Okafor", Role: store.RoleLead, Timezone: "America/New_York"}
	qs := append(append([]store.Question{}, questions...), store.Question{Key: "notes",
		Text: "Anything the rest of the team should know about this week — launches, incidents, people out, or links to long-running discussions?"})
	ci := store.CheckInSpec{Name: "daily", Schedule: "mon-fri 09:00", Window: 12 * time.Hour, RemindAfter: 4 * time.Hour, Questions: qs}
	specs := []store.TeamSpec{{Slug: "platform", Name: "Platform", Timezone: "America/New_York", DigestSchedule: "fri 17:00",
		Members: []store.MemberSpec{ben, ana}, CheckIns: []store.CheckInSpec{ci}}}

	// Sunday 22 Nov, 20:00 in São Paulo: Ana and Ben are added.
	e := newEnv(t, b, time.Date(2026, 11, 22, 20, 0, 0, 0, sp), nil)
	ch, err := e.db.Sync(ctx, specs)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.p.QueueWelcomes(ctx, ch.Joined); err != nil || n != 2 {
		t.Fatalf("welcomes queued %d, %v", n, err)
	}
	if res, err := e.d.Flush(ctx); err != nil || res.Sent != 2 {
		t.Fatalf("flush %+v %v", res, err)
	}
	m, err := e.db.MemberByAddress(ctx, ana.Email)
	if err != nil {
		t.Fatal(err)
	}
	teams, err := e.db.TeamsOf(ctx, m.ID)
	if err != nil || len(teams) != 1 {
		t.Fatalf("teams %v %v", teams, err)
	}
	due := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	note := &store.MeetingNote{TeamID: &teams[0].ID, Title: "Platform weekly sync", Status: store.NoteFiled,
		MeetingDate: time.Date(2026, 11, 20, 15, 0, 0, 0, ny)}
	if err := e.db.CreateMeetingNote(ctx, note, []store.ActionItem{{OwnerMemberID: &m.ID, OwnerText: "Ana",
		Text: "Write up the VPN access runbook for new contractors and share it in #platform", Due: &due, Status: store.ActionOpen}}); err != nil {
		t.Fatal(err)
	}
	// Monday 09:00 in São Paulo: Ana's prompt; 13:30: her reminder.
	e.run(t, time.Date(2026, 11, 23, 9, 0, 0, 0, sp))
	e.run(t, time.Date(2026, 11, 23, 13, 30, 0, 0, sp))

	got := map[string]parsed{}
	for _, r := range e.sink.Messages() {
		if len(r.To) != 1 || r.To[0] != ana.Email {
			continue
		}
		p := parse(t, r.Data)
		subj, _ := p.h.Subject()
		switch {
		case strings.HasPrefix(subj, "You're on"):
			got["welcome"] = p
		case strings.HasPrefix(subj, "Re: "):
			got["reminder"] = p
		default:
			got["prompt"] = p
		}
	}
	subjects := map[string]string{
		"welcome":  "You're on the Platform team's check-ins",
		"prompt":   "Platform · daily check-in · Mon 23 Nov",
		"reminder": "Re: Platform · daily check-in · Mon 23 Nov",
	}
	for _, name := range []string{"welcome", "prompt", "reminder"} {
		t.Run(name, func(t *testing.T) {
			p, ok := got[name]
			if !ok {
				t.Fatalf("no %s for Ana among %d messages", name, len(e.sink.Messages()))
			}
			if s, _ := p.h.Subject(); s != subjects[name] {
				t.Errorf("subject %q, want %q", s, subjects[name])
			}
			text := strings.ReplaceAll(p.parts["text/plain"], "\r\n", "\n")
			golden(t, name+".txt.golden", text)
			if ll := templates.LongLines(text, templates.TextWidth); len(ll) > 0 {
				t.Errorf("lines over %d columns: %q", templates.TextWidth, ll)
			}
			if strings.Contains(text, "America/") || strings.Contains(p.parts["text/html"], "America/") {
				t.Errorf("%s names an IANA zone", name)
			}
			browser.Check(t, name, p.parts["text/html"])
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}
