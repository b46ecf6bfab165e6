package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
)

// world is what seed made: people by role and the URLs of team platform.
type world struct {
	people map[string]*store.Member // lead, member, observer, outsider
	urls   []string                 // every page of team platform
	// hidden are URLs of platform objects that nobody may see.
	hidden []string
	update int64
	// answered and unanswered are prompts of Mo's: the first has update,
	// the second no reply yet.
	answered, unanswered int64
}

func seed(t *testing.T, db *store.DB, now time.Time) world {
	t.Helper()
	ctx := context.Background()
	qs := []store.Question{{Key: "done", Text: "What did you get done?"}, {Key: "blockers", Text: "Anything blocking you?"}}
	specs := []store.TeamSpec{{
		Slug: "platform", Name: "Platform", Timezone: "Europe/Berlin", DigestSchedule: "fri 17:00",
		Members: []store.MemberSpec{
			{Email: "lea@example.com", Name: "Lea Lead", Role: store.RoleLead},
			{Email: "mo@example.com", Name: "Mo Member"},
			{Email: "obi@example.com", Name: "Obi Observer", Role: store.RoleObserver},
		},
		CheckIns: []store.CheckInSpec{{Name: "daily", Schedule: "mon-fri 09:00", Questions: qs}},
	}, {
		Slug: "web", Name: "Web", Timezone: "UTC",
		Members:  []store.MemberSpec{{Email: "out@example.com", Name: "Out Sider", Role: store.RoleLead}},
		CheckIns: []store.CheckInSpec{{Name: "daily", Schedule: "mon-fri 09:00", Questions: qs}},
	}}
	if _, err := db.Sync(ctx, specs); err != nil {
		t.Fatal(err)
	}
	w := world{people: map[string]*store.Member{}}
	for role, addr := range map[string]string{"lead": "lea", "member": "mo", "observer": "obi", "outsider": "out"} {
		m, err := db.MemberByAddress(ctx, addr+"@example.com")
		if err != nil {
			t.Fatal(err)
		}
		w.people[role] = m
	}
	team, err := db.FindTeam(ctx, "platform")
	if err != nil {
		t.Fatal(err)
	}
	cis, err := db.FindCheckIns(ctx, team.ID)
	if err != nil {
		t.Fatal(err)
	}
	weekAgo := now.Add(-7 * 24 * time.Hour)
	p := store.Prompt{CheckInID: cis[0].ID, MemberID: w.people["member"].ID, TeamID: team.ID, Period: weekAgo.Format("2006-01-02"), Status: store.PromptSent}
	if err := db.CreatePrompt(ctx, &p); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"waiting on the vendor", "still waiting on the flux capacitor vendor"} {
		u, _, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, HasBlocker: true, InboundID: int64(i + 1),
			AnsweredAt: weekAgo.Add(time.Duration(i) * time.Hour),
			Answers:    []store.Answer{{Key: "done", Question: "What did you get done?", Text: "shipped the importer"}, {Key: "blockers", Question: "Anything blocking you?", Text: text}}})
		if err != nil {
			t.Fatal(err)
		}
		w.update = u.ID
	}
	w.answered = p.ID
	open := store.Prompt{CheckInID: cis[0].ID, MemberID: w.people["member"].ID, TeamID: team.ID, Period: now.Format("2006-01-02"), Status: store.PromptSent}
	if err := db.CreatePrompt(ctx, &open); err != nil {
		t.Fatal(err)
	}
	w.unanswered = open.ID
	d := store.Digest{TeamID: team.ID, Period: "2026-W47", Status: store.DigestSent}
	if err := db.CreateDigest(ctx, &d); err != nil {
		t.Fatal(err)
	}
	err = db.SaveDigestCopy(ctx, &store.DigestCopy{DigestID: d.ID, TeamID: team.ID, PeriodStart: weekAgo.Add(-3 * 24 * time.Hour),
		PeriodEnd: weekAgo.Add(4 * 24 * time.Hour), SentAt: weekAgo.Add(4 * 24 * time.Hour), Subject: "Platform digest, week 47",
		Text: "Blockers: Mo Member: still waiting on the flux capacitor vendor", HTML: "<!doctype html><html lang=en><body><h1>Platform digest</h1><p>flux capacitor</p></body></html>"})
	if err != nil {
		t.Fatal(err)
	}
	note := store.MeetingNote{TeamID: &team.ID, Title: "Planning sync", Status: store.NoteFiled, MeetingDate: weekAgo,
		Summary: "We met.", Decisions: []string{"Ship the importer on Friday"}}
	owner := w.people["member"].ID
	if err := db.CreateMeetingNote(ctx, &note, []store.ActionItem{{OwnerMemberID: &owner, OwnerText: "Mo", Text: "Call the vendor", Status: store.ActionOpen},
		{OwnerText: "Legal", Text: "Review the contract", Status: store.ActionDone}}); err != nil {
		t.Fatal(err)
	}
	pending := store.MeetingNote{TeamID: &team.ID, Title: "Secret pending", Status: store.NotePending, MeetingDate: weekAgo}
	if err := db.CreateMeetingNote(ctx, &pending, nil); err != nil {
		t.Fatal(err)
	}
	ask := store.Ask{TeamID: team.ID, AskerEmail: "lea@example.com", AskerName: "Lea Lead", Kind: store.AskPoll, Status: store.AskOpen,
		Question: "Which day for the offsite?", Choices: []string{"Monday", "Tuesday"}, Anonymous: true}
	if err := db.CreateAsk(ctx, &ask, []int64{owner}); err != nil {
		t.Fatal(err)
	}
	rs, err := db.AskRecipients(ctx, ask.ID)
	if err != nil || len(rs) != 1 {
		t.Fatalf("recipients %v %v", rs, err)
	}
	if _, err := db.SaveAskAnswer(ctx, rs[0].ID, 9, []int{1}, "Tuesdays are quiet", false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseAsk(ctx, ask.ID, now, "at the deadline"); err != nil {
		t.Fatal(err)
	}
	unconfirmed := store.Ask{TeamID: team.ID, AskerEmail: "x@example.com", Kind: store.AskPoll, Status: store.AskPending, Question: "Unconfirmed question?"}
	if err := db.CreateAsk(ctx, &unconfirmed, nil); err != nil {
		t.Fatal(err)
	}
	base := "/t/platform"
	w.urls = []string{base + "/", fmt.Sprintf("%s/m/%d", base, owner), fmt.Sprintf("%s/u/%d", base, w.update),
		base + "/d/", base + "/d/2026-W47", base + "/d/2026-W47/email", base + "/n/", fmt.Sprintf("%s/n/%d", base, note.ID),
		base + "/asks", base + "/okrs", base + "/search?q=vendor", base + "/export.csv", base + "/export.json",
		base + "/?before=2026-11-01"}
	w.hidden = []string{fmt.Sprintf("%s/n/%d", base, pending.ID), fmt.Sprintf("%s/u/%d", base, w.update+100),
		fmt.Sprintf("/t/web/u/%d", w.update), fmt.Sprintf("/t/web/n/%d", note.ID), "/t/nope/", "/t/web/d/2026-W47",
		fmt.Sprintf("/t/web/p/%d", w.answered), fmt.Sprintf("%s/p/%d", base, w.unanswered+100), base + "/p/x"}
	return w
}
