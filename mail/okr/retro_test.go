package okr_test

import (
	"strings"
	"testing"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func TestRetrospectiveAndRecap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		// A value during the quarter: KR3 at 1,400 of 2,000 (from 800).
		_, got := f.sendDue(t, at(t, "America/Sao_Paulo", 2027, 3, 19, 11))
		f.reply(t, to(t, got, "ana@example.com"), "ana@example.com", "v1@mail.example", "KR3: 1,400\nKR1: 99.8",
			at(t, "America/Sao_Paulo", 2027, 3, 19, 12))

		// The last week of the quarter brings the retrospective too; the
		// weekly prompt still collects the final values.
		_, got = f.sendDue(t, at(t, "America/Sao_Paulo", 2027, 3, 26, 11))
		if len(got) != 2 {
			t.Fatalf("last week: %d messages, want the weekly prompt and the retrospective", len(got))
		}
		weekly := withSubject(t, got, "ana@example.com", "Your key results")
		retro := withSubject(t, got, "ana@example.com", "2027-Q1 ends soon")
		subj, _ := func() (string, error) { h := header(t, retro); return h.Subject() }()
		body := text(t, retro)
		if subj != "2027-Q1 ends soon: score your key results" || !strings.Contains(body, "KR3 Monthly signups\n    last 1,400, target 2,000; computed score 0.5") {
			t.Errorf("retrospective prompt %q:\n%s", subj, body)
		}
		answer := f.reply(t, retro, "ana@example.com", "retro1@mail.example",
			"KR1: 0.8\nKR3: 0,6 — launch slipped\nlearned: ship smaller slices earlier\ncarry over: KR3\nKR9: 0.5",
			at(t, "America/Sao_Paulo", 2027, 3, 26, 15))
		body = text(t, answer[0])
		for _, want := range []string{"KR1 Reach 99.9 % uptime: score 0.8, closes with the quarter",
			"KR3 Monthly signups: score 0.6, carries over to 2027-Q2", "KR5 Ship the billing page: score 0.0 (computed)",
			"“ship smaller slices earlier”", "KR9 is not one of your key results"} {
			if !strings.Contains(body, want) {
				t.Errorf("retrospective answer lacks %q:\n%s", want, body)
			}
		}
		f.reply(t, weekly, "ana@example.com", "v2@mail.example", "KR1: 99.85", at(t, "America/Sao_Paulo", 2027, 3, 26, 16))
		// Later runs that week prompt Ben (his 11:00 came after Ana's
		// run), never Ana again.
		_, got = f.sendDue(t, at(t, "America/Sao_Paulo", 2027, 3, 29, 11))
		if len(got) != 2 || got[0].To[0] != "ben@example.com" || got[1].To[0] != "ben@example.com" {
			t.Errorf("last week's later run sent %d messages", len(got))
		}

		// After the quarter every member gets the recap, once.
		sum, got := f.sendDue(t, at(t, "America/New_York", 2027, 4, 2, 9))
		if sum.Recaps != 3 {
			t.Fatalf("recaps = %d, want 3 (%d messages)", sum.Recaps, len(got))
		}
		recap := to(t, got, "chen@example.com")
		body = text(t, recap)
		for _, want := range []string{"2027-Q1 is over", "KR1 Reach 99.9 % uptime (Ana Lima): score 0.8, ended at 99.85 % of 99.9 %",
			"KR2 Cut pager alerts per week (Ben Okafor): score 0.0 (computed)", "KR3 Monthly signups (Ana Lima): score 0.6, ended at 1,400 of",
			"; carries", "“ship smaller slices earlier” — Ana Lima", "“launch slipped” — Ana Lima", "CARRIED OVER TO 2027-Q2\n  KR3 Monthly signups (Ana Lima)"} {
			if !strings.Contains(body, want) {
				t.Errorf("recap lacks %q:\n%s", want, body)
			}
		}
		for _, l := range strings.Split(strings.ReplaceAll(body, "\r", ""), "\n") {
			if len([]rune(l)) > 78 {
				t.Errorf("recap line over 78 columns: %q", l)
			}
		}
		if sum, _ = f.sendDue(t, at(t, "America/New_York", 2027, 4, 3, 9)); sum.Recaps != 0 {
			t.Errorf("recap sent twice")
		}
	})
}
