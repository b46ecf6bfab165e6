package digest_test

import (
	"sort"
	"testing"
	"time"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/store"
)

// The team week is the realistic fixture of issue 11: the Platform team
// (New York, digest "fri 17:00") in week 48 of 2026, seven members in six
// time zones, two check-ins (a "daily" at 09:00 and a "wrap-up" at 17:30,
// each member's local time, answer window 12 h), 56 answered prompts and
// a meeting note.
//
// Hand count (period Fri 20 Nov 17:00 – Fri 27 Nov 17:00 New York; the
// digest is built at its end):
//
//	member  zone         prompts  answered  missed  excused            open
//	Ana     São Paulo    10       10        0       0                  0
//	Ben     Berlin       10       8         1 (Thu daily)  0           1 (Fri wrap-up)
//	Chen    Shanghai     10       9         0       1 (Tue wrap-up not sent: downtime)
//	Dmitri  Berlin       10       8         0       2 (away Fri)
//	Eve     New York     10       7         3       0
//	Farah   Karachi      6        6         0       0 (joined Wed)
//	Gil     Los Angeles  10       8         0       2 (paused Mon)
//	total                66       56        4       5                  1
//
// Eve's and Gil's wrap-ups of Fri 20 Nov (17:30 in New York and Los
// Angeles, after the 17:00 boundary) belong to this period, and their
// wrap-ups of Fri 27 to the next one. Rate 56/60 = 93 %. The previous
// week had 49 answered, 5 missed and 6 never sent (downtime): 49/54 =
// 91 %.
const (
	idAna = iota + 1
	idBen
	idChen
	idDmitri
	idEve
	idFarah
	idGil
)

const (
	ciDaily = 1
	ciWrap  = 2
)

// teamWeekPeriod is the "fri 17:00" New York period of week 48.
func teamWeekPeriod(t testing.TB) digest.Period { return weekPeriod(t) }

// weekBuilder builds a team week's prompts and updates.
type weekBuilder struct {
	d    *store.DigestData
	next int64
	locs map[int64]*time.Location
}

// due is the wall time hh:mm on November day in member's zone.
func (w *weekBuilder) due(member int64, day, hh, mm int) time.Time {
	return time.Date(2026, 11, day, hh, mm, 0, 0, w.locs[member])
}

// prompt adds a prompt of checkIn due at due with a 12 h window, in the
// given status; sent prompts (every status but skipped and expired) get
// SentAt. It returns the prompt's ID.
func (w *weekBuilder) prompt(member, checkIn int64, due time.Time, status, reason string) int64 {
	w.next++
	pr := store.Prompt{ID: w.next, CheckInID: checkIn, MemberID: member, TeamID: 1, DueAt: due.UTC(),
		ExpiresAt: due.Add(12 * time.Hour).UTC(), Status: status, Reason: reason}
	if status != store.PromptSkipped && status != store.PromptExpired && status != store.PromptPending {
		pr.SentAt = ptr(due.UTC())
	}
	w.d.Prompts = append(w.d.Prompts, pr)
	return w.next
}

// answer adds an answered prompt and its update, written after minutes.
func (w *weekBuilder) answer(member, checkIn int64, due time.Time, after time.Duration, blocker bool, answers ...string) {
	id := w.prompt(member, checkIn, due, store.PromptAnswered, "")
	u := store.Update{ID: id, PromptID: id, MemberID: member, TeamID: 1, CheckInID: checkIn,
		HasBlocker: blocker, Version: 1, AnsweredAt: due.Add(after).UTC()}
	keys := []string{"done", "today", "blockers"}
	questions := []string{"What did you get done?", "What are you working on today?", "Anything blocking you?"}
	if checkIn == ciWrap {
		keys, questions = []string{"notes"}, []string{"Anything to add for the team?"}
	}
	for i, a := range answers {
		u.Answers = append(u.Answers, store.Answer{Key: keys[i], Question: questions[i], Text: a})
	}
	w.d.Updates = append(w.d.Updates, u)
}

// teamWeek returns the realistic week described above.
func teamWeek() *store.DigestData {
	member := func(id int64, name, email, zone, role string) store.TeamMember {
		return store.TeamMember{Member: store.Member{ID: id, Name: name, Email: email, Timezone: zone}, Role: role, Location: zone}
	}
	d := &store.DigestData{
		Team: store.Team{ID: 1, Slug: "platform", Name: "Platform", Timezone: "America/New_York", DigestSchedule: "fri 17:00"},
		Members: []store.TeamMember{
			member(idAna, "Ana Lima", "ana@example.com", "America/Sao_Paulo", store.RoleMember),
			member(idBen, "Ben Okafor", "ben@example.com", "Europe/Berlin", store.RoleLead),
			member(idChen, "Chen Wei", "chen@example.com", "Asia/Shanghai", store.RoleMember),
			member(idDmitri, "Dmitri Ivanov", "dmitri@example.com", "Europe/Berlin", store.RoleMember),
			member(idEve, "Eve Adams", "eve@example.com", "America/New_York", store.RoleMember),
			member(idFarah, "Farah Khan", "farah@example.com", "Asia/Karachi", store.RoleMember),
			member(idGil, "Gil Moss", "gil@example.com", "America/Los_Angeles", store.RoleMember),
		},
		CheckIns: []store.CheckIn{
			{ID: ciDaily, TeamID: 1, Name: "daily", Schedule: "mon-fri 09:00", Window: 12 * time.Hour, Position: 0},
			{ID: ciWrap, TeamID: 1, Name: "wrap-up", Schedule: "mon-fri 17:30", Window: 12 * time.Hour, Position: 1},
		},
		// Streaks as the store counts them up to the end of the period:
		// answered prompts since the member's last missed one.
		Streaks: map[int64]int{idAna: 34, idBen: 2, idChen: 21, idDmitri: 15, idEve: 3, idFarah: 6, idGil: 19},
		// Ana has been blocked on VPN access since Monday the week before.
		Carried: []store.CarriedBlocker{{MemberID: idAna, CheckInID: ciDaily, Since: time.Date(2026, 11, 16, 9, 40, 0, 0, mustLoc("America/Sao_Paulo")).UTC()}},
	}
	w := &weekBuilder{d: d, locs: map[int64]*time.Location{}}
	for _, m := range d.Members {
		w.locs[m.ID] = mustLoc(m.Location)
	}
	d.Members[idDmitri-1].AwayUntil = ptr(time.Date(2026, 11, 30, 0, 0, 0, 0, w.locs[idDmitri]).UTC())
	daily := func(m int64, day int) time.Time { return w.due(m, day, 9, 0) }
	wrap := func(m int64, day int) time.Time { return w.due(m, day, 17, 30) }
	const soon, hour = 25 * time.Minute, time.Hour

	// Ana, São Paulo: every prompt answered; blocked all week.
	vpn := []string{"waiting on VPN access from IT", "waiting on VPN access from IT",
		"still waiting on VPN access from IT (ticket #4411)", "VPN access from IT, ticket #4411 escalated",
		"VPN access from IT, ticket #4411 escalated"}
	anaDone := []string{"finished the billing export", "escaping review, notes in https://github.com/tidings-app/tidings/pull/1234#issuecomment-1873456",
		"VPN docs for the new laptops", "pairing with Chen on the staging migration", "release notes for 0.9"}
	anaToday := []string{"review escaping in the digest", "the VPN rollout docs", "more docs", "release notes", "holiday handover"}
	anaWrap := []string{"none", "n/a", "The export runs in 40 s now:\n\n    $ tidings export --team platform\n    exported 1204 rows in 40.1s", "nothing", "-"}
	for i, day := range []int{23, 24, 25, 26, 27} {
		w.answer(idAna, ciDaily, daily(idAna, day), 40*time.Minute, true, anaDone[i], anaToday[i], vpn[i])
		w.answer(idAna, ciWrap, wrap(idAna, day), 15*time.Minute, false, anaWrap[i])
	}

	// Ben, Berlin (the lead): misses Thursday's daily; Friday's wrap-up
	// is still open when the digest goes out.
	w.answer(idBen, ciDaily, daily(idBen, 23), soon, false, "planning", "hiring loop", "no blockers")
	w.answer(idBen, ciDaily, daily(idBen, 24), soon, false, "hiring loop", "Q1 capacity planning", "none")
	w.answer(idBen, ciDaily, daily(idBen, 25), soon, false, "Q1 capacity planning sync with product and finance; we went through every team's headcount request one by one", "write up the decisions\nsend them to the team", "None.")
	w.prompt(idBen, ciDaily, daily(idBen, 26), store.PromptSent, "")
	w.answer(idBen, ciDaily, daily(idBen, 27), soon, false, "staffing plan draft", "staffing plan review", "nope")
	for _, day := range []int{23, 24, 25, 26} {
		w.answer(idBen, ciWrap, wrap(idBen, day), soon, false, []string{"n/a", "Budget envelope is out: https://docs.example.com/finance/2027/q1-budget-envelope-platform-team-final-v3.pdf", "no", "nothing to add"}[day-23])
	}
	w.prompt(idBen, ciWrap, wrap(idBen, 27), store.PromptSent, "")

	// Chen, Shanghai: blocked Wednesday, cleared Thursday; Tuesday's
	// wrap-up was never sent (the server was down through its window).
	chen := [][3]string{
		{"ingest benchmark harness", "run the benchmark", "none"},
		{"benchmark run: p99 41 ms", "staging migration", "none"},
		{"staging migration half done", "finish it", "staging DB is read-only"},
		{"migration finished once the DB was writable again", "benchmark report", "none"},
		{"benchmark report", "ingest path review", "no blockers"},
	}
	for i, day := range []int{23, 24, 25, 26, 27} {
		w.answer(idChen, ciDaily, daily(idChen, day), hour, i == 2, chen[i][0], chen[i][1], chen[i][2])
	}
	w.answer(idChen, ciWrap, wrap(idChen, 23), soon, false, "n/a")
	w.prompt(idChen, ciWrap, wrap(idChen, 24), store.PromptExpired,
		"not sent: its answer window had closed (Wed 25 Nov 05:30 CST) when the scheduler ran (Wed 25 Nov 08:10 CST)")
	w.answer(idChen, ciWrap, wrap(idChen, 25), soon, false, "Query plan for the digest load:\n```\nSELECT p.id, u.answers\n  FROM prompts p\n  LEFT JOIN updates u ON u.prompt_id = p.id\n```")
	w.answer(idChen, ciWrap, wrap(idChen, 26), soon, false, "none")
	w.answer(idChen, ciWrap, wrap(idChen, 27), soon, false, "Benchmark report: https://example.com/reports/ingest?run=20261127&compare=20261120&metric=p99")

	// Dmitri, Berlin: away on Friday (auto-reply), so Friday is excused.
	for i, day := range []int{23, 24, 25, 26} {
		w.answer(idDmitri, ciDaily, daily(idDmitri, day), soon, false,
			[]string{"on-call", "postmortem for the 22 Nov outage", "alert routing", "handover notes"}[i],
			[]string{"postmortem", "alert routing", "handover", "out tomorrow"}[i], "none")
		w.answer(idDmitri, ciWrap, wrap(idDmitri, day), soon, false, []string{"n/a", "Postmortem draft is in the wiki", "none", "Back Monday 30 Nov"}[i])
	}
	w.prompt(idDmitri, ciDaily, daily(idDmitri, 27), store.PromptSkipped, "away (ooo until 30 Nov)")
	w.prompt(idDmitri, ciWrap, wrap(idDmitri, 27), store.PromptSkipped, "away (ooo until 30 Nov)")

	// Eve, New York: misses Wednesday's daily and two wrap-ups; answers
	// Thursday's daily late, after its window closed.
	w.answer(idEve, ciWrap, wrap(idEve, 20), soon, false, "Rotated the on-call schedule for December")
	w.answer(idEve, ciDaily, daily(idEve, 23), soon, false, "on-call handover", "alert tuning", "none")
	w.prompt(idEve, ciWrap, wrap(idEve, 23), store.PromptSent, "")
	w.answer(idEve, ciDaily, daily(idEve, 24), soon, false, "alert tuning: <script>alert('x')</script> & <b>bold</b> rules", "more tuning", "n/a")
	w.answer(idEve, ciWrap, wrap(idEve, 24), soon, false, "none")
	w.prompt(idEve, ciDaily, daily(idEve, 25), store.PromptSent, "")
	w.prompt(idEve, ciWrap, wrap(idEve, 25), store.PromptSent, "")
	w.answer(idEve, ciDaily, daily(idEve, 26), 25*time.Hour, false, "Thanksgiving, light day", "rotate the staging credentials", "none")
	w.answer(idEve, ciWrap, wrap(idEve, 26), soon, false, "n/a")
	w.answer(idEve, ciDaily, daily(idEve, 27), soon, false, "credentials rotation started", "finish the rotation", "none")

	// Farah, Karachi: joined on Wednesday; prompts from then on.
	for i, day := range []int{25, 26, 27} {
		w.answer(idFarah, ciDaily, daily(idFarah, day), 2*hour, false,
			[]string{"onboarding, laptop set up", "read the ingest code", "first PR: typo fixes in docs/digest.md"}[i],
			[]string{"read the ingest code", "first PR", "search indexing spike"}[i], "none")
		w.answer(idFarah, ciWrap, wrap(idFarah, day), soon, false, []string{"Thanks for the warm welcome!", "none", "n/a"}[i])
	}

	// Gil, Los Angeles: paused on Monday; Friday 20's wrap-up (after the
	// 17:00 New York boundary) is in this period, Friday 27's is not.
	w.answer(idGil, ciWrap, wrap(idGil, 20), soon, false, "Design review for the digest grid went well")
	w.prompt(idGil, ciDaily, daily(idGil, 23), store.PromptSkipped, "paused until 2026-11-24 00:00 UTC")
	w.prompt(idGil, ciWrap, wrap(idGil, 23), store.PromptSkipped, "paused until 2026-11-24 00:00 UTC")
	gil := [][3]string{
		{"mockups for the phone layout", "grid labels", "none"},
		{"grid labels", "dark mode colours", "none"},
		{"dark mode colours", "contrast checks", "none"},
		{"contrast checks: all pairs ≥ 4.5:1", "handoff to Ben", "none"},
	}
	for i, day := range []int{24, 25, 26, 27} {
		w.answer(idGil, ciDaily, daily(idGil, day), soon, false, gil[i][0], gil[i][1], gil[i][2])
		if day < 27 {
			w.answer(idGil, ciWrap, wrap(idGil, day), soon, false, []string{"none", "n/a", "nothing"}[i])
		}
	}
	d.Updates[len(d.Updates)-3].Version = 2 // Gil edited Thursday's daily

	sort.SliceStable(d.Prompts, func(i, j int) bool { return d.Prompts[i].DueAt.Before(d.Prompts[j].DueAt) })

	// The week before: 49 answered, 5 missed, 6 never sent (downtime).
	prevDue := time.Date(2026, 11, 16, 9, 0, 0, 0, ny)
	for i := range 60 {
		m := int64(i%7) + 1
		due := prevDue.Add(time.Duration(i) * time.Hour)
		pr := store.Prompt{ID: 1000 + int64(i), CheckInID: ciDaily, MemberID: m, TeamID: 1, DueAt: due.UTC(),
			ExpiresAt: due.Add(12 * time.Hour).UTC(), Status: store.PromptSent, SentAt: ptr(due.UTC())}
		switch {
		case i < 49:
			pr.Status, pr.AnsweredAt = store.PromptAnswered, ptr(due.Add(time.Hour).UTC())
		case i >= 54:
			pr.Status, pr.SentAt = store.PromptExpired, nil
		}
		d.PreviousPrompts = append(d.PreviousPrompts, pr)
	}

	// A meeting on Wednesday, forwarded by Ben, and an overdue item from
	// an earlier meeting.
	nyDay := func(day, hh int) time.Time { return time.Date(2026, 11, day, hh, 0, 0, 0, ny) }
	d.Notes = []store.MeetingNote{{ID: 1, TeamID: ptr[int64](1), ForwardedByID: ptr[int64](idBen), ForwardedBy: "ben@example.com",
		Title: "Q1 capacity planning sync", MeetingDate: nyDay(25, 11).UTC(), Status: store.NoteFiled,
		Decisions: []string{"Freeze the billing-export schema on Fri 4 Dec.", "Farah joins the search squad."}}}
	d.Items = []store.ActionItem{
		{ID: 3, NoteID: 9, TeamID: ptr[int64](1), OwnerMemberID: ptr[int64](idEve), Text: "rotate the staging credentials", Due: dueOn(16), Status: store.ActionOpen},
		{ID: 1, NoteID: 1, TeamID: ptr[int64](1), OwnerMemberID: ptr[int64](idBen), Text: "draft the staffing plan", Due: dueOn(27), Status: store.ActionOpen},
		{ID: 2, NoteID: 1, TeamID: ptr[int64](1), OwnerMemberID: ptr[int64](idChen), Text: "benchmark the new ingest path", Due: dueOn(30), Status: store.ActionDone, DoneAt: ptr(nyDay(26, 15).UTC())},
		{ID: 4, NoteID: 1, TeamID: ptr[int64](1), OwnerText: "IT helpdesk", Text: "grant VPN access to Ana", Status: store.ActionOpen},
	}
	return d
}
