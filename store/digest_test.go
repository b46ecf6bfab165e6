package store_test

import (
	"context"
	"errors"
	"fmt"
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
			p := store.Prompt{CheckInID: cis[0].ID, MemberID: member, TeamID: team.ID, Period: due.Format("2006-01-02"),
				DueAt: due, ExpiresAt: due.Add(12 * time.Hour), Status: status}
			if status == store.PromptSent || status == store.PromptAnswered {
				p.SentAt = &due
			}
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
		add(ana, day(-3), store.PromptSent, false)
		add(ana, day(-2), store.PromptAnswered, false)
		add(ben, day(-2), store.PromptAnswered, false)
		// This period: Ana answers 2 (one blocker) and skips one; Ben misses.
		add(ana, day(0), store.PromptAnswered, true)
		add(ana, day(1), store.PromptSkipped, false)
		add(ana, day(2), store.PromptAnswered, false)
		add(ben, day(0), store.PromptSent, false)
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

		d, err := db.LoadDigest(ctx, team.ID, from, to, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Prompts) != 4 || len(d.Updates) != 2 || len(d.Members) != 2 || len(d.CheckIns) != 1 {
			t.Errorf("loaded %d prompts, %d updates, %d members, %d check-ins; want 4, 2, 2, 1",
				len(d.Prompts), len(d.Updates), len(d.Members), len(d.CheckIns))
		}
		var prev []string
		for _, p := range d.PreviousPrompts {
			prev = append(prev, fmt.Sprintf("%s answered=%v sent=%v", p.Status, p.AnsweredAt != nil, p.SentAt != nil))
		}
		wantPrev := []string{"answered answered=true sent=true", "answered answered=true sent=true",
			"sent answered=false sent=true", "answered answered=true sent=true", "answered answered=true sent=true"}
		if diff := cmp.Diff(wantPrev, prev); diff != "" {
			t.Errorf("previous prompts (-want +got):\n%s", diff)
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
		if _, err := db.LoadDigest(ctx, 9999, from, to, to); !errors.Is(err, store.ErrNotFound) {
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
				p := store.Prompt{CheckInID: cis[0].ID, MemberID: member, TeamID: team.ID, Period: due.Format("2006-01-02"),
					DueAt: due, ExpiresAt: due.Add(12 * time.Hour), Status: status}
				if status == store.PromptSent || status == store.PromptAnswered {
					p.SentAt = &due
				}
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

			d, err := db.LoadDigest(ctx, team.ID, from, from.AddDate(0, 0, 7), from.AddDate(0, 0, 7))
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

// TestLoadDigestFields proves that LoadDigest's direct scans give the
// documented fields the same values as gorm's full reads: escaped and
// non-ASCII answers, null answers, edits, blockers, sub-second and
// non-UTC times, reasons, away/paused/unsubscribed members and the team's
// zone for a member without one; prompts in due order, updates in their
// prompts' order.
func TestLoadDigestFields(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db, dsn := b.Open(t, store.Options{})
			raw := rawGorm(t, dsn)
			ctx := context.Background()
			team, from := seedFields(t, db, raw)
			got, err := db.LoadDigest(ctx, team.ID, from, from.AddDate(0, 0, 7), from.AddDate(0, 0, 7))
			must(t, err)
			var prompts []store.Prompt
			must(t, raw.Where("team_id = ? AND due_at >= ? AND due_at < ?", team.ID, from, from.AddDate(0, 0, 7)).
				Order("due_at, status, member_id, id").Find(&prompts).Error)
			var updates []store.Update
			for _, p := range prompts {
				var u store.Update
				if err := raw.Where("prompt_id = ?", p.ID).Take(&u).Error; err == nil {
					updates = append(updates, u)
				}
			}
			ms, err := db.FindTeamMembers(ctx, team.ID)
			must(t, err)
			want := digestFields(&store.DigestData{Members: ms, Prompts: prompts, Updates: updates})
			if diff := cmp.Diff(want, digestFields(got)); diff != "" {
				t.Errorf("loaded (-gorm +LoadDigest):\n%s", diff)
			}
			if len(prompts) != 4 || len(updates) != 2 || ms[0].AwayUntil == nil || !ms[1].Unsubscribed || ms[2].Location != team.Timezone {
				t.Errorf("fixture: %d prompts, %d updates, members %+v", len(prompts), len(updates), ms)
			}
		})
	}
}

// seedFields writes TestLoadDigestFields' team: three members (Ana away,
// Ben paused and unsubscribed, Chen without a zone) and prompts around the
// week from the returned start.
func seedFields(t *testing.T, db *store.DB, raw *gorm.DB) (*store.Team, time.Time) {
	t.Helper()
	ctx := context.Background()
	specs := exampleSpecs()
	specs[0].Members = append(specs[0].Members, store.MemberSpec{Email: "chen@example.com", Name: "Chen Wei"})
	if _, err := db.Sync(ctx, specs); err != nil {
		t.Fatal(err)
	}
	team, _ := db.FindTeam(ctx, "platform")
	ms, _ := db.FindTeamMembers(ctx, team.ID)
	cis, _ := db.FindCheckIns(ctx, team.ID)
	ana, ben, chen := ms[0].ID, ms[1].ID, ms[2].ID
	away := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	must(t, raw.Model(&store.Member{}).Where("id = ?", ana).Update("away_until", away).Error)
	must(t, raw.Model(&store.Member{}).Where("id = ?", ben).
		Updates(map[string]any{"paused_until": away.AddDate(0, 1, 0), "unsubscribed": true}).Error)
	from := time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)
	ist := time.FixedZone("IST", 5*3600+1800)
	add := func(member int64, due time.Time, status, reason string, u *store.Update) {
		p := store.Prompt{CheckInID: cis[0].ID, MemberID: member, TeamID: team.ID, Period: due.UTC().Format("2006-01-02"),
			DueAt: due, ExpiresAt: due.Add(20 * time.Hour), Status: status, Reason: reason}
		if status == store.PromptAnswered {
			p.SentAt = &due
		}
		must(t, db.CreatePrompt(ctx, &p))
		if u != nil {
			u.PromptID, u.MemberID, u.TeamID, u.CheckInID, u.Period = p.ID, member, team.ID, cis[0].ID, p.Period
			must(t, raw.Create(u).Error)
		}
	}
	add(chen, from.Add(50*time.Hour), store.PromptAnswered, "", &store.Update{Version: 1, AnsweredAt: from.Add(51 * time.Hour)})
	add(ana, from.Add(26*time.Hour+123456*time.Microsecond).In(ist), store.PromptAnswered, "", &store.Update{
		Answers: []store.Answer{{Key: "done", Question: "What did you get done?", Text: "<script>alert(\"x\")</script> & \"quotes\"\n\tnext line"},
			{Key: "blockers", Text: "Überweisung blockiert — 待办 🚧 \u2028"}},
		HasBlocker: true, Version: 3, AnsweredAt: from.Add(30*time.Hour + 987654*time.Microsecond).In(ist)})
	add(ana, from.Add(74*time.Hour), store.PromptSkipped, "away until 30 Nov", nil)
	add(ben, from.Add(26*time.Hour), store.PromptExpired, "no reply", nil)
	add(ben, from.Add(-24*time.Hour), store.PromptAnswered, "", &store.Update{Version: 1, AnsweredAt: from}) // before the period

	return team, from
}

// digestFields keeps the members', prompts' and updates' fields that
// DigestData documents, times in UTC.
func digestFields(d *store.DigestData) *store.DigestData {
	utc := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC()
		return &u
	}
	out := &store.DigestData{}
	for _, m := range d.Members {
		out.Members = append(out.Members, store.TeamMember{Member: store.Member{ID: m.ID, Email: m.Email, Name: m.Name,
			Timezone: m.Timezone, PausedUntil: utc(m.PausedUntil), AwayUntil: utc(m.AwayUntil), Unsubscribed: m.Unsubscribed},
			Role: m.Role, Location: m.Location})
	}
	for _, p := range d.Prompts {
		out.Prompts = append(out.Prompts, store.Prompt{ID: p.ID, CheckInID: p.CheckInID, MemberID: p.MemberID, TeamID: p.TeamID,
			DueAt: p.DueAt.UTC(), ExpiresAt: p.ExpiresAt.UTC(), SentAt: utc(p.SentAt), Status: p.Status, Reason: p.Reason})
	}
	for _, u := range d.Updates {
		out.Updates = append(out.Updates, store.Update{ID: u.ID, PromptID: u.PromptID, MemberID: u.MemberID, TeamID: u.TeamID,
			CheckInID: u.CheckInID, Answers: u.Answers, HasBlocker: u.HasBlocker, Version: u.Version, AnsweredAt: u.AnsweredAt.UTC()})
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
