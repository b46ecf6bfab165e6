package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/mail/reply"
)

const okrReply = "From: Ana Lima <ana@example.com>\r\n" +
	"To: reply+abc@tidings.example.com\r\n" +
	"Subject: Re: Your key results this week\r\n" +
	"Date: Fri, 12 Feb 2027 12:00:00 -0300\r\n" +
	"Message-ID: <okr1@mail.gmail.com>\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n\r\n" +
	"uptime 99,7\r\nsignups 1.240 (confidence 6/10)\r\nKR9: 40%\r\nKR4: lots\r\n\r\n" +
	"On Fri, Feb 12, 2027 at 11:00 AM Tidings <checkins@tidings.example.com> wrote:\r\n" +
	"> KR1 Reach 99.9 % uptime\r\n"

func TestParseCheckinOKR(t *testing.T) {
	out, errs, code := run(t, context.Background(), okrReply, "parse", "--checkin", "okr", "--config", "../../examples/okrs.yaml", "--team", "platform", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Kind string           `json:"kind"`
		OKR  reply.OKRReading `json:"okr"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	v1, v3, six := 99.7, 1240.0, 6
	want := reply.OKRReading{
		Reports: []reply.KRReport{{Key: "KR1", Value: &v1, Line: "uptime 99,7"},
			{Key: "KR3", Value: &v3, Confidence: &six, Line: "signups 1.240 (confidence 6/10)"}},
		Problems: []reply.OKRProblem{{Line: "KR9: 40%", Problem: "KR9 is not one of your key results (KR1, KR3, KR4, KR5)"},
			{Line: "KR4: lots", Problem: `no value for KR4 could be read in "lots" (write e.g. "KR4: EUR 12,500")`}},
		Unrecognised: []string{},
	}
	if diff := cmp.Diff(want, got.OKR); diff != "" || got.Kind != "reply" {
		t.Errorf("kind %s; okr (-want +got):\n%s", got.Kind, diff)
	}
	if _, errs, code := run(t, context.Background(), okrReply, "parse", "--checkin", "okr", "--config", "../../examples/okrs.yaml", "--team", "nope", "-"); code != exUsage {
		t.Errorf("unknown team: exit %d (%s)", code, errs)
	}
}
