package store

import (
	"context"
	"time"
)

// RosterTeam is one of a member's teams as the roster shows it.
type RosterTeam struct {
	Team     Team
	Role     string
	CheckIns []RosterCheckIn
	// DigestStopped is the member's opt-out from this team's digest.
	DigestStopped *Optout
	// PausedUntil and AwayUntil are the pause and away of this team only
	// (Membership's); the member-wide ones are in RosterEntry.Member.
	PausedUntil, AwayUntil *time.Time
}

// RosterCheckIn is one check-in of a member's team; Stopped is the
// member's opt-out from its prompts.
type RosterCheckIn struct {
	CheckIn CheckIn
	Stopped *Optout
}

// RosterEntry is a member with everything `tidings members list` and
// `show` say about them.
type RosterEntry struct {
	Member       Member
	Prefs        MemberPrefs
	Teams        []RosterTeam
	Suppressions []Suppression
	History      []MemberEvent // oldest first
	LastAnswer   *time.Time
	// Answered and Closed count the prompts due in the four weeks before
	// now whose window has closed or that were answered; excused ones
	// (skipped: away, paused, holiday, not a working day) and those never
	// sent are not counted.
	Answered, Closed int
}

// RateWindow is the period of the roster's response rate.
const RateWindow = 28 * 24 * time.Hour

// Roster returns the members of the team with the slug (every member in
// a team when empty), ordered by name, as of now. ErrNotFound for an
// unknown slug.
func (db *DB) Roster(ctx context.Context, slug string, now time.Time) ([]RosterEntry, error) {
	g := db.gorm.WithContext(ctx)
	q := g.Model(&Member{}).Order("members.name, members.id").
		Where("EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = members.id)")
	if slug != "" {
		t, err := db.FindTeam(ctx, slug)
		if err != nil {
			return nil, err
		}
		q = g.Model(&Member{}).Order("members.name, members.id").
			Where("EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = members.id AND ms.team_id = ?)", t.ID)
	}
	var ms []Member
	if err := q.Find(&ms).Error; err != nil {
		return nil, wrap("roster", err)
	}
	out := make([]RosterEntry, 0, len(ms))
	for i := range ms {
		e, err := db.rosterEntry(ctx, &ms[i], now)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, nil
}

// RosterOf returns the roster entry of the member with the address (or
// alias), including a member who is in no team any more.
func (db *DB) RosterOf(ctx context.Context, addr string, now time.Time) (*RosterEntry, error) {
	m, err := db.MemberByAddress(ctx, addr)
	if err != nil {
		return nil, err
	}
	return db.rosterEntry(ctx, m, now)
}

func (db *DB) rosterEntry(ctx context.Context, m *Member, now time.Time) (*RosterEntry, error) {
	g := db.gorm.WithContext(ctx)
	e := &RosterEntry{Member: *m}
	var err error
	if e.Prefs, err = db.MemberPrefsOf(ctx, m.ID); err != nil {
		return nil, err
	}
	optouts, err := db.Optouts(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	find := func(kind string, id int64) *Optout {
		for i := range optouts {
			if optouts[i].Kind == kind && optouts[i].TargetID == id {
				return &optouts[i]
			}
		}
		return nil
	}
	var mss []Membership
	if err := g.Where("member_id = ?", m.ID).Find(&mss).Error; err != nil {
		return nil, wrap("roster memberships", err)
	}
	for _, ms := range mss {
		t, err := db.TeamByID(ctx, ms.TeamID)
		if err != nil {
			return nil, err
		}
		rt := RosterTeam{Team: *t, Role: ms.Role, DigestStopped: find(OptoutDigest, t.ID),
			PausedUntil: ms.PausedUntil, AwayUntil: ms.AwayUntil}
		cs, err := db.FindCheckIns(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			rt.CheckIns = append(rt.CheckIns, RosterCheckIn{CheckIn: c, Stopped: find(OptoutPrompts, c.ID)})
		}
		e.Teams = append(e.Teams, rt)
	}
	sortTeams(e.Teams)
	if e.Suppressions, err = db.MemberSuppressions(ctx, m); err != nil {
		return nil, err
	}
	if e.History, err = db.MemberHistory(ctx, m.ID); err != nil {
		return nil, err
	}
	var last []time.Time
	if err := g.Model(&Update{}).Where("member_id = ?", m.ID).Order("answered_at DESC").Limit(1).
		Pluck("answered_at", &last).Error; err != nil {
		return nil, wrap("roster last answer", err)
	}
	if len(last) == 1 {
		e.LastAnswer = &last[0]
	}
	type count struct {
		Status string
		N      int
	}
	var counts []count
	now = now.UTC()
	err = g.Model(&Prompt{}).Select("status, COUNT(*) AS n").
		Where("member_id = ? AND due_at > ? AND due_at <= ? AND (status = ? OR (status = ? AND expires_at <= ?))",
			m.ID, now.Add(-RateWindow), now, PromptAnswered, PromptSent, now).
		Group("status").Scan(&counts).Error
	if err != nil {
		return nil, wrap("roster rate", err)
	}
	for _, c := range counts {
		e.Closed += c.N
		if c.Status == PromptAnswered {
			e.Answered += c.N
		}
	}
	return e, nil
}

func sortTeams(ts []RosterTeam) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Team.Slug < ts[j-1].Team.Slug; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}
