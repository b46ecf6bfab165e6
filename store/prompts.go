package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// ScheduledMember is a member who gets a team's prompts.
type ScheduledMember struct {
	Member
	Role     string
	Location string    // effective IANA zone: the member's, else the team's
	JoinedAt time.Time // when the membership was created
}

// TeamSchedule is what the prompt scheduler needs about one team.
type TeamSchedule struct {
	Team     Team
	CheckIns []CheckIn
	Members  []ScheduledMember // observers excluded
}

// FindTeamSchedules returns every team with check-ins, with its check-ins
// and the members who answer them, ordered by team slug and member ID.
func (db *DB) FindTeamSchedules(ctx context.Context) ([]TeamSchedule, error) {
	var teams []Team
	if err := db.gorm.WithContext(ctx).Order("slug").Find(&teams).Error; err != nil {
		return nil, wrap("find schedules", err)
	}
	var out []TeamSchedule
	for _, t := range teams {
		cs, err := db.FindCheckIns(ctx, t.ID)
		if err != nil || len(cs) == 0 {
			if err != nil {
				return nil, err
			}
			continue
		}
		type row struct {
			Member
			Role            string
			JoinedAt        time.Time
			TeamPausedUntil *time.Time
			TeamAwayUntil   *time.Time
		}
		var rows []row
		err = db.gorm.WithContext(ctx).Table("members").
			Select("members.*, memberships.role AS role, memberships.created_at AS joined_at, "+teamStateColumns).
			Joins("JOIN memberships ON memberships.member_id = members.id").
			Where("memberships.team_id = ? AND memberships.role <> ?", t.ID, RoleObserver).
			Order("members.id").Scan(&rows).Error
		if err != nil {
			return nil, wrap("find schedules", err)
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
		out = append(out, ts)
	}
	return out, nil
}

// PromptKey identifies a prompt within a check-in.
type PromptKey struct {
	MemberID int64
	Period   string
}

// PromptKeys returns which of the periods already have a prompt for the
// check-in, by member.
func (db *DB) PromptKeys(ctx context.Context, checkInID int64, periods []string) (map[PromptKey]bool, error) {
	out := map[PromptKey]bool{}
	if len(periods) == 0 {
		return out, nil
	}
	var rows []PromptKey
	err := db.gorm.WithContext(ctx).Model(&Prompt{}).Select("member_id", "period").
		Where("check_in_id = ? AND period IN ?", checkInID, periods).Scan(&rows).Error
	for _, r := range rows {
		out[r] = true
	}
	return out, wrap("find prompt keys", err)
}

// InsertPrompt inserts p unless a prompt for the same check-in, member and
// period exists (then created is false and p is not changed). Several
// schedulers may race: exactly one of them creates the row.
func (db *DB) InsertPrompt(ctx context.Context, p *Prompt) (created bool, err error) {
	res := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "check_in_id"}, {Name: "member_id"}, {Name: "period"}}, DoNothing: true,
	}).Create(p)
	if res.Error != nil {
		return false, wrap("insert prompt", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// PromptByID returns the prompt, or ErrNotFound.
func (db *DB) PromptByID(ctx context.Context, id int64) (*Prompt, error) {
	var p Prompt
	if err := db.gorm.WithContext(ctx).Take(&p, id).Error; err != nil {
		return nil, wrap("find prompt", err)
	}
	return &p, nil
}

// SetPromptMessageID records the Message-ID a prompt was composed with.
func (db *DB) SetPromptMessageID(ctx context.Context, id int64, msgID string) error {
	err := db.gorm.WithContext(ctx).Model(&Prompt{}).Where("id = ?", id).Update("message_id", msgID).Error
	return wrap("set prompt message id", err)
}

// DueReminder is a sent, unanswered prompt whose reminder is due.
type DueReminder struct {
	Prompt  Prompt
	CheckIn CheckIn
}

// DueReminders returns sent prompts with no reminder yet whose check-in
// has a reminder delay that has passed by now and whose window is still
// open at now.
func (db *DB) DueReminders(ctx context.Context, now time.Time) ([]DueReminder, error) {
	var ps []Prompt
	err := db.gorm.WithContext(ctx).Where("status = ? AND reminded_at IS NULL AND expires_at > ?", PromptSent, now.UTC()).
		Order("id").Find(&ps).Error
	if err != nil {
		return nil, wrap("find due reminders", err)
	}
	cache := map[int64]*CheckIn{}
	var out []DueReminder
	for _, p := range ps {
		c, ok := cache[p.CheckInID]
		if !ok {
			if c, err = db.CheckInByID(ctx, p.CheckInID); err != nil && !isNotFound(err) {
				return nil, err
			}
			cache[p.CheckInID] = c
		}
		if c != nil && c.RemindAfter > 0 && p.SentAt != nil && !p.SentAt.Add(c.RemindAfter).After(now) {
			out = append(out, DueReminder{Prompt: p, CheckIn: *c})
		}
	}
	return out, nil
}

// MarkReminded sets the prompt's reminder time if it has none and it is
// still sent (unanswered); ok is false when another scheduler did it first
// or the prompt was answered.
func (db *DB) MarkReminded(ctx context.Context, id int64, at time.Time) (ok bool, err error) {
	res := db.gorm.WithContext(ctx).Model(&Prompt{}).Where("id = ? AND reminded_at IS NULL AND status = ?", id, PromptSent).
		Update("reminded_at", at.UTC())
	return res.RowsAffected == 1, wrap("mark reminded", res.Error)
}

// SetUnsubscribed sets the member's unsubscribed flag; ErrNotFound when
// there is no such member.
func (db *DB) SetUnsubscribed(ctx context.Context, memberID int64, v bool) error {
	res := db.gorm.WithContext(ctx).Model(&Member{}).Where("id = ?", memberID).Update("unsubscribed", v)
	if res.Error == nil && res.RowsAffected == 0 {
		return wrap("set unsubscribed", ErrNotFound)
	}
	return wrap("set unsubscribed", res.Error)
}

// PromptFilter selects prompts for FindPrompts; zero fields match all.
type PromptFilter struct {
	Team   string // slug
	Status string
	Limit  int
}

// PromptRow is a prompt with the names a listing shows.
type PromptRow struct {
	Prompt
	MemberEmail string
	MemberName  string
	TeamSlug    string
	CheckInName string
	Location    string // effective zone of the member
}

// FindPrompts returns matching prompts, newest due first.
func (db *DB) FindPrompts(ctx context.Context, f PromptFilter) ([]PromptRow, error) {
	q := db.gorm.WithContext(ctx).Table("prompts").
		Select(`prompts.*, members.email AS member_email, members.name AS member_name, teams.slug AS team_slug,
			check_ins.name AS check_in_name, COALESCE(NULLIF(members.timezone, ''), teams.timezone) AS location`).
		Joins("JOIN members ON members.id = prompts.member_id").
		Joins("JOIN teams ON teams.id = prompts.team_id").
		Joins("LEFT JOIN check_ins ON check_ins.id = prompts.check_in_id").
		Order("prompts.due_at DESC, prompts.id DESC")
	if f.Team != "" {
		q = q.Where("teams.slug = ?", f.Team)
	}
	if f.Status != "" {
		q = q.Where("prompts.status = ?", f.Status)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var out []PromptRow
	return out, wrap("find prompts", q.Scan(&out).Error)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// InsertPrompts inserts the prompts in one statement, skipping those whose
// check-in, member and period already have a prompt (see InsertPrompt).
// A prompt's ID is kept when set (from ReserveIDs), else assigned.
// Created prompts have their ID; skipped ones are set to ID 0. It returns
// how many were created.
func (db *DB) InsertPrompts(ctx context.Context, ps []*Prompt) (int, error) {
	var created int
	for len(ps) > 0 {
		n := min(len(ps), db.rowsPerInsert())
		c, err := db.insertPrompts(ctx, ps[:n])
		if err != nil {
			return created, err
		}
		created += c
		ps = ps[n:]
	}
	return created, nil
}

// idValue writes "(" and the ID of a row being inserted: a reserved ID as
// an argument, or, for 0, the database's next one.
func (db *DB) idValue(sb *strings.Builder, args []any, id int64) []any {
	switch {
	case id != 0:
		sb.WriteString("(?")
		return append(args, id)
	case db.postgres:
		sb.WriteString("(DEFAULT")
	default:
		sb.WriteString("(NULL") // SQLite: NULL in INTEGER PRIMARY KEY assigns one
	}
	return args
}

// rowsPerInsert is how many rows one multi-row INSERT carries: the SQLite
// driver matches each parameter against every argument, so its
// statements stay small.
func (db *DB) rowsPerInsert() int {
	if db.postgres {
		return 1000
	}
	return 32
}

func (db *DB) insertPrompts(ctx context.Context, ps []*Prompt) (int, error) {
	now := db.now().UTC()
	var sb strings.Builder
	sb.WriteString("INSERT INTO prompts (id, check_in_id, member_id, team_id, period, due_at, expires_at, status, reason, message_id, created_at, updated_at) VALUES ")
	args := make([]any, 0, len(ps)*12)
	for i, p := range ps {
		if i > 0 {
			sb.WriteString(",")
		}
		args = db.idValue(&sb, args, p.ID)
		sb.WriteString(",?,?,?,?,?,?,?,?,?,?,?)")
		p.CreatedAt, p.UpdatedAt = now, now
		args = append(args, p.CheckInID, p.MemberID, p.TeamID, p.Period, p.DueAt.UTC(), p.ExpiresAt.UTC(), p.Status, p.Reason, p.MessageID, now, now)
	}
	sb.WriteString(" ON CONFLICT (check_in_id, member_id, period) DO NOTHING RETURNING id, check_in_id, member_id, period")
	type key struct {
		c, m int64
		p    string
	}
	ids := make(map[key]int64, len(ps))
	err := db.returning(ctx, sb.String(), args, func(scan func(...any) error) error {
		var k key
		var id int64
		if err := scan(&id, &k.c, &k.m, &k.p); err != nil {
			return err
		}
		ids[k] = id
		return nil
	})
	if err != nil {
		return 0, wrap("insert prompts", err)
	}
	for _, p := range ps {
		p.ID = ids[key{p.CheckInID, p.MemberID, p.Period}]
	}
	return len(ids), nil
}

// SetPromptMessageIDs records the Message-IDs of several prompts (by ID)
// in one UPDATE … FROM (VALUES …) statement.
func (db *DB) SetPromptMessageIDs(ctx context.Context, ids map[int64]string) error {
	if len(ids) == 0 {
		return nil
	}
	vals := make([]idText, 0, len(ids))
	for id, v := range ids {
		vals = append(vals, idText{id, v})
	}
	return wrap("set prompt message ids", db.setByID(ctx, "prompts", "message_id", vals, ""))
}

// SuppressedAmong returns which of addrs are suppressed (lowercased keys).
func (db *DB) SuppressedAmong(ctx context.Context, addrs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(addrs) == 0 {
		return out, nil
	}
	lower := make([]string, len(addrs))
	for i, a := range addrs {
		lower[i] = strings.ToLower(a)
	}
	var hit []string
	err := db.gorm.WithContext(ctx).Model(&Suppression{}).Where("address IN ?", lower).Pluck("address", &hit).Error
	for _, a := range hit {
		out[a] = true
	}
	return out, wrap("check suppressions", err)
}

// OpenActionItemsOf returns the open action items (from filed notes) of
// several members at once, keyed by owner, in OpenActionItems' order.
func (db *DB) OpenActionItemsOf(ctx context.Context, memberIDs []int64) (map[int64][]ActionItemNote, error) {
	out := map[int64][]ActionItemNote{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	var rows []ActionItemNote
	err := db.gorm.WithContext(ctx).Table("action_items").
		Select("action_items.*, meeting_notes.title AS note_title, meeting_notes.meeting_date AS meeting_date").
		Joins("JOIN meeting_notes ON meeting_notes.id = action_items.note_id").
		Where("action_items.owner_member_id IN ? AND action_items.status = ? AND meeting_notes.status = ?",
			memberIDs, ActionOpen, NoteFiled).
		Order("action_items.due IS NULL, action_items.due, action_items.id").Scan(&rows).Error
	for _, r := range rows {
		out[*r.OwnerMemberID] = append(out[*r.OwnerMemberID], r)
	}
	return out, wrap("find open action items", err)
}
