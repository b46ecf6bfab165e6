package digest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/tidings-app/tidings/store"
)

// A member's own digest setting (store.MemberPrefs.Digest) against the
// team's schedule:
//
//   - "off": no digest from any team (store.TeamMember.DigestOff).
//   - "weekly" on a team with a weekly schedule, "daily" on a team with a
//     daily one, or no setting: the team's digest.
//   - "daily" on a weekly team: the team's weekly digest, and on every
//     other weekday (Monday to Friday) a daily digest of the updates since
//     the one before, at the team's digest time of day (Schedule.AsDaily)
//     in the team's zone, or in the member's zone when the team has
//     digest_local. On the day the weekly digest goes out there is no
//     daily one: the weekly digest covers that day.
//   - "weekly" on a daily team: instead of the team's daily digests, one
//     weekly roll-up of the week's updates, at the team's time of day on
//     the last working day of its schedule (Schedule.AsWeekly; "mon-fri
//     17:00" gives Friday 17:00).
//
// Those extra sends are Cadence sends (store.SendDigestArgs.Cadence): the
// digest of the derived schedule, to the members who asked for it,
// claimed in the store, deduplicated and given Message-IDs under the
// period key prefixed with the cadence ("daily-2026-11-24",
// "weekly-2026-W48"; see sendKey), so they never collide with the team's
// own, even after the team's schedule changes.

// sendKey is the key a send of p is claimed, deduplicated and named
// under: the period key, prefixed with the cadence for a Cadence send.
func sendKey(p Period) string {
	if p.Cadence == "" {
		return p.Key
	}
	return p.Cadence + "-" + p.Key
}

// cadenceOf is the cadence a member's setting asks for that a team with
// this schedule does not already give, or "".
func cadenceOf(teamWeekly bool) string {
	if teamWeekly {
		return store.DigestDaily
	}
	return store.DigestWeekly
}

// receives reports whether m gets the digest of period p (whose Cadence
// says whether it is the team's own send or a Cadence send).
func receives(m *store.TeamMember, p Period) bool {
	if m.Unsubscribed || m.DigestOff {
		return false
	}
	switch p.Cadence {
	case "":
		return p.Weekly || m.Digest != store.DigestWeekly
	default:
		return m.Digest == p.Cadence
	}
}

// cadenceSchedule is the schedule of a Cadence send of team schedule s.
func cadenceSchedule(s store.Schedule, cadence string) (store.Schedule, error) {
	switch {
	case cadence == store.DigestDaily && s.Weekly():
		return s.AsDaily(), nil
	case cadence == store.DigestWeekly && !s.Weekly():
		return s.AsWeekly(), nil
	}
	return store.Schedule{}, fmt.Errorf("%w: cadence %q does not apply to the schedule %q", ErrBadPeriod, cadence, s)
}

// MemberSchedule is the schedule of the extra digest a member's own
// setting pref (store.DigestDaily, store.DigestWeekly) adds to a team
// whose digest schedule is s: daily digests on the other days of a weekly
// team, or a weekly summary instead of a daily team's digests. ok is false
// when pref asks for nothing the team does not already give.
func MemberSchedule(s store.Schedule, pref string) (store.Schedule, bool) {
	if pref == "" || pref != cadenceOf(s.Weekly()) {
		return store.Schedule{}, false
	}
	d, err := cadenceSchedule(s, pref)
	return d, err == nil
}

// firesOn reports whether s has an occurrence on the local calendar day
// of t in loc.
func firesOn(s store.Schedule, t time.Time, loc *time.Location) bool {
	y, m, d := t.In(loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, loc)
	next := s.Next(day.Add(-time.Nanosecond), loc)
	return !next.IsZero() && next.Before(day.AddDate(0, 0, 1))
}

// dueCadence lists the Cadence sends due at now for team t (schedule
// sched in loc): one per zone of the members asking for the cadence when
// the team has DigestLocal, else one, unless its period is sent already.
// teamMembers reads the team's members (once per tick, shared with
// dueLocal); a team in one zone is not read at all unless the derived
// schedule is due there.
func (s *Scheduler) dueCadence(ctx context.Context, t *store.Team, sched store.Schedule, loc *time.Location, now time.Time,
	teamMembers func() ([]store.TeamMember, error)) ([]store.SendDigestArgs, error) {
	cadence := cadenceOf(sched.Weekly())
	derived, err := cadenceSchedule(sched, cadence)
	if err != nil {
		return nil, err
	}
	if !t.DigestLocal {
		if occ := derived.Prev(now, loc); occ.IsZero() || now.Sub(occ) > s.catchUp {
			return nil, nil
		}
	}
	members, err := teamMembers()
	if err != nil {
		return nil, err
	}
	zones := map[string]bool{}
	for i := range members {
		m := &members[i]
		if m.Digest != cadence || m.Unsubscribed || m.DigestOff {
			continue
		}
		zone := ""
		if t.DigestLocal {
			zone = m.Location
		}
		zones[zone] = true
	}
	if len(zones) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(zones))
	for z := range zones {
		names = append(names, z)
	}
	sort.Strings(names)
	var out []store.SendDigestArgs
	for _, zone := range names {
		l := loc
		if zone != "" {
			if l, err = time.LoadLocation(zone); err != nil {
				continue
			}
		}
		occ := derived.Prev(now, l)
		if occ.IsZero() || now.Sub(occ) > s.catchUp {
			continue
		}
		if cadence == store.DigestDaily && firesOn(sched, occ, l) {
			continue // the team's weekly digest covers that day
		}
		key := derived.Period(occ, l)
		if zone == "" {
			row, err := s.db.DigestFor(ctx, t.ID, sendKey(Period{Key: key, Cadence: cadence}))
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				return nil, fmt.Errorf("digest: schedule: %w", err)
			case row.Status == store.DigestSent:
				continue
			}
		}
		out = append(out, store.SendDigestArgs{TeamID: t.ID, Period: key, Zone: zone, Cadence: cadence})
	}
	return out, nil
}
