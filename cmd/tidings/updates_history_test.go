package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
)

// TestUpdatesHistory proves `tidings updates history ID` prints every
// version of an update, oldest first, and refuses a bad or unknown ID.
func TestUpdatesHistory(t *testing.T) {
	dir := tempEnv(t)
	ctx := context.Background()
	if _, errs, code := run(t, ctx, "", "--config", "../../examples/tidings.yaml", "apply", "-f", "../../examples/tidings.yaml"); code != 0 {
		t.Fatalf("apply: %d %s", code, errs)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "tidings.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	team, _ := db.FindTeam(ctx, "platform")
	cis, _ := db.FindCheckIns(ctx, team.ID)
	ana, _ := db.MemberByAddress(ctx, "ana@example.com")
	p := store.Prompt{CheckInID: cis[0].ID, MemberID: ana.ID, TeamID: team.ID, Period: "2026-11-24", Status: store.PromptSent}
	if err := db.CreatePrompt(ctx, &p); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	u, _, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, InboundID: 1, AnsweredAt: t0, HasBlocker: true,
		Answers: []store.Answer{{Key: "done", Text: "export"}, {Key: "blockers", Text: "waiting on VPN"}}})
	if err == nil {
		_, _, err = db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, InboundID: 2, AnsweredAt: t0.Add(time.Hour), BaseVersion: 1,
			Answers: []store.Answer{{Key: "done", Text: "export"}, {Key: "blockers", Text: "none"}}})
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, ctx, "", "--config", "../../examples/tidings.yaml", "updates", "history", fmt.Sprint(u.ID))
	if code != 0 {
		t.Fatalf("history: %d %s", code, errs)
	}
	want := "v1 · answered 2026-11-24 12:00 UTC · from inbound message 1  [BLOCKER]\n  done: export\n  blockers: waiting on VPN\n\n" +
		"v2 (current) · answered 2026-11-24 13:00 UTC · from inbound message 2\n  done: export\n  blockers: none\n\n"
	if out != want {
		t.Errorf("history:\n%s\nwant:\n%s", out, want)
	}
	for _, arg := range []string{"x", "999"} {
		if _, errs, code := run(t, ctx, "", "--config", "../../examples/tidings.yaml", "updates", "history", arg); code != exUsage || !strings.Contains(errs, arg) {
			t.Errorf("history %s: code %d, %q", arg, code, errs)
		}
	}
}
