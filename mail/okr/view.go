package okr

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidings-app/tidings/store"
)

// promptView is the data of okr_prompt.
type promptView struct {
	FirstName, Team, Quarter string
	Week, Weeks              int
	Due, Closes              time.Time // member-local
	KRs                      []krLine
	Example                  []string // answer lines with the owner's keys
	UnsubscribeURL           string
}

// krLine is one key result in a prompt.
type krLine struct {
	Key, Title string
	Last       string    // "99.6 %", or the start value with "(start)"
	LastDate   time.Time // zero when nothing was reported yet
	Status     string    // of the last value; "" before any
	Target     string
	Expected   string // "" for a boolean
}

// Text is the key result as wrapped plain-text lines (≤ 78 columns): the
// key and title, then its figures indented.
func (l krLine) Text() string {
	head := wrap(l.Key+" "+l.Title, 78, "", "    ")
	d := "last " + l.Last
	if !l.LastDate.IsZero() {
		d += " (" + l.LastDate.Format("Mon 2 Jan") + ", " + l.Status + ")"
	}
	d += ", target " + l.Target
	if l.Expected != "" {
		d += ", expected today " + l.Expected
	}
	return head + "\n" + wrap(d, 78, "    ", "    ")
}

// receiptView is the data of okr_receipt.
type receiptView struct {
	Subject, FirstName, Team, Quarter string
	Recorded                          []recordedLine
	Problems                          []problemLine
	Unrecognised                      []string
	Lessons                           []string // a retrospective's
	UnsubscribeURL                    string
}

// recordedLine is one value filed from a reply.
type recordedLine struct {
	Key, Title, Value, Was, Status, Comment string
	Confidence                              *int
}

// Text is the recorded value as wrapped plain-text lines.
func (r recordedLine) Text() string {
	s := r.Key + " " + r.Title + ": " + r.Value
	if r.Was != "" {
		s += " (was " + r.Was + ")"
	}
	s += ", " + r.Status
	if r.Confidence != nil {
		s += ", confidence " + itoa(*r.Confidence) + "/10"
	}
	out := wrap(s, 78, "  ", "      ")
	if r.Comment != "" {
		out += "\n" + wrap("“"+r.Comment+"”", 78, "      ", "       ")
	}
	return out
}

// problemLine is a line that changed nothing, and why.
type problemLine struct{ Line, Problem string }

// Text is the problem as wrapped plain-text lines.
func (p problemLine) Text() string {
	return wrap("“"+p.Line+"”", 78, "  ", "   ") + "\n" + wrap(p.Problem, 78, "    ", "    ")
}

func itoa(n int) string {
	if n == 10 {
		return "10"
	}
	return string(rune('0' + n))
}

// wrap breaks s into lines of at most width columns (runes), the first
// prefixed by first, the others by rest. A word longer than a line stays
// whole.
func wrap(s string, width int, first, rest string) string {
	var b strings.Builder
	line, prefix := "", first
	flush := func() {
		b.WriteString(prefix + line + "\n")
		line, prefix = "", rest
	}
	for _, w := range strings.Fields(s) {
		if line != "" && utf8.RuneCountInString(prefix+line+" "+w) > width {
			flush()
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" || b.Len() == 0 {
		flush()
	}
	return strings.TrimRight(b.String(), "\n")
}

func firstName(m *store.Member) string {
	if f := strings.Fields(m.Name); len(f) > 0 {
		return f[0]
	}
	local, _, _ := strings.Cut(m.Email, "@")
	return local
}

// teamPhrase is how prose names a team: "Platform" → "Platform team".
func teamPhrase(name string) string {
	if strings.HasSuffix(strings.ToLower(name), "team") {
		return name
	}
	return name + " team"
}
