package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// TestLoadDigest checks the period bounds, the previous period's counts,
// streaks across periods, notes and items, on every backend.
func TestLoadDigest(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { testLoadDigest(t, b) })
	}
}

// rawGorm opens a second handle on a test database to write rows that no
// store method writes in bulk.
func rawGorm(t *testing.T, dsn string) *gorm.DB {
	t.Helper()
	var d gorm.Dialector
	if store.IsPostgres(dsn) {
		d = postgres.Open(dsn)
	} else {
		d = sqlite.Open(dsn + "?_pragma=busy_timeout(10000)")
	}
	g, err := gorm.Open(d, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := g.DB()
	t.Cleanup(func() { sqlDB.Close() })
	return g
}

func testLoadDigest(t *testing.T, b storetest.Backend) {
	{
		db, dsn := b.Open(t, store.Options{})
		raw := rawGorm(t, dsn)
		ctx := context.Background()
		if _, err := db.Sync(ctx, exampleSpecs()); err != nil {
			t.Fatal(err)
		}
		team, _ := db.FindTeam(ctx, "platform")
		ms, _ := db.FindTeamMembers(ctx, team.ID)
		cis, _ := db.FindCheckIns(ctx, team.ID)
		ana, ben := ms[0].ID, ms[1].ID
		from := time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 0, 7)
		day := func(i int) time.Time { return from.Add(time.Duration(i)*24*time.Hour + 12*time.Hour) }
		n := 0
		add := func(member int64, due time.Time, status string, blocker bool) {
			n++
			p := store.Prompt{CheckInID: cis[0].ID, MemberID: member, TeamID: team.ID, Period: due.Format("2006-01-02"), DueAt: due, Status: status}
			if err := db.CreatePrompt(ctx, &p); err != nil {
				t.Fatal(err)
			}
			if status == store.PromptAnswered {
				u := store.Update{PromptID: p.ID, MemberID: member, TeamID: team.ID, CheckInID: cis[0].ID, Period: p.Period,
					Answers: []store.Answer{{Key: "done", Text: "x"}}, HasBlocker: blocker, Version: 1, AnsweredAt: due.Add(time.Hour)}
				if err := raw.Create(&u).Error; err != nil {
					t.Fatal(err)
				}
			}
		}
		// Previous period: Ana answers 2, misses 1 then answers 1 (streak
		// restarts); Ben answers 1.
		add(ana, day(-5), store.PromptAnswered, false)
		add(ana, day(-4), store.PromptAnswered, false)
		add(ana, day(-3), store.PromptExpired, false)
		add(ana, day(-2), store.PromptAnswered, false)
		add(ben, day(-2), store.PromptAnswered, false)
		// This period: Ana answers 2 (one blocker) and skips one; Ben misses.
		add(ana, day(0), store.PromptAnswered, true)
		add(ana, day(1), store.PromptSkipped, false)
		add(ana, day(2), store.PromptAnswered, false)
		add(ben, day(0), store.PromptExpired, false)
		// Next period: not loaded.
		add(ana, day(8), store.PromptAnswered, false)

		note := store.MeetingNote{TeamID: &team.ID, Title: "sync", MeetingDate: day(1), Status: store.NoteFiled}
		old := store.MeetingNote{TeamID: &team.ID, Title: "old", MeetingDate: day(-6), Status: store.NoteFiled}
		for _, nt := range []*store.MeetingNote{&note, &old} {
			if err := raw.Create(nt).Error; err != nil {
				t.Fatal(err)
			}
		}
		due := day(3)
		items := []store.ActionItem{
			{NoteID: note.ID, TeamID: &team.ID, Text: "done in period", Status: store.ActionDone},
			{NoteID: old.ID, TeamID: &team.ID, Text: "old open", Status: store.ActionOpen},
			{NoteID: old.ID, TeamID: &team.ID, Text: "old done", Status: store.ActionDone},
			{NoteID: note.ID, TeamID: &team.ID, Text: "due soon", Due: &due, Status: store.ActionOpen},
		}
		for i := range items {
			if err := raw.Create(&items[i]).Error; err != nil {
				t.Fatal(err)
			}
		}

		d, err := db.LoadDigest(ctx, team.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Prompts) != 4 || len(d.Updates) != 2 || len(d.Members) != 2 || len(d.CheckIns) != 1 {
			t.Errorf("loaded %d prompts, %d updates, %d members, %d check-ins; want 4, 2, 2, 1",
				len(d.Prompts), len(d.Updates), len(d.Members), len(d.CheckIns))
		}
		if d.Previous != (store.PromptCounts{Answered: 4, Expired: 1}) {
			t.Errorf("previous = %+v", d.Previous)
		}
		if d.Streaks[ana] != 3 || d.Streaks[ben] != 0 {
			t.Errorf("streaks = %v, want ana 3 (since her miss), ben none (missed last)", d.Streaks)
		}
		if len(d.Notes) != 1 || d.Notes[0].Title != "sync" {
			t.Errorf("notes = %+v", d.Notes)
		}
		var got []string
		for _, it := range d.Items {
			got = append(got, it.Text)
		}
		if len(got) != 3 || got[0] != "due soon" {
			t.Errorf("items = %q, want the period's note items and other open ones, dated first", got)
		}
		if _, err := db.LoadDigest(ctx, 9999, from, to); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing team: %v", err)
		}
	}
}

func TestClaimDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d1, created, err := db.ClaimDigest(ctx, 1, "2026-W48")
		if err != nil || !created || d1.Status != store.DigestSending {
			t.Fatalf("first claim: %+v %v %v", d1, created, err)
		}
		if err := db.MarkDigestSent(ctx, d1.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		d2, created, err := db.ClaimDigest(ctx, 1, "2026-W48")
		if err != nil || created || d2.ID != d1.ID || d2.Status != store.DigestSent || d2.SentAt == nil {
			t.Fatalf("second claim: %+v %v %v", d2, created, err)
		}
		if err := db.CreateDigest(ctx, &store.Digest{TeamID: 1, Period: "2026-W48", Status: "x"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate digest: %v", err)
		}
		if err := db.MarkDigestSent(ctx, 12345, time.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("mark missing: %v", err)
		}
	})
}

// TestLoadDigestCarriedBlockers proves that a blocker still reported at
// the start of the period is found with the day its run began: after the
// member's last update without a blocker (an unanswered prompt does not
// clear it), within the look-back window; a cleared run is not carried;
// a run with no clearing update in the window is marked Bounded.
func TestLoadDigestCarriedBlockers(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db, dsn := b.Open(t, store.Options{})
			raw := rawGorm(t, dsn)
			ctx := context.Background()
			specs := exampleSpecs()
			specs[0].Members = append(specs[0].Members, store.MemberSpec{Email: "chen@example.com", Name: "Chen Wei", Timezone: "UTC"})
			if _, err := db.Sync(ctx, specs); err != nil {
				t.Fatal(err)
			}
			team, _ := db.FindTeam(ctx, "platform")
			ms, _ := db.FindTeamMembers(ctx, team.ID)
			cis, _ := db.FindCheckIns(ctx, team.ID)
			ana, ben, chen := ms[0].ID, ms[1].ID, ms[2].ID
			from := time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)
			day := func(i int) time.Time { return from.Add(time.Duration(i)*24*time.Hour + 12*time.Hour) }
			add := func(member int64, i int, status string, blocker bool) {
				due := day(i)
				p := store.Prompt{CheckInID: cis[0].ID, MemberID: member, TeamID: team.ID, Period: due.Format("2006-01-02"), DueAt: due, Status: status}
				if err := db.CreatePrompt(ctx, &p); err != nil {
					t.Fatal(err)
				}
				if status != store.PromptAnswered {
					return
				}
				u := store.Update{PromptID: p.ID, MemberID: member, TeamID: team.ID, CheckInID: cis[0].ID, Period: p.Period,
					Answers: []store.Answer{{Key: "done", Text: "x"}}, HasBlocker: blocker, Version: 1, AnsweredAt: due.Add(time.Hour)}
				if err := raw.Create(&u).Error; err != nil {
					t.Fatal(err)
				}
			}
			// Ana: an old run cleared on day -10, a new run from day -9
			// through a missed prompt to the period.
			add(ana, -40, store.PromptAnswered, true)
			add(ana, -10, store.PromptAnswered, false)
			add(ana, -9, store.PromptAnswered, true)
			add(ana, -8, store.PromptExpired, false)
			add(ana, -2, store.PromptAnswered, true)
			add(ana, 0, store.PromptAnswered, true)
			// Ben: cleared the day before the period.
			add(ben, -3, store.PromptAnswered, true)
			add(ben, -1, store.PromptAnswered, false)
			// Chen: blocked since before the 28-day window.
			add(chen, -35, store.PromptAnswered, true)
			add(chen, -20, store.PromptAnswered, true)
			add(chen, -1, store.PromptAnswered, true)

			d, err := db.LoadDigest(ctx, team.ID, from, from.AddDate(0, 0, 7))
			if err != nil {
				t.Fatal(err)
			}
			want := []store.CarriedBlocker{
				{MemberID: ana, CheckInID: cis[0].ID, Since: day(-9).Add(time.Hour)},
				{MemberID: chen, CheckInID: cis[0].ID, Since: day(-20).Add(time.Hour), Bounded: true},
			}
			got := d.Carried
			for i := range got {
				got[i].Since = got[i].Since.UTC()
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("carried (-want +got):\n%s", diff)
			}
		})
	}
}
