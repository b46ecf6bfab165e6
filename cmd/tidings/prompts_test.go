package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runPrompts runs `tidings prompts ARGS` through newPromptsCmd.
func runPrompts(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, configPath: "../../examples/tidings.yaml"}
	cmd := newPromptsCmd(a)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("prompts %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

func TestPromptsSendTwiceSendsOnce(t *testing.T) {
	dir := tempEnv(t)
	if _, errs, code := run(t, context.Background(), "", "apply", "-f", "../../examples/tidings.yaml"); code != 0 {
		t.Fatalf("apply: %d %s", code, errs)
	}
	// A Tuesday at 23:00 UTC after the check-in was created: 09:00 has
	// passed in every zone of the example, and the 20h window is open.
	day := time.Now().UTC().AddDate(0, 0, 7)
	for day.Weekday() != time.Tuesday {
		day = day.AddDate(0, 0, 1)
	}
	when := time.Date(day.Year(), day.Month(), day.Day(), 23, 0, 0, 0, time.UTC)
	now := when.Format(time.RFC3339)
	out := runPrompts(t, "send", "--now", now)
	if !strings.Contains(out, "sent ") || strings.Contains(out, "sent 0,") {
		t.Fatalf("first send sent nothing:\n%s", out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.eml"))
	if len(files) == 0 {
		t.Fatal("no .eml in the outbox")
	}
	raw, err := os.ReadFile(files[0])
	if err != nil || !bytes.Contains(raw, []byte("Return-Path: <bounces+")) || !bytes.Contains(raw, []byte("List-Unsubscribe-Post")) {
		t.Errorf("outbox file %s:\n%.400s", files[0], raw)
	}
	again := runPrompts(t, "send", "--now", now)
	if !strings.Contains(again, "queued 0 prompts and 0 reminders; sent 0,") {
		t.Errorf("second send for the same instant:\n%s", again)
	}
	if n, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.eml")); len(n) != len(files) {
		t.Errorf("outbox grew from %d to %d files", len(files), len(n))
	}
	list := runPrompts(t, "list", "--team", "platform", "--status", "sent")
	if !strings.Contains(list, "MEMBER") || !strings.Contains(list, "platform/daily") || !strings.Contains(list, when.Format("2006-01-02")) {
		t.Errorf("list:\n%s", list)
	}
}
