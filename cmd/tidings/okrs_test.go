package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
)

// TestOKRCommands applies the example, records values and a retrospective
// as the mail path would, and reads them back with okrs list, show and
// next-quarter.
func TestOKRCommands(t *testing.T) {
	ctx := context.Background()
	tempEnv(t)
	cfg := "../../examples/okrs.yaml"
	if _, errs, code := run(t, ctx, "", "apply", "-f", cfg); code != 0 {
		t.Fatalf("apply: %s", errs)
	}
	db, err := store.Open(ctx, os.Getenv("TIDINGS_DATABASE"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	team, _ := db.FindTeam(ctx, "platform")
	set, err := db.LoadOKRs(ctx, team.ID, store.Quarter{Year: 2027, Q: 1})
	if err != nil {
		t.Fatal(err)
	}
	kr3 := set.KeyResults[2]
	ny, _ := time.LoadLocation("America/New_York")
	six := 6
	err = db.AddKRValues(ctx, []store.KRValue{
		{KeyResultID: kr3.ID, Value: 1000, Status: store.KROnTrack, At: time.Date(2027, 1, 29, 12, 0, 0, 0, ny)},
		{KeyResultID: kr3.ID, Value: 1240, Confidence: &six, Status: store.KRAtRisk, Comment: "waiting on the launch", At: time.Date(2027, 2, 12, 12, 0, 0, 0, ny)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddKRRetros(ctx, []store.KRRetro{{KeyResultID: kr3.ID, MemberID: *kr3.OwnerID, Score: 0.6, CarryOver: true, At: time.Date(2027, 3, 27, 0, 0, 0, 0, ny)}}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, errs, code := run(t, ctx, "", "--config", cfg, "okrs", "list", "--team", "platform", "--now", "2027-02-13T12:00:00-05:00")
	if code != 0 {
		t.Fatalf("list: %s", errs)
	}
	for _, want := range []string{"platform 2027-Q1 (48% of the quarter gone)", "Objective 2: Grow self-serve (Ana Lima)",
		"KR3  Monthly signups", "1,240", "[####------] 37%", "at risk", "99.5 % (start)"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	out, _, code = run(t, ctx, "", "--config", cfg, "okrs", "show", "kr3", "--now", "2027-02-13T12:00:00-05:00")
	for _, want := range []string{"KR3: Monthly signups", "Owner: Ana Lima", "Start 800, target 2,000 (up)",
		"2027-01-29  1,000  [###---|-------------]  on track",
		"2027-02-12  1,240  [#######--|----------]  at risk, confidence 6/10  waiting on the launch"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	// History as of an earlier --now leaves later values out.
	if out, _, _ = run(t, ctx, "", "--config", cfg, "okrs", "show", "KR3", "--now", "2027-02-01T12:00:00-05:00"); strings.Contains(out, "1,240") {
		t.Errorf("show --now shows the future:\n%s", out)
	}
	if _, errs, code = run(t, ctx, "", "--config", cfg, "okrs", "show", "KR9", "--now", "2027-02-13T12:00:00-05:00"); code != exUsage || !strings.Contains(errs, "no key result KR9") {
		t.Errorf("unknown key: %d %s", code, errs)
	}
	out, errs, code = run(t, ctx, "", "--config", cfg, "okrs", "next-quarter", "--team", "platform", "--now", "2027-04-03T12:00:00-04:00")
	if code != 0 {
		t.Fatalf("next-quarter: %s", errs)
	}
	for _, want := range []string{"- quarter: 2027-Q2", "title: Grow self-serve", "key: KR3", "start: 1240", "target: 2000",
		"# Not scored in the retrospective and not done: KR1 Reach 99.9 % uptime (Ana Lima, at 99.5 % of 99.9 %)"} {
		if !strings.Contains(out, want) {
			t.Errorf("next-quarter lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "key: KR1") {
		t.Errorf("next-quarter carried KR1 over:\n%s", out)
	}
}

func TestPromptsSendIncludesKeyResultCheckIns(t *testing.T) {
	ctx := context.Background()
	tempEnv(t)
	cfg := "../../examples/okrs.yaml"
	if _, errs, code := run(t, ctx, "", "apply", "-f", cfg); code != 0 {
		t.Fatalf("apply: %s", errs)
	}
	// 11:00 in São Paulo: Ana's key-result check-in is due (Ben's Berlin 11:00 was earlier that day).
	out, errs, code := run(t, ctx, "", "--config", cfg, "prompts", "send", "--now", "2027-02-12T11:00:00-03:00")
	if code != 0 || !strings.Contains(out, "queued 2 key-result prompts") {
		t.Fatalf("prompts send: %d %s\n%s", code, errs, out)
	}
	out, _, _ = run(t, ctx, "", "--config", cfg, "okrs", "send", "--now", "2027-02-12T11:05:00-03:00")
	if !strings.Contains(out, "queued 0 key-result prompts") || !strings.Contains(out, "sent 0,") {
		t.Errorf("second run:\n%s", out)
	}
}
