package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// accessWorld is two teams with every kind of object, for the table of
// (person, object) → allowed.
type accessWorld struct {
	people  map[string]int64 // "lead", "member", "observer", "bystander", "outsider", "nobody"
	objects map[string]store.Object
}

func seedAccess(t *testing.T, db *store.DB) accessWorld {
	t.Helper()
	ctx := context.Background()
	q := []store.Question{{Key: "done", Text: "Done?"}}
	specs := []store.TeamSpec{{
		Slug: "platform", Name: "Platform", Timezone: "UTC",
		Members: []store.MemberSpec{
			{Email: "lea@example.com", Name: "Lea", Role: store.RoleLead},
			{Email: "mo@example.com", Name: "Mo"},
			{Email: "obi@example.com", Name: "Obi", Role: store.RoleObserver},
			{Email: "bea@example.com", Name: "Bea"},
		},
		CheckIns: []store.CheckInSpec{{Name: "daily", Schedule: "mon-fri 09:00", Questions: q}},
	}, {
		Slug: "web", Name: "Web", Timezone: "UTC",
		Members:  []store.MemberSpec{{Email: "out@example.com", Name: "Out", Role: store.RoleLead}},
		CheckIns: []store.CheckInSpec{{Name: "daily", Schedule: "mon-fri 09:00", Questions: q}},
	}}
	if _, err := db.Sync(ctx, specs); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SyncOneOnOnes(ctx, []store.OneOnOneSpec{{Team: "platform", Lead: "lea@example.com", Member: "mo@example.com", Schedule: "every tue 15:00"}}); err != nil {
		t.Fatal(err)
	}
	w := accessWorld{people: map[string]int64{"nobody": 0}, objects: map[string]store.Object{}}
	for role, addr := range map[string]string{"lead": "lea", "member": "mo", "observer": "obi", "bystander": "bea", "outsider": "out"} {
		m, err := db.MemberByAddress(ctx, addr+"@example.com")
		if err != nil {
			t.Fatal(err)
		}
		w.people[role] = m.ID
	}
	team, err := db.FindTeam(ctx, "platform")
	if err != nil {
		t.Fatal(err)
	}
	cis, err := db.FindCheckIns(ctx, team.ID)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	p := store.Prompt{CheckInID: cis[0].ID, MemberID: w.people["member"], TeamID: team.ID, Period: "2026-11-24", Status: store.PromptSent}
	if err := db.CreatePrompt(ctx, &p); err != nil {
		t.Fatal(err)
	}
	u, _, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: []store.Answer{{Key: "done", Text: "x"}}, InboundID: 1, AnsweredAt: at})
	if err != nil {
		t.Fatal(err)
	}
	open := store.Prompt{CheckInID: cis[0].ID, MemberID: w.people["member"], TeamID: team.ID, Period: "2026-11-25", Status: store.PromptSent}
	if err := db.CreatePrompt(ctx, &open); err != nil {
		t.Fatal(err)
	}
	d := store.Digest{TeamID: team.ID, Period: "2026-W48", Status: store.DigestSent}
	if err := db.CreateDigest(ctx, &d); err != nil {
		t.Fatal(err)
	}
	note := func(status string, tid *int64) int64 {
		n := store.MeetingNote{TeamID: tid, Title: status, Status: status, MeetingDate: at}
		if err := db.CreateMeetingNote(ctx, &n, nil); err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	ask := func(status string) int64 {
		a := store.Ask{TeamID: team.ID, AskerEmail: "lea@example.com", Kind: store.AskPoll, Status: status, Question: status, Anonymous: true}
		if err := db.CreateAsk(ctx, &a, []int64{w.people["member"]}); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	pairs, err := db.FindOneOnOnes(ctx, "platform")
	if err != nil || len(pairs) != 1 {
		t.Fatalf("pairs %v %v", pairs, err)
	}
	w.objects = map[string]store.Object{
		"team":              {Kind: store.ObjTeam, ID: team.ID},
		"update":            {Kind: store.ObjUpdate, ID: u.ID},
		"digest":            {Kind: store.ObjDigest, ID: d.ID},
		"filed note":        {Kind: store.ObjMeetingNote, ID: note(store.NoteFiled, &team.ID)},
		"pending note":      {Kind: store.ObjMeetingNote, ID: note(store.NotePending, &team.ID)},
		"quarantined note":  {Kind: store.ObjMeetingNote, ID: note(store.NoteQuarantined, nil)},
		"open ask":          {Kind: store.ObjAsk, ID: ask(store.AskOpen)},
		"open ask answers":  {Kind: store.ObjAskAnswers, ID: ask(store.AskOpen)},
		"closed ask answer": {Kind: store.ObjAskAnswers, ID: ask(store.AskClosed)},
		"unconfirmed ask":   {Kind: store.ObjAsk, ID: ask(store.AskPending)},
		"one-on-one":        {Kind: store.ObjOneOnOne, ID: pairs[0].ID},
		"member history":    {Kind: store.ObjMember, ID: w.people["member"], Team: team.ID},
		"outsider history":  {Kind: store.ObjMember, ID: w.people["outsider"], Team: team.ID},
		"export":            {Kind: store.ObjExport, ID: team.ID},
		"missing update":    {Kind: store.ObjUpdate, ID: u.ID + 1000},
		"answered prompt":   {Kind: store.ObjPrompt, ID: p.ID},
		"unanswered prompt": {Kind: store.ObjPrompt, ID: open.ID},
		"missing prompt":    {Kind: store.ObjPrompt, ID: open.ID + 1000},
		"unknown kind":      {Kind: "nope", ID: team.ID},
	}
	return w
}

// TestCanView is the table of who sees what: every role of the team, a
// member of the team outside a one-on-one (bystander), a member of another
// team (outsider) and nobody (no session).
func TestCanView(t *testing.T) {
	// allowed lists, per object, the people who may see it.
	allowed := map[string][]string{
		"team":              {"lead", "member", "observer", "bystander"},
		"update":            {"lead", "member", "observer", "bystander"},
		"digest":            {"lead", "member", "observer", "bystander"},
		"filed note":        {"lead", "member", "observer", "bystander"},
		"pending note":      nil,
		"quarantined note":  nil,
		"open ask":          {"lead", "member", "observer", "bystander"},
		"open ask answers":  nil,
		"closed ask answer": {"lead", "member", "observer", "bystander"},
		"unconfirmed ask":   nil,
		"one-on-one":        {"lead", "member"},
		"member history":    {"lead", "member", "observer", "bystander"},
		"outsider history":  nil,
		"export":            {"lead"},
		"missing update":    nil,
		"answered prompt":   {"lead", "member", "observer", "bystander"},
		"unanswered prompt": {"member"},
		"missing prompt":    nil,
		"unknown kind":      nil,
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedAccess(t, db)
		for obj, who := range allowed {
			o, ok := w.objects[obj]
			if !ok {
				t.Fatalf("no object %q", obj)
			}
			for person, id := range w.people {
				want := false
				for _, p := range who {
					want = want || p == person
				}
				got, err := db.CanView(ctx, id, o)
				if err != nil {
					t.Fatalf("CanView(%s, %s): %v", person, obj, err)
				}
				if got != want {
					t.Errorf("CanView(%s, %s) = %v, want %v", person, obj, got, want)
				}
			}
		}
		vis, err := db.VisibleTeams(ctx, w.people["observer"])
		if err != nil || len(vis) != 1 || vis[0].Slug != "platform" || vis[0].Role != store.RoleObserver {
			t.Errorf("VisibleTeams(observer) = %+v, %v", vis, err)
		}
		if vis, _ := db.VisibleTeams(ctx, w.people["outsider"]); len(vis) != 1 || vis[0].Slug != "web" {
			t.Errorf("VisibleTeams(outsider) = %+v", vis)
		}
		teamID := w.objects["team"].ID
		for person, n := range map[string]int{"lead": 1, "member": 1, "bystander": 0, "observer": 0} {
			ps, err := db.VisibleOneOnOnes(ctx, w.people[person], teamID)
			if err != nil || len(ps) != n {
				t.Errorf("VisibleOneOnOnes(%s) = %d pairs, %v; want %d", person, len(ps), err, n)
			}
		}
	})
}

func TestSignInLinksSessionsRates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		l := store.SignInLink{TokenHash: "h1", MemberID: 7, ExpiresAt: now.Add(15 * time.Minute)}
		if err := db.CreateSignInLink(ctx, &l); err != nil {
			t.Fatal(err)
		}
		if ok, err := db.SignInLinkUsable(ctx, "h1", now); !ok || err != nil {
			t.Fatalf("usable = %v, %v", ok, err)
		}
		if _, err := db.UseSignInLink(ctx, "h1", now.Add(16*time.Minute)); err == nil {
			t.Error("expired link used")
		}
		got, err := db.UseSignInLink(ctx, "h1", now.Add(time.Minute))
		if err != nil || got.MemberID != 7 {
			t.Fatalf("use = %+v, %v", got, err)
		}
		if _, err := db.UseSignInLink(ctx, "h1", now.Add(2*time.Minute)); err == nil {
			t.Error("link used twice")
		}
		if ok, _ := db.SignInLinkUsable(ctx, "h1", now); ok {
			t.Error("used link still usable")
		}
		s := store.WebSession{TokenHash: "s1", MemberID: 7, CSRF: "c", ExpiresAt: now.Add(time.Hour)}
		if err := db.CreateWebSession(ctx, &s); err != nil {
			t.Fatal(err)
		}
		if got, err := db.WebSessionByHash(ctx, "s1", now); err != nil || got.MemberID != 7 {
			t.Fatalf("session = %+v, %v", got, err)
		}
		if _, err := db.WebSessionByHash(ctx, "s1", now.Add(2*time.Hour)); err == nil {
			t.Error("expired session found")
		}
		if err := db.RevokeWebSession(ctx, "s1", now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.WebSessionByHash(ctx, "s1", now); err == nil {
			t.Error("revoked session found")
		}
		for i := 1; i <= 3; i++ {
			n, err := db.HitRate(ctx, "signin:a", time.Hour, now.Add(time.Duration(i)*time.Minute))
			if err != nil || n != i {
				t.Fatalf("hit %d = %d, %v", i, n, err)
			}
		}
		if n, _ := db.HitRate(ctx, "signin:a", time.Hour, now.Add(61*time.Minute)); n != 1 {
			t.Errorf("next window count = %d, want 1", n)
		}
		if n, err := db.PruneWeb(ctx, now.Add(48*time.Hour)); err != nil || n < 3 {
			t.Errorf("prune = %d, %v", n, err)
		}
	})
}

func TestDigestCopies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedAccess(t, db)
		teamID := w.objects["team"].ID
		start := time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)
		for i, id := range []int64{w.objects["digest"].ID} {
			c := store.DigestCopy{DigestID: id, TeamID: teamID, PeriodStart: start, PeriodEnd: start.Add(7 * 24 * time.Hour),
				Subject: fmt.Sprintf("digest %d", i), HTML: "<p>x\x00</p>", Text: "x", SentAt: start.Add(7 * 24 * time.Hour)}
			for range 2 { // replaced on resend
				if err := db.SaveDigestCopy(ctx, &c); err != nil {
					t.Fatal(err)
				}
			}
		}
		d, err := db.DigestWithCopy(ctx, w.objects["digest"].ID)
		if err != nil || d.Copy.HTML != "<p>x</p>" || d.Period != "2026-W48" {
			t.Fatalf("with copy = %+v, %v", d, err)
		}
		if got, err := db.DigestCovering(ctx, teamID, start.Add(time.Hour)); err != nil || got.DigestID != d.ID {
			t.Errorf("covering = %+v, %v", got, err)
		}
		if _, err := db.DigestCovering(ctx, teamID, start.Add(-time.Hour)); err == nil {
			t.Error("a digest covers a time before its period")
		}
		if cs, err := db.FindDigestCopies(ctx, teamID); err != nil || len(cs) != 1 || cs[0].HTML != "" {
			t.Errorf("copies = %+v, %v", cs, err)
		}
	})
}
