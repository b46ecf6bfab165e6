package meeting

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// reDue finds a due phrase: a lead word ("by", "due", "bis", "d'ici",
// "para el", …) or EOD, then a day expression that parseDay checks.
var reDue = regexp.MustCompile(`(?i)(?:^|[\s(,;])\(?(?:(?:due(?:\s+(?:by|on|date))?|by|before|until|till|no later than|deadline|bis(?:\s+(?:zum|spätestens|am))?|d'ici|avant(?:\s+le)?|pour(?:\s+le)?|para(?:\s+el)?|antes(?:\s+del?)?|hasta(?:\s+el)?|até(?:\s+[ao])?|entro|voor)\s*:?\s+(?:the\s+)?(?:(?:eod|cob|end of day)\s+)?|(?:eod|cob|end of day)\s+)` +
	`(\d{4}-\d{2}-\d{2}|end of (?:the )?(?:week|month)|(?:[\pL]+\.?,?\s+)?\d{1,2}(?:st|nd|rd|th|\.)?\s+(?:de\s+)?[\pL]+\.?|(?:next\s+)?[\pL]+\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?\b)?)(?:\s+(?:eod|cob))?\)?`)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday, "monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday, "wednesday": time.Wednesday,
	"wed": time.Wednesday, "thursday": time.Thursday, "thu": time.Thursday, "thurs": time.Thursday,
	"friday": time.Friday, "fri": time.Friday, "saturday": time.Saturday, "sat": time.Saturday,
	"montag": time.Monday, "dienstag": time.Tuesday, "mittwoch": time.Wednesday, "donnerstag": time.Thursday,
	"freitag": time.Friday, "lundi": time.Monday, "mardi": time.Tuesday, "mercredi": time.Wednesday,
	"jeudi": time.Thursday, "vendredi": time.Friday, "lunes": time.Monday, "martes": time.Tuesday,
	"miércoles": time.Wednesday, "miercoles": time.Wednesday, "jueves": time.Thursday, "viernes": time.Friday,
	"segunda": time.Monday, "terça": time.Tuesday, "quarta": time.Wednesday, "quinta": time.Thursday, "sexta": time.Friday,
}

var months = func() map[string]time.Month {
	m := map[string]time.Month{}
	for i, names := range [][]string{
		{"january", "jan", "januar", "janvier", "enero", "janeiro"},
		{"february", "feb", "februar", "février", "febrero", "fevereiro"},
		{"march", "mar", "märz", "mars", "marzo", "março"},
		{"april", "apr", "avril", "abril"},
		{"may", "mai", "mayo", "maio"},
		{"june", "jun", "juni", "juin", "junio", "junho"},
		{"july", "jul", "juli", "juillet", "julio", "julho"},
		{"august", "aug", "août", "agosto"},
		{"september", "sep", "sept", "septembre", "septiembre", "setembro"},
		{"october", "oct", "oktober", "okt", "octobre", "octubre", "outubro"},
		{"november", "nov", "novembre", "noviembre", "novembro"},
		{"december", "dec", "dezember", "dez", "décembre", "déc", "diciembre", "dic", "dezembro"},
	} {
		for _, n := range names {
			m[n] = time.Month(i + 1)
		}
	}
	return m
}()

// findDue finds the first due phrase in s that names a day, read against
// the meeting's day; it returns the day (midnight UTC) and s without the
// phrase.
func findDue(s string, meeting time.Time) (time.Time, string, bool) {
	for _, m := range reDue.FindAllStringSubmatchIndex(s, -1) {
		if d, ok := parseDay(s[m[2]:m[3]], meeting); ok {
			start := m[0]
			if start < len(s) && strings.ContainsRune(" ,;", rune(s[start])) {
				start++
			}
			return d, s[:start] + " " + s[m[1]:], true
		}
	}
	return time.Time{}, s, false
}

// parseDay reads one day expression against the meeting day: an ISO date,
// a weekday (the next one after the meeting), "tomorrow", "end of week",
// "end of month", or a day and month in several languages (the next such
// day on or after the meeting).
func parseDay(expr string, meeting time.Time) (time.Time, bool) {
	y, mo, d := meeting.Date()
	base := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	e := strings.ToLower(strings.TrimSpace(strings.Trim(expr, " .()")))
	e = strings.TrimPrefix(e, "next ")
	switch e {
	case "tomorrow", "morgen", "demain", "mañana", "amanhã":
		return base.AddDate(0, 0, 1), true
	case "end of week", "end of the week", "eow":
		return afterWeekday(base, time.Friday, true), true
	case "end of month", "end of the month", "eom":
		return time.Date(y, mo+1, 0, 0, 0, 0, 0, time.UTC), true
	}
	if t, err := time.Parse("2006-01-02", e); err == nil {
		return t, true
	}
	if wd, ok := weekdays[e]; ok {
		return afterWeekday(base, wd, false), true
	}
	return dayMonth(e, base)
}

// afterWeekday returns the next wd after base (or on base when sameDay).
func afterWeekday(base time.Time, wd time.Weekday, sameDay bool) time.Time {
	n := (int(wd) - int(base.Weekday()) + 7) % 7
	if n == 0 && !sameDay {
		n = 7
	}
	return base.AddDate(0, 0, n)
}

// dayMonth reads "dec 2", "december 2nd", "2 dec", "2. dezember",
// "2 de diciembre".
func dayMonth(e string, base time.Time) (time.Time, bool) {
	var day, name string
	f := strings.Fields(strings.ReplaceAll(strings.ReplaceAll(e, ",", " "), " de ", " "))
	if len(f) == 3 {
		if _, ok := weekdays[strings.TrimSuffix(f[0], ".")]; ok {
			f = f[1:] // "fri 27 nov"
		}
	}
	if len(f) != 2 {
		return time.Time{}, false
	}
	if num(f[0]) > 0 {
		day, name = f[0], f[1]
	} else {
		day, name = f[1], f[0]
	}
	mo, ok := months[strings.TrimSuffix(name, ".")]
	d := num(day)
	if !ok || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(base.Year(), mo, d, 0, 0, 0, 0, time.UTC)
	if t.Before(base) {
		t = t.AddDate(1, 0, 0)
	}
	return t, true
}

// num reads a day number with an optional ordinal suffix or period.
func num(s string) int {
	s = strings.TrimRight(s, ".")
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		s = strings.TrimSuffix(s, suf)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
