package digest

import (
	"strings"
	"time"
)

// Days are the calendar days, in the team's zone, a digest speaks of:
// First and Last (midnight, inclusive).
type Days struct{ First, Last time.Time }

// span computes the days a period covers for people: from the day of its
// start (the next one when it starts in the afternoon, as a "fri 17:00"
// period does) to the day of its end (the one before when it ends in the
// morning), leaving out a weekend at either edge on which no member had a
// prompt in their own zone (days: the grid's columns, midnight in the
// team's zone). A daily period is its end's day.
func span(p Period, days []time.Time) Days {
	end := p.End.In(p.Loc)
	if !p.Weekly {
		d := dayOf(end)
		if end.Hour() < 12 && !p.Start.IsZero() {
			d = dayOf(p.Start.In(p.Loc))
		}
		return Days{d, d}
	}
	start := p.Start.In(p.Loc)
	first, last := dayOf(start), dayOf(end)
	if start.Hour() >= 12 {
		first = first.AddDate(0, 0, 1)
	}
	if end.Hour() < 12 || end.Equal(last) {
		last = last.AddDate(0, 0, -1)
	}
	due := map[time.Time]bool{}
	for _, t := range days {
		due[dayOf(t.In(p.Loc))] = true
	}
	weekend := func(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }
	for first.Before(last) && weekend(first) && !due[first] {
		first = first.AddDate(0, 0, 1)
	}
	for last.After(first) && weekend(last) && !due[last] {
		last = last.AddDate(0, 0, -1)
	}
	return Days{first, last}
}

// Long is "Mon 23 – Fri 27 Nov", "Mon 30 Nov – Fri 4 Dec" or "Tue 24 Nov",
// with non-breaking spaces inside each date.
func (d Days) Long() string {
	if d.First.Equal(d.Last) {
		return nb(d.Last.Format("Mon 2 Jan"))
	}
	if d.First.Month() == d.Last.Month() {
		return nb(d.First.Format("Mon 2")) + " – " + nb(d.Last.Format("Mon 2 Jan"))
	}
	return nb(d.First.Format("Mon 2 Jan")) + " – " + nb(d.Last.Format("Mon 2 Jan"))
}

// Short is "23–27 Nov", "30 Nov–4 Dec" or "Tue 24 Nov", for a subject.
func (d Days) Short() string {
	if d.First.Equal(d.Last) {
		return d.Last.Format("Mon 2 Jan")
	}
	if d.First.Month() == d.Last.Month() {
		return d.First.Format("2") + "–" + d.Last.Format("2 Jan")
	}
	return d.First.Format("2 Jan") + "–" + d.Last.Format("2 Jan")
}

// nb joins the words of a date with non-breaking spaces.
func nb(s string) string { return strings.ReplaceAll(s, " ", "\u00a0") }
