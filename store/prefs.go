package store

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ParseDays checks a working-days setting ("mon-thu", "mon,wed,fri",
// "weekdays", "daily") and returns it normalised to lower case.
func ParseDays(s string) (string, error) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if _, err := parseDays(s); err != nil {
		return "", fmt.Errorf("store: days %q: %w", s, err)
	}
	return s, nil
}

// ParseClock checks a "HH:MM" time of day and returns it as written.
func ParseClock(s string) (string, error) {
	s = strings.TrimSpace(s)
	h, m, err := parseClock(s)
	if err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	return fmt.Sprintf("%02d:%02d", h, m), nil
}

// ForMember returns the schedule as a member with working days (a
// ParseDays value, "" for the check-in's) and a prompt time ("HH:MM", ""
// for the check-in's) gets it, and the member's working days as a weekday
// bit set (bit 0 Sunday). The time replaces the check-in's when it fires
// once a day; the days replace the check-in's when it fires on several
// days a week. A weekly check-in keeps its day: the caller skips an
// occurrence outside the working days (see OnWorkingDay). Period keys
// must still come from the original schedule.
func (s Schedule) ForMember(days, at string) (Schedule, uint64, error) {
	work := fullBits(0, 6)
	if days != "" {
		d, err := parseDays(days)
		if err != nil {
			return s, work, fmt.Errorf("store: days %q: %w", days, err)
		}
		work = d
		if s.domStar && bits.OnesCount64(s.dow) > 1 {
			s.dow, s.dowStar = d, d == fullBits(0, 6)
		}
	}
	if at != "" && s.timesPerDay() == 1 {
		h, m, err := parseClock(at)
		if err != nil {
			return s, work, fmt.Errorf("store: %w", err)
		}
		s.hour, s.minute = 1<<h, 1<<m
	}
	return s, work, nil
}

// OnWorkingDay reports whether t, read in loc, falls on one of the days
// of the bit set ForMember returned.
func OnWorkingDay(t time.Time, loc *time.Location, work uint64) bool {
	return work&(1<<uint(t.In(loc).Weekday())) != 0
}

// PrefsChange is a change of a member's own settings; nil fields are left
// alone and "" resets a setting to the configuration's.
type PrefsChange struct {
	Timezone *string
	PromptAt *string
	Days     *string
	Digest   *string
}

// MemberPrefsOf returns the member's settings (zero values when none).
func (db *DB) MemberPrefsOf(ctx context.Context, memberID int64) (MemberPrefs, error) {
	p := MemberPrefs{MemberID: memberID}
	err := db.gorm.WithContext(ctx).Take(&p, memberID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return MemberPrefs{MemberID: memberID}, nil
	}
	return p, wrap("find member settings", err)
}

// SetMemberPrefs applies ch (values already validated) and records one
// event per changed setting; it returns the settings before and after.
// A time zone is also written to Member.Timezone, which every reader
// uses; resetting it restores the configured zone.
func (db *DB) SetMemberPrefs(ctx context.Context, memberID int64, ch PrefsChange, actor string, inboundID int64) (before, after MemberPrefs, err error) {
	err = db.InTx(ctx, func(tx *DB) error {
		m, err := tx.MemberByID(ctx, memberID)
		if err != nil {
			return err
		}
		if before, err = tx.MemberPrefsOf(ctx, memberID); err != nil {
			return err
		}
		after = before
		var evs []MemberEvent
		set := func(name string, field *string, v *string) {
			if v == nil || *field == *v {
				return
			}
			detail := fmt.Sprintf("%s: %s → %s", name, orDefault(*field), orDefault(*v))
			*field = *v
			e := MemberEvent{MemberID: memberID, Actor: actor, Action: "setting", Detail: detail}
			if inboundID != 0 {
				e.InboundID = &inboundID
			}
			evs = append(evs, e)
		}
		if ch.Timezone != nil && before.Timezone == "" && *ch.Timezone != "" {
			after.ConfigTimezone = m.Timezone
		}
		set("timezone", &after.Timezone, ch.Timezone)
		set("prompt at", &after.PromptAt, ch.PromptAt)
		set("days", &after.Days, ch.Days)
		set("digest", &after.Digest, ch.Digest)
		if len(evs) == 0 {
			return nil
		}
		if after.Timezone != before.Timezone {
			zone := after.Timezone
			if zone == "" {
				zone = after.ConfigTimezone
			}
			if err := tx.gorm.WithContext(ctx).Model(&Member{}).Where("id = ?", memberID).Update("timezone", zone).Error; err != nil {
				return wrap("set member zone", err)
			}
		}
		after.UpdatedAt = tx.now().UTC()
		if err := tx.gorm.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&after).Error; err != nil {
			return wrap("save member settings", err)
		}
		return tx.RecordEvents(ctx, evs...)
	})
	return before, after, err
}

func orDefault(s string) string {
	if s == "" {
		return "default"
	}
	return s
}

// ScheduleExtras is what the prompt scheduler needs beyond
// FindTeamSchedules: members' own settings, prompt opt-outs and holidays.
type ScheduleExtras struct {
	Prefs    map[int64]MemberPrefs        // by member
	Optouts  map[int64]map[int64]bool     // check-in → member → stopped
	Holidays map[int64]map[string]Holiday // team → YYYY-MM-DD → holiday
}

// LoadScheduleExtras loads the ScheduleExtras of every member and team.
func (db *DB) LoadScheduleExtras(ctx context.Context) (*ScheduleExtras, error) {
	x := &ScheduleExtras{Prefs: map[int64]MemberPrefs{}, Optouts: map[int64]map[int64]bool{}, Holidays: map[int64]map[string]Holiday{}}
	g := db.gorm.WithContext(ctx)
	var ps []MemberPrefs
	if err := g.Find(&ps).Error; err != nil {
		return nil, wrap("load member settings", err)
	}
	for _, p := range ps {
		x.Prefs[p.MemberID] = p
	}
	var os []Optout
	if err := g.Where("kind = ?", OptoutPrompts).Find(&os).Error; err != nil {
		return nil, wrap("load opt-outs", err)
	}
	for _, o := range os {
		if x.Optouts[o.TargetID] == nil {
			x.Optouts[o.TargetID] = map[int64]bool{}
		}
		x.Optouts[o.TargetID][o.MemberID] = true
	}
	var hs []Holiday
	if err := g.Find(&hs).Error; err != nil {
		return nil, wrap("load holidays", err)
	}
	for _, h := range hs {
		if x.Holidays[h.TeamID] == nil {
			x.Holidays[h.TeamID] = map[string]Holiday{}
		}
		x.Holidays[h.TeamID][h.Date] = h
	}
	return x, nil
}

// TeamHolidays returns the team's holidays from the calendar day from to
// the day to (YYYY-MM-DD, both included), in order. The digest shows
// them as "no check-in: holiday"; the prompts skipped for them carry a
// Reason starting with HolidayReason and never count as misses.
func (db *DB) TeamHolidays(ctx context.Context, teamID int64, from, to string) ([]Holiday, error) {
	var out []Holiday
	err := db.gorm.WithContext(ctx).Where("team_id = ? AND date >= ? AND date <= ?", teamID, from, to).
		Order("date").Find(&out).Error
	return out, wrap("find holidays", err)
}

// IsHoliday reports whether a prompt's Reason says it was skipped for a
// holiday.
func IsHoliday(reason string) bool { return strings.HasPrefix(reason, HolidayReason) }

// digestOff returns the members of the team who get no digest from it
// (an opt-out from its digest or their own "digest off"), and every
// member's own digest setting (daily, weekly, off), by member.
func (db *DB) digestOff(ctx context.Context, teamID int64) (map[int64]bool, map[int64]string, error) {
	out := map[int64]bool{}
	var ids []int64
	err := db.gorm.WithContext(ctx).Model(&Optout{}).Where("kind = ? AND target_id = ?", OptoutDigest, teamID).
		Pluck("member_id", &ids).Error
	if err != nil {
		return nil, nil, wrap("find digest opt-outs", err)
	}
	var ps []MemberPrefs
	err = db.gorm.WithContext(ctx).Select("member_id", "digest").
		Where("digest <> '' AND member_id IN (SELECT member_id FROM memberships WHERE team_id = ?)", teamID).Find(&ps).Error
	if err != nil {
		return nil, nil, wrap("find digest settings", err)
	}
	prefs := make(map[int64]string, len(ps))
	for _, p := range ps {
		prefs[p.MemberID] = p.Digest
		if p.Digest == DigestOff {
			out[p.MemberID] = true
		}
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, prefs, nil
}
