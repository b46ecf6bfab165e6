package digest_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
	"github.com/tidings-app/tidings/templates/htmlcheck"
)

// seedAsks stores, for the platform team, a closed attributed poll, a
// closed anonymous poll, an open poll, a held FYI, an urgent FYI and a
// pending (unconfirmed) FYI.
func seedAsks(t *testing.T, db *store.DB, at time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Sync(ctx, []store.TeamSpec{{Slug: "platform", Name: "Platform", Timezone: "Europe/Lisbon",
		Members: []store.MemberSpec{{Email: "ana@example.com", Name: "Ana Lima"}, {Email: "ben@example.com", Name: "Ben Okafor"},
			{Email: "chen@example.com", Name: "Chen Wei"}}}}); err != nil {
		t.Fatal(err)
	}
	team, _ := db.FindTeam(ctx, "platform")
	ben, _ := db.MemberByAddress(ctx, "ben@example.com")
	chen, _ := db.MemberByAddress(ctx, "chen@example.com")
	poll := func(q string, anon bool, status string) {
		a := &store.Ask{TeamID: team.ID, AskerEmail: "ana@example.com", AskerName: "Ana Lima", Kind: store.AskPoll, Status: store.AskOpen,
			Question: q, Choices: []string{"Lisbon", "Porto"}, Anonymous: anon, Deadline: at}
		if err := db.CreateAsk(ctx, a, []int64{ben.ID, chen.ID}); err != nil {
			t.Fatal(err)
		}
		rs, _ := db.AskRecipients(ctx, a.ID)
		if _, err := db.SaveAskAnswer(ctx, rs[0].ID, 0, []int{1}, "Secret reason of Ben", !anon); err != nil {
			t.Fatal(err)
		}
		if status == store.AskClosed {
			if _, err := db.CloseAsk(ctx, a.ID, at, "at the deadline"); err != nil {
				t.Fatal(err)
			}
		}
	}
	poll("Which city for the offsite?", false, store.AskClosed)
	poll("Rate the retro", true, store.AskClosed)
	poll("Still open?", false, store.AskOpen)
	for _, f := range []struct {
		subj, status string
	}{{"New on-call rota", store.AskHeld}, {"Prod freeze", store.AskSent}, {"Forged FYI", store.AskPending}} {
		a := &store.Ask{TeamID: team.ID, AskerEmail: "ben@example.com", AskerName: "Ben Okafor", Kind: store.AskFYI, Status: f.status,
			Question: f.subj, Context: "Starts Monday.\nAsk me for details."}
		if err := db.CreateAsk(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
	}
	return team.ID
}

// TestAsksSection loads the week's asks and renders the named templates
// "digest_asks_txt" and "digest_asks_html" alone (inside a minimal
// message), checks the text and the HTML in headless Chromium, and proves
// the anonymous poll's comment reaches the digest without a name, and
// open asks and unconfirmed FYIs do not reach it at all.
func TestAsksSection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Now()
		teamID := seedAsks(t, db, now)
		loc, _ := time.LoadLocation("Europe/Lisbon")
		p := digest.Period{Key: "w", Start: now.Add(-24 * time.Hour), End: now.Add(time.Hour), Weekly: true, Loc: loc}
		asks, err := digest.LoadAsks(context.Background(), db, teamID, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(asks.Results) != 2 || len(asks.FYIs) != 2 {
			t.Fatalf("results %d, FYIs %d; want 2 and 2: %+v", len(asks.Results), len(asks.FYIs), asks)
		}
		r := renderAsks(t, asks)
		for _, w := range []string{"ASKS", "Which city for the offsite? — asked by Ana Lima; 1 of 2 answered", "A) Lisbon ░░░░░░░░░░ 0", "B) Porto  ██████████ 1",
			"• Ben Okafor: Secret reason of Ben", "Rate the retro — asked by Ana Lima; 1 of 2 answered, anonymous", "  • Secret reason of Ben",
			"FYI", "New on-call rota — Ben Okafor", "  Starts Monday.", "Prod freeze — Ben Okafor", "(sent at once)"} {
			if !strings.Contains(r.Text, w) {
				t.Errorf("text lacks %q:\n%s", w, r.Text)
			}
		}
		for _, no := range []string{"Still open?", "Forged FYI"} {
			if strings.Contains(r.Text, no) || strings.Contains(r.HTML, no) {
				t.Errorf("digest shows %q", no)
			}
		}
		anon := asks.Results[1]
		if !anon.Anonymous || len(anon.Comments) != 1 || anon.Comments[0] != "Secret reason of Ben" {
			t.Errorf("anonymous result %+v, want the bare comment", anon)
		}
	})
}

func TestAsksSectionInBrowser(t *testing.T) {
	browser := htmlcheck.Start(t)
	db, _ := storetest.OpenSQLite(t, store.Options{})
	now := time.Now()
	teamID := seedAsks(t, db, now)
	p := digest.Period{Key: "w", Start: now.Add(-24 * time.Hour), End: now.Add(time.Hour), Weekly: true, Loc: time.UTC}
	asks, err := digest.LoadAsks(context.Background(), db, teamID, p)
	if err != nil {
		t.Fatal(err)
	}
	// The section as it appears in a real digest, with the digest's own
	// light and dark styles.
	set, err := templates.Parse(templates.Default())
	if err != nil {
		t.Fatal(err)
	}
	d := digest.Digest{TeamID: teamID, Team: "Platform", TeamSlug: "platform", Period: p, Zone: "UTC", Empty: true, Asks: asks}
	r, err := digest.Render(set, d, "https://tidings.test/u/x")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.HTML, "Which city for the offsite?") {
		t.Fatalf("the digest does not show the asks section:\n%s", r.HTML)
	}
	browser.Check(t, "digest-asks", r.HTML)
}

// renderAsks renders the two named templates alone inside a minimal
// message, for the text checks.
func renderAsks(t *testing.T, asks digest.Asks) templates.Rendered {
	t.Helper()
	test := fstest.MapFS{
		"t.subject.tmpl": {Data: []byte("asks")},
		"t.txt.tmpl":     {Data: []byte(`{{template "digest_asks_txt" .}}`)},
		"t.html.tmpl": {Data: []byte(`{{template "email_open" (page "Digest" "")}}<h1 style="font-size:22px;margin:0 0 12px">Digest</h1>` +
			`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">{{template "digest_asks_html" .}}</table>{{template "email_close"}}`)},
	}
	set, err := templates.Parse(templates.Overlay(test))
	if err != nil {
		t.Fatal(err)
	}
	r, err := set.Render("t", asks)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
