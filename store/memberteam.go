package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Pause and away per team. A member's own Member.PausedUntil and
// AwayUntil (set by email, an auto-reply, or `tidings members pause|away`
// without --team) hold the prompts of all their teams; a membership's
// PausedUntil and AwayUntil (`--team T`) hold that team's only. Readers
// that list a team's members (FindTeamSchedules, FindTeamSchedule,
// FindTeamMembers, the digest's loader, MemberInTeam) return in
// Member.PausedUntil and AwayUntil the later of the two, so the prompt
// schedulers, the OKR prompts, ask reminders and the digest's "paused
// until" notes need not know where a pause was set.

// EffectiveUntil is the later of a member-wide and a team-scoped end
// (either may be nil).
func EffectiveUntil(member, team *time.Time) *time.Time {
	switch {
	case team == nil:
		return member
	case member == nil || team.After(*member):
		return team
	}
	return member
}

// teamState is the pair of membership columns the team readers select
// next to members.* (as team_paused_until and team_away_until).
type teamState struct {
	TeamPausedUntil *time.Time
	TeamAwayUntil   *time.Time
}

// teamStateColumns selects them in a query joining memberships.
const teamStateColumns = "memberships.paused_until AS team_paused_until, memberships.away_until AS team_away_until"

// apply puts the state in force for the team into m.
func (s teamState) apply(m *Member) {
	m.PausedUntil = EffectiveUntil(m.PausedUntil, s.TeamPausedUntil)
	m.AwayUntil = EffectiveUntil(m.AwayUntil, s.TeamAwayUntil)
}

// MemberInTeam returns the member with the pause and away in force for
// the team (see EffectiveUntil); ErrNotFound when the member is not in it.
func (db *DB) MemberInTeam(ctx context.Context, memberID, teamID int64) (*Member, error) {
	m, err := db.MemberByID(ctx, memberID)
	if err != nil {
		return nil, err
	}
	var ms Membership
	if err := db.gorm.WithContext(ctx).Where("member_id = ? AND team_id = ?", memberID, teamID).Take(&ms).Error; err != nil {
		return nil, wrap(fmt.Sprintf("find membership of member %d in team %d", memberID, teamID), err)
	}
	teamState{ms.PausedUntil, ms.AwayUntil}.apply(m)
	return m, nil
}

// changeTeamState applies a team-scoped pause, away or resume of ch
// (ch.TeamID set) to the member's membership in that team, inside
// ChangeMemberState's transaction. A resume of one team also ends a
// member-wide pause or away there: the member-wide one is moved onto the
// member's other teams, which stay held until it ends.
func (db *DB) changeTeamState(ctx context.Context, m *Member, ch MemberChange, now time.Time,
	ev func(action, detail string, teamID int64), res *ChangeResult) error {
	g := db.gorm.WithContext(ctx)
	var mss []Membership
	if err := g.Where("member_id = ?", m.ID).Order("team_id").Find(&mss).Error; err != nil {
		return wrap("find memberships", err)
	}
	var ms *Membership
	for i := range mss {
		if mss[i].TeamID == ch.TeamID {
			ms = &mss[i]
		}
	}
	if ms == nil {
		return wrap(fmt.Sprintf("member %d is not in team %d", m.ID, ch.TeamID), ErrNotFound)
	}
	team, err := db.TeamByID(ctx, ch.TeamID)
	if err != nil {
		return err
	}
	set := map[string]any{}
	if !ch.Resume {
		if ch.AwayUntil != nil {
			set["away_until"] = ch.AwayUntil.UTC()
			ev("away", "until "+ch.AwayUntil.UTC().Format(time.RFC3339)+" in "+team.Slug, team.ID)
		}
		if ch.PausedUntil != nil {
			set["paused_until"] = ch.PausedUntil.UTC()
			ev("paused", "until "+ch.PausedUntil.UTC().Format(time.RFC3339)+" in "+team.Slug, team.ID)
		}
		return db.updateMembership(ctx, ms.ID, set)
	}
	loc := db.memberLoc(ctx, m)
	day := func(t *time.Time) string { return t.Add(-time.Second).In(loc).Format("2006-01-02") }
	active := func(t *time.Time) bool { return t != nil && t.After(now) }
	var resumed []string
	if p := EffectiveUntil(m.PausedUntil, ms.PausedUntil); active(p) {
		resumed = append(resumed, "paused until "+day(p)+" in "+team.Slug)
	}
	if a := EffectiveUntil(m.AwayUntil, ms.AwayUntil); active(a) {
		resumed = append(resumed, "away until "+day(a)+" in "+team.Slug)
	}
	if ms.PausedUntil != nil || ms.AwayUntil != nil {
		set["paused_until"], set["away_until"] = nil, nil
	}
	if err := db.updateMembership(ctx, ms.ID, set); err != nil {
		return err
	}
	if active(m.PausedUntil) || active(m.AwayUntil) {
		// Keep the other teams held: the member-wide state becomes theirs.
		for i := range mss {
			o := &mss[i]
			if o.ID == ms.ID {
				continue
			}
			up := map[string]any{}
			if active(m.PausedUntil) {
				up["paused_until"] = EffectiveUntil(m.PausedUntil, o.PausedUntil).UTC()
			}
			if active(m.AwayUntil) {
				up["away_until"] = EffectiveUntil(m.AwayUntil, o.AwayUntil).UTC()
			}
			if err := db.updateMembership(ctx, o.ID, up); err != nil {
				return err
			}
		}
		err := g.Model(&Member{}).Where("id = ?", m.ID).Updates(map[string]any{"paused_until": nil, "away_until": nil}).Error
		if err != nil {
			return wrap("change member", err)
		}
		if len(mss) > 1 {
			resumed = append(resumed, "still held in their other teams")
		}
	}
	if len(resumed) > 0 {
		res.Resumed = append(res.Resumed, resumed...)
		ev("resumed", "was "+strings.Join(resumed, ", "), team.ID)
	}
	return nil
}

// resumeAllTeams ends every team-scoped pause and away of the member
// (a resume without a team) and describes the ones still running.
func (db *DB) resumeAllTeams(ctx context.Context, m *Member, now time.Time) ([]string, error) {
	type row struct {
		ID          int64
		Slug        string
		PausedUntil *time.Time
		AwayUntil   *time.Time
	}
	var rows []row
	err := db.gorm.WithContext(ctx).Table("memberships").
		Select("memberships.id, teams.slug, memberships.paused_until, memberships.away_until").
		Joins("JOIN teams ON teams.id = memberships.team_id").
		Where("memberships.member_id = ? AND (memberships.paused_until IS NOT NULL OR memberships.away_until IS NOT NULL)", m.ID).
		Order("teams.slug").Scan(&rows).Error
	if err != nil {
		return nil, wrap("find team pauses", err)
	}
	loc := db.memberLoc(ctx, m)
	var out []string
	for _, r := range rows {
		if r.PausedUntil != nil && r.PausedUntil.After(now) {
			out = append(out, "paused until "+r.PausedUntil.Add(-time.Second).In(loc).Format("2006-01-02")+" in "+r.Slug)
		}
		if r.AwayUntil != nil && r.AwayUntil.After(now) {
			out = append(out, "away until "+r.AwayUntil.Add(-time.Second).In(loc).Format("2006-01-02")+" in "+r.Slug)
		}
		if err := db.updateMembership(ctx, r.ID, map[string]any{"paused_until": nil, "away_until": nil}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) updateMembership(ctx context.Context, id int64, set map[string]any) error {
	if len(set) == 0 {
		return nil
	}
	err := db.gorm.WithContext(ctx).Model(&Membership{}).Where("id = ?", id).Updates(set).Error
	return wrap("change membership", err)
}
