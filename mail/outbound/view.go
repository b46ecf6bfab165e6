package outbound

import (
	"fmt"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// promptView is the data of the prompt and reminder templates.
type promptView struct {
	Title, TitleLower         string
	FirstName, Team, Greeting string
	Count                     string
	Due, Closes               time.Time // member-local
	Questions                 []store.Question
	Hint                      []string // "Yesterday:", …
	Items                     []itemView
	AwayExample               string // "Dec 3"
	Digest                    string // "Fridays at 17:00"; empty: no digest
	UnsubscribeURL            string
}

type itemView struct {
	Text, Short, From string
	Due               *time.Time
}

// welcomeView is the data of the welcome template.
type welcomeView struct {
	FirstName, Team, AddedBy     string
	Zone, Digest, UnsubscribeURL string
	CheckIns                     []checkInView
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
		out[i] = itemView{Text: it.Text, Short: shortText(it.Text), From: it.NoteTitle}
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
