package ask_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/mail/ask"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
	"github.com/tidings-app/tidings/templates/htmlcheck"
)

// TestEmailsGoldenAndBrowser renders every ask email through the Service:
// the pending and sent confirmations, a member's copy and reminder, the
// results, the FYI acknowledgement and an urgent FYI. It compares each
// text part with testdata/NAME.txt.golden, checks it is wrapped at 78
// columns, and renders each HTML part in headless Chromium at 320, 375 and
// 700 px in light and dark mode.
func TestEmailsGoldenAndBrowser(t *testing.T) {
	browser := htmlcheck.Start(t)
	ctx := context.Background()
	db, _ := storetest.OpenSQLite(t, store.Options{})
	e := newEnv(t, db)
	got := map[string]ask.Outgoing{}
	keep := func(name string, out []ask.Outgoing, to string) {
		for _, o := range out {
			if o.To == to {
				got[name] = o
				return
			}
		}
		t.Fatalf("%s: nothing to %s in %d messages", name, to, len(out))
	}
	e.deliver(t, eml("Ana Lima <ana@example.com>", "ask+platform@tidings.test", "Which city for the offsite in March?", "",
		"We have budget for one city; flights are booked by the office.\n\nA) Lisbon\nB) Porto\nC) Madrid, if the Spanish visa question is settled by then\n\nmultiple\nuntil Fri 12:00\n", e.now),
		"ask+platform@"+domain, false)
	a := lastAsk(t, db)
	keep("ask_confirm_pending", e.mailer.take(), "ana@example.com")
	e.deliver(t, eml("ana@example.com", e.addr.Asker(a.ID), "Re: x", "", "yes", e.now), e.addr.Asker(a.ID), false)
	out := e.mailer.take()
	keep("ask_confirm", out, "ana@example.com")
	keep("ask_question", out, "chen@example.com")
	ben := got["ask_question"].ReplyTo
	for _, o := range out {
		if o.To == "ben@example.com" {
			ben = o.ReplyTo
		}
	}
	e.deliver(t, eml("ben@example.com", ben, "Re: x", "", "A and C\nEither works; Lisbon has the better venue for a group of twelve people with a long comment that wraps.", e.now), ben, false)
	e.now = a.RemindAt.Add(time.Minute)
	if _, err := e.svc.Sweep(ctx, db); err != nil {
		t.Fatal(err)
	}
	keep("ask_reminder", e.mailer.take(), "chen@example.com")
	e.now = a.Deadline.Add(time.Minute)
	if _, err := e.svc.Sweep(ctx, db); err != nil {
		t.Fatal(err)
	}
	keep("ask_results", e.mailer.take(), "ana@example.com")
	e.deliver(t, eml("Ben Okafor <ben@example.com>", "fyi+platform@tidings.test", "New on-call rota from January", "", "Starts Monday 4 Jan.", e.now), "fyi+platform@"+domain, true)
	keep("fyi_held", e.mailer.take(), "ben@example.com")
	e.deliver(t, eml("Ben Okafor <ben@example.com>", "fyi+platform@tidings.test", "Urgent: production freeze starts now", "", "No deploys until the incident is closed.\nStatus page: https://status.example.com", e.now), "fyi+platform@"+domain, true)
	keep("fyi_urgent", e.mailer.take(), "chen@example.com")

	for _, name := range []string{"ask_confirm_pending", "ask_confirm", "ask_question", "ask_reminder", "ask_results", "fyi_held", "fyi_urgent"} {
		t.Run(name, func(t *testing.T) {
			o := got[name]
			if ll := templates.LongLines(o.Text, templates.TextWidth); len(ll) > 0 {
				t.Errorf("lines over %d columns: %q", templates.TextWidth, ll)
			}
			golden(t, name+".txt.golden", "Subject: "+o.Subject+"\n\n"+o.Text)
			browser.Check(t, name, o.HTML)
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
