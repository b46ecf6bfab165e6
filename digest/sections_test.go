package digest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
)

// TestDueDateIsACalendarDay proves that an action item due "Thu 3 Dec"
// (stored as midnight UTC, as mail/meeting writes it) shows as Thu 3 Dec
// in a digest for a team west of UTC, and is overdue only once 3 Dec has
// ended in the team's zone.
func TestDueDateIsACalendarDay(t *testing.T) {
	s, err := store.ParseSchedule("fri 17:00")
	if err != nil {
		t.Fatal(err)
	}
	for _, zone := range []string{"America/Sao_Paulo", "America/Los_Angeles"} {
		t.Run(zone, func(t *testing.T) {
			loc := mustLoc(zone)
			p, err := digest.ParsePeriod(s, "2026-W49", loc)
			if err != nil {
				t.Fatal(err)
			}
			data := dueWeek(zone)
			for _, c := range []struct {
				now     time.Time
				overdue bool
			}{
				{time.Date(2026, 12, 3, 0, 30, 0, 0, loc), false},
				{time.Date(2026, 12, 3, 23, 59, 0, 0, loc), false},
				{time.Date(2026, 12, 4, 0, 1, 0, 0, loc), true},
			} {
				d := build(data, p, c.now)
				// The open item is listed once, under open items; the
				// meeting counts it.
				if len(d.OpenItems) != 1 || len(d.OpenItems[0].Items) != 1 || len(d.Meetings) != 1 || len(d.Meetings[0].Items) != 0 || d.Meetings[0].Open != 1 {
					t.Fatalf("open items %+v, meetings %+v", d.OpenItems, d.Meetings)
				}
				for _, it := range []digest.Item{d.OpenItems[0].Items[0]} {
					if got := it.Due.Format("Mon 2 Jan"); got != "Thu 3 Dec" || it.Overdue != c.overdue {
						t.Errorf("at %s: due %s overdue %v, want Thu 3 Dec overdue %v", c.now, got, it.Overdue, c.overdue)
					}
				}
				r, err := digest.Render(defaultSet(t), d, "")
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(r.Text, "ship the release notes, due Thu\u00a03\u00a0Dec") {
					t.Errorf("at %s the text does not say due Thu 3 Dec:\n%s", c.now, r.Text)
				}
				if strings.Contains(r.Text, "OVERDUE") != c.overdue {
					t.Errorf("at %s OVERDUE shown = %v, want %v", c.now, !c.overdue, c.overdue)
				}
			}
		})
	}
}

// dueWeek is a one-member team in zone with an answered prompt and a
// note whose item is due Thu 3 Dec 2026.
func dueWeek(zone string) *store.DigestData {
	loc := mustLoc(zone)
	d := &store.DigestData{
		Team: store.Team{ID: 1, Slug: "west", Name: "West team", Timezone: zone, DigestSchedule: "fri 17:00"},
		Members: []store.TeamMember{{Member: store.Member{ID: 1, Name: "Ana Lima", Email: "ana@example.com", Timezone: zone},
			Role: store.RoleMember, Location: zone}},
		CheckIns: []store.CheckIn{{ID: 1, TeamID: 1, Name: "daily"}},
	}
	mon := time.Date(2026, 11, 30, 9, 0, 0, 0, loc)
	d.Prompts = []store.Prompt{{ID: 1, CheckInID: 1, MemberID: 1, TeamID: 1, DueAt: mon.UTC(), Status: store.PromptAnswered}}
	d.Updates = []store.Update{{ID: 1, PromptID: 1, MemberID: 1, TeamID: 1, CheckInID: 1, Version: 1,
		Answers: []store.Answer{{Key: "done", Text: "release prep"}}, AnsweredAt: mon.Add(time.Hour).UTC()}}
	d.Notes = []store.MeetingNote{{ID: 1, TeamID: ptr[int64](1), Title: "Release sync",
		MeetingDate: mon.Add(5 * time.Hour).UTC(), Status: store.NoteFiled}}
	d.Items = []store.ActionItem{{ID: 1, NoteID: 1, TeamID: ptr[int64](1), OwnerMemberID: ptr[int64](1),
		Text: "ship the release notes", Due: ptr(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)), Status: store.ActionOpen}}
	return d
}

// TestNoReplyOnlyListsClosedPrompts proves that "No reply" lists members
// whose prompt closed unanswered (expired, undeliverable, or sent with
// its window passed before the expiry job caught up) and members away or
// paused with no prompt left open, but never a member whose prompts are
// all still open (shown "○ still open" in the chart), nor one who only
// skipped.
func TestNoReplyOnlyListsClosedPrompts(t *testing.T) {
	p := weekPeriod(t)
	data := realisticWeek()
	add := func(id int64, name string) *store.TeamMember {
		data.Members = append(data.Members, store.TeamMember{Member: store.Member{ID: id, Name: name,
			Email: strings.ToLower(strings.Fields(name)[0]) + "@example.com", Timezone: "America/New_York"},
			Role: store.RoleMember, Location: "America/New_York"})
		return &data.Members[len(data.Members)-1]
	}
	pr := &prompter{d: data, next: 1000}
	add(10, "Hana Open")                                         // only still-open prompts
	pr.prompt(10, 1, at(27, 9, 0), store.PromptSent, "")         // Fri, window open at 17:00
	pr.prompt(10, 1, at(27, 12, 0), store.PromptPending, "")     // not even sent yet
	add(11, "Ivo Late")                                          // window passed, row not yet expired
	late := pr.prompt(11, 1, at(26, 9, 0), store.PromptSent, "") // expires Fri 9:00
	add(12, "Jo Bounced")                                        // undeliverable
	pr.prompt(12, 1, at(26, 9, 0), store.PromptFailed, "550 5.1.1 no such user")
	pr.prompt(12, 1, at(27, 9, 0), store.PromptSent, "")
	add(13, "Kai Skipper") // said skip every day
	pr.prompt(13, 1, at(26, 9, 0), store.PromptSkipped, "skipped by member")
	add(14, "Lea Paused").PausedUntil = ptr(at(30, 0, 0).UTC()) // no prompts at all
	add(15, "Max Back").AwayUntil = ptr(at(25, 0, 0).UTC())     // away, then a prompt still open
	pr.prompt(15, 1, at(27, 9, 0), store.PromptSent, "")
	for i := range data.Prompts {
		if data.Prompts[i].ID == late {
			data.Prompts[i].ExpiresAt = at(27, 9, 0).UTC()
		}
	}
	slices.SortStableFunc(data.Members, func(a, b store.TeamMember) int { return strings.Compare(a.Name, b.Name) })

	d := build(data, p, p.End)
	want := []digest.Absence{
		{Name: "Dmitri Ivanov", Why: "away until 30 Nov"},
		{Name: "Ivo Late"},
		{Name: "Jo Bounced", Why: "undeliverable Thu"},
		{Name: "Lea Paused", Why: "paused until 30 Nov"},
	}
	if diff := cmp.Diff(want, d.Participation.NoReply); diff != "" {
		t.Errorf("no reply (-want +got):\n%s", diff)
	}
	cells := map[string][]string{}
	for _, ps := range d.Participation.People {
		cells[ps.Name] = ps.Cells
	}
	if diff := cmp.Diff([]string{digest.CellOpen, digest.CellOpen}, cells["Hana"]); diff != "" {
		t.Errorf("Hana's cells (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{digest.CellMissed}, cells["Ivo"]); diff != "" {
		t.Errorf("Ivo's cells: a passed window counts as missed (-want +got):\n%s", diff)
	}
}
