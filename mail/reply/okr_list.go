package reply

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

// OKRList is a list of objectives and key results written in an email
// ("Objective: …" then "KR: reach 99.9 % uptime (from 99.5 %)" lines), as
// ParseOKRList reads it.
type OKRList struct {
	Quarter    string         `json:"quarter,omitempty"` // "2027-Q2" when a line names one
	Objectives []OKRObjective `json:"objectives"`
	// Problems are lines that looked like key results but could not be
	// read, with why.
	Problems []OKRProblem `json:"problems"`
}

// OKRObjective is one objective of an OKRList.
type OKRObjective struct {
	Title      string   `json:"title"`
	Owner      string   `json:"owner,omitempty"` // an address written on the line
	KeyResults []OKRKey `json:"key_results"`
}

// OKRKey is one key result of an OKRList. Unit is "%", "number",
// "currency" or "boolean"; a boolean goes from 0 to 1.
type OKRKey struct {
	Key      string  `json:"key"`
	Title    string  `json:"title"`
	Owner    string  `json:"owner,omitempty"`
	Start    float64 `json:"start"`
	Target   float64 `json:"target"`
	Unit     string  `json:"unit"`
	Currency string  `json:"currency,omitempty"`
}

var (
	objLineRE  = regexp.MustCompile(`(?i)^\s*(?:[-*•]\s*)?(?:objective|objectif|ziel|objetivo|obiettivo|o\d{1,2})\s*#?\d{0,2}\s*[:.)\-–—]\s*(.+)$`)
	krLineRE   = regexp.MustCompile(`(?i)^\s*(?:[-*•]\s*)?(kr\s*#?\d{0,3}[a-z]?|key result\s*\d{0,3})\s*[:.)\-–—]\s*(.+)$`)
	quarterRE  = regexp.MustCompile(`(?i)\b(20\d\d)\s*[- ]?\s*q([1-4])\b|\bq([1-4])\s*[- /]?\s*(20\d\d)\b`)
	fromRE     = regexp.MustCompile(`(?i)\b(?:from|von|de|desde|da)\b\s*`)
	ownerRE    = regexp.MustCompile(`(?i)[(\[]?\s*(?:owner|owned by|responsable|verantwortlich)?\s*[:=]?\s*<?([a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,})>?\s*[)\]]?`)
	emptyParen = regexp.MustCompile(`\(\s*[,;]?\s*\)`)
)

// ParseOKRList reads objectives and key results from text: an
// "Objective:" (or "O1:") line starts an objective; each "KR:" (or
// "KR2:", "Key result 3:") line under it is a key result whose numbers
// say where it starts ("from 99.5 %") and where it should end (the other
// number); "%" makes a percentage, a currency sign or code an amount, and
// no number a done/not-done result. An address on a line names its owner.
// A line naming a quarter ("Quarter: 2027-Q2", "Q2 2027") sets it. Keys
// missing or repeated are numbered KR1, KR2… in order. Other lines are
// ignored. It is pure and never fails.
func ParseOKRList(text, locale string) OKRList {
	var out OKRList
	n := 0
	keys := map[string]bool{}
	for _, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(raw), ">"))
		if l == "" {
			continue
		}
		if m := objLineRE.FindStringSubmatch(l); m != nil {
			title, owner := takeOwner(m[1])
			out.Objectives = append(out.Objectives, OKRObjective{Title: title, Owner: owner})
			continue
		}
		m := krLineRE.FindStringSubmatch(l)
		if m == nil {
			if q := quarterRE.FindStringSubmatch(l); q != nil && out.Quarter == "" && len(out.Objectives) == 0 {
				out.Quarter = quarterOf(q)
			}
			continue
		}
		if len(out.Objectives) == 0 {
			out.Problems = append(out.Problems, OKRProblem{Line: l, Problem: "a key result before any \"Objective:\" line"})
			continue
		}
		n++
		kr, err := readKRLine(m[2], locale)
		if err != nil {
			out.Problems = append(out.Problems, OKRProblem{Line: l, Problem: err.Error()})
			continue
		}
		kr.Key = normKey(m[1])
		if kr.Key == "KR" || strings.HasPrefix(kr.Key, "KEYRESULT") || keys[kr.Key] {
			kr.Key = fmt.Sprintf("KR%d", n)
		}
		for keys[kr.Key] {
			n++
			kr.Key = fmt.Sprintf("KR%d", n)
		}
		keys[kr.Key] = true
		o := &out.Objectives[len(out.Objectives)-1]
		o.KeyResults = append(o.KeyResults, kr)
	}
	if out.Problems == nil {
		out.Problems = []OKRProblem{}
	}
	return out
}

func quarterOf(m []string) string {
	if m[1] != "" {
		return m[1] + "-Q" + m[2]
	}
	return m[4] + "-Q" + m[3]
}

// takeOwner cuts an address out of s.
func takeOwner(s string) (rest, owner string) {
	m := ownerRE.FindStringSubmatchIndex(s)
	if m == nil {
		return strings.TrimSpace(s), ""
	}
	if a, err := mail.ParseAddress(s[m[2]:m[3]]); err == nil {
		owner = strings.ToLower(a.Address)
	}
	rest = s[:m[0]] + " " + s[m[1]:]
	return strings.Trim(strings.Join(strings.Fields(rest), " "), " ,;:-–—"), owner
}

// readKRLine reads one key result's text: title, owner, start, target,
// unit.
func readKRLine(s, locale string) (OKRKey, error) {
	s, owner := takeOwner(s)
	kr := OKRKey{Owner: owner}
	nums := findNumbers(s, locale)
	var start, target *okrNumber
	for i := range nums {
		before := s[:nums[i].Start]
		if start == nil && fromRE.MatchString(lastWords(before, 1)) {
			start = &nums[i]
		} else if target == nil {
			target = &nums[i]
		}
	}
	title := s
	switch {
	case len(nums) == 0:
		kr.Unit, kr.Start, kr.Target = "boolean", 0, 1
	case target == nil:
		return kr, fmt.Errorf("no target: write e.g. \"reach 99.9 %% (from 99.5 %%)\"")
	default:
		kr.Target = target.Values[0]
		kr.Unit = unitOf(*target)
		if start != nil {
			kr.Start = start.Values[0]
			if kr.Unit == "number" {
				kr.Unit = unitOf(*start)
			}
			title = okrCut(title, start.Start, start.End, true)
		}
		kr.Currency = target.Currency
		if kr.Unit == "currency" && start != nil && kr.Currency == "" {
			kr.Currency = start.Currency
		}
		if start == nil {
			return kr, fmt.Errorf("no start value: add where it starts, e.g. \"(from %s)\"", strings.TrimSpace(s[target.Start:target.End]))
		}
		if kr.Start == kr.Target {
			return kr, fmt.Errorf("start and target are both %v", kr.Target)
		}
	}
	kr.Title = strings.Trim(emptyParen.ReplaceAllString(strings.Join(strings.Fields(title), " "), ""), " ,;:.-–—")
	if kr.Title == "" {
		return kr, fmt.Errorf("no title")
	}
	return kr, nil
}

// okrCut removes s[i:j] and, when from is set, the "from" word before it.
func okrCut(s string, i, j int, from bool) string {
	before := s[:i]
	if from {
		if loc := fromRE.FindAllStringIndex(before, -1); len(loc) > 0 {
			before = before[:loc[len(loc)-1][0]]
		}
	}
	return before + " " + s[j:]
}

func lastWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[len(f)-n:]
	}
	return strings.Join(f, " ")
}

func unitOf(n okrNumber) string {
	switch {
	case n.Percent:
		return "%"
	case n.Currency != "":
		return "currency"
	}
	return "number"
}
