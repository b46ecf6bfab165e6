package meeting

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// entry is one action item or decision while its lines are read.
type entry struct {
	sec    section // secActions or secDecisions
	text   string  // its lines so far, joined by spaces
	check  bool    // written as a checkbox
	done   bool    // a ticked checkbox
	bullet bool    // started with a bullet, number or checkbox
}

// continues reports whether line, which follows the open entry's last
// line prev with no blank line between and is not itself a bullet,
// carries on the entry's text (the writer's client hard-wrapped it):
//   - an indented line always does (Outlook, Apple Mail and hand-written
//     notes indent the wrapped text under the bullet);
//   - an unindented line does after a bulleted or numbered entry (Gmail
//     and Outlook wrap plain text at ~76 columns without indenting),
//     unless prev ended a sentence and line starts a new one with a
//     capital, or line is a heading-like or filler line ("Thanks"), or a
//     team member's name alone (a signature).
//
// Unbulleted entries are one per line: without a bullet nothing tells a
// wrapped line from the next item.
func continues(open entry, prev, line string, isName func(string) bool) bool {
	t := strings.TrimSpace(line)
	if line != strings.TrimLeft(line, " \t") {
		return true
	}
	if !open.bullet || isFiller(t) || (isName != nil && isName(t)) || reInline.MatchString(t) {
		return false
	}
	p := strings.TrimSpace(prev)
	last, _ := utf8.DecodeLastRuneInString(p)
	first, _ := utf8.DecodeRuneInString(t)
	if strings.ContainsRune(".!?;:", last) && unicode.IsUpper(first) {
		return false
	}
	return true
}
