package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// seedPrompts syncs exampleSpecs and gives Ana and Ben one prompt each for
// period 2026-11-24.
func seedPrompts(t *testing.T, db *store.DB) (team *store.Team, ana, ben store.Prompt) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Sync(ctx, exampleSpecs()); err != nil {
		t.Fatal(err)
	}
	team, err := db.FindTeam(ctx, "platform")
	if err != nil {
		t.Fatal(err)
	}
	cis, err := db.FindCheckIns(ctx, team.ID)
	if err != nil || len(cis) != 1 {
		t.Fatalf("check-ins %v, %v", cis, err)
	}
	var ps []store.Prompt
	for _, email := range []string{"ana@example.com", "ben@example.com"} {
		m, err := db.MemberByAddress(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		p := store.Prompt{CheckInID: cis[0].ID, MemberID: m.ID, TeamID: team.ID, Period: "2026-11-24", Status: store.PromptSent}
		if err := db.CreatePrompt(ctx, &p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return team, ps[0], ps[1]
}

func answer(text string) []store.Answer {
	return []store.Answer{{Key: "done", Question: "What did you get done yesterday?", Text: text}}
}

func TestSaveUpdateVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, p, _ := seedPrompts(t, db)
		t0 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		u, changed, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: answer("v1"), HasBlocker: true, InboundID: 1, AnsweredAt: t0})
		if err != nil || !changed || u.Version != 1 || u.MemberID != p.MemberID || u.Period != "2026-11-24" {
			t.Fatalf("first save: %+v %v %v", u, changed, err)
		}
		prompts, _ := db.FindPrompts(ctx, store.PromptFilter{})
		for _, pr := range prompts {
			if pr.ID == p.ID && (pr.Status != store.PromptAnswered || pr.AnsweredAt == nil || !pr.AnsweredAt.Equal(t0)) {
				t.Errorf("prompt after save: %+v", pr)
			}
		}
		// The same message again (a retried job) writes nothing.
		if u2, changed, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: answer("v1 again"), InboundID: 1, AnsweredAt: t0}); err != nil || changed || u2.Version != 1 {
			t.Fatalf("same inbound: %+v %v %v", u2, changed, err)
		}
		// A newer message revises: version 2, v1 kept as a revision.
		u, changed, err = db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: answer("v2"), InboundID: 2, AnsweredAt: t0.Add(time.Hour)})
		if err != nil || !changed || u.Version != 2 || u.HasBlocker || u.Answers[0].Text != "v2" {
			t.Fatalf("revision: %+v %v %v", u, changed, err)
		}
		// An older message (delivered late) is kept as a revision only.
		if cur, changed, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: answer("late"), InboundID: 3, AnsweredAt: t0.Add(-time.Hour)}); err != nil || !changed || cur.Version != 2 || cur.Answers[0].Text != "v2" {
			t.Fatalf("late answer: %+v %v %v", cur, changed, err)
		}
		// Replaying any of them changes nothing.
		for _, id := range []int64{1, 2, 3} {
			if _, changed, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: answer("replay"), InboundID: id, AnsweredAt: t0.Add(2 * time.Hour)}); err != nil || changed {
				t.Errorf("replay of inbound %d: changed %v, %v", id, changed, err)
			}
		}
		revs, err := db.UpdateRevisions(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		type rv struct {
			Version int
			Text    string
			Inbound int64
			Blocker bool
		}
		var got []rv
		for _, r := range revs {
			got = append(got, rv{r.Version, r.Answers[0].Text, r.InboundID, r.HasBlocker})
		}
		want := []rv{{0, "late", 3, false}, {1, "v1", 1, true}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("revisions (-want +got):\n%s", diff)
		}
		ups, _ := db.FindUpdates(ctx, store.UpdateFilter{})
		if len(ups) != 1 || ups[0].Version != 2 || ups[0].InboundID != 2 {
			t.Errorf("updates = %+v", ups)
		}
	})
}

func TestSaveUpdateMissingPrompt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		_, _, err := db.SaveUpdate(context.Background(), store.UpdateInput{PromptID: 12345, Answers: answer("x"), InboundID: 1, AnsweredAt: time.Now()})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SaveUpdate(missing prompt) = %v, want ErrNotFound", err)
		}
	})
}

func TestFindUpdatesFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		team, pa, pb := seedPrompts(t, db)
		t0 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		if _, _, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: pb.ID, Answers: answer("ben"), InboundID: 10, AnsweredAt: t0.Add(2 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: pa.ID, Answers: answer("ana"), InboundID: 11, AnsweredAt: t0}); err != nil {
			t.Fatal(err)
		}
		texts := func(f store.UpdateFilter) []string {
			ups, err := db.FindUpdates(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, u := range ups {
				out = append(out, u.Answers[0].Text+"/"+u.MemberEmail+"/"+u.TeamSlug+"/"+u.CheckInName)
			}
			return out
		}
		ana, ben := "ana/ana@example.com/platform/daily", "ben/ben@example.com/platform/daily"
		for name, c := range map[string]struct {
			f    store.UpdateFilter
			want []string
		}{
			"all, oldest answer first": {store.UpdateFilter{}, []string{ana, ben}},
			"team":                     {store.UpdateFilter{TeamID: team.ID}, []string{ana, ben}},
			"other team":               {store.UpdateFilter{TeamID: team.ID + 100}, []string{}},
			"member":                   {store.UpdateFilter{MemberID: pb.MemberID}, []string{ben}},
			"since inclusive":          {store.UpdateFilter{Since: t0.Add(2 * time.Hour)}, []string{ben}},
			"until exclusive":          {store.UpdateFilter{Until: t0.Add(2 * time.Hour)}, []string{ana}},
			"limit":                    {store.UpdateFilter{Limit: 1}, []string{ana}},
		} {
			if diff := cmp.Diff(c.want, texts(c.f)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
	})
}
