package digest

import (
	"context"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func TestLoadOKRSection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := db.Sync(ctx, []store.TeamSpec{{Slug: "platform", Name: "Platform", Timezone: "UTC",
			Members: []store.MemberSpec{{Email: "ana@example.com", Name: "Ana Lima"}},
			OKRs: []store.OKRQuarterSpec{{Quarter: "2027-Q1", Objectives: []store.ObjectiveSpec{{Title: "Grow", Owner: "ana@example.com",
				KeyResults: []store.KeyResultSpec{{Key: "KR1", Title: "Signups", Start: 0, Target: 100, Unit: store.UnitNumber, Direction: store.DirectionUp}}}}}}}})
		if err != nil {
			t.Fatal(err)
		}
		team, _ := db.FindTeam(ctx, "platform")
		set, err := db.LoadOKRs(ctx, team.ID, store.Quarter{Year: 2027, Q: 1})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC)
		if err := db.AddKRValues(ctx, []store.KRValue{{KeyResultID: set.KeyResults[0].ID, Value: 5, Status: store.KROffTrack, At: at}}); err != nil {
			t.Fatal(err)
		}
		p := Period{Start: time.Date(2027, 2, 8, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 2, 13, 0, 0, 0, 0, time.UTC), Weekly: true, Loc: time.UTC}
		s, err := LoadOKRSection(ctx, db, team.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		if s == nil || s.Objectives[0].KeyResults[0].Value != "5" || len(s.Blockers) != 1 || !s.Blockers[0].Since.Equal(at) {
			t.Fatalf("section = %+v", s)
		}
		// The next quarter has no objectives: no section.
		p.Start, p.End = p.Start.AddDate(0, 3, 0), p.End.AddDate(0, 3, 0)
		if s, err := LoadOKRSection(ctx, db, team.ID, p); err != nil || s != nil {
			t.Errorf("Q2 section = %+v, %v", s, err)
		}
	})
}
