package meeting_test

import (
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

// TestEmailsGoldenAndBrowser renders the confirmation of a real forwarded
// note (Gmail), the refusal and the "which team?" question through the
// Filer, compares each text part with testdata/NAME.txt.golden, checks it
// is wrapped at 78 columns, and renders each HTML part in headless
// Chromium at 320, 375 and 700 px in light and dark mode. It also proves
// the correction example's due date is computed: the next Friday after
// sending, in the team's zone.
func TestEmailsGoldenAndBrowser(t *testing.T) {
	browser := htmlcheck.Start(t)
	db, _ := storetest.OpenSQLite(t, store.Options{})
	e := newEnv(t, db)
	raw, err := os.ReadFile("testdata/gmail.eml")
	if err != nil {
		t.Fatal(err)
	}
	if status, reason, _ := e.file(t, raw, "meetings+platform@"+domain, "pass"); status != store.InboundApplied {
		t.Fatalf("status %s (%s)", status, reason)
	}
	confirm := e.mailer.take()
	e.file(t, eml("Eve <eve@evil.example>", "meetings+platform@tidings.test", "Notes", "eve-1@evil.example", "", notesBody),
		"meetings+platform@"+domain, "pass")
	refused := e.mailer.take()
	e.file(t, eml("Ana Lima <ana@example.com>", "meetings@tidings.test", "Fwd: Sync", "ana-1@example.com", "", notesBody),
		"meetings@"+domain, "pass")
	ask := e.mailer.take()
	// Monday 30 Nov: the example is due on Friday 4 Dec.
	e.now = time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)
	e.file(t, eml("Ben Okafor <ben@example.com>", "meetings+platform@tidings.test", "Fwd: Sync", "ben-1@example.com", "", notesBody),
		"meetings+platform@"+domain, "pass")
	later := e.mailer.take()

	for _, c := range []struct {
		name string
		sent int
		kind string
		want []string
	}{
		{"meeting_confirm", len(confirm), "meeting_confirm", []string{"due Fri 27 Nov\""}},
		{"meeting_refused", len(refused), "meeting_refused", nil},
		{"meeting_ask_team", len(ask), "meeting_ask_team", []string{"meetings+data@" + domain}},
		{"meeting_confirm_later", len(later), "meeting_confirm", []string{"due Fri 4 Dec\""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.sent != 1 {
				t.Fatalf("%d messages queued, want 1", c.sent)
			}
			o := confirm
			switch c.name {
			case "meeting_refused":
				o = refused
			case "meeting_ask_team":
				o = ask
			case "meeting_confirm_later":
				o = later
			}
			if o[0].Kind != c.kind {
				t.Fatalf("kind %s, want %s", o[0].Kind, c.kind)
			}
			for _, w := range c.want {
				if !strings.Contains(o[0].Text, w) {
					t.Errorf("text lacks %q:\n%s", w, o[0].Text)
				}
			}
			if ll := templates.LongLines(o[0].Text, templates.TextWidth); len(ll) > 0 {
				t.Errorf("lines over %d columns: %q", templates.TextWidth, ll)
			}
			if c.name == "meeting_confirm_later" {
				return
			}
			golden(t, c.name+".txt.golden", o[0].Text)
			browser.Check(t, c.name, o[0].HTML)
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
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
