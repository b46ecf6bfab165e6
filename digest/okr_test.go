package digest

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
	"github.com/tidings-app/tidings/templates/htmlcheck"
)

func okrFixture(t *testing.T) (*store.OKRSet, Period) {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	ana, ben := int64(1), int64(2)
	set := &store.OKRSet{
		Team:    store.Team{ID: 1, Slug: "platform", Name: "Platform", Timezone: "America/New_York"},
		Quarter: store.Quarter{Year: 2027, Q: 1},
		Owners:  map[int64]store.Member{ana: {ID: ana, Name: "Ana Lima"}, ben: {ID: ben, Name: "Ben Okafor"}},
		Objectives: []store.Objective{
			{ID: 10, Title: "A platform customers can rely on, even on the busiest <Black Friday> of the year", OwnerID: &ben},
			{ID: 11, Title: "Grow self-serve", OwnerID: &ana},
		},
		KeyResults: []store.KeyResult{
			{ID: 100, ObjectiveID: 10, Key: "KR1", Title: "Reach 99.9 % uptime", OwnerID: &ana, Start: 99.5, Target: 99.9, Unit: store.UnitPercent, Direction: store.DirectionUp},
			{ID: 101, ObjectiveID: 10, Key: "KR2", Title: "Cut pager alerts per week", OwnerID: &ben, Start: 40, Target: 10, Unit: store.UnitNumber, Direction: store.DirectionDown},
			{ID: 102, ObjectiveID: 11, Key: "KR3", Title: "Monthly signups", OwnerID: &ana, Start: 800, Target: 2000, Unit: store.UnitNumber, Direction: store.DirectionUp},
			{ID: 103, ObjectiveID: 11, Key: "KR5", Title: "Ship the billing page", OwnerID: &ana, Start: 0, Target: 1, Unit: store.UnitBoolean, Direction: store.DirectionUp},
		},
		History: map[int64][]store.KRValue{},
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 12, 0, 0, 0, ny) }
	add := func(id int64, at time.Time, v float64, status, comment string) {
		set.History[id] = append(set.History[id], store.KRValue{KeyResultID: id, Value: v, Status: status, Comment: comment, At: at})
	}
	add(100, day(2, 5), 99.6, store.KROnTrack, "")
	add(100, day(2, 12), 99.72, store.KROnTrack, "failover <works> & holds")
	add(101, day(2, 5), 30, store.KROnTrack, "")
	add(101, day(2, 12), 38, store.KROffTrack, "new alerting rules are noisy")
	add(102, day(2, 12), 1240, store.KRAtRisk, "")
	p := Period{Key: "2027-W06", Start: time.Date(2027, 2, 8, 0, 0, 0, 0, ny), End: time.Date(2027, 2, 12, 17, 0, 0, 0, ny), Weekly: true, Loc: ny}
	return set, p
}

func TestBuildOKR(t *testing.T) {
	set, p := okrFixture(t)
	s := BuildOKR(set, p)
	if s == nil || s.Quarter != "2027-Q1" || len(s.Objectives) != 2 {
		t.Fatalf("section = %+v", s)
	}
	krs := append(append([]OKRKeyResult{}, s.Objectives[0].KeyResults...), s.Objectives[1].KeyResults...)
	type row struct{ Key, Value, Change, Status, Owner string }
	var got []row
	for _, k := range krs {
		got = append(got, row{k.Key, k.Value, k.Change, k.Status, k.Owner})
	}
	want := []row{
		{"KR1", "99.72 %", "+0.12 %", store.KROnTrack, "Ana Lima"},
		{"KR2", "38", "+8", store.KROffTrack, "Ben Okafor"},
		{"KR3", "1,240", "first value", store.KRAtRisk, "Ana Lima"},
		{"KR5", "not done", "", store.KROnTrack, "Ana Lima"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("key results (-want +got):\n%s", diff)
	}
	if krs[2].Progress != 37 || krs[0].Comments[0] != "failover <works> & holds" {
		t.Errorf("progress %d, comments %v", krs[2].Progress, krs[0].Comments)
	}
	if len(s.Blockers) != 1 || s.Blockers[0].Who != "Ben Okafor" ||
		s.Blockers[0].Text != "KR2 Cut pager alerts per week is off track: 38, expected 26 by now (new alerting rules are noisy)" ||
		!krs[1].TurnedOffTrack {
		t.Errorf("blockers = %+v", s.Blockers)
	}
	// A quarter without objectives has no section.
	if BuildOKR(&store.OKRSet{}, p) != nil {
		t.Error("empty set gave a section")
	}
}

func okrTemplates(t *testing.T) *templates.Set {
	t.Helper()
	set, err := templates.Parse(templates.Overlay(fstest.MapFS{
		"okrtest.subject.tmpl": {Data: []byte("okr")},
		"okrtest.txt.tmpl":     {Data: []byte(`{{template "digest_okr_txt" .}}`)},
		"okrtest.html.tmpl": {Data: []byte(`<!DOCTYPE html><html lang="en"><body><table role="presentation" width="100%" style="max-width:640px">` +
			`{{template "digest_okr_html" .}}</table></body></html>`)},
	}))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestRenderOKRSection(t *testing.T) {
	set, p := okrFixture(t)
	r, err := okrTemplates(t).Render("okrtest", BuildOKR(set, p))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(r.Text, "\n") {
		if n := len([]rune(l)); n > 78 {
			t.Errorf("text line of %d columns: %q", n, l)
		}
	}
	for _, want := range []string{
		"OBJECTIVES AND KEY RESULTS · 2027-Q1, 47% of the quarter gone",
		"1. A platform customers can rely on, even on the busiest <Black Friday> of the\n   year — Ben Okafor",
		"  KR1 Reach 99.9 % uptime (Ana Lima)\n     [#####-----] 55% 99.72 % of 99.9 %, expected 99.69 % · on track\n     since last digest: +0.12 %\n     “failover <works> & holds”",
		"[#---------] 7% 38 of 10, expected 26 · off track (new)",
		"  KR5 Ship the billing page (Ana Lima)\n     [----------] 0% not done · on track",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, r.Text)
		}
	}
	for _, want := range []string{
		`<h2 style=`, `&lt;Black Friday&gt;`, `“failover &lt;works&gt; &amp; holds”`,
		`<td width="55%" height="10" style="height:10px;background-color:#1a7f37;`,
		`<b class="red" style="color:#cf222e;">off track</b> (new)`,
		`role="presentation"`,
	} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(r.HTML, `<td width="0%"`) {
		t.Error("an empty bar drew a zero-width cell")
	}
	// No OKRs: nothing at all.
	r, err = okrTemplates(t).Render("okrtest", (*OKRSection)(nil))
	if err != nil || strings.TrimSpace(r.Text) != "" || strings.Contains(r.HTML, "<tr>") {
		t.Errorf("nil section rendered %q / %q (%v)", r.Text, r.HTML, err)
	}
}

// TestOKRSectionInBrowser checks the OKR section inside a real digest
// (its own light and dark styles) in headless Chromium.
func TestOKRSectionInBrowser(t *testing.T) {
	browser := htmlcheck.Start(t)
	set, p := okrFixture(t)
	sec := BuildOKR(set, p)
	tmpl, err := templates.Parse(templates.Default())
	if err != nil {
		t.Fatal(err)
	}
	d := Digest{TeamID: 1, Team: "Platform", TeamSlug: "platform", Period: p, Zone: "New York", Empty: true, OKR: sec}
	r, err := Render(tmpl, d, "https://tidings.test/u/x")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.HTML, "Objectives and key results") {
		t.Fatalf("the digest does not show the OKR section:\n%s", r.HTML)
	}
	browser.Check(t, "digest-okr", r.HTML)
}
