package templates

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// TextWidth is the column limit of every plain-text part (RFC 5322's
// recommended 78).
const TextWidth = 78

// listMarker is what starts a list item or quote; continuation lines of a
// wrapped item hang under its text.
var listMarker = regexp.MustCompile(`^\s*(?:[•◦▪☐☑✓✗○●◐–*-]|\d{1,3}[.)]|>+)\s+`)

// Wrap folds every line of s longer than width runes at ASCII spaces
// (never at non-breaking ones, which templates put inside dates), so that
// plain-text parts read well in any client. A folded list item ("  • …",
// "2. …") continues under its text, a folded quote ("> …") repeats its
// marker, and other lines keep their indentation. A word longer than the
// line (a URL) is put on a line of its own and never cut. Lines already
// short enough are unchanged, so Wrap is idempotent.
func Wrap(s string, width int) string {
	if width <= 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if utf8.RuneCountInString(l) <= width {
			out = append(out, l)
			continue
		}
		out = append(out, fold(l, width)...)
	}
	return strings.Join(out, "\n")
}

func fold(l string, width int) []string {
	l = strings.TrimRight(l, " ")
	first := listMarker.FindString(l)
	if first == "" {
		first = l[:len(l)-len(strings.TrimLeft(l, " \t"))]
	}
	next := strings.Repeat(" ", utf8.RuneCountInString(first))
	if q := strings.TrimSpace(first); strings.HasPrefix(q, ">") {
		next = first
	}
	// Only ASCII spaces break: non-breaking spaces bind dates and times.
	var words []string
	for _, w := range strings.Split(strings.ReplaceAll(l[len(first):], "\t", " "), " ") {
		if w != "" {
			words = append(words, w)
		}
	}
	var out []string
	cur, curLen := first, utf8.RuneCountInString(first)
	empty := true
	for _, w := range words {
		wl := utf8.RuneCountInString(w)
		if !empty && curLen+1+wl > width {
			out = append(out, cur)
			cur, curLen, empty = next, utf8.RuneCountInString(next), true
		}
		if !empty {
			cur += " "
			curLen++
		}
		cur += w
		curLen += wl
		empty = false
	}
	return append(out, cur)
}

// LongLines returns the lines of s longer than width runes that Wrap could
// have folded (those with a space after their indentation); a test helper
// for "plain text is wrapped at 78 columns".
func LongLines(s string, width int) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if utf8.RuneCountInString(l) > width && strings.Contains(strings.TrimSpace(l), " ") {
			out = append(out, l)
		}
	}
	return out
}
