package meeting

import (
	"regexp"
	"strings"
	"time"
	"unicode"
)

var (
	// [Ben Okafor] Staffing plan: draft it (Google Meet / Gemini).
	reBracketOwner = regexp.MustCompile(`^\[([^\]]{2,60})\]\s*`)
	// @maria or @maria.lopez anywhere.
	reHandle = regexp.MustCompile(`(?:^|\s)@([\pL\d][\pL\d._-]*[\pL\d])`)
	// (owner: Maria), Owner: Maria, assigned to Maria, verantwortlich: Maria.
	reOwnerField = regexp.MustCompile(`(?i)[(\[,;.–—-]?\s*\b(?:owner|owners|assignee|assigned to|responsible|verantwortlich|zuständig|responsable|responsável|dono)\s*[:=–—-]?\s+([\pL][\pL .'’-]{0,60}?)\s*(?:[)\]]|[,;.]|$)`)
	// trailing "(Maria)", "— Maria", " - Maria": accepted only for members.
	reTrailingName = regexp.MustCompile(`(?:\(([^()]{2,60})\)|\s[–—-]\s+([^–—-]{2,60}))\s*\.?$`)
	// Maria: …, Maria Lopez – …
	reLeadName = regexp.MustCompile(`^([\pL][\pL.'’-]*(?:\s+[\pL][\pL.'’-]*){0,2})\s*(?::|\s[–—-])\s+(.+)$`)
	// Maria to …, Maria will …, Maria wird …, Maria va …
	reLeadVerb = regexp.MustCompile(`(?i)^([\pL][\pL.'’-]*(?:\s+[\pL][\pL.'’-]*){0,2})\s+(to|will|wird|soll|va|vai|se encarga de|übernimmt|takes)\s+(.+)$`)
)

// notOwner lists words that start "X: …" lines without naming a person.
var notOwner = map[string]bool{
	"note": true, "notes": true, "owner": true, "due": true, "status": true, "next": true, "update": true,
	"fyi": true, "question": true, "idea": true, "risk": true, "blocker": true, "context": true, "topic": true,
	"summary": true, "goal": true, "why": true, "what": true, "when": true, "where": true, "how": true,
	"we": true, "team": true, "everyone": true, "all": true, "tbd": true,
}

// parseItem reads owner, due date and text from one action item line.
func parseItem(s string, meeting time.Time, isName func(string) bool) Item {
	var it Item
	s = strings.TrimSpace(s)
	if m := reBracketOwner.FindStringSubmatch(s); m != nil {
		it.Owner, s = strings.TrimSpace(m[1]), s[len(m[0]):]
	}
	if it.Owner == "" {
		if m := reHandle.FindStringSubmatchIndex(s); m != nil {
			it.Owner = s[m[2]:m[3]]
			s = s[:m[0]] + " " + s[m[1]:]
		}
	}
	if it.Owner == "" {
		if m := reOwnerField.FindStringSubmatchIndex(s); m != nil {
			it.Owner = strings.TrimSpace(s[m[2]:m[3]])
			s = s[:m[0]] + " " + s[m[1]:]
		}
	}
	if it.Owner == "" {
		it.Owner, s = leadingOwner(s, isName)
	}
	if it.Owner == "" {
		if m := reTrailingName.FindStringSubmatchIndex(s); m != nil {
			name := submatch(s, m, 1) + submatch(s, m, 2)
			if isName != nil && isName(strings.TrimSpace(name)) {
				it.Owner, s = strings.TrimSpace(name), s[:m[0]]
			}
		}
	}
	if due, rest, ok := findDue(s, meeting); ok {
		it.Due, s = &due, rest
	}
	it.Text = tidy(s)
	return it
}

func submatch(s string, m []int, i int) string {
	if m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// leadingOwner reads "Maria: …" (any short capitalised name, or a member)
// and "Maria to …" / "Maria will …" (members only: "Plan to migrate" is
// not a person).
func leadingOwner(s string, isName func(string) bool) (string, string) {
	known := func(n string) bool { return isName != nil && isName(n) }
	if m := reLeadVerb.FindStringSubmatch(s); m != nil && known(m[1]) {
		return m[1], m[3]
	}
	if m := reLeadName.FindStringSubmatch(s); m != nil {
		name := strings.TrimSpace(m[1])
		if known(name) || (!notOwner[strings.ToLower(name)] && capitalised(name) && len(strings.Fields(name)) <= 2) {
			return name, m[2]
		}
	}
	return "", s
}

// capitalised reports whether every word of s starts with an upper-case
// letter.
func capitalised(s string) bool {
	for _, w := range strings.Fields(s) {
		r := []rune(w)
		if !unicode.IsUpper(r[0]) {
			return false
		}
	}
	return s != ""
}

// tidy trims separators and a final period left around the text once
// owner and due date are cut out, and collapses spaces.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(s, " ,;:–—-")
	s = strings.TrimSuffix(s, ".")
	s = strings.ReplaceAll(s, " ,", ",")
	s = strings.ReplaceAll(s, " .", ".")
	return strings.TrimSpace(strings.ReplaceAll(s, "()", ""))
}
