package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func pairSpecs() ([]store.TeamSpec, []store.OneOnOneSpec) {
	teams := []store.TeamSpec{{Slug: "platform", Name: "Platform", Timezone: "Europe/Berlin", Members: []store.MemberSpec{
		{Email: "ben@example.com", Name: "Ben", Role: store.RoleLead},
		{Email: "ana@example.com", Name: "Ana", Timezone: "America/Sao_Paulo"},
	}}}
	pairs := []store.OneOnOneSpec{{Team: "platform", Lead: "ben@example.com", Member: "Ana@example.com",
		Schedule: "every 2nd tue 15:00", Prepare: 48 * time.Hour, AgendaBefore: 3 * time.Hour}}
	return teams, pairs
}

func TestOneOnOneSyncMeetingsEntriesItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		teams, pairs := pairSpecs()
		if _, err := db.Sync(ctx, teams); err != nil {
			t.Fatal(err)
		}
		for range 2 { // idempotent
			if n, err := db.SyncOneOnOnes(ctx, pairs); err != nil || n != 1 {
				t.Fatalf("sync = %d, %v", n, err)
			}
		}
		ps, err := db.FindOneOnOnes(ctx, "platform")
		if err != nil || len(ps) != 1 {
			t.Fatalf("pairs = %+v, %v", ps, err)
		}
		p := ps[0]
		if p.Lead.Email != "ben@example.com" || p.Member.Email != "ana@example.com" || p.Location(p.MemberID).String() != "America/Sao_Paulo" ||
			p.Location(p.LeadID).String() != "Europe/Berlin" {
			t.Errorf("pair = %+v", p)
		}
		at := time.Date(2026, 12, 8, 14, 0, 0, 0, time.UTC)
		m1, err := db.EnsureOneOnOneMeeting(ctx, &store.OneOnOneMeeting{PairID: p.ID, Period: "2026-12-08T15:00", At: at, Status: store.MeetingScheduled, Audience: p.Audience()})
		if err != nil {
			t.Fatal(err)
		}
		m2, err := db.EnsureOneOnOneMeeting(ctx, &store.OneOnOneMeeting{PairID: p.ID, Period: "2026-12-08T15:00", At: at.Add(time.Hour), Status: store.MeetingScheduled})
		if err != nil || m2.ID != m1.ID || !m2.At.Equal(at) {
			t.Fatalf("second ensure = %+v, %v", m2, err)
		}
		e := &store.OneOnOneEntry{MeetingID: m1.ID, PersonID: p.MemberID, Kind: store.EntryPrepare, PairID: p.ID, Audience: p.Audience(), Status: "sent"}
		if ok, err := db.InsertOneOnOneEntry(ctx, e); !ok || err != nil {
			t.Fatalf("insert = %v, %v", ok, err)
		}
		dup := &store.OneOnOneEntry{MeetingID: m1.ID, PersonID: p.MemberID, Kind: store.EntryPrepare, PairID: p.ID, Status: "sent"}
		if ok, err := db.InsertOneOnOneEntry(ctx, dup); ok || err != nil {
			t.Fatalf("duplicate insert = %v, %v", ok, err)
		}
		if err := db.AddOneOnOneItems(ctx, []store.OneOnOneItem{{PairID: p.ID, MeetingID: m1.ID, OwnerID: &p.MemberID, Text: "draft plan", Status: store.ActionOpen, Audience: p.Audience()}}); err != nil {
			t.Fatal(err)
		}
		open, err := db.FindOneOnOneItems(ctx, p.ID, true)
		if err != nil || len(open) != 1 {
			t.Fatalf("open = %+v, %v", open, err)
		}
		if err := db.CloseOneOnOneItem(ctx, open[0].ID, at); err != nil {
			t.Fatal(err)
		}
		if open, _ = db.FindOneOnOneItems(ctx, p.ID, true); len(open) != 0 {
			t.Errorf("still open: %+v", open)
		}
		// Removing the pair from the config deactivates it; history stays.
		if _, err := db.SyncOneOnOnes(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if ps, _ := db.FindOneOnOnes(ctx, ""); len(ps) != 0 {
			t.Errorf("inactive pair listed: %+v", ps)
		}
		if got, err := db.OneOnOneOf(ctx, "BEN@example.com", "ana@example.com"); err != nil || got.ID != p.ID || got.Active {
			t.Errorf("OneOnOneOf = %+v, %v", got, err)
		}
	})
}

func TestCanSee(t *testing.T) {
	p := store.OneOnOne{LeadID: 1, MemberID: 2}
	for _, c := range []struct {
		who  int64
		aud  []int64
		want bool
	}{{1, p.Audience(), true}, {2, p.Audience(), true}, {3, p.Audience(), false}, {0, p.Audience(), false},
		{1, p.MoodAudience(), false}, {2, p.MoodAudience(), true}, {1, nil, false}} {
		if got := store.CanSee(c.who, c.aud); got != c.want {
			t.Errorf("CanSee(%d, %v) = %v", c.who, c.aud, got)
		}
	}
	p.ShareMood = true
	if !store.CanSee(1, p.MoodAudience()) {
		t.Error("share_mood: the lead must see the mood")
	}
}
