package reply

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// meetingNotes is what extractMeeting found.
type meetingNotes struct {
	title     string
	decisions []string
	actions   []ActionItem
}

type section uint8

const (
	secNone section = iota
	secActions
	secDecisions
	secOther
)

var (
	reSecActions   = regexp.MustCompile(`(?i)^(?:action\s+items?|action\s+points?|actions?|next\s+steps|suggested\s+next\s+steps|to-?\s?dos?|follow-?\s?ups?|follow-?up\s+tasks|tasks|aufgaben|nächste\s+schritte|maßnahmen|to-dos|prochaines\s+étapes|actions\s+à\s+mener|tâches|próximos\s+pasos|tareas|acciones|próximos\s+passos|tarefas|ações|itens\s+de\s+ação|azioni|prossimi\s+passi)$`)
	reSecDecisions = regexp.MustCompile(`(?i)^(?:decisions?|key\s+decisions|decided|decisions\s+made|entscheidungen|beschlüsse|beschlossen|décisions|decisiones|acuerdos|decisões|decisioni)$`)
	reSecOther     = regexp.MustCompile(`(?i)^(?:summary|meeting\s+summary|quick\s+recap|recap|details|meeting\s+notes|notes|attendees|participants|agenda|discussion|topics|zusammenfassung|teilnehmer|résumé|participants|resumen|resumo|riepilogo|notizen|notes\s+de\s+réunion)$`)
	reChecklist    = regexp.MustCompile(`^\s*(?:[-*•]\s*)?\[([ xX✓])\]\s*(.+)$`)
	reListItem     = regexp.MustCompile(`^\s*(?:[-*•◦▪]|\d{1,2}[.)])\s+(.+)$`)
	reInlineDecide = regexp.MustCompile(`(?i)^\s*(?:[-*•]\s*)?(?:decision|decided|agreed|we\s+decided|entscheidung|beschluss|décision|decisión|decisão)\s*[:：]\s*(.+)$`)
	reInlineAction = regexp.MustCompile(`(?i)^\s*(?:[-*•]\s*)?(?:action(?:\s+item)?|ai|todo|to-do|aufgabe)\s*[:：]\s*(.+)$`)
	reOwnerBracket = regexp.MustCompile(`^\[([^\]]{1,40})\]\s*(.+)$`)
	reOwnerAt      = regexp.MustCompile(`^@([\pL\pN][\pL\pN._-]*)\s*[:\-–—]?\s*(.+)$`)
	reOwnerColon   = regexp.MustCompile(`^(\p{Lu}[\pL'-]+(?:\s\p{Lu}[\pL'-]+)?)\s*(?::|\s[–—-])\s+(.+)$`)
	reOwnerVerb    = regexp.MustCompile(`^(\p{Lu}[\pL'-]+(?:\s(?:and|&)\s\p{Lu}[\pL'-]+|\s\p{Lu}[\pL'-]+)?)\s+(?:to|will|should|needs\s+to|is\s+going\s+to|wird|va|doit|va\s+a|vai)\s+(.+)$`)
	reOwnerParen   = regexp.MustCompile(`(?i)\s*\((?:owner|assignee|assigned\s+to|verantwortlich|responsable|responsável)\s*:\s*([^)]+)\)`)
	reOwnerTrail   = regexp.MustCompile(`\s*(?:[–—-]\s*|\()@([\pL\pN._-]+)\)?\s*$`)
	reNotesFooter  = regexp.MustCompile(`(?i)gemini|generated\s+by|ai-generated|make\s+sure\s+(?:they|it)'?r?e?\s+accurate|may\s+contain\s+(?:errors|inaccuracies)|ai\s+can\s+make\s+mistakes`)
	reDue          = regexp.MustCompile(`(?i)(?:^|[\s,;(—–-]+)(?:by|due(?:\s+(?:on|by|date))?|until|before|deadline|bis(?:\s+zum)?|avant\s+le|antes\s+del?|até|entro)[\s:]+(.+)$`)
	// reClosing is a sign-off, maybe with a name: "Thanks all,", "Best, Dana".
	reClosing = regexp.MustCompile(`(?i)^(?:` + signOffWords + `)(?:\s+(?:all|everyone|team|again|so\s+much|a\s+lot))?\s*[,.!]*(?:\s*[—–-]?\s*(?-i:\p{Lu}[\pL'’.-]*(?:\s\p{Lu}[\pL'’.-]*)?))?\s*[,.!]*$`)
	// reLoneName is a line that is only a name ("Dana", "Dana Ortiz").
	reLoneName = regexp.MustCompile(`^\p{Lu}[\pL'’.-]*(?:\s\p{Lu}[\pL'’.-]*){0,2}$`)
	reEOD      = regexp.MustCompile(`(?i)[\s,;(—–-]*\b(?:eod|end\s+of\s+day|cob)\b[\s:]*(.*)$`)
)

// extractMeeting finds decisions and action items in meeting notes dated
// ref: checklists, "Action items"/"Next steps"/"Decisions" sections (also
// in German, French, Spanish, Portuguese), Zoom, Google Meet and Teams
// layouts, and inline "Decision:" / "Action:" lines.
func extractMeeting(text string, ref time.Time) meetingNotes {
	notes := meetingNotes{decisions: []string{}, actions: []ActionItem{}}
	lines, _ := splitLines(text, maxTrimLines)
	lines = joinWrapped(lines, ref)
	sec, listed := secNone, false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || reDelimiter.MatchString(t) || reNotesFooter.MatchString(t) {
			continue
		}
		if s, ok := sectionOf(t); ok {
			sec, listed = s, false
			continue
		}
		if notes.title == "" && strings.HasPrefix(t, "#") {
			notes.title = strings.TrimSpace(strings.TrimLeft(t, "# "))
			continue
		}
		isItem := reListItem.MatchString(t) || reChecklist.MatchString(t)
		if !isItem && (reClosing.MatchString(t) || listed && isLoneName(t)) {
			sec = secNone // a sign-off or the signature's name ends the notes
			continue
		}
		listed = listed || isItem
		notes.add(t, sec, ref)
	}
	return notes
}

// joinWrapped joins the hard-wrapped lines of a list item to the item's
// line, so that "- draft the customer note, review with Maya on" followed
// by "Thursday" is one item. A line continues the item above it when it
// follows it directly (no blank line), is not an item or a section
// heading itself, and is indented, or else carries on the sentence: the
// line above did not end one before a capital, and it is not a sign-off
// or a lone name (a date such as "Thursday" is not a name).
func joinWrapped(lines []string, ref time.Time) []string {
	out := make([]string, 0, len(lines))
	inItem := false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		isItem := reListItem.MatchString(t) || reChecklist.MatchString(t)
		if inItem && t != "" && !isItem && wrapsOn(out[len(out)-1], l, ref) {
			out[len(out)-1] = strings.TrimRight(out[len(out)-1], " \t") + " " + t
			continue
		}
		_, isSec := sectionOf(t)
		inItem = isItem && !isSec
		out = append(out, l)
	}
	return out
}

// wrapsOn reports whether l carries on the item line prev (see joinWrapped).
func wrapsOn(prev, l string, ref time.Time) bool {
	t := strings.TrimSpace(l)
	if _, ok := sectionOf(t); ok || reClosing.MatchString(t) || reDelimiter.MatchString(t) || reNotesFooter.MatchString(t) {
		return false
	}
	if l != strings.TrimLeft(l, " \t") {
		return true
	}
	if _, isDate := dayAfter(t, ref); isLoneName(t) && !isDate {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(prev))
	first, _ := utf8.DecodeRuneInString(t)
	return !strings.ContainsRune(".!?;:", last) || !unicode.IsUpper(first)
}

// isLoneName reports whether t is only a name ("Dana", "Dana Ortiz").
func isLoneName(t string) bool {
	return len(t) <= 40 && reLoneName.MatchString(t)
}

// sectionOf reads a section heading ("## Action items:", "**Next steps**").
func sectionOf(t string) (section, bool) {
	if len(t) > 60 {
		return secNone, false
	}
	h := strings.TrimSpace(strings.Trim(strings.TrimSpace(strings.TrimLeft(t, "#")), "*_:：= "))
	switch {
	case reSecActions.MatchString(h):
		return secActions, true
	case reSecDecisions.MatchString(h):
		return secDecisions, true
	case reSecOther.MatchString(h):
		return secOther, true
	}
	return secNone, false
}

// add files one line of notes under the current section.
func (n *meetingNotes) add(t string, sec section, ref time.Time) {
	if m := reChecklist.FindStringSubmatch(t); m != nil {
		it := actionItem(m[2], ref)
		it.Done = m[1] != " "
		n.actions = append(n.actions, it)
		return
	}
	if m := reInlineDecide.FindStringSubmatch(t); m != nil {
		n.decisions = append(n.decisions, strings.TrimSpace(m[1]))
		return
	}
	if m := reInlineAction.FindStringSubmatch(t); m != nil {
		n.actions = append(n.actions, actionItem(m[1], ref))
		return
	}
	item := t
	if m := reListItem.FindStringSubmatch(t); m != nil {
		item = m[1]
	}
	switch sec {
	case secActions:
		n.actions = append(n.actions, actionItem(item, ref))
	case secDecisions:
		n.decisions = append(n.decisions, strings.TrimSpace(item))
	}
}

// actionItem splits an item into owner, text and due date.
func actionItem(s string, ref time.Time) ActionItem {
	it := ActionItem{}
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "*"))
	if m := reOwnerParen.FindStringSubmatchIndex(s); m != nil {
		it.Owner = strings.TrimSpace(s[m[2]:m[3]])
		s = s[:m[0]] + s[m[1]:]
	}
	s, it.Due = dueOf(s, ref)
	if it.Owner == "" {
		for _, re := range []*regexp.Regexp{reOwnerBracket, reOwnerAt, reOwnerColon, reOwnerVerb} {
			if m := re.FindStringSubmatch(s); m != nil {
				it.Owner, s = m[1], m[2]
				break
			}
		}
	}
	if it.Owner == "" {
		if m := reOwnerTrail.FindStringSubmatchIndex(s); m != nil {
			it.Owner = s[m[2]:m[3]]
			s = s[:m[0]]
		}
	}
	it.Text = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ".,;—–-"))
	return it
}

// dueOf finds "by Friday", "due Dec 4", "EOD Thursday", "by 2026-12-01" and
// returns the text without it and the date.
func dueOf(s string, ref time.Time) (string, string) {
	for _, re := range []*regexp.Regexp{reDue, reEOD} {
		m := re.FindStringSubmatchIndex(s)
		if m == nil {
			continue
		}
		phrase := strings.TrimRight(s[m[2]:m[3]], ").")
		if re == reEOD && phrase == "" {
			return strings.TrimSpace(s[:m[0]]), ymd(civil(ref))
		}
		if d, ok := dayAfter(phrase, ref); ok {
			return strings.TrimSpace(s[:m[0]]), ymd(d)
		}
	}
	return s, ""
}
