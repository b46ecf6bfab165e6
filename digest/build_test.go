package digest_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
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

func TestRealisticWeekGolden(t *testing.T) {
	p := weekPeriod(t)
	d := digest.Build(realisticWeek(), p, p.End)
	r, err := digest.Render(defaultSet(t), d, "https://tidings.example.com/u/abc123")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Platform team · week of 23 Nov · 2 blockers, 5 of 5 replied"; r.Subject != want {
		t.Errorf("subject = %q, want %q", r.Subject, want)
	}
	golden(t, "week.txt.golden", r.Text)
	golden(t, "week.html.golden", r.HTML)
}

func TestBuildSections(t *testing.T) {
	p := weekPeriod(t)
	d := digest.Build(realisticWeek(), p, p.End)
	type blk struct{ Who, Text, When string }
	var got []blk
	for _, b := range d.Blockers {
		got = append(got, blk{b.Who, b.Text, b.When()})
	}
	want := []blk{
		{"Ana Lima", "VPN access from IT, ticket #4411 escalated", "since Wed 18 Nov, still open"},
		{"Chen Wei", "staging DB is read-only", "Wed; cleared Thu"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("blockers (-want +got):\n%s", diff)
	}
	pt := d.Participation
	// Answered: Ana 6, Ben 4, Chen 4, Eve 2, Farah 5 = 21; missed: Ben 1,
	// Eve 2 = 3; Dmitri's skipped prompts and Eve's open one are not owed.
	if pt.Answered != 21 || pt.Expected != 24 || pt.Rate != 88 || pt.Change != "up from 83%" {
		t.Errorf("participation = %d/%d %d%% %q", pt.Answered, pt.Expected, pt.Rate, pt.Change)
	}
	if pt.Replied != 5 || pt.Prompted != 5 {
		t.Errorf("people = %d of %d, want 5 of 5", pt.Replied, pt.Prompted)
	}
	notes := map[string]string{}
	for _, ps := range pt.People {
		notes[ps.Name] = ps.Note
	}
	if notes["Dmitri"] != "away Mon–Fri" || notes["Chen"] != "skipped Fri" {
		t.Errorf("notes = %v", notes)
	}
	if diff := cmp.Diff([]digest.Absence{{Name: "Dmitri Ivanov", Why: "away until 30 Nov"}}, d.NoReply); diff != "" {
		t.Errorf("no reply (-want +got):\n%s", diff)
	}
	var owners []string
	for _, o := range d.OpenItems {
		owners = append(owners, o.Owner)
		for _, it := range o.Items {
			if it.Overdue != (it.Text == "rotate the staging credentials") {
				t.Errorf("item %q overdue = %v", it.Text, it.Overdue)
			}
		}
	}
	if diff := cmp.Diff([]string{"Eve Adams", "Ben Okafor", "IT helpdesk"}, owners); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
	if len(d.Recipients) != 7 || d.LeadNames() != "Ben Okafor" {
		t.Errorf("recipients %d (observer included), leads %q", len(d.Recipients), d.LeadNames())
	}
}

func TestRenderEscapesMemberHTML(t *testing.T) {
	p := weekPeriod(t)
	data := realisticWeek()
	data.Notes[0].Title = `<img src="https://evil.example/x.png">Sync`
	d := digest.Build(data, p, p.End)
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
	if strings.Contains(r.HTML, "<style") || strings.Contains(r.HTML, "<img") || strings.Contains(r.HTML, "Unsubscribe from digests") {
		t.Error("HTML has a style block, an image, or an unsubscribe link without URL")
	}
}

func TestTextWrapsAndKeepsAnswersWhole(t *testing.T) {
	p := weekPeriod(t)
	data := realisticWeek()
	long := strings.Repeat("a long answer that keeps going ", 12) + "https://example.com/" + strings.Repeat("x", 90) + " end."
	data.Updates[0].Answers[0].Text = long
	r, err := digest.Render(defaultSet(t), digest.Build(data, p, p.End), "")
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
	if !strings.Contains(r.Text, "\n             https://example.com/") {
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
	d := digest.Build(data, p, p.End)
	r, err := digest.Render(defaultSet(t), d, "")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Empty || r.Subject != "Platform team · week of 23 Nov · no updates" {
		t.Errorf("empty = %v, subject %q", d.Empty, r.Subject)
	}
	want := "Platform team · week of 23 Nov\n\nNo updates this week: none of the 31 prompts got a reply.\n\n-- \n" +
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
	for _, b := range digest.Build(data, p, p.End).Blockers {
		got = append(got, b.Who+": "+b.When())
	}
	want := []string{
		"Ana Lima: since Wed 18 Nov, still open",
		"Farah Khan: since Wed 28 Oct or earlier; cleared Tue",
		"Chen Wei: Wed; cleared Thu",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("blockers (-want +got):\n%s", diff)
	}
}

// TestHTMLTextHasColorOnBackground proves the rule that keeps the HTML
// readable when a mail client forces dark mode by inverting colours: every
// table cell that sets a text colour also sets its background, so the
// pair is inverted together; cells holding what members wrote may break
// long words; and the document declares its colour scheme.
func TestHTMLTextHasColorOnBackground(t *testing.T) {
	p := weekPeriod(t)
	r, err := digest.Render(defaultSet(t), digest.Build(realisticWeek(), p, p.End), "https://tidings.example.com/u/x")
	if err != nil {
		t.Fatal(err)
	}
	cells := regexp.MustCompile(`<td[^>]*style="([^"]*)"`).FindAllStringSubmatch(r.HTML, -1)
	textColor := regexp.MustCompile(`(^|;)color:#`)
	n := 0
	for _, c := range cells {
		if textColor.MatchString(c[1]) {
			n++
			if !strings.Contains(c[1], "background-color:#") {
				t.Errorf("cell with a text colour and no background: %s", c[1])
			}
		}
	}
	if n < 20 {
		t.Errorf("found %d coloured cells; the check is not looking at the digest", n)
	}
	// 2 blockers, 21 days of updates, 1 meeting (title, decision, 3
	// items) and 3 open items: each cell may break a long URL, so a phone
	// screen never scrolls sideways.
	if n := strings.Count(r.HTML, "overflow-wrap:anywhere"); n != 2+21+5+3 {
		t.Errorf("%d cells may break long words, want 31", n)
	}
	if !strings.Contains(r.HTML, `<meta name="color-scheme" content="light">`) {
		t.Error("no color-scheme meta")
	}
}
