package reply

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// AskRequest is what a message to ask+TEAM@ or fyi+TEAM@ asks, as read by
// ReadAsk.
type AskRequest struct {
	Question string   `json:"question"` // the subject, without Re:/Fwd:/[ask]
	Context  string   `json:"context"`  // the body without choices, options and deadline lines
	Choices  []string `json:"choices"`  // list items in order, labels removed; empty: feedback
	// Deadline is when answers close; DeadlineText is how the asker wrote
	// it, empty when the default (two working days) applies.
	Deadline     time.Time `json:"deadline"`
	DeadlineText string    `json:"deadline_text,omitempty"`
	Multiple     bool      `json:"multiple"`
	Anonymous    bool      `json:"anonymous"`
	Urgent       bool      `json:"urgent"` // "urgent" in the subject (FYIs are sent at once)
}

// DefaultAskClock is the time of day a deadline given as a day ("by
// Thursday") means: the end of a working day.
const DefaultAskClock = 17

var (
	reAskChoice      = regexp.MustCompile(`^\s*(?:[-*•–]|[A-Za-z][).]|\(?[A-Za-z]\)|\d{1,2}[).]|\(\d{1,2}\))\s+(\S.*)$`)
	reAskDeadline    = regexp.MustCompile(`(?i)(?:^|[\s(,])(?:by|until|till|before|deadline:?|due:?|closes?:?|bis|avant|hasta|antes del?|até)\s+(.{1,48})$`)
	reAskClock       = regexp.MustCompile(`(?i)\b(?:at\s+)?(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?\b`)
	reAskSubjPre     = regexp.MustCompile(`(?i)^\s*(?:(?:re|fwd?|aw|wg|tr)\s*:\s*|\[(?:ask|poll|fyi|urgent)\]\s*|(?:ask|poll|fyi)\s*:\s*)+`)
	reAskAttribution = regexp.MustCompile(`(?i)(wrote|schrieb|a écrit|escribió|escreveu|scrisse|schreef)\s*:\s*$`)
	reAskUrgent      = regexp.MustCompile(`(?i)^urgent\s*[:!-]?\s*`)
	reAskListSep     = regexp.MustCompile(`(?i)\s*(?:[,;/&+]|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*`)
	reAskCommentSep  = regexp.MustCompile(`^(.{1,40}?)(?:\s+[-–—:]\s*|[,:;.!]\s+|\s+because\b)(.*)$`)
	askOptionWord    = map[string]string{"anonymous": "anonymous", "anon": "anonymous", "anonymously": "anonymous",
		"multiple": "multiple", "multi": "multiple", "several": "multiple", "multiple-choice": "multiple",
		"anonym": "anonymous", "anonyme": "anonymous", "anónimo": "anonymous", "plusieurs": "multiple", "mehrere": "multiple"}
	askOptionFiller = map[string]bool{"options": true, "option": true, "choice": true, "choices": true, "answers": true,
		"votes": true, "and": true, "allowed": true, "yes": true, "poll": true, "vote": true}
)

// ReadAsk reads an ask from its subject and the new text of its body
// (Message.Text). now is when it was sent, in the asker's time zone: a
// deadline without a date or time is read against it, and with no
// deadline given it is two working days after now. Choices are the first
// list in the body ("- Tue 12 Jan", "A) Lisbon", "1. Porto"); a line of
// option words sets Anonymous and Multiple; a line "by Thursday" or
// "until Fri 17:00" (or such a phrase ending the subject) sets the
// deadline, at 17:00 when only a day is given.
func ReadAsk(subject, text string, now time.Time) AskRequest {
	r := AskRequest{Question: strings.TrimSpace(reAskSubjPre.ReplaceAllString(subject, "")), Choices: []string{}}
	r.Urgent = askHasWord(strings.ToLower(subject), "urgent")
	if r.Urgent {
		r.Question = strings.TrimSpace(reAskUrgent.ReplaceAllString(r.Question, ""))
		if q := []rune(r.Question); len(q) > 0 {
			r.Question = string(unicode.ToUpper(q[0])) + string(q[1:])
		}
	}
	var ctx []string
	inList, listDone := false, false
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		if m := reAskChoice.FindStringSubmatch(line); m != nil && !listDone {
			inList = true
			r.Choices = append(r.Choices, strings.TrimSpace(m[1]))
			continue
		}
		if inList && t == "" {
			continue
		}
		if inList {
			listDone, inList = true, false
		}
		if opts, ok := askOptionLine(t); ok {
			r.Anonymous = r.Anonymous || opts["anonymous"]
			r.Multiple = r.Multiple || opts["multiple"]
			continue
		}
		if r.DeadlineText == "" && len(t) < 80 {
			if d, phrase, ok := askDeadlineIn(t, now); ok {
				r.Deadline, r.DeadlineText = d, phrase
				if rest := strings.TrimSpace(strings.TrimSuffix(t, phrase)); len(strings.Fields(rest)) > 1 {
					ctx = append(ctx, line)
				}
				continue
			}
		}
		ctx = append(ctx, line)
	}
	if r.DeadlineText == "" {
		if d, phrase, ok := askDeadlineIn(strings.TrimRight(r.Question, "?!. "), now); ok {
			r.Deadline, r.DeadlineText = d, phrase
		}
	}
	if r.DeadlineText == "" {
		r.Deadline = AddWorkingDays(now, 2)
	}
	r.Context = strings.TrimSpace(strings.Join(ctx, "\n"))
	return r
}

// AddWorkingDays returns t plus n days, skipping Saturdays and Sundays.
func AddWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

// askOptionLine reports whether line holds only option words.
func askOptionLine(line string) (map[string]bool, bool) {
	l := strings.ToLower(line)
	l = strings.TrimPrefix(strings.TrimPrefix(l, "options:"), "option:")
	words := strings.FieldsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
	got := map[string]bool{}
	for _, w := range words {
		if o, ok := askOptionWord[w]; ok {
			got[o] = true
		} else if !askOptionFiller[w] {
			return nil, false
		}
	}
	return got, len(got) > 0
}

// askDeadlineIn finds "by Thursday", "until Fri 17:00" at the end of s. It
// tries the longest run of words after the keyword that reads as a day
// and/or a time, and returns the phrase as written (keyword included).
func askDeadlineIn(s string, now time.Time) (time.Time, string, bool) {
	m := reAskDeadline.FindStringSubmatchIndex(s)
	if m == nil {
		return time.Time{}, "", false
	}
	words := strings.Fields(s[m[2]:m[3]])
	for n := len(words); n > 0; n-- {
		if d, ok := askWhen(strings.Join(words[:n], " "), now); ok {
			start := strings.TrimLeft(s[m[0]:m[1]], " (,")
			if n < len(words) {
				return time.Time{}, "", false // words after the date: not a deadline line
			}
			return d, strings.TrimRight(start, "?!. "), true
		}
	}
	return time.Time{}, "", false
}

// askWhen reads "Thursday", "Fri 17:00", "tomorrow 5pm", "12 Jan",
// "noon" against now.
func askWhen(s string, now time.Time) (time.Time, bool) {
	s = strings.TrimRight(strings.TrimSpace(s), "?!.,;")
	hour, minute, hasClock := DefaultAskClock, 0, false
	low := strings.ToLower(s)
	if strings.Contains(low, "noon") {
		hour, hasClock = 12, true
		low = strings.TrimSpace(strings.ReplaceAll(low, "noon", ""))
	} else if c := clockIndex(low); c != nil {
		h, _ := strconv.Atoi(low[c[2]:c[3]])
		mi := 0
		if c[4] >= 0 {
			mi, _ = strconv.Atoi(low[c[4]:c[5]])
		}
		if c[6] >= 0 && low[c[6]:c[7]] == "pm" && h < 12 {
			h += 12
		} else if c[6] >= 0 && low[c[6]:c[7]] == "am" && h == 12 {
			h = 0
		}
		if h > 23 || mi > 59 {
			return time.Time{}, false
		}
		hour, minute, hasClock = h, mi, true
		low = strings.TrimSpace(low[:c[0]] + " " + low[c[1]:])
	}
	low = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(low), ","))
	day := civil(now)
	if low != "" {
		d, ok := parseDay(low, now)
		if !ok {
			return time.Time{}, false
		}
		day = d
	} else if !hasClock {
		return time.Time{}, false
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, now.Location())
	if low == "" && !t.After(now) { // "until 10:00" said at 11:00: tomorrow
		t = t.AddDate(0, 0, 1)
	}
	return t, true
}

// clockIndex returns the submatch indexes of the first "17:00", "5pm" or
// "9.30am" in s (a bare number is a day, not a time).
func clockIndex(s string) []int {
	for _, c := range reAskClock.FindAllStringSubmatchIndex(s, -1) {
		if c[4] >= 0 || c[6] >= 0 {
			return c
		}
	}
	return nil
}

func askHasWord(s, w string) bool {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if f == w {
			return true
		}
	}
	return false
}

// Vote is a member's answer to an ask, as read by ReadVote.
type Vote struct {
	// Choices are indexes into the ask's choices, in ascending order; empty
	// when the reply names none (a comment only, or feedback).
	Choices []int  `json:"choices"`
	Comment string `json:"comment"`
	// Problem says why choices were named but not counted ("pick one").
	Problem string `json:"problem,omitempty"`
}

// ReadVote reads a reply to an ask with the given choices: a letter ("B",
// "b)"), a number ("2"), or the text of a choice or its start ("Lisbon",
// "Tue"), several separated by commas or "and" when multiple is set, on
// the first line; the rest (and the first line's words after the choice)
// is the comment. Without choices (a feedback request) the whole text is
// the comment. A reply naming several choices to a single-choice ask
// counts none and says so in Problem.
func ReadVote(text string, choices []string, multiple bool) Vote {
	v := Vote{Choices: []int{}}
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), "\n")
	for len(lines) > 1 && (reAskAttribution.MatchString(lines[len(lines)-1]) || strings.TrimSpace(lines[len(lines)-1]) == "") {
		lines = lines[:len(lines)-1] // an attribution line left above a dropped quote
	}
	text = strings.Join(lines, "\n")
	if len(choices) == 0 || len(lines) == 0 {
		v.Comment = strings.TrimSpace(text)
		return v
	}
	first := strings.TrimSpace(lines[0])
	rest := strings.TrimSpace(strings.Join(lines[1:], "\n"))
	picked, tail := askPick(first, choices)
	if len(picked) == 0 { // "I'd go with Lisbon": a choice's whole text in the first line
		for i, c := range choices {
			if len(c) > 2 && askContainsFold(first, c) {
				picked = append(picked, i)
			}
		}
		tail = first
	}
	v.Comment = strings.TrimSpace(strings.TrimSpace(tail) + "\n" + rest)
	if len(picked) > 1 && !multiple {
		v.Problem = "several choices named; this ask takes one"
		return v
	}
	v.Choices = askSorted(picked)
	return v
}

// askPick reads choices at the start of line and returns them and the
// rest of the line.
func askPick(line string, choices []string) ([]int, string) {
	// The whole line as a list: "B", "A, C", "1 and 3", "Lisbon / Porto".
	parts := reAskListSep.Split(line, -1)
	var all []int
	ok := true
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		i, m := askMatch(p, choices)
		if !m {
			ok = false
			break
		}
		all = append(all, i)
	}
	if ok && len(all) > 0 {
		return all, ""
	}
	// A choice then a comment: "B - Lisbon is cheaper", "Lisbon, because…".
	if m := reAskCommentSep.FindStringSubmatch(line); m != nil {
		if i, ok := askMatch(m[1], choices); ok {
			return []int{i}, strings.TrimSpace(m[2])
		}
	}
	if f := strings.Fields(line); len(f) > 1 {
		if i, ok := askMatch(f[0], choices); ok && len([]rune(strings.Trim(f[0], "().:"))) == 1 {
			return []int{i}, strings.TrimSpace(strings.TrimPrefix(line, f[0]))
		}
	}
	return nil, line
}

// askMatch matches one token: a letter, a number, or a choice's text
// or the start of it (one choice only).
func askMatch(tok string, choices []string) (int, bool) {
	t := strings.TrimSpace(strings.Trim(strings.TrimSpace(tok), "()[]\"'.:!*"))
	t = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(t), "option "), "choice "))
	if t == "" {
		return 0, false
	}
	if r := []rune(t); len(r) == 1 && r[0] >= 'a' && r[0] <= 'z' {
		i := int(r[0] - 'a')
		return i, i < len(choices)
	}
	if n, err := strconv.Atoi(t); err == nil {
		return n - 1, n >= 1 && n <= len(choices)
	}
	found := -1
	for i, c := range choices {
		lc := strings.ToLower(c)
		if lc == t {
			return i, true
		}
		if len(t) >= 3 && strings.HasPrefix(lc, t) {
			if found >= 0 {
				return 0, false // ambiguous
			}
			found = i
		}
	}
	return found, found >= 0
}

func askContainsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func askSorted(in []int) []int {
	out := append([]int{}, in...)
	slices.Sort(out)
	return slices.Compact(out)
}

// IsClose reports whether an asker's reply asks to close the ask now: its
// first line is "close" (or "close it", "close now", "done", "fermer",
// "schließen", "cerrar").
func IsClose(text string) bool {
	first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	switch strings.ToLower(strings.Trim(strings.TrimSpace(first), ".!")) {
	case "close", "close it", "close now", "close the poll", "close the ask", "done", "fermer", "schließen", "cerrar", "fechar":
		return true
	}
	return false
}
