package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMembersPausePerTeam: `members pause|away|resume --team T` hold and
// release one team's prompts; a member in two teams paused in one still
// gets the other's; `members list` and `show` say which team is held.
func TestMembersPausePerTeam(t *testing.T) {
	dir := tempEnv(t)
	ctx := context.Background()
	example, _ := os.ReadFile("../../examples/tidings.yaml")
	ops := "  - slug: ops\n    name: Ops team\n    timezone: America/New_York\n    members:\n" +
		"      - { email: ana@example.com, name: Ana Lima, timezone: America/Sao_Paulo }\n" +
		"      - { email: ben@example.com, name: Ben Okafor, timezone: Europe/Berlin, role: lead }\n" +
		"    checkins:\n      - name: standup\n        schedule: \"mon-fri 09:00\"\n        window: 20h\n" +
		"        questions:\n          - { key: done, text: \"What did you ship for ops?\" }\n"
	cfg := strings.Replace(string(example), "teams:\n", "teams:\n"+ops, 1)
	path := filepath.Join(dir, "tidings.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	must := func(args ...string) string {
		t.Helper()
		out, errs, code := run(t, ctx, "", append([]string{"--config", path}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		return out
	}
	refuse := func(want int, msg string, args ...string) {
		t.Helper()
		out, errs, code := run(t, ctx, "", append([]string{"--config", path}, args...)...)
		if code != want || !strings.Contains(errs, msg) {
			t.Errorf("%v: exit %d (want %d), out %q, err %q (want %q)", args, code, want, out, errs, msg)
		}
	}
	must("apply")
	line := func(email string) string {
		t.Helper()
		for _, l := range strings.Split(must("members", "list"), "\n") {
			if strings.HasPrefix(l, email) {
				return l
			}
		}
		t.Fatalf("%s not listed", email)
		return ""
	}
	until := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	if out := must("members", "pause", "ana@example.com", "--team", "platform", "--until", until); !strings.Contains(out, "paused until "+until+" (team platform only)") {
		t.Errorf("pause --team: %q", out)
	}
	if l := line("ana@example.com"); !strings.Contains(l, "platform paused until "+until+" on ") || !strings.Contains(l, "by lead command") ||
		strings.Contains(l, "ops paused") {
		t.Errorf("list after pause --team platform:\n%s", l)
	}
	show := must("members", "show", "ana@example.com")
	if !strings.Contains(show, "  daily          held: paused until "+until) || !strings.Contains(show, "  standup        active") {
		t.Errorf("show after pause --team platform:\n%s", show)
	}
	refuse(exDataErr, "already paused until "+until+" in platform", "members", "pause", "ana@example.com", "--team", "platform", "--until", until)
	refuse(exDataErr, "is not paused or away in ops: nothing to resume", "members", "resume", "ana@example.com", "--team", "ops")

	// Next weekday 12:00 UTC (09:00 in São Paulo): Ana gets the ops prompt,
	// her platform one is skipped; Ben gets both.
	day := time.Now().UTC().AddDate(0, 0, 1)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	at := time.Date(day.Year(), day.Month(), day.Day(), 12, 30, 0, 0, time.UTC)
	must("prompts", "send", "--now", at.Format(time.RFC3339))
	sent, skipped := must("prompts", "list", "--status", "sent"), must("prompts", "list", "--status", "skipped")
	count := func(out, email, checkin string) int {
		n := 0
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, email) && strings.Contains(l, checkin) {
				n++
			}
		}
		return n
	}
	if count(sent, "ana@example.com", "ops/standup") != 1 || count(sent, "ana@example.com", "platform/daily") != 0 ||
		count(skipped, "ana@example.com", "platform/daily") != 1 || count(sent, "ben@example.com", "platform/daily") != 1 ||
		count(sent, "ben@example.com", "ops/standup") != 1 {
		t.Errorf("prompts with Ana paused in platform only:\nsent:\n%s\nskipped:\n%s", sent, skipped)
	}
	if !strings.Contains(skipped, "paused until") {
		t.Errorf("skip reason:\n%s", skipped)
	}

	// Away in ops too; resume --team platform ends platform's only.
	must("members", "away", "ana@example.com", "--team", "ops", "--until", until)
	if out := must("members", "resume", "ana@example.com", "--team", "platform"); !strings.Contains(out, "resumed in platform (was paused until "+until+" in platform)") {
		t.Errorf("resume --team platform: %q", out)
	}
	if l := line("ana@example.com"); !strings.Contains(l, "ops away until "+until) || strings.Contains(l, "platform paused") {
		t.Errorf("list after resume --team platform:\n%s", l)
	}
	// A member-wide pause (no --team, as before) holds both; resume
	// --team ops keeps platform held.
	must("members", "resume", "ana@example.com")
	must("members", "pause", "ana@example.com", "--until", until)
	if l := line("ana@example.com"); !strings.Contains(l, "paused until "+until) || strings.Contains(l, "platform paused") {
		t.Errorf("list after a member-wide pause:\n%s", l)
	}
	if out := must("members", "resume", "ana@example.com", "--team", "ops"); !strings.Contains(out, "still held in their other teams") {
		t.Errorf("resume --team ops of a member-wide pause: %q", out)
	}
	if l := line("ana@example.com"); !strings.Contains(l, "platform paused until "+until) || strings.Contains(l, "ops paused") {
		t.Errorf("list after resume --team ops:\n%s", l)
	}
	refuse(exUsage, `--team "nope": no such team`, "members", "pause", "ben@example.com", "--team", "nope")
	refuse(exUsage, "members pause: accepts 1 arg(s), received 0 (usage: tidings members pause EMAIL", "members", "pause")
}
