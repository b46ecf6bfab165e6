package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// TestDigestPreviewAndSend drives `tidings digest preview` and `tidings
// digest send` on a store (SQLite, and PostgreSQL when configured) holding
// the example team and a week of updates: the preview prints the subject
// and text, or the HTML with member text escaped, and queues nothing; send
// queues one digest per reader with the list headers, says "already sent"
// the second time and queues nothing, and --force queues new copies; an
// unknown team, a bad period or format exit with EX_USAGE.
func TestDigestPreviewAndSend(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			tempEnv(t)
			db, dsn := b.Open(t, store.Options{})
			t.Setenv("TIDINGS_DATABASE", dsn)
			testDigestCLI(t, db)
		})
	}
}

func testDigestCLI(t *testing.T, db *store.DB) {
	ctx := context.Background()
	cfg := "../../examples/tidings.yaml"
	if _, errs, code := run(t, ctx, "", "apply", "-c", cfg); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errs)
	}
	seedDigestWeek(t, ctx, db)

	out, errs, code := run(t, ctx, "", "digest", "preview", "-c", cfg, "--team", "platform", "--period", "2026-W48")
	if code != 0 {
		t.Fatalf("preview: exit %d: %s", code, errs)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Subject: Platform team · 23–27 Nov · 1 open blocker",
		"! Ana Lima — VPN access from IT (since Wed 18 Nov,",
		// Ben's Tuesday prompt expired without being sent: not his miss.
		"PARTICIPATION 100% answered (3 of 3), same as last week",
		"Ben ■ · 1/1 not sent Tue",
		"Done: tuned <b>alerts</b>",
		"Reply to this email to write to Ben Okafor, the team lead.",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("text preview lacks %q:\n%s", want, out)
		}
	}
	html, errs, code := run(t, ctx, "", "digest", "preview", "-c", cfg, "--team", "platform", "--period", "2026-11-25", "--format", "html")
	if code != 0 || !strings.HasPrefix(html, "<!DOCTYPE html>") || strings.Contains(html, "Subject:") {
		t.Fatalf("html preview: exit %d %s:\n%.300s", code, errs, html)
	}
	if !strings.Contains(html, "tuned &lt;b&gt;alerts&lt;/b&gt;") || strings.Contains(html, "<b>alerts") {
		t.Error("html preview does not escape what members wrote")
	}
	if n := digestRows(t, db); len(n) != 0 {
		t.Fatalf("preview queued %d messages", len(n))
	}

	send := func(args ...string) string {
		t.Helper()
		out, errs, code := run(t, ctx, "", append([]string{"digest", "send", "-c", cfg, "--team", "platform", "--period", "2026-W48"}, args...)...)
		if code != 0 {
			t.Fatalf("send %v: exit %d: %s", args, code, errs)
		}
		return strings.TrimSpace(out)
	}
	if got := send(); got != "platform 2026-W48: 2 queued, 0 already queued" {
		t.Errorf("first send: %q", got)
	}
	first := digestRows(t, db)
	checkDigestRows(t, first)
	if got := send(); got != "platform 2026-W48: already sent, 0 queued (--force sends it again)" {
		t.Errorf("second send: %q", got)
	}
	if n := len(digestRows(t, db)); n != 2 {
		t.Errorf("second send: %d digest rows, want still 2", n)
	}
	if got := send("--force"); got != "platform 2026-W48: 2 queued, 0 already queued" {
		t.Errorf("forced send: %q", got)
	}
	for _, args := range [][]string{
		{"preview", "--team", "nope"}, {"send", "--team", "nope"},
		{"preview", "--team", "platform", "--period", "2026-W99"}, {"send", "--team", "platform", "--period", "next week"},
		{"preview", "--team", "platform", "--format", "pdf"},
	} {
		if out, errs, code := run(t, ctx, "", append([]string{"digest", "-c", cfg}, args...)...); code != exUsage {
			t.Errorf("%v: exit %d (out %q, err %q), want %d", args, code, out, errs, exUsage)
		}
	}
	all := digestRows(t, db)
	if len(all) != 4 || all[2].MessageID == first[0].MessageID || all[3].MessageID == first[1].MessageID {
		t.Errorf("forced send: %d rows; a resend needs new Message-IDs", len(all))
	}
}

// seedDigestWeek writes the example team's week 48 of 2026: Ana, not
// blocked Mon of week 47 and blocked since Wed, answers Mon and Tue (still blocked); Ben answers
// Mon (with HTML in his answer) and misses Tue.
func seedDigestWeek(t *testing.T, ctx context.Context, db *store.DB) {
	t.Helper()
	team, err := db.FindTeam(ctx, "platform")
	if err != nil {
		t.Fatal(err)
	}
	cis, _ := db.FindCheckIns(ctx, team.ID)
	ana, _ := db.MemberByAddress(ctx, "ana@example.com")
	ben, _ := db.MemberByAddress(ctx, "ben@example.com")
	ny, _ := time.LoadLocation("America/New_York")
	add := func(member int64, day int, status string, answers ...store.Answer) {
		due := time.Date(2026, 11, day, 9, 0, 0, 0, ny).UTC()
		p := &store.Prompt{CheckInID: cis[0].ID, MemberID: member, TeamID: team.ID,
			Period: due.Format("2006-01-02"), DueAt: due, Status: status}
		if err := db.CreatePrompt(ctx, p); err != nil {
			t.Fatal(err)
		}
		if len(answers) == 0 {
			return
		}
		blocked := answers[len(answers)-1].Key == "blockers"
		_, _, err := db.SaveUpdate(ctx, store.UpdateInput{PromptID: p.ID, Answers: answers, HasBlocker: blocked,
			InboundID: p.ID, AnsweredAt: due.Add(30 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
	}
	vpn := store.Answer{Key: "blockers", Text: "VPN access from IT"}
	add(ana.ID, 16, store.PromptSent, store.Answer{Key: "done", Text: "nothing blocks me"})
	add(ana.ID, 18, store.PromptSent, store.Answer{Key: "done", Text: "billing export"}, vpn)
	add(ana.ID, 23, store.PromptSent, store.Answer{Key: "done", Text: "docs"}, vpn)
	add(ana.ID, 24, store.PromptSent, store.Answer{Key: "done", Text: "more docs"}, vpn)
	add(ben.ID, 23, store.PromptSent, store.Answer{Key: "done", Text: "tuned <b>alerts</b>"})
	add(ben.ID, 24, store.PromptExpired)
}

func digestRows(t *testing.T, db *store.DB) []store.OutboundMessage {
	t.Helper()
	rows, err := db.FindOutbound(context.Background(), store.OutboundFilter{Kind: "digest"})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkDigestRows checks the two queued copies: one per reader, each with
// its own Message-ID, the lead as Reply-To, and the list headers.
func checkDigestRows(t *testing.T, rows []store.OutboundMessage) {
	t.Helper()
	if len(rows) != 2 {
		t.Fatalf("%d digest rows queued, want 2", len(rows))
	}
	got := map[string]bool{}
	for _, m := range rows {
		got[m.Recipient] = true
		wantID := "digest.platform.2026-W48." + strconv.FormatInt(*m.MemberID, 10) + "@tidings.example.com"
		if m.MessageID != wantID || !strings.HasPrefix(m.Subject, "Platform team · 23–27 Nov · 1 open blocker") {
			t.Errorf("%s: Message-ID %q (want %q), subject %q", m.Recipient, m.MessageID, wantID, m.Subject)
		}
		for _, h := range []string{"Reply-To: <ben@example.com>", "List-Unsubscribe: <https://tidings.example.com/u/",
			"List-Unsubscribe-Post: List-Unsubscribe=One-Click", "Auto-Submitted: auto-generated", "Precedence: bulk",
			"multipart/alternative"} {
			if !bytes.Contains(m.Raw, []byte(h)) {
				t.Errorf("%s: message lacks %q", m.Recipient, h)
			}
		}
	}
	if !got["ana@example.com"] || !got["ben@example.com"] {
		t.Errorf("recipients = %v, want ana and ben", got)
	}
}
