package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// recurrence narrows a weekly schedule to every N weeks or to the Nth
// weekday of the month. The zero value matches every day.
type recurrence struct {
	weeks int // > 1: only weeks whose index since 1970-01-05 ≡ phase (mod weeks)
	phase int
	nth   int // 1..5: the Nth such weekday of the month; -1: the last; 0: any
}

// epochMonday is the Monday weeks are counted from.
var epochMonday = time.Date(1970, 1, 5, 12, 0, 0, 0, time.UTC)

// weekIndex is the number of whole weeks from epochMonday to the calendar
// day of d (read in d's own location).
func weekIndex(d time.Time) int {
	y, m, day := d.Date()
	n := time.Date(y, m, day, 12, 0, 0, 0, time.UTC)
	return int(n.Sub(epochMonday).Hours()) / (24 * 7)
}

// matches reports whether the calendar day d (noon UTC) is one the
// recurrence keeps.
func (r recurrence) matches(d time.Time) bool {
	if r.weeks > 1 && ((weekIndex(d)-r.phase)%r.weeks+r.weeks)%r.weeks != 0 {
		return false
	}
	switch {
	case r.nth > 0:
		return (d.Day()-1)/7+1 == r.nth
	case r.nth < 0:
		return d.AddDate(0, 0, 7).Month() != d.Month()
	}
	return true
}

// isEvery reports whether spec is one of the forms parseEvery reads.
func isEvery(spec string) bool {
	first, _, _ := strings.Cut(strings.ToLower(spec), " ")
	switch first {
	case "every", "monthly", "biweekly", "fortnightly":
		return true
	}
	return false
}

var ordinals = map[string]int{
	"1st": 1, "first": 1, "2nd": 2, "second": 2, "other": 2, "3rd": 3, "third": 3,
	"4th": 4, "fourth": 4, "5th": 5, "fifth": 5, "last": -1,
}

// parseEvery reads the recurring forms of a schedule:
//
//	every tue 15:00                  weekly
//	every 2nd tue 15:00              every second Tuesday (also "every other
//	every 3 weeks tue 15:00          tue", "biweekly tue 15:00"); weeks are
//	every 2nd tue 15:00 from 2026-12-08   counted from 1970-01-05, or so that
//	                                 the week of the "from" date is one
//	monthly 1st tue 15:00            the first Tuesday of each month
//	monthly last fri 16:30           the last Friday of each month
//
// Times are local to the zone each call is given, as for every schedule.
func parseEvery(spec string) (Schedule, error) {
	bad := func(format string, args ...any) (Schedule, error) {
		return Schedule{}, fmt.Errorf("schedule %q: "+format+` (e.g. "every 2nd tue 15:00", "every 3 weeks mon 10:00", "monthly 1st tue 15:00")`,
			append([]any{spec}, args...)...)
	}
	f := strings.Fields(strings.ToLower(spec))
	var from string
	if n := len(f); n >= 2 && f[n-2] == "from" {
		from, f = f[n-1], f[:n-2]
	}
	if len(f) < 3 {
		return bad("want a day and a time")
	}
	clock, days := f[len(f)-1], f[len(f)-2]
	mid := f[1 : len(f)-2]
	var r recurrence
	switch f[0] {
	case "biweekly", "fortnightly":
		r.weeks = 2
		if len(mid) != 0 {
			return bad("unexpected %q", strings.Join(mid, " "))
		}
	case "monthly":
		if len(mid) != 1 || ordinals[mid[0]] == 0 || mid[0] == "other" {
			return bad("monthly needs which weekday of the month: 1st, 2nd, 3rd, 4th, 5th or last")
		}
		r.nth = ordinals[mid[0]]
	case "every":
		switch {
		case len(mid) == 0:
		case len(mid) == 1 && mid[0] == "week":
		case len(mid) == 1 && ordinals[mid[0]] > 0:
			r.weeks = ordinals[mid[0]]
		case len(mid) == 2 && (mid[1] == "weeks" || mid[1] == "week"):
			n, err := strconv.Atoi(mid[0])
			if err != nil || n < 1 || n > 52 {
				return bad("%q is not a number of weeks from 1 to 52", mid[0])
			}
			r.weeks = n
		default:
			return bad("cannot read %q", strings.Join(mid, " "))
		}
	}
	if _, ok := weekdays[days]; !ok {
		return bad("%q is not one weekday (mon, tue, …, sun)", days)
	}
	if from != "" {
		if r.weeks < 2 {
			return bad("\"from\" only applies to every N weeks")
		}
		d, err := time.Parse("2006-01-02", from)
		if err != nil {
			return bad("from %q is not a YYYY-MM-DD date", from)
		}
		r.phase = weekIndex(d) % r.weeks
	}
	s, err := ParseSchedule(days + " " + clock)
	if err != nil {
		return Schedule{}, err
	}
	if r.weeks == 1 {
		r.weeks = 0
	}
	s.spec, s.rec = strings.TrimSpace(spec), r
	return s, nil
}
