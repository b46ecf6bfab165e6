package reply

import (
	"strings"
	"unicode/utf8"
)

// span is one piece of a line of prose (a sentence or a clause), as byte
// offsets into the line, with the question it is filed under.
type span struct {
	line       int
	start, end int
	q          int
}

// abbreviations do not end a sentence ("e.g. the", "approx. 3").
var abbreviations = map[string]bool{"e.g": true, "i.e": true, "etc": true, "vs": true, "approx": true, "dr": true, "mr": true,
	"mrs": true, "ms": true, "z.b": true, "bzw": true, "ca": true, "nr": true, "no": true, "p.ex": true, "ex": true, "cf": true, "inc": true, "st": true}

// sentences splits a line into sentences at ".", "!", "?", "。", "；" and
// "; ", keeping offsets; abbreviations and decimals do not split.
func sentences(l string) [][2]int {
	var out [][2]int
	start := 0
	for i, r := range l {
		end := i + utf8.RuneLen(r)
		switch r {
		case '。', '！', '？', '；':
			out = append(out, [2]int{start, end})
			start = end
			continue
		case '.', '!', '?', ';':
		default:
			continue
		}
		if end >= len(l) || l[end] != ' ' && l[end] != '\t' {
			continue
		}
		if r == '.' {
			w := l[start:i]
			if k := strings.LastIndexAny(w, " \t("); k >= 0 {
				w = w[k+1:]
			}
			if abbreviations[strings.ToLower(w)] || utf8.RuneCountInString(w) == 1 {
				continue
			}
		}
		out = append(out, [2]int{start, end})
		start = end
	}
	if strings.TrimSpace(l[start:]) != "" {
		out = append(out, [2]int{start, len(l)})
	}
	return out
}

// clauseBreaks are where a sentence may turn to another question when
// what follows starts with a cue ("…, today I …", "… and waiting on Bob").
var clauseBreaks = []string{", ", " - ", " – ", " — ", " and ", " but ", " und ", " aber ", " et ", " mais ", " y ", " pero ", " e ", " mas ", " ma ", " en ", " maar ", " och ", " men ", " og "}

// clauses splits a sentence [a, b) of l at clause breaks followed by a cue
// that differs from the one before.
func clauses(l string, a, b int, qs []Question) [][2]int {
	var out [][2]int
	start := a
	for i := a; i < b; i++ {
		for _, br := range clauseBreaks {
			if !strings.HasPrefix(l[i:b], br) {
				continue
			}
			rest := l[i+len(br) : b]
			if !startsWithCue(rest) {
				continue
			}
			prev := cueQuestion(cueOf(l[start:i]), qs)
			if next := cueQuestion(cueOf(rest), qs); prev == next || next < 0 {
				continue
			}
			out = append(out, [2]int{start, i})
			start = i
			break
		}
	}
	return append(out, [2]int{start, b})
}

// proseSpans files the sentences of lines (text and blank lines of one
// run) under the questions by their cues. An uncued sentence goes with the
// one before it; uncued sentences before the first cue go to the first
// question. found is false when no sentence has a cue.
func proseSpans(lines []string, qs []Question) (spans []span, greeting []string, found bool) {
	cur := -1
	var pending []span
	for li, l := range lines {
		if strings.TrimSpace(l) == "" || isRule(l) {
			continue
		}
		for si, se := range sentences(l) {
			if li == firstNonBlank(lines) && si == 0 {
				if loc := reGreetingLead.FindStringIndex(l[se[0]:se[1]]); loc != nil {
					g := strings.TrimSpace(l[se[0] : se[0]+loc[1]])
					greeting = append(greeting, g)
					se[0] += loc[1]
					if strings.TrimSpace(l[se[0]:se[1]]) == "" {
						continue
					}
				} else if isGreetingLine(strings.TrimSpace(l[se[0]:se[1]])) {
					greeting = append(greeting, strings.TrimSpace(l[se[0]:se[1]]))
					continue
				}
			}
			for _, c := range clauses(l, se[0], se[1], qs) {
				q := cueQuestion(cueOf(l[c[0]:c[1]]), qs)
				if q >= 0 {
					found = true
					cur = q
				}
				sp := span{line: li, start: c[0], end: c[1], q: cur}
				if cur < 0 {
					pending = append(pending, sp)
					continue
				}
				spans = append(spans, sp)
			}
		}
	}
	for i := range pending {
		pending[i].q = 0
	}
	return append(pending, spans...), greeting, found
}

func firstNonBlank(lines []string) int {
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			return i
		}
	}
	return -1
}

// spanTexts joins the spans filed under each question: pieces of one line
// are joined by a space, pieces of different lines by a new line.
func spanTexts(lines []string, spans []span, n int) []string {
	texts := make([]string, n)
	lastLine := make([]int, n)
	for i := range lastLine {
		lastLine[i] = -1
	}
	for _, s := range spans {
		if s.q < 0 || s.q >= n {
			continue
		}
		piece := strings.TrimSpace(lines[s.line][s.start:s.end])
		if strings.TrimSpace(lines[s.line][:s.start]) != "" {
			piece = trimConnector(piece)
		}
		switch {
		case piece == "":
			continue
		case texts[s.q] == "":
			texts[s.q] = piece
		case lastLine[s.q] == s.line:
			texts[s.q] += " " + piece
		default:
			texts[s.q] += "\n" + piece
		}
		lastLine[s.q] = s.line
	}
	return texts
}

// trimConnector drops a leading clause break (", ", "and ") from a piece.
func trimConnector(s string) string {
	s = strings.TrimLeft(s, ",;-–— ")
	for _, br := range clauseBreaks {
		w := strings.TrimSpace(br)
		if len(w) > 1 && len(s) > len(w) && strings.EqualFold(s[:len(w)], w) && s[len(w)] == ' ' {
			return s[len(w)+1:]
		}
	}
	return s
}
