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
		if quotesPrompt(t, qs) {
			m.Text = "" // only the prompt, quoted back
		}
		return
	}
	m.Kind = KindReply
	if t.unsure != "" {
		m.unsure(t.unsure)
	}
	res := splitAnswers(t, qs, isCmd, used != nil)
	for _, w := range res.warnings {
		m.warn(w)
	}
	for _, u := range res.unsure {
		m.unsure(u)
	}
	m.Removed = append(m.Removed, res.removed...)
	if res.answers != nil {
		m.Answers = res.answers
	}
	for _, a := range m.Answers {
		for _, q := range qs {
			if q.Key == a.Key && isBlockerKey(q) && saysBlocked(a.Text) {
				m.HasBlocker = true
			}
		}
	}
	if text, ok := interleavedText(t, qs); ok {
		m.Text = text
	}
}

// interleavedText returns the text of a reply written between quoted
// questions: the questions stay as "> question" context lines, the rest
// of the quote (the prompt's greeting, instructions, footer) goes.
func interleavedText(t trimmed, qs []Question) (string, bool) {
	var out []string
	asked := false
	for i, l := range t.lines {
		switch t.kinds[i] {
		case lQuote:
			if quotedQuestion(l, qs) >= 0 {
				asked = true
				if len(out) > 0 && strings.TrimSpace(out[len(out)-1]) != "" {
					out = append(out, "")
				}
				out = append(out, "> "+strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "> ")))
			}
			continue
		case lQuoteBlank, lSignature:
			continue
		}
		if t.kinds[i] == lBlank && (len(out) == 0 || strings.TrimSpace(out[len(out)-1]) == "") {
			continue
		}
		out = append(out, l)
	}
	if !asked {
		return "", false
	}
	return joinTrimmed(out), true
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

// quotesPrompt reports whether a quoted line repeats one of the questions.
func quotesPrompt(t trimmed, qs []Question) bool {
	lines := append(append([]string(nil), t.lines...), t.rest...)
	for _, l := range lines {
		if reQuote.MatchString(l) && quotedQuestion(l, qs) >= 0 {
			return true
		}
	}
	return false
}
