package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// FindScheduleHeads lists each team's check-ins and zones (the team's and
// members' own, observers excluded) without members; the recorded
// progress never moves back, and is ignored once the check-in is
// rescheduled.
func TestScheduleHeadsAndProgress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		spec := store.TeamSpec{Slug: "core", Name: "Core", Timezone: "Europe/Berlin",
			Members: []store.MemberSpec{
				{Email: "ana@example.com", Name: "Ana", Role: store.RoleMember},
				{Email: "raj@example.com", Name: "Raj", Timezone: "Asia/Kolkata", Role: store.RoleMember},
				{Email: "obs@example.com", Name: "Obs", Timezone: "Asia/Tokyo", Role: store.RoleObserver},
			},
			CheckIns: []store.CheckInSpec{{Name: "daily", Schedule: "mon-fri 09:00"}}}
		if _, err := db.Sync(ctx, []store.TeamSpec{spec}); err != nil {
			t.Fatal(err)
		}
		heads, err := db.FindScheduleHeads(ctx)
		if err != nil || len(heads) != 1 || len(heads[0].CheckIns) != 1 {
			t.Fatalf("heads = %+v, %v", heads, err)
		}
		h := heads[0]
		if zones := slices.Sorted(slices.Values(h.Zones)); !slices.Equal(zones, []string{"Asia/Kolkata", "Europe/Berlin"}) {
			t.Errorf("zones = %v, want the team's and Raj's (not the observer's)", h.Zones)
		}
		c := h.CheckIns[0]
		t1 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		for _, at := range []time.Time{t1, t1.Add(-time.Hour)} {
			if err := db.SetScheduleProgress(ctx, &c, at); err != nil {
				t.Fatal(err)
			}
		}
		heads, _ = db.FindScheduleHeads(ctx)
		if got := heads[0].DoneThrough[c.ID]; !got.Equal(t1) {
			t.Errorf("progress = %v, want %v (never moved back)", got, t1)
		}
		spec.CheckIns[0].Schedule = "mon-fri 08:00"
		if _, err := db.Sync(ctx, []store.TeamSpec{spec}); err != nil {
			t.Fatal(err)
		}
		heads, _ = db.FindScheduleHeads(ctx)
		if got, ok := heads[0].DoneThrough[c.ID]; ok {
			t.Errorf("progress after rescheduling = %v, want none", got)
		}
	})
}
