package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/tidings-app/tidings/store"
)

// maxHolidayDays bounds what one calendar event or file may add: a
// multi-year event is a mistake, not a holiday.
const (
	maxEventDays    = 31
	maxHolidays     = 2000
	yearlyExpansion = 3 // a FREQ=YEARLY event is listed for this many years from its start
)

// validateHolidays checks a team's holidays (YYYY-MM-DD dates) and reads
// its holidays_ics calendar (relative to the configuration file) into
// t.holidays.
func (c *Config) validateHolidays(t *TeamConfig, at []any) error {
	byDate := map[string]string{}
	for i, d := range t.Holidays {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return c.errAt("team %q: holiday %q is not a date like 2026-12-24", append(append([]any{}, at...), "holidays", i), t.Slug, d)
		}
		byDate[d] = ""
	}
	if t.HolidaysICS != "" {
		path := t.HolidaysICS
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(c.path), path)
		}
		days, err := readICS(path)
		if err != nil {
			return c.errAt("team %q: holidays_ics: %v", append(append([]any{}, at...), "holidays_ics"), t.Slug, err)
		}
		for d, name := range days {
			if _, ok := byDate[d]; !ok || byDate[d] == "" {
				byDate[d] = name
			}
		}
	}
	if len(byDate) > maxHolidays {
		return c.errAt("team %q: %d holidays is more than %d", append(append([]any{}, at...), "holidays"), t.Slug, len(byDate), maxHolidays)
	}
	t.holidays = nil
	for d, name := range byDate {
		t.holidays = append(t.holidays, store.HolidaySpec{Date: d, Name: name})
	}
	sort.Slice(t.holidays, func(i, j int) bool { return t.holidays[i].Date < t.holidays[j].Date })
	return nil
}

// readICS returns the days (YYYY-MM-DD → summary) covered by the events of
// an iCalendar file: all-day events from DTSTART to DTEND (exclusive), a
// timed event on its start day; a plain yearly rule repeats the event for
// a few years.
func readICS(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cal, err := ics.ParseCalendar(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]string{}
	for _, ev := range cal.Events() {
		start, err := ev.GetAllDayStartAt()
		if err != nil {
			if start, err = ev.GetStartAt(); err != nil {
				return nil, fmt.Errorf("%s: event without a start: %w", path, err)
			}
		}
		start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
		end, err := ev.GetAllDayEndAt()
		if err != nil || !end.After(start) {
			end = start.AddDate(0, 0, 1)
		}
		end = time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
		if end.Sub(start) > maxEventDays*24*time.Hour {
			return nil, fmt.Errorf("%s: an event lasts more than %d days", path, maxEventDays)
		}
		name := ""
		if p := ev.GetProperty(ics.ComponentPropertySummary); p != nil {
			name = p.Value
		}
		years := 1
		if p := ev.GetProperty(ics.ComponentPropertyRrule); p != nil && strings.Contains(strings.ToUpper(p.Value), "FREQ=YEARLY") &&
			!strings.Contains(strings.ToUpper(p.Value), "BY") {
			years = yearlyExpansion
		}
		for y := 0; y < years; y++ {
			for d := start.AddDate(y, 0, 0); d.Before(end.AddDate(y, 0, 0)); d = d.AddDate(0, 0, 1) {
				out[d.Format("2006-01-02")] = name
			}
		}
	}
	return out, nil
}
