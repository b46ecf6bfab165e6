package digest_test

import (
	"testing"
	"time"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
)

var ny = mustLoc("America/New_York")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a wall time in New York during week 48 of 2026 (Mon 23 Nov).
func at(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, ny) }

func ptr[T any](v T) *T { return &v }

// dueOn is an action item's due date in November 2026 as mail/meeting
// stores it: the calendar day at midnight UTC.
func dueOn(day int) *time.Time { return ptr(time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC)) }

// weekPeriod is the "fri 17:00" period of week 48.
func weekPeriod(t testing.TB) digest.Period {
	t.Helper()
	s, err := store.ParseSchedule("fri 17:00")
	if err != nil {
		t.Fatal(err)
	}
	p, err := digest.ParsePeriod(s, "2026-W48", ny)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// prompter accumulates prompts and updates for a fixture.
type prompter struct {
	d    *store.DigestData
	next int64
}

// prompt adds a prompt with a 20 h answer window; sent and answered ones
// get a sending time.
func (p *prompter) prompt(member, checkIn int64, due time.Time, status, reason string) int64 {
	p.next++
	pr := store.Prompt{ID: p.next, CheckInID: checkIn, MemberID: member,
		TeamID: 1, DueAt: due.UTC(), ExpiresAt: due.Add(20 * time.Hour).UTC(), Status: status, Reason: reason}
	if status == store.PromptSent || status == store.PromptAnswered {
		pr.SentAt = ptr(due.UTC())
	}
	p.d.Prompts = append(p.d.Prompts, pr)
	return p.next
}

// answer adds an answered prompt due at 09:00 and its update at hh:mm.
func (p *prompter) answer(member, checkIn int64, day, hh, mm int, blocker bool, answers ...string) {
	id := p.prompt(member, checkIn, at(day, 9, 0), store.PromptAnswered, "")
	u := store.Update{ID: id, PromptID: id, MemberID: member, TeamID: 1, CheckInID: checkIn,
		HasBlocker: blocker, Version: 1, AnsweredAt: at(day, hh, mm).UTC()}
	keys := []string{"done", "today", "blockers"}
	if checkIn == 2 {
		keys = []string{"wins"}
	}
	for i, a := range answers {
		u.Answers = append(u.Answers, store.Answer{Key: keys[i], Text: a})
	}
	p.d.Updates = append(p.d.Updates, u)
}

// realisticWeek is the Platform team's week 48: six members and an
// observer; an open blocker carried from the week before, a cleared one,
// an away member, a skipped day, a missed prompt, one still open, an
// edited update, a reply with HTML in it, a meeting note with a decision
// and items, and an overdue item.
func realisticWeek() *store.DigestData {
	member := func(id int64, name, email, zone, role string) store.TeamMember {
		return store.TeamMember{Member: store.Member{ID: id, Name: name, Email: email, Timezone: zone}, Role: role, Location: zone}
	}
	d := &store.DigestData{
		Team: store.Team{ID: 1, Slug: "platform", Name: "Platform team", Timezone: "America/New_York", DigestSchedule: "fri 17:00"},
		Members: []store.TeamMember{
			member(1, "Ana Lima", "ana@example.com", "America/Sao_Paulo", store.RoleMember),
			member(2, "Ben Okafor", "ben@example.com", "Europe/Berlin", store.RoleLead),
			member(3, "Chen Wei", "chen@example.com", "America/New_York", store.RoleMember),
			member(4, "Dmitri Ivanov", "dmitri@example.com", "Europe/Berlin", store.RoleMember),
			member(5, "Eve Adams", "eve@example.com", "America/New_York", store.RoleMember),
			member(6, "Farah Khan", "farah@example.com", "Asia/Karachi", store.RoleMember),
			member(7, "Gil Moss", "gil@example.com", "America/New_York", store.RoleObserver),
		},
		CheckIns: []store.CheckIn{
			{ID: 1, TeamID: 1, Name: "daily", Position: 0},
			{ID: 2, TeamID: 1, Name: "weekly wins", Position: 1},
		},
		Streaks: map[int64]int{1: 14, 2: 0, 3: 4, 6: 9},
		// Ana has been blocked since the Wednesday before.
		Carried: []store.CarriedBlocker{{MemberID: 1, CheckInID: 1, Since: at(18, 9, 35).UTC()}},
	}
	d.Members[3].AwayUntil = ptr(at(30, 0, 0).UTC())
	p := &prompter{d: d}
	p.answer(1, 1, 23, 9, 40, true, "finished the billing export", "review escaping in the digest", "waiting on VPN access from IT")
	p.answer(1, 1, 24, 9, 15, true, "escaping review", "the VPN rollout", "waiting on VPN access from IT")
	p.answer(1, 1, 25, 9, 5, true, "VPN docs", "more docs", "still waiting on VPN access from IT (ticket #4411)")
	p.answer(1, 1, 26, 9, 20, true, "", "pairing with Chen", "VPN access from IT, ticket #4411 escalated")
	p.answer(1, 1, 27, 9, 30, true, "pairing", "release notes", "VPN access from IT, ticket #4411 escalated")
	p.answer(1, 2, 27, 10, 0, false, "Shipped the billing export to two pilot customers.")
	p.answer(2, 1, 23, 8, 0, false, "planning", "hiring loop")
	p.answer(2, 1, 24, 8, 5, false, "hiring loop", "Q1 capacity planning")
	p.answer(2, 1, 25, 8, 10, false, "Q1 capacity planning sync with product and finance, which ran long because we went through every team's headcount request one by one and agreed on a review process for the ones that did not fit the budget envelope", "write up the decisions\nsend them to the team")
	p.prompt(2, 1, at(26, 9, 0), store.PromptExpired, "")
	p.answer(2, 1, 27, 8, 0, false, "staffing plan draft", "staffing plan review")
	p.answer(3, 1, 23, 10, 0, false, "ingest benchmark harness", "run the benchmark")
	p.answer(3, 1, 24, 10, 0, false, "benchmark run", "staging migration")
	p.answer(3, 1, 25, 11, 0, true, "staging migration half done", "finish it", "staging DB is read-only")
	p.answer(3, 1, 26, 10, 30, false, "migration finished once the DB was writable again", "benchmark report")
	p.prompt(3, 1, at(27, 9, 0), store.PromptSkipped, "member skipped")
	for day := 23; day <= 27; day++ {
		p.prompt(4, 1, at(day, 9, 0), store.PromptSkipped, "away (ooo until 30 Nov)")
	}
	p.answer(5, 1, 23, 12, 0, false, "on-call handover", "alert tuning")
	p.answer(5, 1, 24, 12, 0, false, "alert tuning: <script>alert('x')</script> & <b>bold</b> rules", "more tuning")
	p.prompt(5, 1, at(25, 9, 0), store.PromptExpired, "")
	p.prompt(5, 1, at(26, 9, 0), store.PromptExpired, "")
	p.prompt(5, 1, at(27, 9, 0), store.PromptSent, "")
	for day := 23; day <= 27; day++ {
		p.answer(6, 1, day, 7, 0, false, "search indexing, part "+string(rune('0'+day-22)), "more indexing")
	}
	d.Updates[len(d.Updates)-2].Version = 2
	d.Notes = []store.MeetingNote{{ID: 1, TeamID: ptr[int64](1), ForwardedByID: ptr[int64](1), ForwardedBy: "ana@example.com",
		Title: "Q1 capacity planning sync", MeetingDate: at(25, 14, 0).UTC(), Status: store.NoteFiled,
		Decisions: []string{"Freeze the billing-export schema on Dec 4."}}}
	d.Items = []store.ActionItem{
		{ID: 3, NoteID: 9, TeamID: ptr[int64](1), OwnerMemberID: ptr[int64](5), Text: "rotate the staging credentials", Due: dueOn(16), Status: store.ActionOpen},
		{ID: 1, NoteID: 1, TeamID: ptr[int64](1), OwnerMemberID: ptr[int64](2), Text: "draft the staffing plan", Due: dueOn(27), Status: store.ActionOpen},
		{ID: 2, NoteID: 1, TeamID: ptr[int64](1), OwnerMemberID: ptr[int64](3), Text: "benchmark the new ingest path", Due: dueOn(30), Status: store.ActionDone, DoneAt: ptr(at(26, 15, 0).UTC())},
		{ID: 4, NoteID: 1, TeamID: ptr[int64](1), OwnerText: "IT helpdesk", Text: "grant VPN access to Ana", Status: store.ActionOpen},
	}
	return d
}
