package reply

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// monthNames maps month names and abbreviations in several languages to
// their number. Lookup is by lower-cased word with a trailing dot removed.
var monthNames = buildMonths(map[int][]string{
	1:  {"january", "jan", "januar", "janvier", "janv", "enero", "ene", "janeiro", "gennaio", "gen", "januari", "styczeń", "stycznia", "sty", "января", "янв", "січня", "січ", "1月"},
	2:  {"february", "feb", "februar", "février", "févr", "fév", "febrero", "fevereiro", "fev", "febbraio", "februari", "luty", "lutego", "lut", "февраля", "февр", "фев", "лютого", "лют"},
	3:  {"march", "mar", "märz", "mär", "mars", "marzo", "março", "maart", "mrt", "marca", "marzec", "марта", "мар", "березня", "бер"},
	4:  {"april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwietnia", "kwiecień", "kwi", "апреля", "апр", "квітня", "квіт"},
	5:  {"may", "mai", "mayo", "maio", "maggio", "mag", "mei", "maj", "maja", "мая", "май", "травня", "трав"},
	6:  {"june", "jun", "juni", "juin", "junio", "junho", "giugno", "giu", "czerwca", "czerwiec", "cze", "июня", "июн", "червня", "черв"},
	7:  {"july", "jul", "juli", "juillet", "juil", "julio", "julho", "luglio", "lug", "lipca", "lipiec", "lip", "июля", "июл", "липня", "лип"},
	8:  {"august", "aug", "août", "agosto", "ago", "augustus", "augusti", "sierpnia", "sierpień", "sie", "августа", "авг", "серпня", "серп"},
	9:  {"september", "sep", "sept", "septembre", "septiembre", "setembro", "set", "settembre", "września", "wrzesień", "wrz", "сентября", "сент", "сен", "вересня", "вер"},
	10: {"october", "oct", "oktober", "okt", "octobre", "octubre", "outubro", "out", "ottobre", "ott", "października", "październik", "paź", "октября", "окт", "жовтня", "жовт"},
	11: {"november", "nov", "novembre", "noviembre", "novembro", "listopada", "listopad", "lis", "ноября", "нояб", "ноя", "листопада", "лист"},
	12: {"december", "dec", "dezember", "dez", "décembre", "déc", "diciembre", "dic", "dezembro", "dicembre", "grudnia", "grudzień", "gru", "декабря", "дек", "грудня", "груд", "desember", "des"},
})

func buildMonths(m map[int][]string) map[string]time.Month {
	out := make(map[string]time.Month)
	for n, names := range m {
		for _, s := range names {
			out[s] = time.Month(n)
		}
	}
	return out
}

var weekdayNames = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday, "monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday, "wednesday": time.Wednesday,
	"wed": time.Wednesday, "thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday,
	"thurs": time.Thursday, "friday": time.Friday, "fri": time.Friday, "saturday": time.Saturday, "sat": time.Saturday,
	"montag": time.Monday, "dienstag": time.Tuesday, "mittwoch": time.Wednesday, "donnerstag": time.Thursday,
	"freitag": time.Friday, "lundi": time.Monday, "mardi": time.Tuesday, "mercredi": time.Wednesday,
	"jeudi": time.Thursday, "vendredi": time.Friday, "lunes": time.Monday, "martes": time.Tuesday,
	"miércoles": time.Wednesday, "jueves": time.Thursday, "viernes": time.Friday,
}

var (
	reISODate   = regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	reNumDate   = regexp.MustCompile(`\b(\d{1,2})([./])(\d{1,2})(?:[./](\d{2,4}))?\b`)
	reCJKDate   = regexp.MustCompile(`(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日`)
	reWord      = regexp.MustCompile(`[\pL]+\.?|\d+(?:st|nd|rd|th|\.)?`)
	reClock     = regexp.MustCompile(`(?i)\b(\d{1,2})[:.h](\d{2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?|午前|午後)?`)
	reZone      = regexp.MustCompile(`(?:GMT|UTC)\s?([+-])(\d{1,2})(?::?(\d{2}))?\b|([+-])(\d{2}):?(\d{2})\b`)
	reRelWeeks  = regexp.MustCompile(`(?i)^(\d+|a|an|one|two|three|four)\s+(day|week|month)s?$`)
	numberWords = map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
)

// civil returns midnight of t's calendar day in t's location.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// ymd formats a day as YYYY-MM-DD.
func ymd(t time.Time) string { return t.Format("2006-01-02") }

// parseDay reads a day ("Monday", "Dec 3", "3 December 2026", "2026-12-03",
// "tomorrow", "EOD Thursday", "end of week", "27.11.") against ref, the
// message's date. Days without a year are the next such day on or after
// ref; weekdays are the next such weekday after ref.
func parseDay(s string, ref time.Time) (time.Time, bool) {
	s = strings.ToLower(strings.TrimSpace(strings.Trim(s, " .,;!)(")))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "the "), "next ")
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "eod "), "end of day "))
	base := civil(ref)
	switch s {
	case "today", "eod", "end of day", "tonight":
		return base, true
	case "tomorrow":
		return base.AddDate(0, 0, 1), true
	case "end of week", "eow", "end of the week":
		return nextWeekday(base, time.Friday, true), true
	case "week", "next week":
		return nextWeekday(base, time.Monday, false), true
	}
	if wd, ok := weekdayNames[strings.TrimSuffix(s, ".")]; ok {
		return nextWeekday(base, wd, false), true
	}
	if t, ok := dateInText(s, ref); ok {
		return civil(t), true
	}
	return time.Time{}, false
}

// nextWeekday returns the next wd after base, or on base when sameDay.
func nextWeekday(base time.Time, wd time.Weekday, sameDay bool) time.Time {
	n := (int(wd) - int(base.Weekday()) + 7) % 7
	if n == 0 && !sameDay {
		n = 7
	}
	return base.AddDate(0, 0, n)
}

// addPeriod reads "2 weeks", "a month", "3 days" after ref.
func addPeriod(s string, ref time.Time) (time.Time, bool) {
	m := reRelWeeks.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		n = numberWords[strings.ToLower(m[1])]
	}
	base := civil(ref)
	switch strings.ToLower(m[2]) {
	case "day":
		return base.AddDate(0, 0, n), true
	case "week":
		return base.AddDate(0, 0, 7*n), true
	}
	return base.AddDate(0, n, 0), true
}
