package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ScheduleProgress records, per check-in, the time up to which the prompt
// scheduler has created every prompt (all members, all their zones). A
// scheduler pass then looks only at occurrences after it, so a pass with
// nothing due reads no member at all.
// A progress recorded under another schedule string (the check-in was
// rescheduled) is ignored.
type ScheduleProgress struct {
	CheckInID   int64 `gorm:"primaryKey;autoIncrement:false"`
	Schedule    string
	DoneThrough time.Time
}

// ScheduleHead is a team with its check-ins, the time zones its members
// receive prompts in, and each check-in's progress; no member is loaded.
type ScheduleHead struct {
	Team     Team
	CheckIns []CheckIn
	// Zones are the IANA zones of the team's non-observer members: the
	// team's own and every zone a member set for themself.
	Zones []string
	// DoneThrough is each check-in's progress (zero: none yet).
	DoneThrough map[int64]time.Time
}

// FindScheduleHeads returns every team with check-ins as ScheduleHeads,
// ordered by slug, in four statements whatever the number of teams: teams,
// check-ins, members' own zones (from the partial index of members who set
// one) and progress.
func (db *DB) FindScheduleHeads(ctx context.Context) ([]ScheduleHead, error) {
	g := db.gorm.WithContext(ctx)
	var teams []Team
	if err := g.Order("slug").Find(&teams).Error; err != nil {
		return nil, wrap("find schedule heads", err)
	}
	var cs []CheckIn
	if err := g.Order("team_id, position, id").Find(&cs).Error; err != nil {
		return nil, wrap("find schedule heads", err)
	}
	byTeam := map[int64][]CheckIn{}
	for _, c := range cs {
		byTeam[c.TeamID] = append(byTeam[c.TeamID], c)
	}
	var zones []struct {
		TeamID   int64
		Timezone string
	}
	// Members who set a zone come from the partial index; each one's teams
	// through the memberships index (on PostgreSQL a LATERAL subquery kept
	// apart by OFFSET 0, so the planner does not hash-join all memberships).
	q := `SELECT DISTINCT ms.team_id, m.timezone FROM members m
		JOIN memberships ms ON ms.member_id = m.id
		WHERE m.timezone <> '' AND ms.role <> ?`
	if db.postgres {
		q = `SELECT DISTINCT ms.team_id, m.timezone FROM members m,
		LATERAL (SELECT x.team_id FROM memberships x WHERE x.member_id = m.id AND x.role <> ? OFFSET 0) ms
		WHERE m.timezone <> ''`
	}
	err := g.Raw(q, RoleObserver).Scan(&zones).Error
	if err != nil {
		return nil, wrap("find schedule heads", err)
	}
	own := map[int64][]string{}
	for _, z := range zones {
		own[z.TeamID] = append(own[z.TeamID], z.Timezone)
	}
	var prog []ScheduleProgress
	if err := g.Find(&prog).Error; err != nil {
		return nil, wrap("find schedule heads", err)
	}
	done := map[int64]ScheduleProgress{}
	for _, p := range prog {
		done[p.CheckInID] = p
	}
	var out []ScheduleHead
	for _, t := range teams {
		if len(byTeam[t.ID]) == 0 {
			continue
		}
		h := ScheduleHead{Team: t, CheckIns: byTeam[t.ID], Zones: []string{t.Timezone}, DoneThrough: map[int64]time.Time{}}
		for _, z := range own[t.ID] {
			if z != t.Timezone {
				h.Zones = append(h.Zones, z)
			}
		}
		for _, c := range h.CheckIns {
			if d, ok := done[c.ID]; ok && d.Schedule == c.Schedule {
				h.DoneThrough[c.ID] = d.DoneThrough
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// FindTeamSchedule returns one team's schedule with its members (see
// FindTeamSchedules).
func (db *DB) FindTeamSchedule(ctx context.Context, t Team, cs []CheckIn) (TeamSchedule, error) {
	type row struct {
		Member
		Role            string
		JoinedAt        time.Time
		TeamPausedUntil *time.Time
		TeamAwayUntil   *time.Time
	}
	var rows []row
	err := db.gorm.WithContext(ctx).Table("members").
		Select("members.*, memberships.role AS role, memberships.created_at AS joined_at, "+teamStateColumns).
		Joins("JOIN memberships ON memberships.member_id = members.id").
		Where("memberships.team_id = ? AND memberships.role <> ?", t.ID, RoleObserver).
		Order("members.id").Scan(&rows).Error
	if err != nil {
		return TeamSchedule{}, wrap("find schedule", err)
	}
	ts := TeamSchedule{Team: t, CheckIns: cs, Members: make([]ScheduledMember, len(rows))}
	for i, r := range rows {
		loc := r.Timezone
		if loc == "" {
			loc = t.Timezone
		}
		teamState{r.TeamPausedUntil, r.TeamAwayUntil}.apply(&r.Member)
		ts.Members[i] = ScheduledMember{Member: r.Member, Role: r.Role, Location: loc, JoinedAt: r.JoinedAt}
	}
	return ts, nil
}

// SetScheduleProgress records that every prompt of the check-in c (under
// its current schedule) due at or before t exists; under the same
// schedule it never moves the progress back (several schedulers may
// record it).
func (db *DB) SetScheduleProgress(ctx context.Context, c *CheckIn, t time.Time) error {
	p := ScheduleProgress{CheckInID: c.ID, Schedule: c.Schedule, DoneThrough: t.UTC()}
	keep := "schedule_progresses.schedule = excluded.schedule AND schedule_progresses.done_through > excluded.done_through"
	err := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "check_in_id"}},
		DoUpdates: clause.Set{
			{Column: clause.Column{Name: "done_through"}, Value: gorm.Expr("CASE WHEN " + keep + " THEN schedule_progresses.done_through ELSE excluded.done_through END")},
			{Column: clause.Column{Name: "schedule"}, Value: gorm.Expr("excluded.schedule")},
		},
	}).Create(&p).Error
	return wrap("set schedule progress", err)
}

// migrateScheduleIndexes adds the partial index FindScheduleHeads reads
// members' own zones from (gorm tags cannot express it).
func (db *DB) migrateScheduleIndexes(ctx context.Context) error {
	err := db.gorm.WithContext(ctx).Exec("CREATE INDEX IF NOT EXISTS ix_members_own_zone ON members (timezone, id) WHERE timezone <> ''").Error
	return wrap("migrate: members zone index", err)
}
