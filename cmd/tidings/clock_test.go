package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestStoreFollowsTheServicesClock pins the services' clock far from the
// real one and checks that what the store timestamps follows it: a
// membership created by apply counts as joined at the pinned time, so the
// prompter (which skips occurrences before a member joined) and the
// store agree on "now". With the store on the real clock the end-to-end
// tests lost Ben's 09:00 Berlin prompt whenever they ran between 08:00
// and 12:00 UTC.
func TestStoreFollowsTheServicesClock(t *testing.T) {
	eachBackend(t, func(t *testing.T, _ string) {
		ctx := context.Background()
		pinned := time.Date(2021, 3, 1, 6, 30, 0, 0, time.UTC)
		a := &app{configPath: "../../examples/tidings.yaml", stdout: &strings.Builder{}, stderr: testLog{t}, logLevel: "warn",
			now: func() time.Time { return pinned }}
		cfg, err := a.loadConfig()
		if err != nil {
			t.Fatal(err)
		}
		db, err := a.openStore(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Sync(ctx, cfg.Specs()); err != nil {
			t.Fatal(err)
		}
		team, err := db.FindTeam(ctx, "platform")
		if err != nil {
			t.Fatal(err)
		}
		ts, err := db.FindTeamSchedule(ctx, *team, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts.Members) == 0 {
			t.Fatal("no members scheduled")
		}
		for _, m := range ts.Members {
			if !m.JoinedAt.Equal(pinned) {
				t.Errorf("%s joined at %s, want the services' clock %s", m.Email, m.JoinedAt.UTC(), pinned)
			}
		}
	})
}
