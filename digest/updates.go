package digest

import (
	"regexp"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// memberUpdates lays out each member's week as a compact block: the
// blockers they reported, each run once with its span, then one entry per
// local day merging the answers of every check-in due that day. Empty and
// negative answers are left out (store.Answer.SaysNothing); a member left with
// nothing to show is not listed (the participation grid shows they
// answered).
func (b *builder) memberUpdates() []MemberUpdates {
	var out []MemberUpdates
	multi := len(b.data.CheckIns) > 1
	b.promptsInOrder(func(m *store.TeamMember, prompts []store.Prompt) {
		loc := b.loc(m.ID)
		mu := MemberUpdates{Name: m.Name, Zone: ZoneName(loc)}
		run := map[int64]int{} // check-in → index in mu.Blockers of its open run
		type span struct{ first, last time.Time }
		spans := map[int]*span{}
		for _, pr := range prompts {
			u := b.updates[pr.ID]
			if u == nil {
				continue
			}
			due := pr.DueAt.In(loc)
			var answers []AnswerView
			for i, a := range u.Answers {
				text := strings.TrimSpace(a.Text)
				if isBlockerAnswer(a) && u.HasBlocker {
					if r, ok := run[pr.CheckInID]; ok {
						mu.Blockers[r].Text = text
						spans[r].last = due
					} else {
						run[pr.CheckInID] = len(mu.Blockers)
						spans[len(mu.Blockers)] = &span{due, due}
						mu.Blockers = append(mu.Blockers, BlockerSpan{Text: text, Open: true})
					}
					continue
				}
				if a.SaysNothing(b.negative) {
					continue
				}
				lbl := label(a)
				if multi && len(u.Answers) == 1 && i == 0 {
					lbl = capitalize(b.checkIns[pr.CheckInID].Name)
				}
				answers = append(answers, AnswerView{Label: lbl, Text: text, Parts: parts(text)})
			}
			if !u.HasBlocker {
				if r, ok := run[pr.CheckInID]; ok {
					mu.Blockers[r].Open = false
					delete(run, pr.CheckInID)
				}
			}
			if len(answers) == 0 {
				continue
			}
			day := DayUpdate{Day: due, Answers: answers, Edited: u.Version > 1,
				Late: !pr.ExpiresAt.IsZero() && u.AnsweredAt.After(pr.ExpiresAt)}
			if n := len(mu.Days); n > 0 && sameDay(mu.Days[n-1].Day, due) {
				last := &mu.Days[n-1]
				last.Answers = append(last.Answers, answers...)
				last.Edited = last.Edited || day.Edited
				last.Late = last.Late || day.Late
				continue
			}
			mu.Days = append(mu.Days, day)
		}
		for i := range mu.Blockers {
			s := spans[i]
			mu.Blockers[i].Span = s.first.Format("Mon")
			if !sameDay(s.first, s.last) {
				mu.Blockers[i].Span += "–" + s.last.Format("Mon")
			}
		}
		if len(mu.Days) > 0 || len(mu.Blockers) > 0 {
			out = append(out, mu)
		}
	})
	return out
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// isBlockerAnswer reports whether a is the answer to a blocker question,
// recognised by its key or question.
func isBlockerAnswer(a store.Answer) bool {
	return strings.Contains(strings.ToLower(a.Key+" "+a.Question), "block")
}

// urlRE finds links in answers; trailing punctuation is trimmed after.
var urlRE = regexp.MustCompile(`https?://[^\s<>"']+`)

// parts splits an answer into text, links and code blocks: lines fenced
// with ``` or indented by four spaces or a tab (after a blank line or at
// the start) are code; http(s) URLs in the rest are links.
func parts(s string) []Part {
	var out []Part
	var text []string
	flush := func() {
		if t := strings.Trim(strings.Join(text, "\n"), "\n"); strings.TrimSpace(t) != "" {
			out = append(out, links(t)...)
		}
		text = nil
	}
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			flush()
			j := i + 1
			for j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), "```") {
				j++
			}
			out = append(out, Part{Kind: PartCode, Text: strings.Join(lines[i+1:min(j, len(lines))], "\n")})
			i = j
			continue
		}
		if indented(line) && (i == 0 || strings.TrimSpace(lines[i-1]) == "") {
			flush()
			j := i
			for j < len(lines) && (indented(lines[j]) || strings.TrimSpace(lines[j]) == "" && j+1 < len(lines) && indented(lines[j+1])) {
				j++
			}
			out = append(out, Part{Kind: PartCode, Text: dedent(lines[i:j])})
			i = j - 1
			continue
		}
		text = append(text, line)
	}
	flush()
	return out
}

func indented(line string) bool {
	return strings.TrimSpace(line) != "" && (strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t"))
}

// dedent removes the indentation common to lines.
func dedent(lines []string) string {
	cut := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if cut < 0 || n < cut {
			cut = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) >= cut {
			out[i] = l[cut:]
		}
	}
	return strings.Join(out, "\n")
}

// links splits text into text and link parts.
func links(t string) []Part {
	var out []Part
	at := 0
	for _, loc := range urlRE.FindAllStringIndex(t, -1) {
		u := strings.TrimRight(t[loc[0]:loc[1]], ".,;:!?")
		if strings.HasSuffix(u, ")") && !strings.Contains(u, "(") {
			u = strings.TrimSuffix(u, ")")
		}
		if loc[0] > at {
			out = append(out, Part{Kind: PartText, Text: t[at:loc[0]]})
		}
		out = append(out, Part{Kind: PartLink, Text: u, Show: linkText(u)})
		at = loc[0] + len(u)
	}
	if at < len(t) {
		out = append(out, Part{Kind: PartText, Text: t[at:]})
	}
	return out
}

// linkText is the visible text of a link: the URL without its scheme, cut
// to 60 characters.
func linkText(u string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}
