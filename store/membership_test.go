package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func actions(evs []store.MemberEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Actor+": "+e.Action)
	}
	return out
}

func TestMemberStateChangesAreRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := db.Sync(ctx, exampleSpecs())
		must(t, err)
		ana, err := db.MemberByAddress(ctx, "ana@example.com")
		must(t, err)
		team, err := db.FindTeam(ctx, "platform")
		must(t, err)
		cs, err := db.FindCheckIns(ctx, team.ID)
		must(t, err)
		until := time.Now().Add(48 * time.Hour)
		must(t, db.ChangeMember(ctx, ana.ID, store.MemberChange{PausedUntil: &until, Actor: store.ActorEmail}))
		yes := true
		must(t, db.ChangeMember(ctx, ana.ID, store.MemberChange{Unsubscribed: &yes, Actor: store.ActorLink}))
		created, err := db.OptOut(ctx, ana.ID, store.OptoutDigest, team.ID, store.ActorLink)
		must(t, err)
		again, err := db.OptOut(ctx, ana.ID, store.OptoutDigest, team.ID, store.ActorLink)
		must(t, err)
		if !created || again {
			t.Errorf("opt-out created = %v, again = %v", created, again)
		}
		_, err = db.OptOut(ctx, ana.ID, store.OptoutPrompts, cs[0].ID, store.ActorLink)
		must(t, err)
		ms, err := db.FindTeamMembers(ctx, team.ID)
		must(t, err)
		if !ms[0].DigestOff || ms[1].DigestOff {
			t.Errorf("DigestOff = %v, %v; want ana only", ms[0].DigestOff, ms[1].DigestOff)
		}
		res, err := db.ChangeMemberState(ctx, ana.ID, store.MemberChange{Resume: true, Actor: store.ActorEmail})
		must(t, err)
		if len(res.Resumed) != 1 {
			t.Errorf("resumed = %v", res.Resumed)
		}
		// Resubscribing for the team lifts its opt-outs but not "all email".
		other := int64(999)
		res, err = db.ChangeMemberState(ctx, ana.ID, store.MemberChange{Resubscribe: true, TeamID: other, Actor: store.ActorLead})
		must(t, err)
		if len(res.Resubscribed) != 1 || res.Resubscribed[0] != "all email" {
			t.Errorf("resubscribed with another team = %v", res.Resubscribed)
		}
		res, err = db.ChangeMemberState(ctx, ana.ID, store.MemberChange{Resubscribe: true, Actor: store.ActorLead})
		must(t, err)
		if diff := cmp.Diff([]string{"platform digest", "platform/daily prompts"}, res.Resubscribed); diff != "" {
			t.Errorf("resubscribed (-want +got):\n%s", diff)
		}
		m, err := db.MemberByID(ctx, ana.ID)
		must(t, err)
		if m.Unsubscribed || m.PausedUntil != nil {
			t.Errorf("member after resume and resubscribe = %+v", m)
		}
		h, err := db.MemberHistory(ctx, ana.ID)
		must(t, err)
		want := []string{"config: joined", "email command: paused", "link: unsubscribed", "link: unsubscribed",
			"link: unsubscribed", "email command: resumed", "lead command: resubscribed", "lead command: resubscribed"}
		if diff := cmp.Diff(want, actions(h)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		if _, err := db.ChangeMemberState(ctx, 12345, store.MemberChange{Resume: true, Actor: store.ActorLead}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown member: %v", err)
		}
	})
}

func TestSuppressionHistoryAndUnsuppress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := db.Sync(ctx, exampleSpecs())
		must(t, err)
		must(t, db.Suppress(ctx, "Ben@example.com", "bounce 5.1.1"))
		ben, err := db.MemberByAddress(ctx, "ben@example.com")
		must(t, err)
		gone, err := db.Unsuppress(ctx, ben.ID, store.ActorLead)
		must(t, err)
		if len(gone) != 1 || gone[0].Reason != "bounce 5.1.1" {
			t.Errorf("unsuppressed = %+v", gone)
		}
		if sup, _ := db.Suppressed(ctx, "ben@example.com"); sup {
			t.Error("still suppressed")
		}
		gone, err = db.Unsuppress(ctx, ben.ID, store.ActorLead)
		must(t, err)
		if len(gone) != 0 {
			t.Errorf("second unsuppress lifted %v", gone)
		}
		h, err := db.MemberHistory(ctx, ben.ID)
		must(t, err)
		if diff := cmp.Diff([]string{"config: joined", "bounce: suppressed", "lead command: unsuppressed"}, actions(h)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
	})
}

func TestSyncRolesRemovalAndReAdding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := db.Sync(ctx, exampleSpecs())
		must(t, err)
		specs := exampleSpecs()
		specs[0].Members[0].Role = store.RoleLead
		ch, err := db.Sync(ctx, specs)
		must(t, err)
		if diff := cmp.Diff([]string{"membership ana@example.com in platform (role member → lead)"}, ch.Changed); diff != "" {
			t.Errorf("changed (-want +got):\n%s", diff)
		}
		ana, err := db.MemberByAddress(ctx, "ana@example.com")
		must(t, err)
		until := time.Now().Add(30 * 24 * time.Hour)
		yes := true
		must(t, db.ChangeMember(ctx, ana.ID, store.MemberChange{PausedUntil: &until, Unsubscribed: &yes, Actor: store.ActorEmail}))
		specs[0].Members = specs[0].Members[1:]
		_, err = db.Sync(ctx, specs)
		must(t, err)
		ch, err = db.Sync(ctx, exampleSpecs())
		must(t, err)
		if len(ch.Notes) != 2 {
			t.Errorf("notes = %q, want the cleared pause and the unsubscribe", ch.Notes)
		}
		m, err := db.MemberByID(ctx, ana.ID)
		must(t, err)
		if m.PausedUntil != nil || !m.Unsubscribed {
			t.Errorf("re-added member: paused %v unsubscribed %v; want no pause, still unsubscribed", m.PausedUntil, m.Unsubscribed)
		}
		h, err := db.MemberHistory(ctx, ana.ID)
		must(t, err)
		want := []string{"config: joined", "config: role", "email command: paused", "email command: unsubscribed",
			"config: left", "config: joined", "config: resumed"}
		if diff := cmp.Diff(want, actions(h)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
	})
}

func TestPrefsOverrideConfigAndSurviveApply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := db.Sync(ctx, exampleSpecs())
		must(t, err)
		ana, err := db.MemberByAddress(ctx, "ana@example.com")
		must(t, err)
		zone, at := "Europe/Berlin", "10:00"
		before, after, err := db.SetMemberPrefs(ctx, ana.ID, store.PrefsChange{Timezone: &zone, PromptAt: &at}, store.ActorEmail, 0)
		must(t, err)
		if before.Timezone != "" || after.ConfigTimezone != "America/Sao_Paulo" || after.PromptAt != "10:00" {
			t.Errorf("prefs before %+v after %+v", before, after)
		}
		ch, err := db.Sync(ctx, exampleSpecs())
		must(t, err)
		if !ch.Empty() {
			t.Errorf("apply after a member's own zone changed: %+v", ch)
		}
		m, _ := db.MemberByID(ctx, ana.ID)
		if m.Timezone != "Europe/Berlin" {
			t.Errorf("zone after apply = %q", m.Timezone)
		}
		specs := exampleSpecs()
		specs[0].Members[0].Timezone = "America/Bogota"
		ch, err = db.Sync(ctx, specs)
		must(t, err)
		if len(ch.Notes) != 1 || !ch.Empty() {
			t.Errorf("apply with a new configured zone: %+v", ch)
		}
		empty := ""
		_, _, err = db.SetMemberPrefs(ctx, ana.ID, store.PrefsChange{Timezone: &empty}, store.ActorEmail, 0)
		must(t, err)
		m, _ = db.MemberByID(ctx, ana.ID)
		if m.Timezone != "America/Bogota" {
			t.Errorf("zone after reset = %q, want the configured one", m.Timezone)
		}
	})
}

func TestConfirmAliasSurvivesApply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := db.Sync(ctx, exampleSpecs())
		must(t, err)
		ana, err := db.MemberByAddress(ctx, "ana@example.com")
		must(t, err)
		c1 := store.Confirmation{Kind: store.ConfirmAlias, MemberID: ana.ID, Address: "Ana.Lima@Gmail.com", InboundID: 7}
		first, err := db.AskConfirmation(ctx, &c1)
		must(t, err)
		c2 := store.Confirmation{Kind: store.ConfirmAlias, MemberID: ana.ID, Address: "ana.lima@gmail.com", InboundID: 8}
		second, err := db.AskConfirmation(ctx, &c2)
		must(t, err)
		if !first || second {
			t.Errorf("first = %v, second = %v", first, second)
		}
		ids, err := db.Confirm(ctx, c1.ID, store.ActorLink)
		must(t, err)
		if diff := cmp.Diff([]int64{7, 8}, ids); diff != "" {
			t.Errorf("reprocess (-want +got):\n%s", diff)
		}
		ids, err = db.Confirm(ctx, c1.ID, store.ActorLink)
		must(t, err)
		if len(ids) != 0 {
			t.Errorf("second confirm reprocesses %v", ids)
		}
		_, err = db.Sync(ctx, exampleSpecs())
		must(t, err)
		m, err := db.MemberByAddress(ctx, "ana.lima@gmail.com")
		if err != nil || m.ID != ana.ID {
			t.Fatalf("alias after apply: %v %v", m, err)
		}
	})
}

func TestHolidaysSyncAndScheduleExtras(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		specs := exampleSpecs()
		specs[0].Holidays = []store.HolidaySpec{{Date: "2026-12-24", Name: "Christmas Eve"}, {Date: "2026-12-25"}}
		ch, err := db.Sync(ctx, specs)
		must(t, err)
		if !slices.Contains(ch.Created, "2 holiday(s) in platform") {
			t.Errorf("created = %q", ch.Created)
		}
		ch, err = db.Sync(ctx, specs)
		must(t, err)
		if !ch.Empty() {
			t.Errorf("second apply: %+v", ch)
		}
		team, _ := db.FindTeam(ctx, "platform")
		hs, err := db.TeamHolidays(ctx, team.ID, "2026-12-01", "2026-12-24")
		must(t, err)
		if len(hs) != 1 || hs[0].Name != "Christmas Eve" {
			t.Errorf("holidays = %+v", hs)
		}
		x, err := db.LoadScheduleExtras(ctx)
		must(t, err)
		if _, ok := x.Holidays[team.ID]["2026-12-25"]; !ok {
			t.Errorf("extras holidays = %+v", x.Holidays)
		}
		specs[0].Holidays = specs[0].Holidays[:1]
		ch, err = db.Sync(ctx, specs)
		must(t, err)
		if diff := cmp.Diff([]string{"1 holiday(s) in platform"}, ch.Removed); diff != "" {
			t.Errorf("removed (-want +got):\n%s", diff)
		}
	})
}

func TestRosterRateAndLastAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := db.Sync(ctx, exampleSpecs())
		must(t, err)
		team, _ := db.FindTeam(ctx, "platform")
		cs, _ := db.FindCheckIns(ctx, team.ID)
		ana, _ := db.MemberByAddress(ctx, "ana@example.com")
		now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
		statuses := []string{store.PromptSent, store.PromptSent, store.PromptSkipped, store.PromptExpired, store.PromptSent}
		for i, st := range statuses {
			due := now.Add(-time.Duration(i+1) * 24 * time.Hour)
			p := store.Prompt{CheckInID: cs[0].ID, MemberID: ana.ID, TeamID: team.ID, Period: due.Format("2006-01-02"),
				DueAt: due, ExpiresAt: due.Add(20 * time.Hour), Status: st}
			must(t, db.CreatePrompt(ctx, &p))
			if i == 0 {
				_, _, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: []store.Answer{{Key: "done", Text: "x"}},
					InboundID: 1, AnsweredAt: due.Add(time.Hour)})
				must(t, err)
			}
		}
		r, err := db.Roster(ctx, "platform", now)
		must(t, err)
		if len(r) != 2 || r[0].Member.Email != "ana@example.com" {
			t.Fatalf("roster = %+v", r)
		}
		if r[0].Answered != 1 || r[0].Closed != 3 || r[0].LastAnswer == nil {
			t.Errorf("ana: answered %d of %d, last %v; want 1 of 3", r[0].Answered, r[0].Closed, r[0].LastAnswer)
		}
		if _, err := db.Roster(ctx, "nope", now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown team: %v", err)
		}
	})
}
