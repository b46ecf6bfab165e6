package reply

import (
	"regexp"
	"strings"
	"time"
)

var (
	// reReplyPrefix is a reply or forward marker ("Re:", "Fwd:", "AW:",
	// "SV:", "Re[2]:") at the start of a subject.
	reReplyPrefix = regexp.MustCompile(`(?i)^\s*(?:re|fwd?|aw|sv|vs|tr|wg|rv|antw|odp|ynt|回复|回覆|答复|返信)\s*(?:\[\d+\])?\s*[:：]\s*`)
	// reSubjectSplit separates a subject's first segment from the rest
	// ("unsubscribe - Daily check-in", "skip: busy day").
	reSubjectSplit = regexp.MustCompile(`\s+[-–—|]\s+|\s*[:：(\[]`)
	// reSubjectWord is a command word a subject may start with.
	reSubjectWord = regexp.MustCompile(`(?i)^(unsubscribe|skip|pause|resume|help)\b`)
	// reGeneratedBody is the text mail clients write into the body of a
	// List-Unsubscribe mailto message they send for the user.
	reGeneratedBody = regexp.MustCompile(`(?i)^\W*(?:this\s+(?:message|email|e-mail)\s+was\s+(?:automatically\s+)?(?:generated|sent)\s+(?:automatically\s+)?by\s+\S.{0,60}|unsubscribe\s+request(?:\s+sent\s+by\s+\S.{0,40})?)\W*$`)
)

// subjectCommand reads a command from the subject of a message whose body
// holds no text of its own, as a List-Unsubscribe mailto link
// ("mailto:reply+TOKEN@…?subject=unsubscribe") produces. After reply and
// forward prefixes are removed, the whole subject, its first segment or its
// first word must be a command; "Re: Daily check-in" is not.
func subjectCommand(subject string, ref time.Time, warn func(string)) (Command, bool) {
	s := strings.TrimSpace(subject)
	for {
		rest := reReplyPrefix.ReplaceAllString(s, "")
		if rest == s {
			break
		}
		s = strings.TrimSpace(rest)
	}
	if s == "" {
		return Command{}, false
	}
	if c, ok := parseCommand(s, ref, warn); ok {
		return c, true
	}
	if loc := reSubjectSplit.FindStringIndex(s); loc != nil && loc[0] > 0 {
		if c, ok := parseCommand(s[:loc[0]], ref, warn); ok && c.Name != "done" {
			return c, true
		}
	}
	if w := reSubjectWord.FindString(s); w != "" {
		return parseCommand(w, ref, warn)
	}
	return Command{}, false
}

// hasOwnText reports whether a kept line is the sender's own text, not
// counting what a client generates for a mailto unsubscribe.
func hasOwnText(t trimmed) bool {
	for i, k := range t.kinds {
		l := strings.TrimSpace(t.lines[i])
		if k == lText && l != "" && !reGeneratedBody.MatchString(l) {
			return true
		}
	}
	return false
}
