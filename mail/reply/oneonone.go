package reply

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// OneOnOneQuestions returns the default standing questions of a one-on-one
// agenda prompt. The "mood" answer is read as a 1–5 score.
func OneOnOneQuestions() []Question {
	return []Question{
		{Key: "mood", Text: "How are you feeling this week, 1–5?", Aliases: []string{"mood", "feeling", "how are you feeling", "m"}},
		{Key: "topics", Text: "What would you like to talk about?", Aliases: []string{"topics", "talk about", "agenda", "t"}},
		{Key: "needs", Text: "Anything you need from me?", Aliases: []string{"needs", "need from me", "asks", "n"}},
	}
}

// OneOnOneReply is what a reply about a one-on-one says beyond its
// answers: the mood score, the skip and reschedule commands, the items
// closed with "done:", and, for notes, decisions and action items.
type OneOnOneReply struct {
	Mood int  `json:"mood,omitempty"` // 1–5 from the "mood" (or "score") answer; 0: none
	Skip bool `json:"skip,omitempty"`
	// Reschedule is the new time as written ("thu 10:00"); RescheduleAt is
	// its next occurrence after the message's date in the zone given to
	// ReadOneOnOne, zero when Reschedule is empty.
	Reschedule   string       `json:"reschedule,omitempty"`
	RescheduleAt time.Time    `json:"reschedule_at,omitzero"`
	Done         []string     `json:"done,omitempty"`
	Decisions    []string     `json:"decisions,omitempty"`
	ActionItems  []ActionItem `json:"action_items,omitempty"`
}

var (
	reReschedule = regexp.MustCompile(`(?i)^(?:reschedule|move(?:\s+it)?|let'?s\s+move\s+it)\s+(?:to\s+)?(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s+(?:at\s+)?(\d{1,2})(?:[:.h](\d{2}))?\s*([ap]\.?m\.?)?$`)
	reMoodScore  = regexp.MustCompile(`(?:^|[^\d])([1-5])(?:[.,]\d)?(?:\s*(?:/|out\s+of)\s*5)?(?:[^\d]|$)`)
	weekdayIndex = map[string]time.Weekday{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
)

// ReadOneOnOne reads m (from Parse with OneOnOneQuestions or the pair's
// own questions) as a one-on-one reply. Times in "reschedule thu 10:00"
// are read in loc. Meeting notes (decisions, action items) are read from
// the new text, or from a forwarded message, with the meeting-notes
// understanding Parse uses for summaries.
func ReadOneOnOne(m *Message, loc *time.Location) OneOnOneReply {
	var r OneOnOneReply
	for _, a := range m.Answers {
		if a.Key == "mood" || a.Key == "score" {
			if s := reMoodScore.FindStringSubmatch(a.Text); s != nil {
				r.Mood, _ = strconv.Atoi(s[1])
			}
		}
	}
	for _, c := range m.Commands {
		switch c.Name {
		case "skip":
			r.Skip = true
		case "done":
			r.Done = append(r.Done, c.Text)
		}
	}
	lines, _ := splitLines(m.Text, maxTrimLines)
	for _, l := range lines {
		t := strings.TrimRight(strings.TrimSpace(reBullet.ReplaceAllString(l, "")), ".!")
		if s := reReschedule.FindStringSubmatch(t); s != nil && r.Reschedule == "" {
			if at, ok := nextWeekdayAt(s, m.Date, loc); ok {
				r.Reschedule, r.RescheduleAt = t, at
			}
		}
	}
	text := m.Text
	if m.Forwarded != nil && strings.TrimSpace(m.Forwarded.Text) != "" {
		text = m.Forwarded.Text
	}
	notes := extractMeeting(text, m.Date)
	r.Decisions, r.ActionItems = notes.decisions, notes.actions
	if len(r.Decisions) == 0 && len(r.ActionItems) == 0 {
		r.Decisions, r.ActionItems = m.Decisions, m.ActionItems
	}
	return r
}

// IsOneOnOneCommand reports whether line is only a one-on-one command
// ("reschedule thu 10:00"), so it is not taken as an answer.
func IsOneOnOneCommand(line string) bool {
	t := strings.TrimRight(strings.TrimSpace(reBullet.ReplaceAllString(line, "")), ".!")
	return reReschedule.MatchString(t)
}

// nextWeekdayAt is the first day after ref's day (in loc) that is the
// matched weekday, at the matched time.
func nextWeekdayAt(s []string, ref time.Time, loc *time.Location) (time.Time, bool) {
	h, _ := strconv.Atoi(s[2])
	min := 0
	if s[3] != "" {
		min, _ = strconv.Atoi(s[3])
	}
	if ampm := strings.ToLower(strings.ReplaceAll(s[4], ".", "")); ampm != "" {
		if h < 1 || h > 12 {
			return time.Time{}, false
		}
		h %= 12
		if ampm == "pm" {
			h += 12
		}
	}
	if h > 23 || min > 59 {
		return time.Time{}, false
	}
	if ref.IsZero() {
		return time.Time{}, false
	}
	local := ref.In(loc)
	wd := weekdayIndex[strings.ToLower(s[1][:3])]
	n := (int(wd) - int(local.Weekday()) + 7) % 7
	if n == 0 {
		n = 7
	}
	d := local.AddDate(0, 0, n)
	return time.Date(d.Year(), d.Month(), d.Day(), h, min, 0, 0, loc), true
}
