package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
)

const askEML = "From: Ana Lima <ana@example.com>\r\nTo: ask+platform@tidings.example.com\r\n" +
	"Subject: Which city for the offsite?\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <ask-1@example.com>\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n\r\nA) Lisbon\r\nB) Porto\r\n\r\nanonymous\r\nby Thursday\r\n"

// TestParseAsk: `tidings parse --checkin ask` shows the ask a message
// makes, and with --choices the vote a reply casts.
func TestParseAsk(t *testing.T) {
	out, errs, code := run(t, context.Background(), askEML, "parse", "--checkin", "ask", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Ask struct {
			Question  string   `json:"question"`
			Choices   []string `json:"choices"`
			Anonymous bool     `json:"anonymous"`
			Deadline  string   `json:"deadline"`
		} `json:"ask"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Ask.Question != "Which city for the offsite?" || len(got.Ask.Choices) != 2 || !got.Ask.Anonymous ||
		got.Ask.Deadline != "2026-12-03T17:00:00Z" {
		t.Errorf("ask = %+v", got.Ask)
	}
	vote := strings.Replace(askEML, "A) Lisbon\r\nB) Porto\r\n\r\nanonymous\r\nby Thursday", "porto\r\nShorter flights.", 1)
	out, errs, code = run(t, context.Background(), vote, "parse", "--checkin", "ask", "--choices", "Lisbon,Porto", "-")
	if code != 0 || !strings.Contains(out, `"choices": [
      1
    ]`) || !strings.Contains(out, `"comment": "Shorter flights."`) {
		t.Errorf("vote: exit %d %s\n%s", code, errs, out)
	}
}

// TestAsksCommands: list, show (an anonymous ask shows comments without
// names) and close (results queued and delivered to the outbox), with
// clear errors for an unknown or closed ask.
func TestAsksCommands(t *testing.T) {
	dir := tempEnv(t)
	ctx := context.Background()
	if _, errs, code := run(t, ctx, "", "apply", "-f", "../../examples/tidings.yaml"); code != 0 {
		t.Fatalf("apply: %s", errs)
	}
	_, db, err := (&app{configPath: "../../examples/tidings.yaml", stderr: testLog{t}}).load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	team, _ := db.FindTeam(ctx, "platform")
	ana, _ := db.MemberByAddress(ctx, "ana@example.com")
	ben, _ := db.MemberByAddress(ctx, "ben@example.com")
	a := &store.Ask{TeamID: team.ID, AskerID: &ana.ID, AskerEmail: ana.Email, AskerName: ana.Name, Kind: store.AskPoll, Status: store.AskOpen,
		Question: "Which city?", Choices: []string{"Lisbon", "Porto"}, Anonymous: true, Deadline: time.Now().Add(time.Hour)}
	if err := db.CreateAsk(ctx, a, []int64{ben.ID}); err != nil {
		t.Fatal(err)
	}
	rs, _ := db.AskRecipients(ctx, a.ID)
	if _, err := db.SaveAskAnswer(ctx, rs[0].ID, 0, []int{1}, "Shorter flights", false); err != nil {
		t.Fatal(err)
	}
	db.Close()
	c := "--config=../../examples/tidings.yaml"
	out, errs, code := run(t, ctx, "", "asks", "list", "--team", "platform", c)
	if code != 0 || !strings.Contains(out, "poll  open") || !strings.Contains(out, "1/1") {
		t.Errorf("list: %d %s\n%s", code, errs, out)
	}
	out, _, code = run(t, ctx, "", "asks", "show", "1", c)
	if code != 0 || !strings.Contains(out, "(anonymous): Shorter flights") || strings.Contains(out, "Ben") ||
		!strings.Contains(out, "B) Porto") {
		t.Errorf("show: %d\n%s", code, out)
	}
	out, errs, code = run(t, ctx, "", "asks", "close", "1", c)
	if code != 0 || !strings.Contains(out, "closed ask 1; results queued; sent") {
		t.Errorf("close: %d %s\n%s", code, errs, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "outbox", "*ask_results.eml"))
	if len(files) != 2 { // Ana (asker) and Ben
		t.Errorf("results in the outbox: %v, want 2", files)
	}
	if _, errs, code = run(t, ctx, "", "asks", "close", "1", c); code != exUsage || !strings.Contains(errs, "not open") {
		t.Errorf("second close: %d %s", code, errs)
	}
	if _, errs, code = run(t, ctx, "", "asks", "show", "99", c); code != exNoUser {
		t.Errorf("show 99: %d %s", code, errs)
	}
}
