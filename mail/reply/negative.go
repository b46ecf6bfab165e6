package reply

import (
	"regexp"
	"strings"
)

// negativeMore are the words that may follow a none word in an answer
// that says nothing, beyond the blocker nouns: "nothing new", "nothing to
// add", "rien de neuf", "nichts Neues".
const negativeMore = `new|here|yet|to\s+add|to\s+report|to\s+share|worth\s+mentioning|de\s+neuf|de\s+nouveau|à\s+ajouter|neues|zu\s+berichten|nuevo|que\s+reportar|novo|de\s+novo|di\s+nuovo|da\s+segnalare|nieuws|nytt|nowego|нового`

// reNegative is reNone with any run of nouns and "nothing more" words
// after the none word: "no new blockers so far", "nothing to add here".
var reNegative = regexp.MustCompile(`(?i)^(?:(?:` + nonePrefixes + `)\s*,?\s*)?(?:` + noneWords + `)(?:\s*(?:` + noneNouns + `|` + negativeMore + `))*(?:\s*,?\s+(?:` + noneAfter + `))?\s*[.!:)。]*$`)

// IsNegative reports whether an answer to any question says nothing: it is
// empty, or only a none word ("none", "n/a", "-", "keine", "rien", "nada",
// "なし", "нет" and the other languages the blocker parser knows), maybe
// with a noun and a qualifier ("No blockers so far.", "nothing to add",
// "Keine Probleme, danke"). An answer that goes on to say something ("no
// blockers, but waiting on IT", "nothing blocks me") is not negative.
// mail/inbound records the verdict on each answer (store.Answer.Negative),
// and the digest leaves negative answers out.
func IsNegative(s string) bool {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "*_`"))
	return s == "" || reNegative.MatchString(s)
}
