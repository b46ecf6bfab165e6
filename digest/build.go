package digest

import (
	"sort"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// Build turns the data of one team's period into its digest. It is pure:
// now is the moment the digest is built (for overdue items and streaks);
// nothing is read from the clock or the database.
func Build(data *store.DigestData, p Period, now time.Time) Digest {
	return BuildJudged(data, p, now, nil)
}

// BuildJudged is Build with the judge of answers filed before their
// Negative verdict was recorded (see store.Answer.SaysNothing and
// Options.Negative).
func BuildJudged(data *store.DigestData, p Period, now time.Time, negative func(text string) bool) Digest {
	b := newBuilder(data, p, now)
	b.negative = negative
	d := Digest{
		TeamID: data.Team.ID, Team: data.Team.Name, TeamSlug: data.Team.Slug, Period: p,
		Prompts: len(data.Prompts), Empty: len(b.updates) == 0,
	}
	d.Leads, d.Recipients = b.people()
	d.Blockers = b.blockers()
	d.Participation = b.participation(data.PreviousPrompts, data.Streaks)
	days := make([]time.Time, len(d.Participation.Columns))
	for i, c := range d.Participation.Columns {
		days[i] = c.Day
	}
	d.Days, d.Zone = span(p, days), ZoneName(p.Loc)
	d.Updates = b.memberUpdates()
	d.Meetings = b.meetings(now)
	d.OpenItems = b.openItems(now)
	return d
}

// builder holds the indexes Build's steps share.
type builder struct {
	data     *store.DigestData
	p        Period
	now      time.Time
	members  map[int64]*store.TeamMember
	short    map[int64]string // first names, unless ambiguous
	checkIns map[int64]store.CheckIn
	byMember map[int64][]store.Prompt // prompts of current members, by due
	updates  map[int64]*store.Update  // by prompt ID
	locs     map[int64]*time.Location // members' zones (the team's if unknown)
	negative func(string) bool        // judge of answers with no recorded verdict
}

func newBuilder(data *store.DigestData, p Period, now time.Time) *builder {
	b := &builder{
		data: data, p: p, now: now, members: map[int64]*store.TeamMember{}, short: map[int64]string{},
		checkIns: map[int64]store.CheckIn{}, byMember: map[int64][]store.Prompt{},
		updates: make(map[int64]*store.Update, len(data.Updates)), locs: map[int64]*time.Location{},
	}
	firsts := map[string]int{}
	zones := map[string]*time.Location{} // LoadLocation reads tzdata each call
	for i := range data.Members {
		m := &data.Members[i]
		b.members[m.ID] = m
		firsts[firstName(m.Name)]++
		loc, ok := zones[m.Location]
		if !ok {
			var err error
			if loc, err = time.LoadLocation(m.Location); err != nil || m.Location == "" {
				loc = p.Loc
			}
			zones[m.Location] = loc
		}
		b.locs[m.ID] = loc
	}
	for id, m := range b.members {
		b.short[id] = firstName(m.Name)
		if firsts[b.short[id]] > 1 {
			b.short[id] = m.Name
		}
	}
	for _, c := range data.CheckIns {
		b.checkIns[c.ID] = c
	}
	for _, pr := range data.Prompts {
		if _, ok := b.members[pr.MemberID]; ok {
			b.byMember[pr.MemberID] = append(b.byMember[pr.MemberID], pr)
		}
	}
	for _, ps := range b.byMember {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].DueAt.Before(ps[j].DueAt) })
	}
	for i := range data.Updates {
		u := &data.Updates[i]
		if _, ok := b.members[u.MemberID]; ok {
			b.updates[u.PromptID] = u
		}
	}
	return b
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}

// people returns the leads and the recipients: every member of the team,
// observers included, except those who unsubscribed or whose own digest
// setting does not take this period (see receives).
func (b *builder) people() (leads, recipients []Person) {
	for _, m := range b.data.Members {
		p := Person{MemberID: m.ID, Name: m.Name, Email: m.Email, Location: b.loc(m.ID)}
		if m.Role == store.RoleLead {
			leads = append(leads, p)
		}
		if receives(&m, b.p) {
			recipients = append(recipients, p)
		}
	}
	return leads, recipients
}

// promptsInOrder walks current members by name and their prompts by due
// time.
func (b *builder) promptsInOrder(fn func(m *store.TeamMember, prompts []store.Prompt)) {
	for i := range b.data.Members {
		m := &b.data.Members[i]
		fn(m, b.byMember[m.ID])
	}
}

func (b *builder) local(t time.Time) time.Time { return t.In(b.p.Loc) }

// loc is a member's zone; the team's for someone unknown.
func (b *builder) loc(memberID int64) *time.Location {
	if l, ok := b.locs[memberID]; ok {
		return l
	}
	return b.p.Loc
}

// blockers finds the runs of blocker updates per member and check-in.
// A run still open at the start of the period (data.Carried) keeps its
// real start day when the member's first update of the check-in in the
// period still reports a blocker. Open blockers come first, then cleared
// ones, each by the day they began.
func (b *builder) blockers() []Blocker {
	carried := map[[2]int64]store.CarriedBlocker{}
	for _, c := range b.data.Carried {
		carried[[2]int64{c.MemberID, c.CheckInID}] = c
	}
	var out []Blocker
	b.promptsInOrder(func(m *store.TeamMember, prompts []store.Prompt) {
		loc := b.loc(m.ID)
		open := map[int64]int{} // check-in → index in out of its open run
		seen := map[int64]bool{}
		for _, pr := range prompts {
			u := b.updates[pr.ID]
			if u == nil {
				continue
			}
			first := !seen[pr.CheckInID]
			seen[pr.CheckInID] = true
			i, running := open[pr.CheckInID]
			switch {
			case u.HasBlocker && running:
				out[i].Text = blockerText(u.Answers)
			case u.HasBlocker:
				open[pr.CheckInID] = len(out)
				bl := Blocker{Who: m.Name, Short: b.short[m.ID], Text: blockerText(u.Answers), Since: u.AnsweredAt.In(loc)}
				if c, ok := carried[[2]int64{m.ID, pr.CheckInID}]; ok && first {
					bl.Since, bl.Carried, bl.Bounded = c.Since.In(loc), true, c.Bounded
				}
				out = append(out, bl)
			case running:
				out[i].Cleared = u.AnsweredAt.In(loc)
				delete(open, pr.CheckInID)
			}
		}
	})
	for i := range out {
		if out[i].Open() {
			now := b.now.In(out[i].Since.Location())
			out[i].Days = max(0, int(dayOf(now).Sub(dayOf(out[i].Since)).Hours()+12)/24)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Open() != out[j].Open() {
			return out[i].Open()
		}
		return out[i].Since.Before(out[j].Since)
	})
	return out
}

// blockerText is the answer to the blocker question, recognised by its key
// or question; without one, all answers joined.
func blockerText(answers []store.Answer) string {
	var all []string
	for _, a := range answers {
		if strings.Contains(strings.ToLower(a.Key+" "+a.Question), "block") {
			return strings.TrimSpace(a.Text)
		}
		all = append(all, strings.TrimSpace(a.Text))
	}
	return strings.Join(all, " · ")
}

// label turns an answer key into a short label: "done" → "Done",
// "next_steps" → "Next steps".
func label(a store.Answer) string {
	s := strings.ReplaceAll(strings.TrimSpace(a.Key), "_", " ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
