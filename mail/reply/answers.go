package reply

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// signOffWords are closing words ("Thanks", "Best regards", "Grüße").
const signOffWords = `thanks|thank\s+you|thx|ty|cheers|best|regards|best\s+regards|kind\s+regards|warm\s+regards|all\s+the\s+best|br|ciao|danke|viele\s+grüße|grüße|gruß|lg|merci|cordialement|bien\s+à\s+vous|gracias|saludos|obrigad[oa]|abraços|grazie|saluti|groeten|met\s+vriendelijke\s+groet|hälsningar|mvh|hilsen|pozdrawiam|спасибо|с\s+уважением|дякую`

var (
	reHeadingMarks = regexp.MustCompile(`^\s*(?:#{1,6}\s*)?(?:\*\*|__|\*|_)?\s*`)
	reNumbered     = regexp.MustCompile(`^\s*(?:\*\*)?(\d{1,2})[.)]\s*(?:\*\*)?\s+(.*)$`)
	reSignOff      = regexp.MustCompile(`(?i)^(?:` + signOffWords + `)\s*[,.!]*\s*$`)
)

// segment is a run of lines given to one question.
type segment struct {
	q     int
	lines []string
}

// splitAnswers gives the new text to the questions: under quoted question
// lines (interleaved), after headings or prefixes ("Yesterday:", "**Today**",
// the question text), as a numbered list, or else all to the first question.
// Lines that are commands are left out (they are reported as commands).
func splitAnswers(t trimmed, qs []Question, isCmd func(string) bool, doneIsHeading bool) ([]Answer, []string) {
	if len(qs) == 0 {
		return nil, nil
	}
	var warnings []string
	segs, found := headingSegments(t, qs, doneIsHeading)
	if !found {
		segs, found = numberedSegments(t, len(qs))
	}
	if !found {
		var lines []string
		for i, l := range t.lines {
			if t.kinds[i] == lText || t.kinds[i] == lBlank {
				lines = append(lines, l)
			}
		}
		segs = []segment{{q: 0, lines: lines}}
		if strings.TrimSpace(strings.Join(lines, "")) != "" {
			warnings = append(warnings, "free text: no question headings found; all text given to the first question")
		}
	}
	texts := make([]string, len(qs))
	for _, s := range segs {
		body := cleanAnswer(s.lines, isCmd)
		if body == "" {
			continue
		}
		if texts[s.q] != "" {
			texts[s.q] += "\n\n"
		}
		texts[s.q] += body
	}
	var out []Answer
	for i, q := range qs {
		if texts[i] != "" {
			out = append(out, Answer{Key: q.Key, Question: q.Text, Text: texts[i]})
		}
	}
	return out, warnings
}

// headingSegments splits at headings and quoted questions. Text before the
// first one is dropped (a greeting); found is false when there is none.
// Unless doneIsHeading, "done:" lines are commands, not headings.
func headingSegments(t trimmed, qs []Question, doneIsHeading bool) ([]segment, bool) {
	var segs []segment
	cur := -1
	var used []bool
	if doneIsHeading {
		used = make([]bool, len(qs))
	}
	for i, l := range t.lines {
		switch t.kinds[i] {
		case lQuote:
			if q := quotedQuestion(l, qs); q >= 0 {
				cur = q
				segs = append(segs, segment{q: q})
			}
			continue
		case lQuoteBlank:
			continue
		}
		if q, rest, ok := heading(l, qs, used); ok {
			cur = q
			if used != nil {
				used[q] = true
			}
			segs = append(segs, segment{q: q, lines: []string{rest}})
			continue
		}
		if cur >= 0 {
			segs[len(segs)-1].lines = append(segs[len(segs)-1].lines, l)
		}
	}
	return segs, len(segs) > 0
}

// quotedQuestion returns which question a quoted line repeats, or -1.
func quotedQuestion(l string, qs []Question) int {
	s := reHeadingMarks.ReplaceAllString(strings.TrimLeft(l, " \t>"), "")
	if m := reNumbered.FindStringSubmatch(s); m != nil {
		s = m[2]
	}
	n := normQ(s)
	for i, q := range qs {
		if n != "" && n == normQ(q.Text) {
			return i
		}
	}
	return -1
}

// heading reads a heading or prefix line: the question text, its key or
// an alias, with optional markdown marks and numbering, then ":" and the
// start of the answer (or nothing). Single-letter aliases need a colon.
func heading(l string, qs []Question, used []bool) (int, string, bool) {
	s := reHeadingMarks.ReplaceAllString(l, "")
	if m := reNumbered.FindStringSubmatch(s); m != nil {
		s = m[2]
	}
	n := normQ(s)
	for i, q := range qs {
		if n != "" && n == normQ(q.Text) {
			return i, "", true
		}
		for _, label := range append([]string{q.Key}, q.Aliases...) {
			if rest, ok := afterLabel(s, label); ok {
				if strings.EqualFold(label, "done") && (used == nil || used[i]) {
					continue // a second "done:" closes an action item
				}
				return i, rest, true
			}
		}
	}
	return 0, "", false
}

// afterLabel matches "Label:", "Label -", "**Label**:", or the label alone.
func afterLabel(s, label string) (string, bool) {
	if len(s) < len(label) || !strings.EqualFold(s[:len(label)], label) {
		return "", false
	}
	rest := strings.TrimLeft(s[len(label):], "*_ ")
	if rest == "" {
		return "", len([]rune(label)) > 1
	}
	for _, sep := range []string{":", "：", " - ", "- ", "– ", "— "} {
		if strings.HasPrefix(rest, strings.TrimLeft(sep, " ")) || strings.HasPrefix(rest, sep) {
			rest = strings.TrimLeft(strings.TrimPrefix(strings.TrimLeft(rest, " "), strings.TrimSpace(sep)), "*_ ")
			return rest, true
		}
	}
	return "", false
}

// numberedSegments splits "1. …" "2. …" lines numbered 1..n in order.
func numberedSegments(t trimmed, n int) ([]segment, bool) {
	var segs []segment
	next := 1
	for i, l := range t.lines {
		if t.kinds[i] != lText && t.kinds[i] != lBlank {
			continue
		}
		if m := reNumbered.FindStringSubmatch(l); m != nil {
			if k, _ := strconv.Atoi(m[1]); k == next && k <= n {
				segs = append(segs, segment{q: k - 1, lines: []string{m[2]}})
				next++
				continue
			}
		}
		if len(segs) > 0 {
			segs[len(segs)-1].lines = append(segs[len(segs)-1].lines, l)
		}
	}
	return segs, len(segs) >= 2
}

// cleanAnswer drops command lines and a closing sign-off, and trims.
func cleanAnswer(lines []string, isCmd func(string) bool) string {
	var kept []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && isCmd(l) {
			continue
		}
		kept = append(kept, l)
	}
	text := joinTrimmed(kept)
	ls := strings.Split(text, "\n")
	for i := len(ls) - 1; i >= 0 && i >= len(ls)-3; i-- {
		if reSignOff.MatchString(strings.TrimSpace(ls[i])) {
			return joinTrimmed(ls[:i])
		}
	}
	return text
}

// normQ normalises a question for comparison: lower case, letters and
// digits only, runs of anything else as one space, trimmed.
func normQ(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.N, r) {
			gap = b.Len() > 0
			continue
		}
		if gap {
			b.WriteByte(' ')
			gap = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
