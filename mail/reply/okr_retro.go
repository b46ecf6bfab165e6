package reply

import (
	"fmt"
	"regexp"
	"strings"
)

// OKRRetro is what a quarter-end retrospective reply says: a final score
// per key result (0.0–1.0), lessons, and which key results carry over.
type OKRRetro struct {
	Scores   map[string]float64 `json:"scores"`
	Lessons  []string           `json:"lessons"`
	Carry    []string           `json:"carry_over"`
	NoCarry  bool               `json:"no_carry_over,omitempty"` // "carry over: none"
	Problems []OKRProblem       `json:"problems"`
}

var (
	carryRE  = regexp.MustCompile(`(?i)^\s*(?:[-*•]\s*)?(?:carry(?:[ -]?over)?|keep|übernehmen|reporter|continuar)\b\s*\??\s*[:=\-–—]?\s*(.*)$`)
	lessonRE = regexp.MustCompile(`(?i)^\s*(?:[-*•]\s*)?(?:what did we learn\??|learn(?:ed|t|ings?)?|lessons?(?: learned)?|gelernt|leçons?|aprendizajes?)\s*[:=\-–—]\s*(.*)$`)
	keysRE   = regexp.MustCompile(`(?i)\bkr\s?#?\d{1,3}[a-z]?\b`)
	noneRE   = regexp.MustCompile(`(?i)^\s*(none|nothing|no|nein|aucun|ninguno)\b`)
	krCarry  = regexp.MustCompile(`(?i)\b(carry(?:[ -]?over)?|keep it|continue)\b`)
)

// ParseOKRRetro reads a retrospective reply about krs: "KR1: 0.7" (or
// "0,7", "70%") scores a key result; "learned: …" lines, and any other
// line, are lessons; "carry over: KR2, KR3" (or "KR2 carry over") names
// key results that continue next quarter, "carry over: none" none. A
// score outside 0–1 or an unknown key is a problem and changes nothing.
// Quoted lines are skipped. It is pure and never fails.
func ParseOKRRetro(text string, krs []KRRef) OKRRetro {
	out := OKRRetro{Scores: map[string]float64{}, Lessons: []string{}, Carry: []string{}, Problems: []OKRProblem{}}
	p := okrParser{krs: krs, at: map[string]int{}}
	carried := map[string]bool{}
	carry := func(k string) {
		if !carried[k] {
			carried[k] = true
			out.Carry = append(out.Carry, k)
		}
	}
	for _, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l := strings.TrimSpace(raw)
		if l == "" || strings.HasPrefix(l, ">") {
			continue
		}
		if m := carryRE.FindStringSubmatch(l); m != nil {
			if noneRE.MatchString(m[1]) {
				out.NoCarry = true
				continue
			}
			for _, k := range keysRE.FindAllString(m[1], -1) {
				if key, ok := p.known(k); ok {
					carry(key)
				} else {
					out.Problems = append(out.Problems, OKRProblem{Line: l, Problem: fmt.Sprintf("%s is not one of your key results (%s)", normKey(k), p.keyList())})
				}
			}
			continue
		}
		if m := lessonRE.FindStringSubmatch(l); m != nil {
			if t := strings.TrimSpace(m[1]); t != "" {
				out.Lessons = append(out.Lessons, t)
			}
			continue
		}
		key, rest, labelled := p.label(l)
		switch {
		case labelled && key == "":
			out.Problems = append(out.Problems, OKRProblem{Line: l, Problem: fmt.Sprintf("%s is not one of your key results (%s)", p.named(l), p.keyList())})
			continue
		case !labelled:
			out.Lessons = append(out.Lessons, l)
			continue
		}
		if krCarry.MatchString(rest) {
			carry(key)
			rest = krCarry.ReplaceAllString(rest, " ")
		}
		nums := findNumbers(rest, "")
		if len(nums) == 0 {
			if c := cleanComment(rest); c != "" {
				out.Lessons = append(out.Lessons, key+": "+c)
			}
			continue
		}
		v := nums[0].Values[len(nums[0].Values)-1] // "0,7" reads as 0.7
		if nums[0].Percent {
			v /= 100
		}
		if v < 0 || v > 1 {
			out.Problems = append(out.Problems, OKRProblem{Line: l, Problem: fmt.Sprintf("a score is between 0.0 and 1.0 (e.g. \"%s: 0.7\")", key)})
			continue
		}
		out.Scores[key] = v
		if c := cleanComment(rest[:nums[0].Start] + " " + rest[nums[0].End:]); c != "" {
			out.Lessons = append(out.Lessons, key+": "+c)
		}
	}
	return out
}

// known returns the key result key k names.
func (p *okrParser) known(k string) (string, bool) {
	n := normKey(strings.ReplaceAll(k, "#", ""))
	for _, kr := range p.krs {
		if normKey(kr.Key) == n {
			return kr.Key, true
		}
	}
	return "", false
}
