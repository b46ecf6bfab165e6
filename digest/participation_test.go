package digest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
)

// caseWeek is a one-check-in team ("fri 17:00", New York) with Pat in
// zone; day kinds are written by the cases below.
type caseWeek struct {
	d    *store.DigestData
	loc  *time.Location
	next int64
}

func newCaseWeek(zone string) *caseWeek {
	c := &caseWeek{loc: mustLoc(zone), next: 100}
	c.d = &store.DigestData{
		Team:     store.Team{ID: 1, Slug: "platform", Name: "Platform", Timezone: "America/New_York"},
		Members:  []store.TeamMember{{Member: store.Member{ID: 1, Name: "Pat Doe", Email: "pat@example.com", Timezone: zone}, Role: store.RoleMember, Location: zone}},
		CheckIns: []store.CheckIn{{ID: 1, TeamID: 1, Name: "daily", Window: 12 * time.Hour}},
	}
	return c
}

// add adds Pat's prompt due on November day at hh:00 local (answer
// window 6 h, so Friday 09:00 has closed by the 17:00 digest), of kind:
// a answered, L answered after its window, m missed (sent, window closed),
// x expired never sent, p pending when its window closed, o open, s
// skipped (reason), f failed. prev puts it in PreviousPrompts.
func (c *caseWeek) add(day, hh int, kind byte, reason string, prev bool) {
	c.next++
	due := time.Date(2026, 11, day, hh, 0, 0, 0, c.loc)
	pr := store.Prompt{ID: c.next, CheckInID: 1, MemberID: 1, TeamID: 1, DueAt: due.UTC(),
		ExpiresAt: due.Add(6 * time.Hour).UTC(), Status: store.PromptSent, SentAt: ptr(due.UTC()), Reason: reason}
	var u *store.Update
	switch kind {
	case 'a', 'L':
		pr.Status = store.PromptAnswered
		at := due.Add(time.Hour)
		if kind == 'L' {
			at, pr.Status = due.Add(30*time.Hour), store.PromptSent
		}
		u = &store.Update{ID: c.next, PromptID: c.next, MemberID: 1, TeamID: 1, CheckInID: 1, Version: 1,
			AnsweredAt: at.UTC(), Answers: []store.Answer{{Key: "done", Text: "work"}, {Key: "blockers", Text: "none"}}}
		pr.AnsweredAt = ptr(at.UTC())
	case 'x':
		pr.Status, pr.SentAt = store.PromptExpired, nil
	case 'p':
		pr.Status, pr.SentAt = store.PromptPending, nil
	case 'o':
		pr.ExpiresAt = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	case 's':
		pr.Status, pr.SentAt = store.PromptSkipped, nil
	case 'f':
		pr.Status = store.PromptFailed
	}
	if prev {
		c.d.PreviousPrompts = append(c.d.PreviousPrompts, pr)
		return
	}
	c.d.Prompts = append(c.d.Prompts, pr)
	if u != nil {
		c.d.Updates = append(c.d.Updates, *u)
	}
}

// week adds one prompt per weekday Mon 23 – Fri 27 at 09:00 local, kinds
// in order ("aamxs").
func (c *caseWeek) week(kinds, reason string) {
	for i := range kinds {
		c.add(23+i, 9, kinds[i], reason, false)
	}
}

// TestParticipationCases checks each way a prompt can end, with the
// counts, cells, notes, the change against the previous period and who is
// listed as not replying; the bugs of issue 11 are cases of their own.
func TestParticipationCases(t *testing.T) {
	p := weekPeriod(t)
	a, m, x, o := digest.CellAnswered, digest.CellMissed, digest.CellExcused, digest.CellOpen
	cases := []struct {
		name   string
		zone   string
		setup  func(c *caseWeek)
		count  string // View.Count
		cells  []string
		note   string
		change string
		rate   int
		noRply bool
		cols   string // the grid's columns, when checked
	}{
		{name: "missed: sent, window closed, no update", zone: "America/New_York",
			setup: func(c *caseWeek) { c.week("aammm", "") },
			count: "2/5", cells: []string{a, a, m, m, m}, rate: 40},
		{name: "bug 0/5 streak 2: five misses are 0/5 and listed as no reply", zone: "America/New_York",
			setup: func(c *caseWeek) { c.week("mmmmm", ""); c.d.Streaks = map[int64]int{} },
			count: "0/5", cells: []string{m, m, m, m, m}, rate: 0, noRply: true},
		{name: "late answer counts as answered", zone: "America/New_York",
			setup: func(c *caseWeek) { c.week("aaLaa", "") },
			count: "5/5", cells: []string{a, a, a, a, a}, rate: 100},
		{name: "expired after downtime is not the member's miss", zone: "America/New_York",
			setup: func(c *caseWeek) { c.week("xxaaa", "not sent: its answer window had closed") },
			count: "3/3", cells: []string{x, x, a, a, a}, note: "not sent Mon–Tue", rate: 100},
		{name: "pending when the window closed was never sent", zone: "America/New_York",
			setup: func(c *caseWeek) { c.week("aaaap", "") },
			count: "4/4", cells: []string{a, a, a, a, x}, note: "not sent Fri", rate: 100},
		{name: "away", zone: "Europe/Berlin",
			setup: func(c *caseWeek) { c.week("aaass", "away until 2026-11-30 00:00 UTC") },
			count: "3/3", cells: []string{a, a, a, x, x}, note: "away Thu–Fri", rate: 100},
		{name: "paused", zone: "Europe/Berlin",
			setup: func(c *caseWeek) { c.week("ssaaa", "paused until 2026-11-25 00:00 UTC") },
			count: "3/3", cells: []string{x, x, a, a, a}, note: "paused Mon–Tue", rate: 100},
		{name: "undeliverable", zone: "America/New_York",
			setup: func(c *caseWeek) { c.week("aaaaf", "550 5.1.1") },
			count: "4/4", cells: []string{a, a, a, a, x}, note: "undeliverable Fri", rate: 100},
		{name: "joined mid-period: boxes from Wednesday", zone: "Asia/Karachi",
			setup: func(c *caseWeek) {
				c.week("", "")
				for d := 25; d <= 27; d++ {
					c.add(d, 9, 'a', "", false)
				}
				// A colleague prompted all week gives the grid its days.
				c.d.Members = append(c.d.Members, store.TeamMember{Member: store.Member{ID: 2, Name: "Quinn Roe", Timezone: "Asia/Karachi"}, Role: store.RoleMember, Location: "Asia/Karachi"})
				for d := 23; d <= 27; d++ {
					due := time.Date(2026, 11, d, 9, 0, 0, 0, c.loc)
					c.next++
					c.d.Prompts = append(c.d.Prompts, store.Prompt{ID: c.next, CheckInID: 1, MemberID: 2, TeamID: 1, DueAt: due.UTC(),
						ExpiresAt: due.Add(12 * time.Hour).UTC(), Status: store.PromptSkipped, Reason: "skipped"})
				}
			},
			count: "3/3", cells: []string{a, a, a}, rate: 100, cols: "Mon 23,Tue 24,Wed 25,Thu 26,Fri 27"},
		{name: "left mid-period: their prompts are not counted", zone: "America/New_York",
			setup: func(c *caseWeek) {
				c.week("aaaaa", "")
				c.next++
				due := time.Date(2026, 11, 23, 9, 0, 0, 0, c.loc)
				c.d.Prompts = append(c.d.Prompts, store.Prompt{ID: c.next, CheckInID: 1, MemberID: 9, TeamID: 1, DueAt: due.UTC(),
					ExpiresAt: due.Add(12 * time.Hour).UTC(), Status: store.PromptSent, SentAt: ptr(due.UTC())})
			},
			count: "5/5", cells: []string{a, a, a, a, a}, rate: 100},
		{name: "Los Angeles 17:30: last Friday's prompt is in the period, under Fri 20", zone: "America/Los_Angeles",
			setup: func(c *caseWeek) {
				for d := range []int{20, 23, 24, 25, 26} {
					c.add([]int{20, 23, 24, 25, 26}[d], 17, 'a', "", false)
				}
			},
			count: "5/5", cells: []string{a, a, a, a, a}, rate: 100, cols: "Fri 20,Mon 23,Tue 24,Wed 25,Thu 26"},
		{name: "bug Ben 0/0 after prompts send --now: an open prompt is shown open", zone: "Europe/Berlin",
			setup: func(c *caseWeek) { c.add(27, 9, 'o', "", false) },
			count: "1 open", cells: []string{o}, rate: 0},
		{name: "bug down from 100% with misses: previous misses count", zone: "America/New_York",
			setup: func(c *caseWeek) {
				c.week("aaaam", "")
				for d := 16; d <= 20; d++ {
					c.add(d, 9, 'm', "", true)
				}
				c.add(16, 12, 'a', "", true)
			},
			count: "4/5", cells: []string{a, a, a, a, m}, rate: 80, change: "up from 17%"},
		{name: "bug up from 0%: never-sent prompts of the previous period are not counted", zone: "America/New_York",
			setup: func(c *caseWeek) {
				c.week("aaaaa", "")
				for d := 16; d <= 20; d++ {
					c.add(d, 9, 'x', "", true)
				}
			},
			count: "5/5", cells: []string{a, a, a, a, a}, rate: 100, change: ""},
		{name: "same rate both weeks", zone: "America/New_York",
			setup: func(c *caseWeek) {
				c.week("aaaam", "")
				for i, k := range "aaaam" {
					c.add(16+i, 9, byte(k), "", true)
				}
			},
			count: "4/5", cells: []string{a, a, a, a, m}, rate: 80, change: "same as last week"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCaseWeek(tc.zone)
			tc.setup(c)
			d := build(c.d, p, p.End)
			pt := d.Participation
			var pat *digest.PersonStat
			for i := range pt.People {
				if pt.People[i].Name == "Pat" {
					pat = &pt.People[i]
				}
			}
			if pat == nil {
				t.Fatalf("Pat not in the chart: %+v", pt.People)
			}
			var v digest.View
			if got := v.Count(*pat); got != tc.count {
				t.Errorf("count = %q, want %q", got, tc.count)
			}
			if diff := cmp.Diff(tc.cells, pat.Cells); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
			if pat.Note != tc.note {
				t.Errorf("note = %q, want %q", pat.Note, tc.note)
			}
			if pt.Rate != tc.rate || pt.Change != tc.change {
				t.Errorf("rate %d%% %q, want %d%% %q", pt.Rate, pt.Change, tc.rate, tc.change)
			}
			listed := len(pt.NoReply) > 0 && pt.NoReply[0].Name == "Pat Doe"
			if listed != tc.noRply {
				t.Errorf("no reply = %+v, want Pat listed %v", pt.NoReply, tc.noRply)
			}
			if tc.cols != "" {
				var cols []string
				for _, col := range pt.Columns {
					cols = append(cols, col.Label+" "+col.Date)
				}
				if got := strings.Join(cols, ","); got != tc.cols {
					t.Errorf("columns %q, want %q", got, tc.cols)
				}
			}
			if len(pt.People) == 1 && pat.Streak != 0 && tc.noRply {
				t.Errorf("streak %d beside a row of misses", pat.Streak)
			}
		})
	}
}

// TestLateAndNegativeAnswersInUpdates checks the update block: a late
// answer is marked, "none"-like answers are left out, a blocker repeated
// on consecutive days is printed once with its span, and links and code
// are recognised.
func TestLateAndNegativeAnswersInUpdates(t *testing.T) {
	p := weekPeriod(t)
	c := newCaseWeek("America/New_York")
	c.week("aaLaa", "")
	for i := range c.d.Updates {
		u := &c.d.Updates[i]
		switch i {
		case 1, 2, 3:
			u.HasBlocker = true
			u.Answers[1].Text = []string{"", "waiting on VPN", "still waiting on VPN", "VPN, escalated"}[i]
		case 4:
			u.Answers[0].Text = "see https://example.com/a/very/long/path?x=1, then:\n\n    go test ./...\n    ok"
			u.Answers = append(u.Answers, store.Answer{Key: "notes", Text: "N/A."})
		}
	}
	d := build(c.d, p, p.End)
	if len(d.Updates) != 1 {
		t.Fatalf("updates = %+v", d.Updates)
	}
	mu := d.Updates[0]
	if diff := cmp.Diff([]digest.BlockerSpan{{Span: "Tue–Thu", Text: "VPN, escalated"}}, mu.Blockers); diff != "" {
		t.Errorf("blocker spans (-want +got):\n%s", diff)
	}
	var labels []string
	for _, day := range mu.Days {
		for _, a := range day.Answers {
			labels = append(labels, day.Day.Format("Mon")+" "+a.Label)
		}
		if day.Late != (day.Day.Weekday() == time.Wednesday) {
			t.Errorf("%s late = %v", day.Day.Format("Mon"), day.Late)
		}
	}
	// "none" blockers and "N/A." notes are not printed.
	if diff := cmp.Diff([]string{"Mon Done", "Tue Done", "Wed Done", "Thu Done", "Fri Done"}, labels); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	parts := mu.Days[4].Answers[0].Parts
	want := []digest.Part{{Kind: digest.PartText, Text: "see "},
		{Kind: digest.PartLink, Text: "https://example.com/a/very/long/path?x=1", Show: "example.com/a/very/long/path?x=1"},
		{Kind: digest.PartText, Text: ", then:"}, {Kind: digest.PartCode, Text: "go test ./...\nok"}}
	if diff := cmp.Diff(want, parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
}

// TestPeriodDays checks the days a digest names for people: a "fri 17:00"
// period is Mon–Fri of its week, a "mon 09:00" one the week before it
// (weekend left out), and a daily "09:00" one the day before.
func TestPeriodDays(t *testing.T) {
	for _, c := range []struct{ sched, key, long, short string }{
		{"fri 17:00", "2026-W48", "Mon\u00a023 – Fri\u00a027\u00a0Nov", "23–27 Nov"},
		{"mon 09:00", "2026-W49", "Mon\u00a023 – Fri\u00a027\u00a0Nov", "23–27 Nov"},
		{"fri 17:00", "2026-W49", "Mon\u00a030\u00a0Nov – Fri\u00a04\u00a0Dec", "30 Nov–4 Dec"},
		{"mon-fri 09:00", "2026-11-25", "Tue\u00a024\u00a0Nov", "Tue 24 Nov"},
	} {
		s, err := store.ParseSchedule(c.sched)
		if err != nil {
			t.Fatal(err)
		}
		p, err := digest.ParsePeriod(s, c.key, ny)
		if err != nil {
			t.Fatal(err)
		}
		d := build(&store.DigestData{Team: store.Team{ID: 1, Name: "Platform"}}, p, p.End)
		if d.Days.Long() != c.long || d.Days.Short() != c.short {
			t.Errorf("%s %s: %q / %q, want %q / %q", c.sched, c.key, d.Days.Long(), d.Days.Short(), c.long, c.short)
		}
	}
}
