package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const gmailReply = "From: Ana Lima <ana@example.com>\r\n" +
	"To: reply+abc@tidings.example.com\r\n" +
	"Subject: Re: Daily check-in\r\n" +
	"Date: Tue, 24 Nov 2026 09:30:00 -0300\r\n" +
	"Message-ID: <CAF1@mail.gmail.com>\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n\r\n" +
	"Yesterday: shipped the billing export\r\nToday: review escaping\r\nBlockers: waiting on VPN access\r\n\r\n" +
	"On Tue, Nov 24, 2026 at 9:00 AM Tidings <checkins@tidings.example.com> wrote:\r\n" +
	"> 1. What did you get done yesterday?\r\n"

func TestParseCommandPrintsJSON(t *testing.T) {
	ctx := context.Background()
	out, errs, code := run(t, ctx, gmailReply, "parse", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Kind       string `json:"kind"`
		From       string `json:"from"`
		Date       string `json:"date"`
		HasBlocker bool   `json:"has_blocker"`
		Answers    []struct{ Key, Text string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Kind != "reply" || got.From != "ana@example.com" || !got.HasBlocker || len(got.Answers) != 3 ||
		got.Answers[0].Text != "shipped the billing export" || got.Date != "2026-11-24T09:30:00-03:00" {
		t.Errorf("parsed = %+v", got)
	}
}

func TestParseCommandErrors(t *testing.T) {
	ctx := context.Background()
	empty := filepath.Join(t.TempDir(), "empty.eml")
	os.WriteFile(empty, nil, 0o600)
	if _, errs, code := run(t, ctx, "", "parse", empty); code != exDataErr || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("empty file: exit %d, stderr %q; want %d and one line", code, errs, exDataErr)
	}
	if _, _, code := run(t, ctx, gmailReply, "parse", "--checkin", "hourly", "-"); code == 0 {
		t.Error("unknown built-in check-in accepted")
	}
	if _, _, code := run(t, ctx, "", "parse", "/nonexistent/file.eml"); code == 0 {
		t.Error("missing file accepted")
	}
}

// TestParseCommandRemovedAndUnsure checks the removed and unsure fields:
// arrays always, filled when a signature without "-- " was cut.
func TestParseCommandRemovedAndUnsure(t *testing.T) {
	ctx := context.Background()
	signed := strings.Replace(gmailReply, "Blockers: waiting on VPN access\r\n\r\n",
		"Blockers: none\r\n\r\nThanks,\r\nAna Lima\r\nStaff Engineer | Acme GmbH\r\nM: +49 170 1234567\r\n\r\n", 1)
	for _, tc := range []struct {
		name, msg   string
		kinds       string
		unsure, blk bool
	}{
		{"plain", gmailReply, "", false, true},
		{"signed", signed, "signoff signature", true, false},
	} {
		out, errs, code := run(t, ctx, tc.msg, "parse", "-")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.name, code, errs)
		}
		var got struct {
			HasBlocker bool                    `json:"has_blocker"`
			Removed    []struct{ Kind string } `json:"removed"`
			Unsure     []string                `json:"unsure"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: not JSON: %v", tc.name, err)
		}
		if !strings.Contains(out, `"removed": [`) || !strings.Contains(out, `"unsure": [`) {
			t.Errorf("%s: removed/unsure not printed as arrays:\n%s", tc.name, out)
		}
		var kinds []string
		for _, r := range got.Removed {
			kinds = append(kinds, r.Kind)
		}
		if strings.Join(kinds, " ") != tc.kinds || (len(got.Unsure) > 0) != tc.unsure || got.HasBlocker != tc.blk {
			t.Errorf("%s: removed %v, unsure %q, has_blocker %v", tc.name, kinds, got.Unsure, got.HasBlocker)
		}
	}
}
