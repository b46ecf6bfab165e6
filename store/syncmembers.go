package store

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"gorm.io/gorm"
)

// event records a config change in a member's history.
func (s *syncer) event(memberID, teamID int64, action, detail string) error {
	e := MemberEvent{MemberID: memberID, TeamID: &teamID, Actor: ActorConfig, Action: action, Detail: detail, At: s.now}
	return wrap("record member event", s.g.Create(&e).Error)
}

// joined records a membership created by the sync. A member added back
// after being removed from every team keeps their history but not a stale
// pause or away period; an unsubscribed one stays unsubscribed (their own
// choice) and the lead is told.
func (s *syncer) joined(m *Member, t *Team) error {
	if err := s.event(m.ID, t.ID, "joined", "added to "+t.Slug); err != nil {
		return err
	}
	if s.fresh[m.ID] {
		return nil
	}
	var others int64
	if err := s.g.Model(&Membership{}).Where("member_id = ? AND team_id <> ?", m.ID, t.ID).Count(&others).Error; err != nil {
		return wrap("count memberships", err)
	}
	if others > 0 {
		return nil
	}
	if m.PausedUntil != nil || m.AwayUntil != nil {
		err := s.g.Model(&Member{}).Where("id = ?", m.ID).Updates(map[string]any{"paused_until": nil, "away_until": nil}).Error
		if err != nil {
			return wrap("clear stale pause", err)
		}
		m.PausedUntil, m.AwayUntil = nil, nil
		if err := s.event(m.ID, t.ID, "resumed", "added back: pause and away from before cleared"); err != nil {
			return err
		}
		s.ch.Notes = append(s.ch.Notes, fmt.Sprintf("%s was added back: their old pause/away was cleared", m.Email))
	}
	if m.Unsubscribed {
		s.ch.Notes = append(s.ch.Notes, fmt.Sprintf("%s is unsubscribed from all email (their choice); "+
			"they can reply \"subscribe\", or run `tidings members resubscribe %s` if they asked you", m.Email, m.Email))
	}
	return nil
}

// ownZone reports whether the member set their own time zone by email,
// which then stays in force; the configured zone is remembered as the
// default to go back to.
func (s *syncer) ownZone(m *Member, cfgZone string) (bool, error) {
	var p MemberPrefs
	err := s.g.Take(&p, m.ID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil {
		return false, wrap("find member settings", err)
	}
	if p.Timezone == "" {
		return false, nil
	}
	if p.ConfigTimezone != cfgZone {
		if err := s.g.Model(&p).Update("config_timezone", cfgZone).Error; err != nil {
			return false, wrap("update member settings", err)
		}
		s.ch.Notes = append(s.ch.Notes, fmt.Sprintf("%s: configured time zone is now %q, but the zone they set by email (%s) "+
			"stays in force until they write \"timezone default\"", m.Email, cfgZone, p.Timezone))
	}
	return true, nil
}

// aliases is the configured aliases plus those the member confirmed by
// link, which apply does not remove.
func (s *syncer) aliases(m *Member, cfg []string) ([]string, error) {
	out := lower(cfg)
	var confirmed []string
	err := s.g.Model(&Confirmation{}).Where("member_id = ? AND kind = ? AND status = ?", m.ID, ConfirmAlias, ConfirmDone).
		Order("id").Pluck("address", &confirmed).Error
	if err != nil {
		return nil, wrap("find confirmed aliases", err)
	}
	for _, a := range confirmed {
		if !slices.Contains(out, a) && a != m.Email {
			out = append(out, a)
		}
	}
	return out, nil
}

// syncHolidays makes the team's holidays match specs.
func (s *syncer) syncHolidays(t *Team, specs []HolidaySpec) error {
	var have []Holiday
	if err := s.g.Where("team_id = ?", t.ID).Find(&have).Error; err != nil {
		return wrap("find holidays", err)
	}
	byDate := map[string]*Holiday{}
	for i := range have {
		byDate[have[i].Date] = &have[i]
	}
	want := map[string]string{}
	for _, h := range specs {
		want[h.Date] = h.Name
	}
	dates := make([]string, 0, len(want))
	for d := range want {
		dates = append(dates, d)
	}
	sort.Strings(dates)
	var added, changed int
	for _, d := range dates {
		cur, ok := byDate[d]
		delete(byDate, d)
		switch {
		case !ok:
			if err := s.g.Create(&Holiday{TeamID: t.ID, Date: d, Name: want[d]}).Error; err != nil {
				return wrap("create holiday", err)
			}
			added++
		case cur.Name != want[d]:
			if err := s.g.Model(cur).Update("name", want[d]).Error; err != nil {
				return wrap("update holiday", err)
			}
			changed++
		}
	}
	for _, h := range byDate {
		if err := s.g.Delete(h).Error; err != nil {
			return wrap("delete holiday", err)
		}
	}
	if added > 0 {
		s.ch.Created = append(s.ch.Created, fmt.Sprintf("%d holiday(s) in %s", added, t.Slug))
	}
	if changed > 0 {
		s.ch.Changed = append(s.ch.Changed, fmt.Sprintf("%d holiday name(s) in %s", changed, t.Slug))
	}
	if len(byDate) > 0 {
		s.ch.Removed = append(s.ch.Removed, fmt.Sprintf("%d holiday(s) in %s", len(byDate), t.Slug))
	}
	return nil
}
