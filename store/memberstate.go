package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MemberChange is a change of a member's state. Nil fields are left
// alone; Resume clears AwayUntil and PausedUntil, member-wide and of
// every team (and wins over them); Resubscribe clears Unsubscribed and
// the member's opt-outs (only those of TeamID's digest and check-ins when
// TeamID is set). With TeamID set, AwayUntil and PausedUntil hold that
// team's prompts only, and Resume ends the pause and away in force in
// that team only (a member-wide one stays on the other teams; see
// changeTeamState); ErrNotFound when the member is not in the team. Every change that
// alters something is recorded as a MemberEvent with Actor (required) and
// InboundID (optional).
type MemberChange struct {
	AwayUntil    *time.Time
	PausedUntil  *time.Time
	Resume       bool
	Unsubscribed *bool
	Resubscribe  bool
	TeamID       int64
	Actor        string
	InboundID    int64
}

// ChangeResult says what ChangeMember changed, for confirmations.
type ChangeResult struct {
	Resumed      []string // "paused until …", "away until …" that were cleared
	Resubscribed []string // what was stopped and no longer is
}

// ChangeMember applies ch to the member and records the events;
// ErrNotFound when there is no such member.
func (db *DB) ChangeMember(ctx context.Context, id int64, ch MemberChange) error {
	_, err := db.ChangeMemberState(ctx, id, ch)
	return err
}

// ChangeMemberState is ChangeMember, also saying what was undone.
func (db *DB) ChangeMemberState(ctx context.Context, id int64, ch MemberChange) (ChangeResult, error) {
	var res ChangeResult
	err := db.InTx(ctx, func(tx *DB) error {
		var m Member
		if err := tx.gorm.WithContext(ctx).Take(&m, id).Error; err != nil {
			return wrap(fmt.Sprintf("change member %d", id), err)
		}
		now := tx.now().UTC()
		set := map[string]any{}
		var evs []MemberEvent
		ev := func(action, detail string) {
			e := MemberEvent{MemberID: id, Actor: ch.Actor, Action: action, Detail: detail, At: now}
			if ch.InboundID != 0 {
				e.InboundID = &ch.InboundID
			}
			evs = append(evs, e)
		}
		if ch.TeamID != 0 && (ch.Resume || ch.AwayUntil != nil || ch.PausedUntil != nil) {
			tev := func(action, detail string, teamID int64) {
				ev(action, detail)
				evs[len(evs)-1].TeamID = &teamID
			}
			if err := tx.changeTeamState(ctx, &m, ch, now, tev, &res); err != nil {
				return err
			}
			ch.AwayUntil, ch.PausedUntil, ch.Resume = nil, nil, false
		}
		if ch.AwayUntil != nil && !ch.Resume {
			set["away_until"] = ch.AwayUntil.UTC()
			ev("away", "until "+ch.AwayUntil.UTC().Format(time.RFC3339))
		}
		if ch.PausedUntil != nil && !ch.Resume {
			set["paused_until"] = ch.PausedUntil.UTC()
			ev("paused", "until "+ch.PausedUntil.UTC().Format(time.RFC3339))
		}
		if ch.Resume {
			loc := tx.memberLoc(ctx, &m)
			if m.PausedUntil != nil && m.PausedUntil.After(now) {
				res.Resumed = append(res.Resumed, "paused until "+m.PausedUntil.Add(-time.Second).In(loc).Format("2006-01-02"))
			}
			if m.AwayUntil != nil && m.AwayUntil.After(now) {
				res.Resumed = append(res.Resumed, "away until "+m.AwayUntil.Add(-time.Second).In(loc).Format("2006-01-02"))
			}
			if m.PausedUntil != nil || m.AwayUntil != nil {
				set["away_until"], set["paused_until"] = nil, nil
			}
			teams, err := tx.resumeAllTeams(ctx, &m, now)
			if err != nil {
				return err
			}
			res.Resumed = append(res.Resumed, teams...)
			if len(res.Resumed) > 0 {
				ev("resumed", "was "+strings.Join(res.Resumed, ", "))
			}
		}
		if ch.Unsubscribed != nil && *ch.Unsubscribed && !m.Unsubscribed {
			set["unsubscribed"] = true
			ev("unsubscribed", "all email")
		}
		if ch.Unsubscribed != nil && !*ch.Unsubscribed && m.Unsubscribed && !ch.Resubscribe {
			set["unsubscribed"] = false
			res.Resubscribed = append(res.Resubscribed, "all email")
			ev("resubscribed", "all email")
		}
		if ch.Resubscribe {
			if m.Unsubscribed {
				set["unsubscribed"] = false
				res.Resubscribed = append(res.Resubscribed, "all email")
			}
			gone, err := tx.dropOptouts(ctx, id, ch.TeamID)
			if err != nil {
				return err
			}
			res.Resubscribed = append(res.Resubscribed, gone...)
			if len(res.Resubscribed) > 0 {
				ev("resubscribed", strings.Join(res.Resubscribed, ", "))
			}
		}
		if len(set) > 0 {
			if err := tx.gorm.WithContext(ctx).Model(&Member{}).Where("id = ?", id).Updates(set).Error; err != nil {
				return wrap("change member", err)
			}
		}
		return tx.RecordEvents(ctx, evs...)
	})
	return res, err
}

// dropOptouts deletes the member's opt-outs (of teamID's digest and
// check-ins only, when not 0) and describes them.
func (db *DB) dropOptouts(ctx context.Context, memberID, teamID int64) ([]string, error) {
	os, err := db.Optouts(ctx, memberID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range os {
		desc, team, err := db.describeOptout(ctx, o)
		if err != nil {
			return nil, err
		}
		if teamID != 0 && team != teamID {
			continue
		}
		if err := db.gorm.WithContext(ctx).Delete(&Optout{}, o.ID).Error; err != nil {
			return nil, wrap("drop opt-out", err)
		}
		out = append(out, desc)
	}
	return out, nil
}

// describeOptout names what o stops ("platform digest", "platform/daily
// prompts") and the team it belongs to (0 when gone).
func (db *DB) describeOptout(ctx context.Context, o Optout) (string, int64, error) {
	g := db.gorm.WithContext(ctx)
	switch o.Kind {
	case OptoutDigest:
		var t Team
		if err := g.Take(&t, o.TargetID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return "digest of a removed team", 0, nil
			}
			return "", 0, wrap("describe opt-out", err)
		}
		return t.Slug + " digest", t.ID, nil
	default:
		var c CheckIn
		if err := g.Take(&c, o.TargetID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return "prompts of a removed check-in", 0, nil
			}
			return "", 0, wrap("describe opt-out", err)
		}
		var t Team
		if err := g.Take(&t, c.TeamID).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return "", 0, wrap("describe opt-out", err)
		}
		return t.Slug + "/" + c.Name + " prompts", c.TeamID, nil
	}
}

// RecordEvents stores events, stamping At when zero.
func (db *DB) RecordEvents(ctx context.Context, evs ...MemberEvent) error {
	if len(evs) == 0 {
		return nil
	}
	for i := range evs {
		if evs[i].At.IsZero() {
			evs[i].At = db.now().UTC()
		}
		if evs[i].Actor == "" {
			evs[i].Actor = "unknown"
		}
	}
	return wrap("record member events", db.gorm.WithContext(ctx).Create(&evs).Error)
}

// MemberHistory returns the member's events, oldest first.
func (db *DB) MemberHistory(ctx context.Context, memberID int64) ([]MemberEvent, error) {
	var out []MemberEvent
	err := db.gorm.WithContext(ctx).Where("member_id = ?", memberID).Order("at, id").Find(&out).Error
	return out, wrap("member history", err)
}

// OptOut stops one kind of mail (OptoutDigest of team targetID, or
// OptoutPrompts of check-in targetID) for the member and records it;
// created is false when it was stopped already.
func (db *DB) OptOut(ctx context.Context, memberID int64, kind string, targetID int64, actor string) (created bool, err error) {
	err = db.InTx(ctx, func(tx *DB) error {
		o := Optout{MemberID: memberID, Kind: kind, TargetID: targetID, Via: actor, CreatedAt: tx.now().UTC()}
		res := tx.gorm.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&o)
		if res.Error != nil {
			return wrap("opt out", res.Error)
		}
		if created = res.RowsAffected == 1; !created {
			return nil
		}
		desc, team, err := tx.describeOptout(ctx, o)
		if err != nil {
			return err
		}
		e := MemberEvent{MemberID: memberID, Actor: actor, Action: "unsubscribed", Detail: desc}
		if team != 0 {
			e.TeamID = &team
		}
		if kind == OptoutPrompts {
			e.CheckInID = &targetID
		}
		return tx.RecordEvents(ctx, e)
	})
	return created, err
}

// OptIn undoes OptOut and records it; removed is false when nothing was
// stopped.
func (db *DB) OptIn(ctx context.Context, memberID int64, kind string, targetID int64, actor string) (removed bool, err error) {
	err = db.InTx(ctx, func(tx *DB) error {
		var o Optout
		err := tx.gorm.WithContext(ctx).Where("member_id = ? AND kind = ? AND target_id = ?", memberID, kind, targetID).Take(&o).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return wrap("opt in", err)
		}
		desc, team, err := tx.describeOptout(ctx, o)
		if err != nil {
			return err
		}
		if err := tx.gorm.WithContext(ctx).Delete(&Optout{}, o.ID).Error; err != nil {
			return wrap("opt in", err)
		}
		removed = true
		e := MemberEvent{MemberID: memberID, Actor: actor, Action: "resubscribed", Detail: desc}
		if team != 0 {
			e.TeamID = &team
		}
		return tx.RecordEvents(ctx, e)
	})
	return removed, err
}

// Optouts returns the member's opt-outs, oldest first.
func (db *DB) Optouts(ctx context.Context, memberID int64) ([]Optout, error) {
	var out []Optout
	err := db.gorm.WithContext(ctx).Where("member_id = ?", memberID).Order("id").Find(&out).Error
	return out, wrap("find opt-outs", err)
}

// OptedOut reports whether the member stopped kind for targetID.
func (db *DB) OptedOut(ctx context.Context, memberID int64, kind string, targetID int64) (bool, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&Optout{}).
		Where("member_id = ? AND kind = ? AND target_id = ?", memberID, kind, targetID).Count(&n).Error
	return n > 0, wrap("check opt-out", err)
}

// MemberSuppressions returns the suppressions of the member's address and
// aliases.
func (db *DB) MemberSuppressions(ctx context.Context, m *Member) ([]Suppression, error) {
	addrs := append([]string{m.Email}, m.Aliases...)
	var out []Suppression
	err := db.gorm.WithContext(ctx).Where("address IN ?", lower(addrs)).Order("id").Find(&out).Error
	return out, wrap("find suppressions", err)
}

// Unsuppress lifts the suppressions of the member's addresses, records it
// and returns the lifted ones (none: nothing was suppressed).
func (db *DB) Unsuppress(ctx context.Context, memberID int64, actor string) ([]Suppression, error) {
	var gone []Suppression
	err := db.InTx(ctx, func(tx *DB) error {
		m, err := tx.MemberByID(ctx, memberID)
		if err != nil {
			return err
		}
		if gone, err = tx.MemberSuppressions(ctx, m); err != nil || len(gone) == 0 {
			return err
		}
		for _, s := range gone {
			if err := tx.gorm.WithContext(ctx).Delete(&Suppression{}, s.ID).Error; err != nil {
				return wrap("unsuppress", err)
			}
			e := MemberEvent{MemberID: memberID, Actor: actor, Action: "unsuppressed", Detail: s.Address + " (was: " + s.Reason + ")"}
			if err := tx.RecordEvents(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	return gone, err
}

// suppressEvent records a new suppression in the history of the member
// whose address it is, if any. A bounce reason makes the actor "bounce".
func (db *DB) suppressEvent(ctx context.Context, addr, reason string) error {
	m, err := db.MemberByAddress(ctx, addr)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return db.RecordEvents(ctx, MemberEvent{MemberID: m.ID, Actor: ActorBounce, Action: "suppressed", Detail: addr + ": " + reason})
}

// memberLoc is the member's zone, else their first team's, else UTC.
func (db *DB) memberLoc(ctx context.Context, m *Member) *time.Location {
	zone := m.Timezone
	if zone == "" {
		if ts, err := db.TeamsOf(ctx, m.ID); err == nil && len(ts) > 0 {
			zone = ts[0].Timezone
		}
	}
	if loc, err := time.LoadLocation(zone); err == nil && zone != "" {
		return loc
	}
	return time.UTC
}
