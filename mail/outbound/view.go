package outbound

import (
	"fmt"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// promptView is the data of the prompt and reminder templates.
type promptView struct {
	Title, TitleLower         string // "Daily check-in", "daily check-in"
	TeamName                  string // the team's own name, for subjects: "Platform"
	FirstName, Team, Greeting string
	Count                     string
	Due, Closes               time.Time // member-local
	// Until says when the answer window closes, in the member's zone:
	// "21:00 São Paulo time" on the prompt's day, else "Tue 8 Dec 05:00
	// Berlin time"; non-breaking spaces inside. Empty: no window.
	Until       string
	Questions   []store.Question
	Hint        []string // "Yesterday:", …
	Items       []itemView
	AwayExample string // "Dec 3", a week after Due
	// Digest says when the team's digest goes out, in the team's zone and
	// the member's: "Fridays at 17:00 New York / 23:00 your time"; empty:
	// no digest.
	Digest         string
	UnsubscribeURL string
	// PageURL is the member's link to the archive page of their update
	// to this prompt; empty: none.
	PageURL string
}

type itemView struct {
	Text, Short, From string
	// OneOnOne is the other person of the one-on-one the item comes from
	// ("Ben Okafor"); such an item is in its owner's own prompt only.
	OneOnOne string
	Due      *time.Time
}

// welcomeView is the data of the welcome template.
type welcomeView struct {
	FirstName, Team, AddedBy string
	Zone                     string // the member's zone as people name it: "São Paulo"
	Digest                   string // as in promptView
	AwayExample              string // the next Thursday after sending: "Dec 3"
	UnsubscribeURL           string
	CheckIns                 []checkInView
}

type checkInView struct {
	Title, When string
	Questions   []store.Question
}

var counts = []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}

func firstName(m store.Member) string {
	if f := strings.Fields(m.Name); len(f) > 0 {
		return f[0]
	}
	local, _, _ := strings.Cut(m.Email, "@")
	return local
}

// teamPhrase is how prose names a team: "Platform" → "Platform team",
// "Platform team" stays.
func teamPhrase(name string) string {
	if strings.HasSuffix(strings.ToLower(name), "team") {
		return name
	}
	return name + " team"
}

// until says when a prompt due at due closes at closes (both
// member-local); see promptView.Until.
func until(due, closes time.Time) string {
	if closes.IsZero() {
		return ""
	}
	layout := "Mon 2 Jan 15:04"
	if y, m, d := closes.Date(); y == due.Year() && m == due.Month() && d == due.Day() {
		layout = "15:04"
	}
	return templates.NBSP(closes.Format(layout) + " " + templates.ZoneOf(closes) + " time")
}

// shortTeam is how a subject names a team, short for phones: "Platform
// team" → "Platform".
func shortTeam(name string) string {
	if n := len(name) - len(" team"); n > 0 && strings.EqualFold(name[n:], " team") {
		return strings.TrimSpace(name[:n])
	}
	return name
}

func checkInTitle(name string) string {
	if name == "" {
		return "Check-in"
	}
	return strings.ToUpper(name[:1]) + name[1:] + " check-in"
}

func greeting(t time.Time) string {
	switch h := t.Hour(); {
	case h < 12:
		return "morning"
	case h < 18:
		return "afternoon"
	}
	return "evening"
}

// hints are the "Key:" prefixes a member may start lines with, from the
// question keys.
func hints(qs []store.Question) []string {
	out := make([]string, 0, len(qs))
	for _, q := range qs {
		if q.Key != "" {
			out = append(out, strings.ToUpper(q.Key[:1])+q.Key[1:]+":")
		}
	}
	return out
}

func items(in []store.ActionItemNote, loc *time.Location) []itemView {
	out := make([]itemView, len(in))
	for i, it := range in {
		out[i] = itemView{Text: it.Text, Short: shortText(it.Text), From: it.NoteTitle, OneOnOne: it.OneOnOneWith}
		if it.Due != nil {
			d := store.DateIn(*it.Due, loc) // a calendar date, not an instant
			out[i].Due = &d
		}
	}
	return out
}

// shortText is the first few words of an action item, enough for "done:".
func shortText(s string) string {
	f := strings.Fields(s)
	if len(f) > 4 {
		f = f[len(f)-3:] // "Draft the staffing plan" → "the staffing plan"
	}
	return strings.Join(f, " ")
}

var dayNames = map[string]string{"mon": "Mondays", "tue": "Tuesdays", "wed": "Wednesdays", "thu": "Thursdays",
	"fri": "Fridays", "sat": "Saturdays", "sun": "Sundays"}

// describeSchedule says a schedule in words: "weekdays at 09:00",
// "every day at 08:30", "Fridays at 16:00", "Mondays, Wednesdays at 10:15";
// cron specs are quoted.
func describeSchedule(spec string) string {
	days, clock, ok := strings.Cut(strings.ToLower(strings.TrimSpace(spec)), " ")
	if !ok || strings.Contains(clock, " ") {
		return fmt.Sprintf("on the schedule %q", spec)
	}
	switch days {
	case "mon-fri", "weekdays":
		return "weekdays at " + clock
	case "daily", "everyday", "every-day", "*":
		return "every day at " + clock
	}
	var parts []string
	for _, d := range strings.Split(days, ",") {
		if n, ok := dayNames[d]; ok {
			parts = append(parts, n)
		} else {
			parts = append(parts, d)
		}
	}
	return strings.Join(parts, ", ") + " at " + clock
}

// awayExample is a date a week after t, as members would write it.
func awayExample(t time.Time) string { return t.AddDate(0, 0, 7).Format("Jan 2") }

// nextWeekday is the first day strictly after t's day that is a wd, in
// t's location, as members would write it: "Dec 3".
func nextWeekday(t time.Time, wd time.Weekday) string {
	n := (int(wd) - int(t.Weekday()) + 7) % 7
	if n == 0 {
		n = 7
	}
	return t.AddDate(0, 0, n).Format("Jan 2")
}

// describeDigest says when a digest on schedule spec (in the team's zone
// home) goes out, for a member in zone reader, from the next occurrence
// after t: "Fridays at 17:00 New York time" when both read the same
// clock, "Fridays at 17:00 New York / 23:00 your time", and "Fridays at
// 17:00 New York time (Saturdays at 07:00 your time)" when the day
// differs. Each time and its zone are joined by non-breaking spaces, so
// neither HTML nor templates.Wrap breaks them apart.
func describeDigest(spec string, home, reader *time.Location, t time.Time) string {
	homeName := templates.ZoneName(home.String())
	when := describeSchedule(spec) // "Fridays at 17:00"
	at := strings.Index(when, " at ")
	var next time.Time
	if sched, err := store.ParseSchedule(spec); err == nil {
		next = sched.Next(t, home)
	}
	if next.IsZero() || at < 0 {
		return when + " (" + templates.NBSP(homeName+" time") + ")"
	}
	days := when[:at] // "Fridays", "weekdays", "Mondays, Wednesdays"
	h, r := next.In(home), next.In(reader)
	switch {
	case h.Format("Mon 15:04") == r.Format("Mon 15:04"):
		return days + " at " + templates.NBSP(h.Format("15:04")+" "+homeName) + " time"
	case h.Weekday() == r.Weekday():
		return days + " at " + templates.BothZones(next, home, reader, true)
	}
	// The day differs too: name the reader's day when the schedule names a
	// single one, else the next occurrence's.
	local := r.Format("Mon 15:04")
	if _, one := dayNames[strings.ToLower(strings.Fields(spec)[0])]; one {
		local = dayNames[strings.ToLower(r.Weekday().String()[:3])] + " at " + r.Format("15:04")
	}
	return days + " at " + templates.NBSP(h.Format("15:04")+" "+homeName) + " time (" + templates.NBSP(local) + " your time)"
}
