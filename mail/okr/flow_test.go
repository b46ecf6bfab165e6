package okr_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// fri11 is Friday 12 Feb 2027 11:00 in zone.
func at(t *testing.T, zone string, y int, m time.Month, d, h int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(y, m, d, h, 0, 0, 0, loc)
}

func TestPromptsOncePerOwnerAndWeek(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		// 11:00 in São Paulo has come; in New York (Ben) it has not.
		sum, got := f.sendDue(t, at(t, "America/Sao_Paulo", 2027, 2, 12, 11).Add(time.Minute))
		if sum.Queued != 1 || len(got) != 1 || got[0].To[0] != "ana@example.com" {
			t.Fatalf("first run: %+v, %d messages", sum, len(got))
		}
		body := text(t, got[0])
		for _, want := range []string{"KR1 Reach 99.9 % uptime", "last 99.5 % (start), target 99.9 %, expected today",
			"KR3 Monthly signups", "KR5 Ship the billing page", "week 7 of 13", "KR1: 99.7 %"} {
			if !strings.Contains(body, want) {
				t.Errorf("prompt lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, "KR2") {
			t.Errorf("Ana's prompt lists Ben's KR2:\n%s", body)
		}
		for _, l := range strings.Split(strings.ReplaceAll(body, "\r", ""), "\n") {
			if len([]rune(l)) > 78 {
				t.Errorf("line over 78 columns: %q", l)
			}
		}
		// Ben's 11:00 comes; Ana is not prompted again; Chen owns nothing.
		sum, got = f.sendDue(t, at(t, "America/New_York", 2027, 2, 12, 11))
		if sum.Queued != 1 || got[0].To[0] != "ben@example.com" {
			t.Fatalf("second run: %+v", sum)
		}
		if sum, got = f.sendDue(t, at(t, "America/New_York", 2027, 2, 12, 18)); sum.Queued != 0 || len(got) != 0 {
			t.Fatalf("third run sent again: %+v", sum)
		}
		// Across the US switch to summer time (14 Mar 2027) Ben's prompt
		// stays at 11:00 New York time.
		for _, d := range []int{12, 19} {
			sum, got = f.sendDue(t, at(t, "America/New_York", 2027, 3, d, 11))
			ben := to(t, got, "ben@example.com")
			hb := header(t, ben)
			date, _ := hb.Date()
			if want := at(t, "America/New_York", 2027, 3, d, 11); !date.Equal(want) {
				t.Errorf("prompt of %d Mar dated %v, want %v", d, date, want)
			}
		}
		prompts, err := db.FindPrompts(context.Background(), store.PromptFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var ben []string
		for _, p := range prompts {
			if p.MemberEmail == "ben@example.com" {
				ben = append(ben, p.DueAt.UTC().Format("01-02 15:04")+" "+p.Status)
			}
		}
		slices.Sort(ben)
		// 5 Feb was before the first run's catch-up horizon closed: its
		// window had passed, so it is recorded as expired, not sent.
		if strings.Join(ben, ", ") != "02-05 16:00 expired, 02-12 16:00 sent, 03-12 16:00 sent, 03-19 15:00 sent" {
			t.Errorf("Ben's prompts due at %v (UTC)", ben)
		}
	})
}

func TestRepliesFiledOverSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, got := f.sendDue(t, at(t, "America/Sao_Paulo", 2027, 2, 12, 11))
		prompt := to(t, got, "ana@example.com")

		answer := f.reply(t, prompt, "Ana Lima <ana@example.com>", "r1@mail.example",
			"KR1: 99,7 %\nsignups 1.240 (confidence 6/10), waiting on the launch\nKR5 not yet, at risk\nhad a good week",
			at(t, "America/Sao_Paulo", 2027, 2, 12, 12))
		if len(answer) != 1 {
			t.Fatalf("answers in the thread: %d", len(answer))
		}
		h := header(t, answer[0])
		if irt, _ := h.Text("In-Reply-To"); irt != "<r1@mail.example>" {
			t.Errorf("answer In-Reply-To = %q", irt)
		}
		body := text(t, answer[0])
		for _, want := range []string{"KR1 Reach 99.9 % uptime: 99.7 %", "KR3 Monthly signups: 1,240", "confidence 6/10",
			"waiting on the launch", "KR5 Ship the billing page: not done, at risk (your call)", "“had a good week”"} {
			if !strings.Contains(body, want) {
				t.Errorf("answer lacks %q:\n%s", want, body)
			}
		}
		team, _ := db.FindTeam(ctx, "platform")
		set, err := db.LoadOKRs(ctx, team.ID, store.Quarter{Year: 2027, Q: 1})
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]store.KeyResult{}
		for _, kr := range set.KeyResults {
			byKey[kr.Key] = kr
		}
		v1, _ := set.Latest(byKey["KR1"].ID)
		v3, _ := set.Latest(byKey["KR3"].ID)
		v5, _ := set.Latest(byKey["KR5"].ID)
		if v1.Value != 99.7 || v3.Value != 1240 || v3.Confidence == nil || *v3.Confidence != 6 || v3.Comment != "waiting on the launch" ||
			v5.Value != 0 || v5.Status != store.KRAtRisk || v5.Override != store.KRAtRisk || v1.Note != "had a good week" {
			t.Errorf("values: %+v / %+v / %+v", v1, v3, v5)
		}
		if !v1.At.Equal(at(t, "America/Sao_Paulo", 2027, 2, 12, 12)) {
			t.Errorf("value time %v", v1.At)
		}
		ps, _ := db.FindPrompts(ctx, store.PromptFilter{})
		if ps[0].Status != store.PromptAnswered {
			t.Errorf("prompt status %s", ps[0].Status)
		}

		// Bad lines get a clear answer and change nothing.
		answer = f.reply(t, prompt, "ana@example.com", "r2@mail.example", "KR9: 40%\nKR1: lots",
			at(t, "America/Sao_Paulo", 2027, 2, 12, 13))
		body = text(t, answer[0])
		for _, want := range []string{"nothing was recorded", "“KR9: 40%”", "KR9 is not one of your key results (KR1, KR3, KR5)",
			"“KR1: lots”", `no value for KR1 could be read in "lots"`} {
			if !strings.Contains(body, want) {
				t.Errorf("answer to bad reply lacks %q:\n%s", want, body)
			}
		}
		after, _ := db.LoadOKRs(ctx, team.ID, store.Quarter{Year: 2027, Q: 1})
		for id, h := range after.History {
			if len(h) != len(set.History[id]) {
				t.Errorf("bad reply changed key result %d: %d values, had %d", id, len(h), len(set.History[id]))
			}
		}
		in, _ := db.FindInbound(ctx, store.InboundFilter{})
		if in[0].Status != store.InboundIgnored || !strings.Contains(in[0].Reason, "0 value(s) recorded, 2 line(s) refused") {
			t.Errorf("bad reply recorded as %s: %s", in[0].Status, in[0].Reason)
		}

		// Processing a message again files nothing twice.
		if err := f.proc.Process(ctx, in[1].ID); err != nil {
			t.Fatal(err)
		}
		again, _ := db.LoadOKRs(ctx, team.ID, store.Quarter{Year: 2027, Q: 1})
		if len(again.History[byKey["KR1"].ID]) != 1 {
			t.Errorf("reprocessing filed again: %d values", len(again.History[byKey["KR1"].ID]))
		}

		// Someone else replying to Ana's prompt is quarantined, not filed.
		f.reply(t, prompt, "mallory@example.net", "r3@mail.example", "KR1: 10%", at(t, "America/Sao_Paulo", 2027, 2, 12, 14))
		in, _ = db.FindInbound(ctx, store.InboundFilter{})
		if in[0].Status != store.InboundQuarantined {
			t.Errorf("stranger's reply: %s %s", in[0].Status, in[0].Reason)
		}
	})
}
