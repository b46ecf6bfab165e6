package reply

import "strings"

// reply fills commands, answers and the kind for a reply to a prompt.
func (p *parser) reply(t trimmed) {
	m := p.m
	qs := p.questions()
	noWarn := func(string) {}
	isCmd := func(l string) bool {
		_, ok := parseCommand(l, m.Date, noWarn)
		return ok
	}
	used := make([]bool, len(qs))
	if !hasHeadingBesidesDone(t, qs) {
		used = nil // "done: …" alone closes an action item
	}
	onlyCommands := true
	for i, l := range t.lines {
		if t.kinds[i] != lText || strings.TrimSpace(l) == "" {
			continue
		}
		if q, _, ok := heading(l, qs, used); ok {
			if used != nil {
				used[q] = true
			}
			onlyCommands = false
			continue
		}
		if c, ok := parseCommand(l, m.Date, m.warn); ok {
			m.Commands = append(m.Commands, c)
			continue
		}
		onlyCommands = false
	}
	if len(m.Commands) == 0 && !hasOwnText(t) {
		if c, ok := subjectCommand(m.Subject, m.Date, m.warn); ok {
			m.Commands = append(m.Commands, c)
			m.Kind = KindCommand
			return
		}
	}
	switch {
	case len(m.Commands) > 0 && onlyCommands:
		m.Kind = KindCommand
		return
	case strings.TrimSpace(m.Text) == "" || !hasNewText(t):
		m.Kind = KindEmpty
		return
	}
	m.Kind = KindReply
	answers, warns := splitAnswers(t, qs, isCmd, used != nil)
	for _, w := range warns {
		m.warn(w)
		if strings.HasPrefix(w, "free text") {
			m.Unsure = append(m.Unsure, "no cues: everything filed under the first question")
		}
	}
	if answers != nil {
		m.Answers = answers
	}
	for _, a := range m.Answers {
		for _, q := range qs {
			if q.Key == a.Key && isBlockerKey(q) && saysBlocked(a.Text) {
				m.HasBlocker = true
			}
		}
	}
}

// hasNewText reports whether any kept line is the sender's own text.
func hasNewText(t trimmed) bool {
	for i, k := range t.kinds {
		if k == lText && strings.TrimSpace(t.lines[i]) != "" {
			return true
		}
	}
	return false
}

// hasHeadingBesidesDone reports whether some line is a question heading
// other than "done:", which then also counts as the heading of its question.
func hasHeadingBesidesDone(t trimmed, qs []Question) bool {
	for i, l := range t.lines {
		if t.kinds[i] != lText {
			continue
		}
		if reCmdDone.MatchString(strings.TrimSpace(l)) {
			continue
		}
		if _, _, ok := heading(l, qs, nil); ok {
			return true
		}
	}
	return false
}
