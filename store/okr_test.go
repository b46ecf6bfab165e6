package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func okrSpecs() []store.TeamSpec {
	s := exampleSpecs()
	s[0].CheckIns = append(s[0].CheckIns, store.CheckInSpec{Name: "okr", Kind: store.CheckInOKR, Schedule: "fri 11:00", Window: 72 * time.Hour})
	s[0].OKRs = []store.OKRQuarterSpec{{Quarter: "2027-Q1", Objectives: []store.ObjectiveSpec{{
		Title: "Reliable platform", Owner: "ben@example.com",
		KeyResults: []store.KeyResultSpec{
			{Key: "KR1", Title: "Uptime", Owner: "ana@example.com", Start: 99.5, Target: 99.9, Unit: store.UnitPercent, Direction: store.DirectionUp},
			{Key: "KR2", Title: "Pager alerts per week", Start: 40, Target: 10, Unit: store.UnitNumber, Direction: store.DirectionDown},
		},
	}}}}
	return s
}

func TestSyncOKRs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ch, err := db.Sync(ctx, okrSpecs())
		if err != nil {
			t.Fatal(err)
		}
		want := []string{`objective platform/2027-Q1 "Reliable platform"`, "key result platform/2027-Q1 KR1", "key result platform/2027-Q1 KR2"}
		if diff := cmp.Diff(want, ch.Created[len(ch.Created)-3:]); diff != "" {
			t.Errorf("created (-want +got):\n%s", diff)
		}
		if ch, err = db.Sync(ctx, okrSpecs()); err != nil || !ch.Empty() {
			t.Fatalf("second sync: %+v, %v", ch, err)
		}
		team, err := db.FindTeam(ctx, "platform")
		if err != nil {
			t.Fatal(err)
		}
		q, _ := store.ParseQuarter("2027-q1")
		set, err := db.LoadOKRs(ctx, team.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(set.KeyResults) != 2 || set.OwnerName(set.KeyResults[0].OwnerID) != "Ana Lima" || set.OwnerName(set.KeyResults[1].OwnerID) != "Ben Okafor" {
			t.Fatalf("key results/owners wrong: %+v", set.KeyResults)
		}
		at := time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)
		kr1 := set.KeyResults[0]
		if err := db.AddKRValues(ctx, []store.KRValue{{KeyResultID: kr1.ID, Value: 99.6, Status: store.KROnTrack, Comment: "first", At: at, InboundID: 7},
			{KeyResultID: set.KeyResults[1].ID, Value: 3, Status: store.KROnTrack, Comment: "quokka migration on track", At: at, InboundID: 8}}); err != nil {
			t.Fatal(err)
		}
		found := func(word string) int {
			t.Helper()
			hits, err := db.Search(ctx, store.SearchQuery{Text: word, TeamIDs: []int64{team.ID}})
			if err != nil {
				t.Fatal(err)
			}
			return len(hits)
		}
		if n := found("quokka"); n != 1 {
			t.Fatalf("KR2's comment: %d hits before removal, want 1", n)
		}
		// Editing the KR keeps its history; removing KR2 removes it.
		specs := okrSpecs()
		specs[0].OKRs[0].Objectives[0].KeyResults[0].Target = 99.95
		specs[0].OKRs[0].Objectives[0].KeyResults = specs[0].OKRs[0].Objectives[0].KeyResults[:1]
		ch, err = db.Sync(ctx, specs)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"key result platform/2027-Q1 KR1"}, ch.Changed); diff != "" {
			t.Errorf("changed: %s", diff)
		}
		if diff := cmp.Diff([]string{"key result platform/2027-Q1 KR2"}, ch.Removed); diff != "" {
			t.Errorf("removed: %s", diff)
		}
		if n := found("quokka"); n != 0 {
			t.Errorf("the removed key result's comment is still found: %d hits", n)
		}
		set, err = db.LoadOKRs(ctx, team.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := set.Latest(kr1.ID)
		if !ok || v.Value != 99.6 || v.Comment != "first" || !v.At.Equal(at) || set.KeyResults[0].Target != 99.95 {
			t.Errorf("history lost: %+v %v", v, ok)
		}
		if filed, err := db.KRValuesFromInbound(ctx, 7); err != nil || !filed {
			t.Errorf("KRValuesFromInbound = %v, %v", filed, err)
		}
		qs, err := db.OKRQuarters(ctx, team.ID)
		if err != nil || len(qs) != 1 || qs[0].String() != "2027-Q1" {
			t.Errorf("quarters = %v, %v", qs, err)
		}
	})
}

func TestKRStatus(t *testing.T) {
	q := store.Quarter{Year: 2027, Q: 1}
	loc := time.UTC
	mid := time.Date(2027, 2, 14, 12, 0, 0, 0, loc) // about half way
	up := &store.KeyResult{Start: 0, Target: 100, Unit: store.UnitPercent, Direction: store.DirectionUp}
	down := &store.KeyResult{Start: 40, Target: 10, Unit: store.UnitNumber, Direction: store.DirectionDown}
	boolean := &store.KeyResult{Start: 0, Target: 1, Unit: store.UnitBoolean, Direction: store.DirectionUp}
	six, nine, two := 6, 9, 2
	for _, c := range []struct {
		name string
		kr   *store.KeyResult
		v    float64
		conf *int
		at   time.Time
		want string
	}{
		{"on the line", up, 50, nil, mid, store.KROnTrack},
		{"slightly behind", up, 42, nil, mid, store.KROnTrack},
		{"behind", up, 35, nil, mid, store.KRAtRisk},
		{"far behind", up, 10, nil, mid, store.KROffTrack},
		{"low confidence", up, 60, &six, mid, store.KRAtRisk},
		{"very low confidence", up, 60, &two, mid, store.KROffTrack},
		{"high confidence", up, 55, &nine, mid, store.KROnTrack},
		{"reached", up, 100, nil, mid, store.KRDone},
		{"down on the line", down, 25, nil, mid, store.KROnTrack},
		{"down going up", down, 45, nil, mid, store.KROffTrack},
		{"down reached", down, 9, nil, mid, store.KRDone},
		{"boolean early", boolean, 0, nil, mid, store.KROnTrack},
		{"boolean late", boolean, 0, nil, time.Date(2027, 3, 25, 0, 0, 0, 0, loc), store.KRAtRisk},
		{"boolean over", boolean, 0, nil, time.Date(2027, 4, 2, 0, 0, 0, 0, loc), store.KROffTrack},
		{"boolean done", boolean, 1, nil, mid, store.KRDone},
	} {
		if got := store.KRStatusAt(c.kr, c.v, c.conf, q, c.at, loc); got != c.want {
			t.Errorf("%s: status = %s, want %s", c.name, got, c.want)
		}
	}
	if got := down.Expected(q, q.Start(loc), loc); got != 40 {
		t.Errorf("expected at start = %v", got)
	}
	if got := down.Expected(q, q.End(loc), loc); got != 10 {
		t.Errorf("expected at end = %v", got)
	}
}

func TestParseQuarter(t *testing.T) {
	for _, bad := range []string{"2027", "2027-Q5", "Q1-2027", "27-Q1", ""} {
		if _, err := store.ParseQuarter(bad); err == nil {
			t.Errorf("ParseQuarter(%q) accepted", bad)
		}
	}
	q, err := store.ParseQuarter("2027-Q4")
	if err != nil || q.Next().String() != "2028-Q1" {
		t.Errorf("next of %v = %v (%v)", q, q.Next(), err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	if got := store.QuarterOf(time.Date(2027, 4, 1, 2, 0, 0, 0, time.UTC), ny).String(); got != "2027-Q1" {
		t.Errorf("QuarterOf in New York = %s", got)
	}
}
