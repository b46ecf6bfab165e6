package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestLoadDigestStreaksAndPrevious proves the streak rule on both backends:
// consecutive answered prompts (late answers count) up to the last miss (a
// sent prompt whose window closed without an update); skipped, failed,
// never-sent (expired, or pending when the window closed) and still-open
// prompts neither extend nor break a streak. It also checks that the
// previous period's prompts come back with their sending and answer times.
func TestLoadDigestStreaksAndPrevious(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		specs := exampleSpecs()
		for _, n := range []string{"chen", "dana", "eve", "finn"} {
			specs[0].Members = append(specs[0].Members, store.MemberSpec{Email: n + "@example.com", Name: n})
		}
		if _, err := db.Sync(ctx, specs); err != nil {
			t.Fatal(err)
		}
		team, _ := db.FindTeam(ctx, "platform")
		ms, _ := db.FindTeamMembers(ctx, team.ID)
		cis, _ := db.FindCheckIns(ctx, team.ID)
		id := map[string]int64{}
		for _, m := range ms {
			id[m.Email[:len(m.Email)-len("@example.com")]] = m.ID
		}
		from := time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)
		to, now := from.AddDate(0, 0, 7), from.AddDate(0, 0, 7)
		// kinds: a answered, A answered late (update after the window,
		// status still sent), m missed, s skipped, f failed, x expired
		// never sent, p pending when its window closed, o open (window
		// closes after now).
		seq := map[string]string{
			"ana":  "aamasAxa", // 3 since the miss: a, A, a
			"ben":  "aao",      // 2: the open prompt does not break it
			"chen": "am",       // none: the last prompt is a miss
			"dana": "apfx",     // 1: never sent, failed: not misses
			"eve":  "mmm",      // none: "0/3 · streak 2" was the bug
			"finn": "maa",
		}
		var inbound int64
		for who, s := range seq {
			for i, k := range s {
				due := to.Add(-time.Duration(len(s)-i) * 20 * time.Hour)
				if k == 'o' {
					due = now.Add(-time.Hour)
				}
				p := store.Prompt{CheckInID: cis[0].ID, MemberID: id[who], TeamID: team.ID,
					Period: fmt.Sprint(i), DueAt: due, ExpiresAt: due.Add(12 * time.Hour), Status: store.PromptSent, SentAt: &due}
				switch k {
				case 'a':
					p.Status = store.PromptAnswered
				case 's':
					p.Status, p.SentAt = store.PromptSkipped, nil
				case 'f':
					p.Status = store.PromptFailed
				case 'x':
					p.Status, p.SentAt = store.PromptExpired, nil
				case 'p':
					p.Status, p.SentAt = store.PromptPending, nil
				}
				must(t, db.CreatePrompt(ctx, &p))
				if k == 'a' || k == 'A' {
					at := due.Add(time.Hour)
					if k == 'A' {
						at = due.Add(30 * time.Hour)
					}
					inbound++
					_, _, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, InboundID: inbound,
						Answers: []store.Answer{{Key: "done", Text: "x"}}, AnsweredAt: at})
					must(t, err)
					if k == 'A' {
						// The update counts even if the prompt row still
						// says "sent".
						must(t, db.MarkPrompt(ctx, p.ID, store.PromptSent, ""))
					}
				}
			}
		}
		d, err := db.LoadDigest(ctx, team.ID, from, to, now)
		must(t, err)
		want := map[int64]int{id["ana"]: 3, id["ben"]: 2, id["dana"]: 1, id["finn"]: 2}
		if diff := cmp.Diff(want, d.Streaks); diff != "" {
			t.Errorf("streaks (-want +got):\n%s", diff)
		}
		// A week later everything above is the previous period.
		d, err = db.LoadDigest(ctx, team.ID, to, to.AddDate(0, 0, 7), to.AddDate(0, 0, 7))
		must(t, err)
		n, answered, sent := 0, 0, 0
		for _, p := range d.PreviousPrompts {
			n++
			if p.AnsweredAt != nil {
				answered++
			}
			if p.SentAt != nil {
				sent++
			}
			if p.ExpiresAt.IsZero() || p.DueAt.IsZero() {
				t.Errorf("previous prompt %d without due or expiry times", p.ID)
			}
		}
		if n != 23 || answered != 11 || sent != 19 {
			t.Errorf("previous: %d prompts, %d with an update, %d sent; want 23, 11, 19", n, answered, sent)
		}
	})
}
