package store

import (
	"fmt"
	"math/bits"
)

// Digest cadences a member can ask for against the team's schedule (see
// MemberPrefs.Digest): a member's "daily" on a weekly team, or "weekly"
// on a daily team, is served by a schedule derived from the team's.

// AsDaily returns the daily schedule derived from s: s's first time of
// day, Monday to Friday ("mon-fri 17:00" for "fri 17:00"). Its period
// keys are dates, never ISO weeks, so they cannot collide with a weekly
// schedule's.
func (s Schedule) AsDaily() Schedule {
	h, m := s.firstClock()
	out, _ := ParseSchedule(fmt.Sprintf("mon-fri %02d:%02d", h, m))
	return out
}

// AsWeekly returns the weekly schedule derived from s: s's first time of
// day on the last working day s fires on (Friday for "mon-fri 17:00";
// the last day of the week in Monday-to-Sunday order when s fires on no
// weekday from Monday to Friday). Its period keys are ISO weeks, which a
// daily schedule's never are.
func (s Schedule) AsWeekly() Schedule {
	h, m := s.firstClock()
	day := -1
	for _, d := range []int{1, 2, 3, 4, 5} {
		if s.dow&(1<<uint(d)) != 0 {
			day = d
		}
	}
	if day < 0 {
		for _, d := range []int{6, 0} {
			if s.dow&(1<<uint(d)) != 0 {
				day = d
			}
		}
	}
	if day < 0 {
		day = 5
	}
	names := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	out, _ := ParseSchedule(fmt.Sprintf("%s %02d:%02d", names[day], h, m))
	return out
}

// firstClock is the earliest time of day s fires at.
func (s Schedule) firstClock() (h, m int) {
	return bits.TrailingZeros64(s.hour) % 64, bits.TrailingZeros64(s.minute) % 64
}
