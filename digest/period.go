package digest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// ErrBadPeriod means a period key does not name a period of the schedule.
var ErrBadPeriod = errors.New("digest: bad period")

// Period is the stretch of time one digest covers: prompts due in
// [Start, End) count, and End is the schedule's occurrence at which the
// digest goes out. Key is the store's period key ("2026-W48" for a weekly
// schedule, "2026-11-24" for a daily one).
type Period struct {
	Key        string
	Start, End time.Time
	Weekly     bool
	Loc        *time.Location
	// Cadence is "" for the team's own digest, or store.DigestDaily /
	// store.DigestWeekly for the digest of a schedule derived from the
	// team's, sent to the members who asked for that cadence only.
	Cadence string
}

// Label names the period for people: "week of 23 Nov" or "Tue 24 Nov".
func (p Period) Label() string {
	if p.Weekly {
		return "week of " + p.Monday().Format("2 Jan")
	}
	return p.End.In(p.Loc).Format("Mon 2 Jan")
}

// Noun is "week" or "day", for sentences such as "No reply this week".
func (p Period) Noun() string {
	if p.Weekly {
		return "week"
	}
	return "day"
}

// Monday is the start of the ISO week that contains End, in Loc.
func (p Period) Monday() time.Time {
	e := p.End.In(p.Loc)
	back := (int(e.Weekday()) + 6) % 7
	y, m, d := e.AddDate(0, 0, -back).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, p.Loc)
}

// PeriodEnding returns the period whose digest goes out at occ, an
// occurrence of s in loc: it starts at the occurrence before.
func PeriodEnding(s store.Schedule, occ time.Time, loc *time.Location) Period {
	start := s.Prev(occ.Add(-time.Second), loc)
	if start.IsZero() {
		start = occ.AddDate(0, 0, -7)
	}
	return Period{Key: s.Period(occ, loc), Start: start, End: occ, Weekly: s.Weekly(), Loc: loc}
}

// CurrentPeriod returns the period in progress at now: the one whose digest
// goes out at the next occurrence of s.
func CurrentPeriod(s store.Schedule, now time.Time, loc *time.Location) Period {
	return PeriodEnding(s, s.Next(now.Add(-time.Second), loc), loc)
}

// ParsePeriod returns the period of s named by key: an ISO week
// ("2026-W48") for a weekly schedule, or a date ("2026-11-24"), which for a
// weekly schedule names the week containing it. It returns an error
// wrapping ErrBadPeriod when key is malformed or the schedule has no
// occurrence in it.
func ParsePeriod(s store.Schedule, key string, loc *time.Location) (Period, error) {
	from, to, err := periodBounds(s, key, loc)
	if err != nil {
		return Period{}, err
	}
	occ := s.Next(from.Add(-time.Nanosecond), loc)
	if occ.IsZero() || !occ.Before(to) {
		return Period{}, fmt.Errorf("%w: schedule %q has no occurrence in %s", ErrBadPeriod, s, key)
	}
	return PeriodEnding(s, occ, loc), nil
}

// periodBounds is the local calendar span [from, to) that key names.
func periodBounds(s store.Schedule, key string, loc *time.Location) (time.Time, time.Time, error) {
	if ys, ws, ok := strings.Cut(key, "-W"); ok {
		y, err1 := strconv.Atoi(ys)
		w, err2 := strconv.Atoi(ws)
		if err1 != nil || err2 != nil || w < 1 || w > 53 || len(ws) != 2 {
			return time.Time{}, time.Time{}, fmt.Errorf("%w: %q is not an ISO week like 2026-W48", ErrBadPeriod, key)
		}
		if !s.Weekly() {
			return time.Time{}, time.Time{}, fmt.Errorf("%w: the digest schedule %q is not weekly: name a date", ErrBadPeriod, s)
		}
		mon := isoMonday(y, w, loc)
		if gy, gw := mon.ISOWeek(); gy != y || gw != w {
			return time.Time{}, time.Time{}, fmt.Errorf("%w: %d has no week %d", ErrBadPeriod, y, w)
		}
		return mon, mon.AddDate(0, 0, 7), nil
	}
	day, err := time.ParseInLocation("2006-01-02", key, loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("%w: %q is neither a date (2026-11-24) nor a week (2026-W48)", ErrBadPeriod, key)
	}
	if s.Weekly() {
		y, w := day.ISOWeek()
		mon := isoMonday(y, w, loc)
		return mon, mon.AddDate(0, 0, 7), nil
	}
	return day, day.AddDate(0, 0, 1), nil
}

// isoMonday is local midnight of the Monday of ISO week w of year y.
func isoMonday(y, w int, loc *time.Location) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, loc) // always in week 1
	back := (int(jan4.Weekday()) + 6) % 7
	return jan4.AddDate(0, 0, -back+7*(w-1))
}
