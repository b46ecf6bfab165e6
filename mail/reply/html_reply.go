package reply

import "strings"

// interleavedHTML returns the trimmed rendering of an HTML-only body with
// its quotes kept, when the member answered between quoted question lines:
// a quoted question, then new text, then more quoted lines; or a quoted
// question and new text when the body with its quotes cut has no new text.
func (p *parser) interleavedHTML(cut trimmed) (trimmed, bool) {
	if p.html == nil || p.html.interleaved == "" {
		return trimmed{}, false
	}
	t := p.trim(p.html.interleaved)
	qs := p.questions()
	const (
		seeking  = iota // looking for a quoted question
		asked           // saw one; looking for new text under it
		answered        // saw that too; more quoted lines make it interleaved
	)
	state := seeking
	for i, l := range t.lines {
		switch t.kinds[i] {
		case lQuote:
			if state == answered {
				return t, true
			}
			if quotedQuestion(l, qs) >= 0 {
				state = asked
			}
		case lText:
			if state == asked && strings.TrimSpace(l) != "" {
				state = answered
			}
		}
	}
	return t, state == answered && !hasNewText(cut)
}
