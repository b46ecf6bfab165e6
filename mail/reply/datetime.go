package reply

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var reShortNumDate = regexp.MustCompile(`^(\d{1,2})([./])(\d{1,2})\.?$`)

// dateInText finds a calendar date, and a time of day and zone when given,
// in free text such as a forwarded "Date:" or "Sent:" field. A missing year
// means the next such day on or after ref; a missing zone means ref's.
func dateInText(s string, ref time.Time) (time.Time, bool) {
	if len(s) > 300 {
		return time.Time{}, false
	}
	if t, err := mail.ParseDate(strings.TrimSpace(s)); err == nil {
		return t, true
	}
	y, mo, d, rest, ok := findYMD(s, ref)
	if !ok {
		return time.Time{}, false
	}
	loc := findZone(rest, ref.Location())
	hh, mm, ss := findClock(rest)
	t := time.Date(y, mo, d, hh, mm, ss, 0, loc)
	if t.Month() != mo { // 31 February and such
		return time.Time{}, false
	}
	return t, true
}

// findYMD returns the date and the text left after removing it.
func findYMD(s string, ref time.Time) (int, time.Month, int, string, bool) {
	if m := reISODate.FindStringSubmatchIndex(s); m != nil {
		return atoi(s[m[2]:m[3]]), time.Month(atoi(s[m[4]:m[5]])), atoi(s[m[6]:m[7]]), s[:m[0]] + " " + s[m[1]:], true
	}
	if m := reCJKDate.FindStringSubmatchIndex(s); m != nil {
		return atoi(s[m[2]:m[3]]), time.Month(atoi(s[m[4]:m[5]])), atoi(s[m[6]:m[7]]), s[:m[0]] + " " + s[m[1]:], true
	}
	if y, mo, d, rest, ok := wordDate(s, ref); ok {
		return y, mo, d, rest, true
	}
	if m := reNumDate.FindStringSubmatchIndex(s); m != nil && m[8] >= 0 {
		a, b, y := atoi(s[m[2]:m[3]]), atoi(s[m[6]:m[7]]), atoi(s[m[8]:m[9]])
		if y < 100 {
			y += 2000
		}
		d, mo := a, b
		if s[m[4]:m[5]] == "/" && b > 12 || a <= 12 && b > 12 {
			d, mo = b, a // 2/14/2026 or 11/24/2026: month first
		}
		if mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			return y, time.Month(mo), d, s[:m[0]] + " " + s[m[1]:], true
		}
	}
	if m := reShortNumDate.FindStringSubmatch(strings.TrimSpace(s)); m != nil {
		d, mo := atoi(m[1]), atoi(m[3])
		if m[2] == "/" {
			d, mo = mo, d
		}
		if mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			return yearFor(time.Month(mo), d, ref), time.Month(mo), d, "", true
		}
	}
	return 0, 0, 0, "", false
}

// wordDate finds "24 November 2026", "Nov 24, 2026", "24. Nov.", "24 de
// novembro de 2026" and the like.
func wordDate(s string, ref time.Time) (int, time.Month, int, string, bool) {
	locs := reWord.FindAllStringIndex(s, 40)
	for i, l := range locs {
		w := strings.ToLower(strings.TrimSuffix(s[l[0]:l[1]], "."))
		mo, ok := monthNames[w]
		if !ok {
			continue
		}
		day, year := 0, 0
		for _, j := range []int{i - 1, i + 1, i - 2, i + 2} {
			if j < 0 || j >= len(locs) || day != 0 {
				continue
			}
			if n, ok := dayNumber(s[locs[j][0]:locs[j][1]]); ok {
				day = n
			}
		}
		for j := i + 1; j < len(locs) && j <= i+4; j++ {
			if n := atoi(s[locs[j][0]:locs[j][1]]); n >= 1900 && n < 2200 {
				year = n
				break
			}
		}
		if day == 0 {
			continue
		}
		if year == 0 {
			year = yearFor(mo, day, ref)
		}
		return year, mo, day, s[l[1]:], true
	}
	return 0, 0, 0, "", false
}

func dayNumber(w string) (int, bool) {
	w = strings.TrimRight(w, ".stndrh")
	n, err := strconv.Atoi(w)
	return n, err == nil && n >= 1 && n <= 31 && len(w) <= 2
}

// yearFor picks the year that puts month/day on or after ref (allowing a
// week back, for notes about days just past).
func yearFor(mo time.Month, d int, ref time.Time) int {
	y := ref.Year()
	if time.Date(y, mo, d, 0, 0, 0, 0, ref.Location()).Before(civil(ref).AddDate(0, 0, -7)) {
		y++
	}
	return y
}

// findClock finds "09:00", "9:00 AM", "20.42", "14:53:07".
func findClock(s string) (int, int, int) {
	m := reClock.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, 0
	}
	h, mi, sec := atoi(m[1]), atoi(m[2]), atoi(m[3])
	ap := strings.ToLower(strings.ReplaceAll(m[4], ".", ""))
	switch {
	case (ap == "pm" || ap == "午後") && h < 12:
		h += 12
	case (ap == "am" || ap == "午前") && h == 12:
		h = 0
	}
	if h > 23 || mi > 59 || sec > 59 {
		return 0, 0, 0
	}
	return h, mi, sec
}

// findZone reads a numeric zone ("+0100", "GMT+01:00", "-08:00").
func findZone(s string, def *time.Location) *time.Location {
	if strings.Contains(s, "UTC") && !reZone.MatchString(s) || strings.Contains(s, " GMT") && !reZone.MatchString(s) {
		return time.UTC
	}
	m := reZone.FindStringSubmatch(s)
	if m == nil {
		return def
	}
	sign, h, min := m[1], m[2], m[3]
	if sign == "" {
		sign, h, min = m[4], m[5], m[6]
	}
	off := atoi(h)*3600 + atoi(min)*60
	if sign == "-" {
		off = -off
	}
	if off > 14*3600 || off < -14*3600 {
		return def
	}
	return time.FixedZone("", off)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimRight(s, "."))
	return n
}
