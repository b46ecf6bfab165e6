package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// twoTeamSpecs puts Ana and Ben in platform and in ops.
func twoTeamSpecs() []store.TeamSpec {
	specs := exampleSpecs()
	ops := specs[0]
	ops.Slug, ops.Name = "ops", "Ops team"
	ops.CheckIns = []store.CheckInSpec{{Name: "standup", Schedule: "mon-fri 10:00", Window: 20 * time.Hour,
		Questions: []store.Question{{Key: "done", Text: "Done?"}}}}
	return append(specs, ops)
}

// pausedIn says, per team slug, whether the team readers see the member
// paused (prompt scheduler, team members and the digest's loader agree).
func pausedIn(t *testing.T, db *store.DB, email string, now time.Time) map[string]bool {
	t.Helper()
	ctx := context.Background()
	out := map[string]bool{}
	scheds, err := db.FindTeamSchedules(ctx)
	must(t, err)
	for _, ts := range scheds {
		for _, m := range ts.Members {
			if m.Email == email {
				out[ts.Team.Slug] = m.PausedUntil != nil && m.PausedUntil.After(now)
			}
		}
		ms, err := db.FindTeamMembers(ctx, ts.Team.ID)
		must(t, err)
		for _, m := range ms {
			if m.Email == email && (m.PausedUntil != nil && m.PausedUntil.After(now)) != out[ts.Team.Slug] {
				t.Errorf("%s in %s: FindTeamMembers disagrees with FindTeamSchedules", email, ts.Team.Slug)
			}
		}
		d, err := db.LoadDigest(ctx, ts.Team.ID, now.Add(-time.Hour), now, now)
		must(t, err)
		for _, m := range d.Members {
			if m.Email == email && (m.PausedUntil != nil && m.PausedUntil.After(now)) != out[ts.Team.Slug] {
				t.Errorf("%s in %s: the digest's loader disagrees with FindTeamSchedules", email, ts.Team.Slug)
			}
		}
	}
	return out
}

func TestPauseAndAwayPerTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := db.Sync(ctx, twoTeamSpecs())
		must(t, err)
		ana, err := db.MemberByAddress(ctx, "ana@example.com")
		must(t, err)
		platform, err := db.FindTeam(ctx, "platform")
		must(t, err)
		ops, err := db.FindTeam(ctx, "ops")
		must(t, err)
		now := time.Now()
		until := now.Add(72 * time.Hour)
		want := func(wantPlatform, wantOps bool) {
			t.Helper()
			got := pausedIn(t, db, "ana@example.com", now)
			if got["platform"] != wantPlatform || got["ops"] != wantOps {
				t.Errorf("paused = %v, want platform %v ops %v", got, wantPlatform, wantOps)
			}
		}

		// A pause of one team holds that team's prompts only.
		must(t, db.ChangeMember(ctx, ana.ID, store.MemberChange{PausedUntil: &until, TeamID: platform.ID, Actor: store.ActorLead}))
		want(true, false)
		m, err := db.MemberInTeam(ctx, ana.ID, platform.ID)
		must(t, err)
		if m.PausedUntil == nil || m.AwayUntil != nil {
			t.Errorf("MemberInTeam(platform) = paused %v away %v", m.PausedUntil, m.AwayUntil)
		}
		if raw, _ := db.MemberByID(ctx, ana.ID); raw.PausedUntil != nil {
			t.Errorf("a team pause was stored member-wide")
		}
		h, err := db.MemberHistory(ctx, ana.ID)
		must(t, err)
		last := h[len(h)-1]
		if last.Action != "paused" || last.TeamID == nil || *last.TeamID != platform.ID || !strings.HasSuffix(last.Detail, " in platform") {
			t.Errorf("history: %+v", last)
		}
		r, err := db.RosterOf(ctx, "ana@example.com", now)
		must(t, err)
		for _, rt := range r.Teams {
			if (rt.PausedUntil != nil) != (rt.Team.Slug == "platform") {
				t.Errorf("roster %s: paused %v", rt.Team.Slug, rt.PausedUntil)
			}
		}

		// Resuming ops changes nothing; resuming platform ends it.
		res, err := db.ChangeMemberState(ctx, ana.ID, store.MemberChange{Resume: true, TeamID: ops.ID, Actor: store.ActorLead})
		must(t, err)
		if len(res.Resumed) != 0 {
			t.Errorf("resume ops: %v", res.Resumed)
		}
		res, err = db.ChangeMemberState(ctx, ana.ID, store.MemberChange{Resume: true, TeamID: platform.ID, Actor: store.ActorLead})
		must(t, err)
		if len(res.Resumed) != 1 || !strings.HasPrefix(res.Resumed[0], "paused until ") || !strings.HasSuffix(res.Resumed[0], " in platform") {
			t.Errorf("resume platform: %v", res.Resumed)
		}
		want(false, false)

		// A member-wide pause (as every pause was before, and as "pause"
		// by email still is) holds both; resuming one team keeps the
		// other held until the same day.
		must(t, db.ChangeMember(ctx, ana.ID, store.MemberChange{PausedUntil: &until, Actor: store.ActorEmail}))
		want(true, true)
		res, err = db.ChangeMemberState(ctx, ana.ID, store.MemberChange{Resume: true, TeamID: ops.ID, Actor: store.ActorLead})
		must(t, err)
		if !slices.Contains(res.Resumed, "still held in their other teams") {
			t.Errorf("resume ops of a member-wide pause: %v", res.Resumed)
		}
		want(true, false)
		m, err = db.MemberInTeam(ctx, ana.ID, platform.ID)
		must(t, err)
		if m.PausedUntil == nil || m.PausedUntil.Sub(until).Abs() > time.Millisecond {
			t.Errorf("platform pause moved to %v, want %v", m.PausedUntil, until)
		}

		// Away in ops plus the platform pause: "resume" without a team (a
		// member's email) ends both.
		must(t, db.ChangeMember(ctx, ana.ID, store.MemberChange{AwayUntil: &until, TeamID: ops.ID, Actor: store.ActorLead}))
		res, err = db.ChangeMemberState(ctx, ana.ID, store.MemberChange{Resume: true, Actor: store.ActorEmail})
		must(t, err)
		if len(res.Resumed) != 2 || !strings.HasSuffix(res.Resumed[0], " in ops") && !strings.HasSuffix(res.Resumed[1], " in ops") {
			t.Errorf("resume all: %v", res.Resumed)
		}
		want(false, false)
		for _, id := range []int64{platform.ID, ops.ID} {
			if m, _ := db.MemberInTeam(ctx, ana.ID, id); m.PausedUntil != nil || m.AwayUntil != nil {
				t.Errorf("team %d still held after resume: %v %v", id, m.PausedUntil, m.AwayUntil)
			}
		}

		// A team the member is not in.
		_, err = db.Sync(ctx, exampleSpecs()) // Ana leaves ops
		must(t, err)
		err = db.ChangeMember(ctx, ana.ID, store.MemberChange{PausedUntil: &until, TeamID: ops.ID, Actor: store.ActorLead})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("pause in a team she left: %v, want ErrNotFound", err)
		}
		if _, err := db.MemberInTeam(ctx, ana.ID, ops.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MemberInTeam of a team she left: %v", err)
		}
	})
}
