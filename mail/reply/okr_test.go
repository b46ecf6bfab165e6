package reply

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

var testKRs = []KRRef{
	{Key: "KR1", Title: "Reach 99.9 % uptime", Unit: "%", Start: 99.5, Target: 99.9},
	{Key: "KR2", Title: "Cut pager alerts per week", Unit: "number", Start: 40, Target: 10},
	{Key: "KR3", Title: "Monthly signups", Unit: "number", Start: 800, Target: 2000},
	{Key: "KR4", Title: "Self-serve revenue", Unit: "currency", Currency: "EUR", Start: 10000, Target: 25000},
	{Key: "KR5", Title: "Ship the billing page", Unit: "boolean", Start: 0, Target: 1},
}

func f(v float64) *float64 { return &v }
func i(v int) *int         { return &v }

func TestParseOKRForms(t *testing.T) {
	for _, c := range []struct {
		name, text, locale string
		want               KRReport
	}{
		{"key colon percent", "KR2: 45%", "", KRReport{Key: "KR2", Value: f(45)}},
		{"title word", "uptime 99.7", "", KRReport{Key: "KR1", Value: f(99.7)}},
		{"title and confidence", "signups 1,240 (confidence 6/10)", "", KRReport{Key: "KR3", Value: f(1240), Confidence: i(6)}},
		{"done", "KR3 done", "", KRReport{Key: "KR3", Done: true}},
		{"no change with comment", "KR1: no change, waiting on legal", "", KRReport{Key: "KR1", NoChange: true, Comment: "waiting on legal"}},
		{"override", "KR2: 40, at risk", "", KRReport{Key: "KR2", Value: f(40), Status: "at_risk"}},
		{"decimal comma", "KR1: 99,7 %", "", KRReport{Key: "KR1", Value: f(99.7)}},
		{"german thousands by range", "Signups: 1.240", "", KRReport{Key: "KR3", Value: f(1240)}},
		{"german thousands by locale", "KR2: 1.240", "de", KRReport{Key: "KR2", Value: f(1240)}},
		{"english decimal by locale", "KR2: 1.240", "en", KRReport{Key: "KR2", Value: f(1.24)}},
		{"both marks", "KR4: €12.500,50", "", KRReport{Key: "KR4", Value: f(12500.5)}},
		{"currency after", "revenue 12,500 EUR, invoices out", "", KRReport{Key: "KR4", Value: f(12500), Comment: "invoices out"}},
		{"currency k", "KR4 = $14.2k", "", KRReport{Key: "KR4", Value: f(14200)}},
		{"space thousands", "KR3: 1 240", "fr", KRReport{Key: "KR3", Value: f(1240)}},
		{"lowercase spaced key", "kr 3 - 1,500 — launch helped", "", KRReport{Key: "KR3", Value: f(1500), Comment: "launch helped"}},
		{"bullet", "- KR2: 31 alerts", "", KRReport{Key: "KR2", Value: f(31), Comment: "alerts"}},
		{"boolean done", "KR5: shipped ✅", "", KRReport{Key: "KR5", Done: true}},
		{"boolean not yet", "KR5 not yet, design review friday", "", KRReport{Key: "KR5", Value: f(0), Comment: "design review friday"}},
		{"status only", "KR2: off track", "", KRReport{Key: "KR2", Status: "off_track"}},
		{"confidence fraction", "KR3: 1,100, 8/10", "", KRReport{Key: "KR3", Value: f(1100), Confidence: i(8)}},
		{"german words", "KR1: unverändert, Zuversicht 7/10", "de", KRReport{Key: "KR1", NoChange: true, Confidence: i(7)}},
		{"french", "KR3 : 1 320 (confiance 5/10) en risque", "fr", KRReport{Key: "KR3", Value: f(1320), Confidence: i(5), Status: "at_risk"}},
	} {
		got := ParseOKR(c.text, testKRs, OKROptions{Locale: c.locale})
		if len(got.Reports) != 1 || len(got.Problems) != 0 {
			t.Errorf("%s: %q → %+v", c.name, c.text, got)
			continue
		}
		c.want.Line = got.Reports[0].Line
		if diff := cmp.Diff(c.want, got.Reports[0]); diff != "" {
			t.Errorf("%s: %q (-want +got):\n%s", c.name, c.text, diff)
		}
	}
}

func TestParseOKRInterleaved(t *testing.T) {
	text := `> Hi Ana,
>
> KR1 Reach 99.9 % uptime: last 99.6 %, target 99.9 %, expected today 99.69 %

99.7, confidence 8/10
the new failover works

> KR3 Monthly signups: last 1,100, target 2,000, expected today 1,366

1.240 waiting on the launch

> KR5 Ship the billing page: not done

> Reply under each key result.
Thanks for the reminder!`
	got := ParseOKR(text, testKRs, OKROptions{})
	want := OKRReading{
		Reports: []KRReport{
			{Key: "KR1", Value: f(99.7), Confidence: i(8), Comment: "the new failover works", Line: "99.7, confidence 8/10"},
			{Key: "KR3", Value: f(1240), Comment: "waiting on the launch", Line: "1.240 waiting on the launch"},
		},
		Problems:     []OKRProblem{},
		Unrecognised: []string{"Thanks for the reminder!"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseOKRBadLines(t *testing.T) {
	got := ParseOKR("KR9: 40%\nKR1: lots\nKR2: 35\nhad a good week overall", testKRs, OKROptions{})
	if len(got.Reports) != 1 || got.Reports[0].Key != "KR2" || *got.Reports[0].Value != 35 {
		t.Errorf("reports = %+v", got.Reports)
	}
	want := []OKRProblem{
		{Line: "KR9: 40%", Problem: "KR9 is not one of your key results (KR1, KR2, KR3, KR4, KR5)"},
		{Line: "KR1: lots", Problem: `no value for KR1 could be read in "lots" (write e.g. "KR1: 45%")`},
	}
	if diff := cmp.Diff(want, got.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"had a good week overall"}, got.Unrecognised); diff != "" {
		t.Errorf("unrecognised: %s", diff)
	}
}

func TestParseOKRSingleKRAndAmbiguity(t *testing.T) {
	one := ParseOKR("1,240 this week", testKRs[2:3], OKROptions{})
	if len(one.Reports) != 1 || *one.Reports[0].Value != 1240 {
		t.Errorf("single KR: %+v", one)
	}
	// Two titles share "page"/"pager"? No: "alerts" names KR2 only; a line
	// naming no title is unrecognised, not guessed.
	amb := ParseOKR("we had 12 incidents", testKRs, OKROptions{})
	if len(amb.Reports) != 0 || len(amb.Unrecognised) != 1 {
		t.Errorf("unlabelled line guessed: %+v", amb)
	}
	later := ParseOKR("KR2: 35\nKR2: 33, typo above", testKRs, OKROptions{})
	if len(later.Reports) != 1 || *later.Reports[0].Value != 33 {
		t.Errorf("later line should replace: %+v", later.Reports)
	}
}

func TestReadNumber(t *testing.T) {
	for _, c := range []struct {
		in, locale string
		want       []float64
	}{
		{"1,240", "", []float64{1240, 1.24}},
		{"1.240", "", []float64{1.24, 1240}},
		{"1.240", "de", []float64{1240}},
		{"1,240", "de-AT", []float64{1.24}},
		{"1,240,000", "", []float64{1240000}},
		{"1.240.000", "", []float64{1240000}},
		{"1.240,5", "", []float64{1240.5}},
		{"1,240.5", "", []float64{1240.5}},
		{"99,7", "", []float64{99.7}},
		{"1'240", "", []float64{1240}},
		{"-3.5", "", []float64{-3.5}},
		{"0,125", "", []float64{125, 0.125}},
	} {
		if diff := cmp.Diff(c.want, readNumber(c.in, c.locale)); diff != "" {
			t.Errorf("readNumber(%q, %q): %s", c.in, c.locale, diff)
		}
	}
}

func TestParseOKRList(t *testing.T) {
	text := `Hi Tidings, our OKRs for Q2 2027:

Objective: A platform customers can rely on (owner ben@example.com)
KR: reach 99.9 % uptime (from 99.5 %)
KR: cut pager alerts per week from 40 to 10, ana@example.com
Objective 2 - Grow self-serve
- KR3: monthly signups from 800 to 2,000
- KR: self-serve revenue €25,000 (from €10,000)
- KR: ship the billing page
KR: more happy customers
Thanks, Ben`
	got := ParseOKRList(text, "")
	want := OKRList{Quarter: "2027-Q2", Objectives: []OKRObjective{
		{Title: "A platform customers can rely on", Owner: "ben@example.com", KeyResults: []OKRKey{
			{Key: "KR1", Title: "reach 99.9 % uptime", Start: 99.5, Target: 99.9, Unit: "%"},
			{Key: "KR2", Title: "cut pager alerts per week to 10", Owner: "ana@example.com", Start: 40, Target: 10, Unit: "number"},
		}},
		{Title: "Grow self-serve", KeyResults: []OKRKey{
			{Key: "KR3", Title: "monthly signups to 2,000", Start: 800, Target: 2000, Unit: "number"},
			{Key: "KR4", Title: "self-serve revenue €25,000", Start: 10000, Target: 25000, Unit: "currency", Currency: "€"},
			{Key: "KR5", Title: "ship the billing page", Start: 0, Target: 1, Unit: "boolean"},
			{Key: "KR6", Title: "more happy customers", Start: 0, Target: 1, Unit: "boolean"},
		}},
	}, Problems: []OKRProblem{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	bad := ParseOKRList("KR: orphan\nObjective: X\nKR: reach 2,000 signups", "")
	if len(bad.Problems) != 2 || len(bad.Objectives[0].KeyResults) != 0 {
		t.Errorf("problems = %+v", bad)
	}
}

func TestParseOKRRetro(t *testing.T) {
	text := `KR1: 0.8
KR3: 0,6 — launch slipped two weeks
KR2: 1.4
KR9: 0.5
learned: ship smaller slices earlier
The on-call rota helped more than the tooling.
carry over: KR3, KR7
KR5 carry over
> What did we learn?`
	got := ParseOKRRetro(text, testKRs)
	want := OKRRetro{
		Scores:  map[string]float64{"KR1": 0.8, "KR3": 0.6},
		Lessons: []string{"KR3: launch slipped two weeks", "ship smaller slices earlier", "The on-call rota helped more than the tooling."},
		Carry:   []string{"KR3", "KR5"},
		Problems: []OKRProblem{
			{Line: "KR2: 1.4", Problem: `a score is between 0.0 and 1.0 (e.g. "KR2: 0.7")`},
			{Line: "KR9: 0.5", Problem: "KR9 is not one of your key results (KR1, KR2, KR3, KR4, KR5)"},
			{Line: "carry over: KR3, KR7", Problem: "KR7 is not one of your key results (KR1, KR2, KR3, KR4, KR5)"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if none := ParseOKRRetro("carry over: none", testKRs); !none.NoCarry || len(none.Carry) != 0 {
		t.Errorf("none = %+v", none)
	}
}
