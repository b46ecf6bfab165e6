package store

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is a recurring local time: "mon-fri 09:00", "fri 16:00",
// "daily 08:30", "mon,wed 10:15" or a 5-field cron spec ("0 9 * * 1-5").
// It is evaluated in a time zone given to each call, so one check-in fires
// at 09:00 in every member's own zone, DST included:
//   - a local time that does not exist (spring forward) fires at the first
//     valid instant after it (the end of the gap);
//   - a local time that happens twice (fall back) fires once, at the first.
type Schedule struct {
	spec   string
	minute uint64 // bit n set: minute n
	hour   uint64
	dom    uint64 // bits 1..31
	month  uint64 // bits 1..12
	dow    uint64 // bits 0..6, Sunday = 0
	// domStar and dowStar follow cron: when both day fields are restricted a
	// day matches either.
	domStar, dowStar bool
	rec              recurrence // every N weeks or the Nth weekday of a month (schedule_every.go)
}

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

var weekdays = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

// ParseSchedule parses spec; the error says what is wrong.
func ParseSchedule(spec string) (Schedule, error) {
	spec = strings.TrimSpace(spec)
	if isEvery(spec) {
		return parseEvery(spec)
	}
	if strings.Count(spec, " ") >= 4 {
		return parseCron(spec)
	}
	days, clock, ok := strings.Cut(strings.ToLower(spec), " ")
	if !ok {
		return Schedule{}, fmt.Errorf("schedule %q: want \"DAYS HH:MM\" (e.g. \"mon-fri 09:00\") or a 5-field cron spec", spec)
	}
	s := Schedule{spec: spec, dom: fullBits(1, 31), month: fullBits(1, 12), domStar: true}
	h, m, err := parseClock(strings.TrimSpace(clock))
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule %q: %w", spec, err)
	}
	s.hour, s.minute = 1<<h, 1<<m
	if s.dow, err = parseDays(days); err != nil {
		return Schedule{}, fmt.Errorf("schedule %q: %w", spec, err)
	}
	s.dowStar = s.dow == fullBits(0, 6)
	return s, nil
}

func parseCron(spec string) (Schedule, error) {
	cs, err := cronParser.Parse(spec)
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule %q: %w", spec, err)
	}
	ss, ok := cs.(*cron.SpecSchedule)
	if !ok {
		return Schedule{}, fmt.Errorf("schedule %q: unsupported", spec)
	}
	const star = 1 << 63
	return Schedule{
		spec: spec, minute: ss.Minute &^ star, hour: ss.Hour &^ star,
		dom: ss.Dom &^ star, month: ss.Month &^ star, dow: ss.Dow &^ star,
		domStar: ss.Dom&star != 0, dowStar: ss.Dow&star != 0,
	}, nil
}

func parseClock(s string) (int, int, error) {
	hs, ms, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(ms) != 2 {
		return 0, 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	return h, m, nil
}

func parseDays(s string) (uint64, error) {
	switch s {
	case "daily", "everyday", "every-day", "*":
		return fullBits(0, 6), nil
	case "weekdays":
		return fullBits(1, 5), nil
	}
	var out uint64
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, ok1 := weekdays[from]
		b, ok2 := weekdays[to]
		if !ok1 || (isRange && !ok2) {
			return 0, fmt.Errorf("unknown day %q (use mon, tue, …, sun, ranges like mon-fri, or daily)", part)
		}
		if !isRange {
			b = a
		}
		for d := a; ; d = (d + 1) % 7 {
			out |= 1 << d
			if d == b {
				break
			}
		}
	}
	return out, nil
}

func fullBits(lo, hi int) uint64 {
	var b uint64
	for i := lo; i <= hi; i++ {
		b |= 1 << i
	}
	return b
}

// String returns the spec as written.
func (s Schedule) String() string { return s.spec }

// Weekly reports whether the schedule fires on one weekday at one time, so
// its periods are ISO weeks.
func (s Schedule) Weekly() bool {
	return s.domStar && !s.dowStar && bits.OnesCount64(s.dow) == 1 && s.timesPerDay() == 1
}

func (s Schedule) timesPerDay() int {
	return bits.OnesCount64(s.hour) * bits.OnesCount64(s.minute)
}

// Period is the key of the occurrence at t (in loc): "2026-W48" for weekly
// schedules, "2026-11-24" for at most one time a day, "2026-11-24T09:00"
// otherwise.
func (s Schedule) Period(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	switch {
	case s.Weekly():
		y, w := t.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case s.timesPerDay() == 1:
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02T15:04")
}

func (s Schedule) dayMatches(d time.Time) bool {
	if s.month&(1<<uint(d.Month())) == 0 || !s.rec.matches(d) {
		return false
	}
	domOK := s.dom&(1<<uint(d.Day())) != 0
	dowOK := s.dow&(1<<uint(d.Weekday())) != 0
	if s.domStar || s.dowStar {
		return domOK && dowOK
	}
	return domOK || dowOK
}

// onDay returns the instants the schedule fires on the local calendar day
// y-m-d in loc, in order.
func (s Schedule) onDay(y int, m time.Month, d int, loc *time.Location) []time.Time {
	if !s.dayMatches(time.Date(y, m, d, 12, 0, 0, 0, time.UTC)) {
		return nil
	}
	var out []time.Time
	for h := 0; h < 24; h++ {
		if s.hour&(1<<h) == 0 {
			continue
		}
		for min := 0; min < 60; min++ {
			if s.minute&(1<<min) == 0 {
				continue
			}
			t := localInstant(y, m, d, h, min, loc)
			if n := len(out); n > 0 && !t.After(out[n-1]) {
				continue
			}
			out = append(out, t)
		}
	}
	return out
}

// maxScanDays bounds the search for an occurrence (a Feb 29 cron spec fires
// within 8 years).
const maxScanDays = 366 * 8

// Next returns the first occurrence strictly after t, evaluated in loc, or
// the zero time if there is none.
func (s Schedule) Next(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	for i := 0; i < maxScanDays; i++ {
		y, m, d := lt.AddDate(0, 0, i).Date()
		for _, o := range s.onDay(y, m, d, loc) {
			if o.After(t) {
				return o
			}
		}
	}
	return time.Time{}
}

// Prev returns the last occurrence at or before t, evaluated in loc, or the
// zero time if there is none.
func (s Schedule) Prev(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	for i := 0; i < maxScanDays; i++ {
		y, m, d := lt.AddDate(0, 0, -i).Date()
		occ := s.onDay(y, m, d, loc)
		for j := len(occ) - 1; j >= 0; j-- {
			if !occ[j].After(t) {
				return occ[j]
			}
		}
	}
	return time.Time{}
}

// Between returns the occurrences in (from, to], in order, at most limit of
// them (the latest are kept when there are more).
func (s Schedule) Between(from, to time.Time, loc *time.Location, limit int) []time.Time {
	var out []time.Time
	for t := s.Prev(to, loc); !t.IsZero() && t.After(from); t = s.Prev(t.Add(-time.Second), loc) {
		out = append(out, t)
		if len(out) == limit {
			break
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// localInstant is the instant the wall clock in loc reads y-m-d h:min. In a
// DST gap it is the end of the gap; when the wall time happens twice it is
// the first.
func localInstant(y int, m time.Month, d, h, min int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, h, min, 0, 0, loc)
	if t.Hour() != h || t.Minute() != min {
		start, end := t.ZoneBounds()
		if t.Hour()*60+t.Minute() < h*60+min {
			return end // Go resolved to before the gap
		}
		return start
	}
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, prevOff := start.Add(-time.Nanosecond).Zone()
	_, curOff := t.Zone()
	if prevOff > curOff {
		alt := t.Add(-time.Duration(prevOff-curOff) * time.Second)
		if alt.Before(start) && alt.Hour() == h && alt.Minute() == min {
			return alt
		}
	}
	return t
}
