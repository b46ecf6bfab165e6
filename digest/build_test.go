package digest_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func defaultSet(t testing.TB) *templates.Set {
	t.Helper()
	set, err := templates.Parse(templates.Default())
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

// TestTeamWeekGolden renders the realistic team week (teamweek_test.go)
// and compares it with the golden text and HTML (go test -update rewrites
// them).
func TestTeamWeekGolden(t *testing.T) {
	p := teamWeekPeriod(t)
	d := build(teamWeek(), p, p.End)
	r, err := digest.RenderFor(defaultSet(t), d, mustLoc("Europe/Berlin"), "https://tidings.example.com/u/abc123")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Platform · 23–27 Nov · 1 open blocker"; r.Subject != want {
		t.Errorf("subject = %q, want %q", r.Subject, want)
	}
	if n := utf8.RuneCountInString(strings.TrimSuffix(r.Subject, "1 open blocker")); n > 50 {
		t.Errorf("subject has %d characters before the count, want <= 50", n)
	}
	for _, line := range strings.Split(r.Text, "\n") {
		if utf8.RuneCountInString(line) > digest.Width && !strings.HasPrefix(strings.TrimSpace(line), "https://") {
			t.Errorf("text line over %d columns: %q", digest.Width, line)
		}
	}
	// Negative answers are not printed; Ana's blocker, reported five
	// days running, appears once among the blockers and once in her
	// block; the meeting's open items are listed once.
	for _, bad := range []string{": none", ": n/a", ": None.", ": nothing", ": -\n", "no blockers"} {
		if strings.Contains(r.Text, bad) {
			t.Errorf("text prints the empty answer %q", bad)
		}
	}
	if n := strings.Count(r.Text, "VPN access from IT"); n != 2 {
		t.Errorf("Ana's blocker printed %d times, want 2", n)
	}
	if n := strings.Count(r.Text, "draft the staffing plan"); n != 1 {
		t.Errorf("an open meeting item printed %d times, want once", n)
	}
	golden(t, "teamweek.txt.golden", r.Text)
	golden(t, "teamweek.html.golden", r.HTML)
}

// TestTeamWeekHandCount checks the digest's figures against the hand count
// written above teamWeek.
func TestTeamWeekHandCount(t *testing.T) {
	p := teamWeekPeriod(t)
	d := build(teamWeek(), p, p.End)
	pt := d.Participation
	if pt.Answered != 56 || pt.Missed != 4 || pt.Excused != 5 || pt.Open != 1 || pt.Expected != 60 || pt.Rate != 93 {
		t.Errorf("team: answered %d missed %d excused %d open %d expected %d rate %d; want 56 4 5 1 60 93",
			pt.Answered, pt.Missed, pt.Excused, pt.Open, pt.Expected, pt.Rate)
	}
	if pt.Change != "up from 91%" || pt.Replied != 7 || pt.Prompted != 7 || len(pt.NoReply) != 0 {
		t.Errorf("change %q, %d of %d replied, no reply %v", pt.Change, pt.Replied, pt.Prompted, pt.NoReply)
	}
	type row struct {
		Name                        string
		Answered, Expected, Open, N int
		Note                        string
	}
	var got []row
	for _, ps := range pt.People {
		got = append(got, row{ps.Name, ps.Answered, ps.Expected, ps.Open, len(ps.Cells), ps.Note})
	}
	want := []row{
		{"Ana", 10, 10, 0, 10, ""},
		{"Ben", 8, 9, 1, 10, ""},
		{"Chen", 9, 9, 0, 10, "not sent Tue"},
		{"Dmitri", 8, 8, 0, 10, "away Fri"},
		{"Eve", 7, 10, 0, 10, ""},
		{"Farah", 6, 6, 0, 6, ""},
		{"Gil", 8, 8, 0, 10, "paused Mon"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("people (-want +got):\n%s", diff)
	}
	// Columns: Fri 20 (Eve's and Gil's wrap-ups after the New York
	// boundary), then Mon 23 – Fri 27 in each member's own days.
	var cols []string
	for _, c := range pt.Columns {
		cols = append(cols, c.Label+" "+c.Date)
	}
	if diff := cmp.Diff([]string{"Fri 20", "Mon 23", "Tue 24", "Wed 25", "Thu 26", "Fri 27"}, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	days := map[string][][]string{}
	for _, ps := range pt.People {
		days[ps.Name] = ps.Days
	}
	a, m, x, o := digest.CellAnswered, digest.CellMissed, digest.CellExcused, digest.CellOpen
	wantDays := map[string][][]string{
		"Gil":  {{a}, {x, x}, {a, a}, {a, a}, {a, a}, {a}},
		"Chen": {nil, {a, a}, {a, x}, {a, a}, {a, a}, {a, a}},
		"Ben":  {nil, {a, a}, {a, a}, {a, a}, {m, a}, {a, o}},
		"Eve":  {{a}, {a, m}, {a, a}, {m, m}, {a, a}, {a}},
	}
	for name, w := range wantDays {
		if diff := cmp.Diff(w, days[name]); diff != "" {
			t.Errorf("%s's days (-want +got):\n%s", name, diff)
		}
	}
	if d.Days.Long() != "Mon\u00a023 – Fri\u00a027\u00a0Nov" || d.Zone != "New York" {
		t.Errorf("days %q zone %q", d.Days.Long(), d.Zone)
	}
	if got, want := d.Preheader(), "Ana blocked 11 days: VPN access from IT, ticket #4411… · 56 of 60 answered · 1 overdue item"; got != want {
		t.Errorf("preheader = %q, want %q", got, want)
	}
	type blk struct{ Who, When string }
	var bs []blk
	for _, b := range d.Blockers {
		bs = append(bs, blk{b.Who, b.When()})
	}
	// Chen's blocker is dated in Shanghai, where he lived it: Wed, not the
	// Tuesday evening it was in New York.
	if diff := cmp.Diff([]blk{{"Ana Lima", "since Mon\u00a016\u00a0Nov, 11 days"}, {"Chen Wei", "Wed, cleared Thu"}}, bs); diff != "" {
		t.Errorf("blockers (-want +got):\n%s", diff)
	}
}

func TestRenderEscapesMemberHTML(t *testing.T) {
	p := weekPeriod(t)
	data := realisticWeek()
	data.Notes[0].Title = `<img src="https://evil.example/x.png">Sync`
	d := build(data, p, p.End)
	r, err := digest.Render(defaultSet(t), d, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "<b>bold</b>", "<img", "evil.example/x.png\">"} {
		if strings.Contains(r.HTML, bad) {
			t.Errorf("HTML contains %q unescaped", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;", "&lt;img src="} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("HTML lacks escaped %q", want)
		}
	}
	if !strings.Contains(r.Text, "<script>alert('x')</script> & <b>bold</b>") {
		t.Error("plain text does not show the reply as written")
	}
	if strings.Count(r.HTML, "<style") != 1 || strings.Contains(r.HTML, "<img") || strings.Contains(r.HTML, "Stop these digests") {
		t.Error("HTML has more than the head's dark-mode style block, an image, or an unsubscribe link without URL")
	}
}

func TestTextWrapsAndKeepsAnswersWhole(t *testing.T) {
	p := weekPeriod(t)
	data := realisticWeek()
	long := strings.Repeat("a long answer that keeps going ", 12) + "https://example.com/" + strings.Repeat("x", 90) + " end."
	data.Updates[0].Answers[0].Text = long
	r, err := digest.Render(defaultSet(t), build(data, p, p.End), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(r.Text, "\n") {
		if utf8.RuneCountInString(line) > digest.Width && !strings.Contains(line, "https://example.com/") {
			t.Errorf("line over %d columns: %q", digest.Width, line)
		}
	}
	if !strings.Contains(strings.Join(strings.Fields(r.Text), " "), strings.Join(strings.Fields(long), " ")) {
		t.Error("long answer not kept whole")
	}
	if !strings.Contains(r.Text, "\n           https://example.com/") {
		t.Error("continuation lines are not indented under the answer")
	}
}

func TestEmptyPeriodIsOneLine(t *testing.T) {
	p := weekPeriod(t)
	data := realisticWeek()
	data.Updates = nil
	data.Notes, data.Items = nil, nil
	for i := range data.Prompts {
		data.Prompts[i].Status = store.PromptExpired
	}
	d := build(data, p, p.End)
	r, err := digest.Render(defaultSet(t), d, "")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Empty || r.Subject != "Platform team · 23–27 Nov · no updates" {
		t.Errorf("empty = %v, subject %q", d.Empty, r.Subject)
	}
	want := "Platform team · Mon\u00a023 – Fri\u00a027\u00a0Nov, New York time\n\nNo updates this week: 31 prompts excused (away, skipped or not sent).\n\n-- \n" +
		"Reply to this email to write to Ben Okafor, the team lead.\n"
	if r.Text != want {
		t.Errorf("text =\n%s\nwant\n%s", r.Text, want)
	}
}

// TestCarriedBlockers proves that a blocker still open when the period
// began keeps its real start day only while the member's first update of
// the period still reports it: cleared at the first update, it does not
// carry into a later blocker; a run older than the look-back window says
// "or earlier"; and a carried run cleared later in the period says when.
func TestCarriedBlockers(t *testing.T) {
	p := weekPeriod(t)
	data := realisticWeek()
	data.Carried = append(data.Carried,
		store.CarriedBlocker{MemberID: 3, CheckInID: 1, Since: at(19, 10, 0).UTC()}, // Chen: Mon clears it
		store.CarriedBlocker{MemberID: 6, CheckInID: 1, Since: at(28, 7, 0).AddDate(0, -1, 0).UTC(), Bounded: true},
		store.CarriedBlocker{MemberID: 1, CheckInID: 2, Since: at(13, 10, 0).UTC()}, // Ana's weekly wins: no blocker
	)
	for i, u := range data.Updates { // Farah: still blocked Mon, cleared Tue
		if u.MemberID == 6 && u.AnsweredAt.Equal(at(23, 7, 0).UTC()) {
			data.Updates[i].HasBlocker = true
			data.Updates[i].Answers = append(data.Updates[i].Answers, store.Answer{Key: "blockers", Text: "flaky index builds"})
		}
	}
	var got []string
	for _, b := range build(data, p, p.End).Blockers {
		got = append(got, b.Who+": "+b.When())
	}
	want := []string{
		"Ana Lima: since Wed\u00a018\u00a0Nov, 9 days",
		"Farah Khan: since Wed\u00a028\u00a0Oct or earlier, cleared Tue",
		"Chen Wei: Wed, cleared Thu",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("blockers (-want +got):\n%s", diff)
	}
}

// TestHTMLStructure checks the rules the HTML keeps for phones, screen
// readers and dark mode: a lang attribute, one h1 and h2 section
// headings, layout tables marked role="presentation" (the participation
// grid is a data table with header cells), no fixed width wider than a
// 320 px screen, links and answers that may break long words, a hidden
// preheader, and dark-mode rules for the blocker highlight and the footer.
func TestHTMLStructure(t *testing.T) {
	p := teamWeekPeriod(t)
	r, err := digest.Render(defaultSet(t), build(teamWeek(), p, p.End), "https://tidings.example.com/u/x")
	if err != nil {
		t.Fatal(err)
	}
	h := r.HTML
	for _, want := range []string{`<html lang="en">`, `<meta name="color-scheme" content="light dark">`,
		"@media (prefers-color-scheme: dark)", ".card .blk", ".mut", "max-width:640px",
		`<h2 style="margin:20px 0 6px 0;font-size:18px;line-height:24px;">Blockers</h2>`,
		`>Participation</h2>`, `>Updates</h2>`, `>Open action items</h2>`, `<th scope="row"`} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Count(h, "<h1") != 1 {
		t.Errorf("%d h1, want 1", strings.Count(h, "<h1"))
	}
	tables := regexp.MustCompile(`<table[^>]*>`).FindAllString(h, -1)
	data := 0
	for _, tb := range tables {
		if !strings.Contains(tb, `role="presentation"`) {
			data++
		}
	}
	if data != 1 || len(tables) < 5 {
		t.Errorf("%d tables, %d without role=presentation; want only the participation grid", len(tables), data)
	}
	for _, w := range regexp.MustCompile(`(?:^|[;"\s])(?:min-)?width:\s*(\d+)px`).FindAllStringSubmatch(h, -1) {
		if n, _ := strconv.Atoi(w[1]); n > 300 {
			t.Errorf("fixed width %s wider than a phone", w[0])
		}
	}
	if !strings.Contains(h, `display:none;max-height:0;overflow:hidden;`) || !strings.Contains(h, "Ana blocked 11 days") {
		t.Error("no hidden preheader")
	}
	if n := strings.Count(h, `<a class="tl" href="https://`); n != 3 {
		t.Errorf("%d links in answers, want 3", n)
	}
	if !strings.Contains(h, "<pre ") || !strings.Contains(h, "white-space:pre-wrap") {
		t.Error("code is not kept in a pre block")
	}
}
