package reply

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

var (
	reHeadingMarks = regexp.MustCompile(`^\s*(?:#{1,6}\s*)?(?:\*\*|__|\*|_)?\s*`)
	reNumbered     = regexp.MustCompile(`^\s*(?:\*\*)?(\d{1,2})[.)]\s*(?:\*\*)?\s+(.*)$`)
)

// segment is a run of lines given to one question.
type segment struct {
	q     int
	lines []string
}

// split is what splitAnswers found.
type split struct {
	answers  []Answer
	warnings []string
	unsure   []string
	removed  []Removed
}

// splitAnswers gives the new text to the questions: under quoted question
// lines (interleaved), after headings or prefixes ("Yesterday:", "**Today**",
// the question text), as a numbered list, or else by the cues of its
// sentences ("Yesterday I…", "Blocked by…"); text with no cue at all goes
// to the first question. Lines that are commands are left out (they are
// reported as commands); so are greeting, sign-off and signature lines.
func splitAnswers(t trimmed, qs []Question, isCmd func(string) bool, doneIsHeading bool) split {
	var res split
	if len(qs) == 0 {
		return res
	}
	segs, pre, found := headingSegments(t, qs, doneIsHeading)
	if found {
		pre = withoutCommands(pre, isCmd)
		if strings.TrimSpace(strings.Join(pre, "")) != "" {
			spans, greet, cued := proseSpans(pre, qs)
			for _, g := range greet {
				res.removed = append(res.removed, Removed{Kind: "greeting", Text: g})
			}
			if cued {
				for i, txt := range spanTexts(pre, spans, len(qs)) {
					if txt != "" {
						segs = append(segs, segment{q: i, lines: []string{txt}})
					}
				}
				res.unsure = append(res.unsure, "text before the first heading was filed by its wording")
			} else if len(spans) > 0 {
				res.removed = append(res.removed, Removed{Kind: "greeting", Text: joinTrimmed(pre)})
			}
		}
	}
	if !found {
		segs, found = numberedSegments(t, len(qs))
	}
	var texts []string
	if found {
		texts = make([]string, len(qs))
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
	} else {
		var lines []string
		for i, l := range t.lines {
			if t.kinds[i] == lText || t.kinds[i] == lBlank {
				lines = append(lines, l)
			}
		}
		lines = withoutCommands(lines, isCmd)
		spans, greet, cued := proseSpans(lines, qs)
		for _, g := range greet {
			res.removed = append(res.removed, Removed{Kind: "greeting", Text: g})
		}
		if cued {
			texts = spanTexts(lines, spans, len(qs))
		} else {
			texts = make([]string, len(qs))
			texts[0] = spanTexts(lines, spans, len(qs))[0]
			if len(greet) == 0 {
				texts[0] = joinTrimmed(lines)
			}
			if texts[0] != "" {
				res.warnings = append(res.warnings, "free text: no question headings found; all text given to the first question")
				res.unsure = append(res.unsure, "no cues: everything filed under the first question")
			}
		}
	}
	for i, q := range qs {
		if texts[i] != "" {
			res.answers = append(res.answers, Answer{Key: q.Key, Question: q.Text, Text: texts[i]})
		}
	}
	return res
}

// withoutCommands returns lines with command lines blanked out.
func withoutCommands(lines []string, isCmd func(string) bool) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if strings.TrimSpace(l) != "" && isCmd(l) {
			l = ""
		}
		out[i] = l
	}
	return out
}

// headingSegments splits at headings and quoted questions; pre holds the
// text and blank lines before the first one. found is false when there is
// none. Unless doneIsHeading, "done:" lines are commands, not headings.
// Only text and blank lines go into answers.
func headingSegments(t trimmed, qs []Question, doneIsHeading bool) (segs []segment, pre []string, found bool) {
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
		case lText, lBlank:
		default:
			continue
		}
		if q, rest, ok := heading(l, qs, used); ok {
			cur = q
			if used != nil {
				used[q] = true
			}
			// "Hier : audit terminé. Aujourd'hui : droits." holds a second
			// heading at a sentence start on the same line.
			first := rest
			var more []segment
			for _, se := range sentences(rest) {
				if se[0] == 0 {
					continue
				}
				q2, rest2, ok := heading(strings.TrimSpace(rest[se[0]:]), qs, used)
				if !ok && startsWithCue(strings.TrimSpace(rest[se[0]:])) {
					// "… Blocked on the directory access." opens another answer
					q2, rest2 = cueQuestion(cueOf(rest[se[0]:se[1]]), qs), strings.TrimSpace(rest[se[0]:])
					ok = q2 >= 0
				}
				if ok && q2 != cur {
					if len(more) == 0 {
						first = rest[:se[0]]
					} else {
						m := &more[len(more)-1]
						m.lines[0] = strings.TrimSuffix(m.lines[0], strings.TrimSpace(rest[se[0]:]))
					}
					more = append(more, segment{q: q2, lines: []string{rest2}})
					cur = q2
				}
			}
			segs = append(segs, segment{q: q, lines: []string{strings.TrimSpace(first)}})
			segs = append(segs, more...)
			continue
		}
		if cur >= 0 {
			segs[len(segs)-1].lines = append(segs[len(segs)-1].lines, l)
		} else {
			pre = append(pre, l)
		}
	}
	return segs, pre, len(segs) > 0
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

// cleanAnswer drops command lines and trims. Sign-offs and signatures
// were marked before (see markTail) and never reach an answer.
func cleanAnswer(lines []string, isCmd func(string) bool) string {
	var kept []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && isCmd(l) {
			continue
		}
		kept = append(kept, l)
	}
	// Rule lines ("----", "___") around an answer separate answers.
	for len(kept) > 0 && (strings.TrimSpace(kept[0]) == "" || isRule(kept[0])) {
		kept = kept[1:]
	}
	for len(kept) > 0 && (strings.TrimSpace(kept[len(kept)-1]) == "" || isRule(kept[len(kept)-1])) {
		kept = kept[:len(kept)-1]
	}
	return joinTrimmed(kept)
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

// isRule reports whether l is a rule of at least three marks ("----").
func isRule(l string) bool {
	return len(strings.TrimSpace(l)) >= 3 && reDelimiter.MatchString(l)
}
