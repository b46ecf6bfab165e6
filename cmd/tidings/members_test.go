package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMembersCommands(t *testing.T) {
	tempEnv(t)
	ctx := context.Background()
	cfg := "../../examples/tidings.yaml"
	if _, errs, code := run(t, ctx, "", "apply", "-f", cfg); code != 0 {
		t.Fatalf("apply: %s", errs)
	}
	must := func(args ...string) string {
		t.Helper()
		out, errs, code := run(t, ctx, "", append([]string{"--config", cfg}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		return out
	}
	refuse := func(want int, msg string, args ...string) {
		t.Helper()
		out, errs, code := run(t, ctx, "", append([]string{"--config", cfg}, args...)...)
		if code != want || !strings.Contains(errs, msg) {
			t.Errorf("%v: exit %d (want %d), out %q, err %q (want %q)", args, code, want, out, errs, msg)
		}
	}
	out := must("members", "list")
	for _, want := range []string{"ana@example.com", "Ana Lima", "platform (member)", "America/Sao_Paulo", "active", "ben@example.com",
		"platform (lead)", "2 member(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	until := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	out = must("members", "pause", "ana@example.com", "--until", until)
	if !strings.Contains(out, "paused until "+until) {
		t.Errorf("pause: %q", out)
	}
	if out = must("members", "list", "--team", "platform"); !strings.Contains(out, "paused until "+until+" on ") ||
		!strings.Contains(out, "by lead command") {
		t.Errorf("list after pause:\n%s", out)
	}
	refuse(exDataErr, "already paused", "members", "pause", "ana@example.com", "--until", until)
	if out = must("members", "resume", "ana@example.com"); !strings.Contains(out, "resumed (was paused until") {
		t.Errorf("resume: %q", out)
	}
	refuse(exDataErr, "is not paused or away: nothing to resume (nothing changed)", "members", "resume", "ana@example.com")
	refuse(exDataErr, "is not suppressed", "members", "unsuppress", "ana@example.com")
	refuse(exDataErr, "is not unsubscribed", "members", "resubscribe", "ana@example.com")
	refuse(exUsage, "away needs --until", "members", "away", "ana@example.com")
	refuse(exUsage, "in the past", "members", "away", "ana@example.com", "--until", "2020-01-01")
	refuse(exUsage, `--team "nope": no such team`, "members", "pause", "ana@example.com", "--team", "nope")
	refuse(exUsage, `--team "nope": no such team`, "members", "list", "--team", "nope")
	refuse(exUsage, "no member with the address zed@example.com", "members", "show", "zed@example.com")
	refuse(exUsage, `--status "bogus"`, "prompts", "list", "--status", "bogus")
	refuse(exUsage, `--team "nope"`, "prompts", "list", "--team", "nope")
	refuse(exUsage, `--status "bogus"`, "inbound", "list", "--status", "bogus")
	refuse(exUsage, `--format "xml"`, "members", "list", "--format", "xml")
	must("members", "away", "ben@example.com", "--until", until)
	out = must("members", "show", "ben@example.com")
	for _, want := range []string{"Ben Okafor <ben@example.com>", "Zone:         Europe/Berlin (config)", "away until " + until,
		"timezone   Europe/Berlin  [config]", "config", "joined", "lead command", "away"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	var views []memberView
	if err := json.Unmarshal([]byte(must("members", "list", "--format", "json")), &views); err != nil {
		t.Fatal(err)
	}
	if len(views) != 2 || views[1].Email != "ben@example.com" || len(views[1].State) != 1 || views[1].Teams[0].Role != "lead" {
		t.Errorf("json = %+v", views)
	}
}

func TestNoConfigIsAnError(t *testing.T) {
	// TestMain turns DNS off through TIDINGS_AUTH_DNS, which would count
	// as configuration from the environment.
	if v, ok := os.LookupEnv("TIDINGS_AUTH_DNS"); ok {
		os.Unsetenv("TIDINGS_AUTH_DNS")
		t.Cleanup(func() { os.Setenv("TIDINGS_AUTH_DNS", v) })
	}
	dir := t.TempDir()
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"members", "list"}, {"prompts", "list"}, {"inbound", "list"}, {"apply"}, {"serve"}} {
		_, errs, code := run(t, context.Background(), "", args...)
		if code != exConfig || !strings.Contains(errs, "no configuration file: tidings.yaml not found") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tidings.db")); !os.IsNotExist(err) {
		t.Errorf("tidings.db was created: %v", err)
	}
	if _, _, code := run(t, context.Background(), "", "version"); code != 0 {
		t.Errorf("version needs no config: exit %d", code)
	}
	if _, errs, code := run(t, context.Background(), "From: a@b.c\r\nSubject: x\r\n\r\nhi\r\n", "parse"); code != 0 {
		t.Errorf("parse needs no config: exit %d %s", code, errs)
	}
}

func TestApplyHolidaysAndRoleChange(t *testing.T) {
	dir := tempEnv(t)
	ctx := context.Background()
	example, _ := os.ReadFile("../../examples/tidings.yaml")
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:1@test\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270102\r\nSUMMARY:New Year\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	if err := os.WriteFile(filepath.Join(dir, "holidays.ics"), []byte(ics), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(example), `    digest: { schedule: "fri 17:00" }`,
		"    digest: { schedule: \"fri 17:00\" }\n    holidays: [2026-12-24, 2026-12-25]\n    holidays_ics: holidays.ics", 1)
	path := filepath.Join(dir, "tidings.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, ctx, "", "apply", "--check", "-f", path)
	if code != 0 || !strings.Contains(out, "1 team, 2 members, 1 check-in, 4 holidays") {
		t.Fatalf("check: %d %q %q", code, out, errs)
	}
	if out, errs, code = run(t, ctx, "", "apply", "-f", path); code != 0 || !strings.Contains(out, "4 holiday(s) in platform") {
		t.Fatalf("apply: %d %q %q", code, out, errs)
	}
	// Ana becomes a lead, Ben is removed.
	changed := strings.Replace(cfg, "timezone: America/Sao_Paulo }", "timezone: America/Sao_Paulo, role: lead }", 1)
	changed = strings.Replace(changed, "      - { email: ben@example.com, name: Ben Okafor, timezone: Europe/Berlin, role: lead }\n", "", 1)
	if err := os.WriteFile(path, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code = run(t, ctx, "", "apply", "-f", path)
	for _, want := range []string{"role member → lead", "removed  membership ben@example.com in platform (their updates and history are kept; no more prompts or digests from platform)"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("apply lacks %q: %d %q %q", want, code, out, errs)
		}
	}
	bad := strings.Replace(cfg, "holidays: [2026-12-24, 2026-12-25]", "holidays: [2026-12-24, Christmas]", 1)
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code = run(t, ctx, "", "apply", "-f", path); code != exConfig || !strings.Contains(errs, `holiday "Christmas" is not a date`) {
		t.Errorf("bad holiday: %d %q", code, errs)
	}
}
