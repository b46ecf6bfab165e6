package reply

import (
	"regexp"
	"strings"
)

// lineKind is what one body line is, for the trimmer.
type lineKind uint8

const (
	lText       lineKind = iota // new text (also lines inside code fences)
	lBlank                      // empty or whitespace only
	lQuote                      // "> quoted" with content
	lQuoteBlank                 // ">" with nothing after it
	lAttrib                     // attribution ("On … wrote:"), maybe one of several wrapped lines
	lForward                    // forwarded/original message marker
	lHeader                     // first line of an embedded From:/Sent:/To: block
	lDelim                      // a rule of dashes, underscores, equals signs…
	lSig                        // the "-- " signature separator
	lFooter                     // mobile or client footer ("Sent from my iPhone")
	lBanner                     // external-sender banner at the top
	lGreeting                   // "Hi Lena," opening the new text
	lSignoff                    // "Thanks,", the sender's name, closing the new text
	lSignature                  // a signature block without a "-- " line
)

// classifyLines gives each line its kind. Attributions wrapped over up to
// five lines are joined before matching and all their lines marked.
func classifyLines(lines []string) []lineKind {
	kinds := make([]lineKind, len(lines))
	inCode := false
	for i := 0; i < len(lines); i++ {
		s := lines[i]
		if reCodeFence.MatchString(s) {
			inCode = !inCode
			kinds[i] = lText
			continue
		}
		if inCode || len(s) > maxLineBytes {
			kinds[i] = lText
			continue
		}
		k, span := classifyLine(lines, i)
		for j := i; j < i+span; j++ {
			kinds[j] = k
		}
		i += span - 1
	}
	markSetextRules(lines, kinds)
	return kinds
}

// classifyLine classifies line i and says how many lines the kind spans.
func classifyLine(lines []string, i int) (lineKind, int) {
	s := lines[i]
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return lBlank, 1
	case reQuote.MatchString(s):
		if strings.Trim(t[strings.Index(t, ">"):], "> \t") == "" {
			return lQuoteBlank, 1
		}
		return lQuote, 1
	case reSigDash.MatchString(s):
		return lSig, 1
	case t == "---" || t == "***" || t == "___":
		return lText, 1 // a markdown rule between paragraphs
	case reDelimiter.MatchString(s):
		return lDelim, 1
	}
	if m, _ := isForwardMarker(s); m {
		return lForward, 1
	}
	if isFooter(s) {
		return lFooter, 1
	}
	if isAttribution(s) {
		if i+1 < len(lines) && attributionTail(lines[i+1]) {
			return lAttrib, 2
		}
		return lAttrib, 1
	}
	if n := wrappedAttribution(lines, i); n > 0 {
		return lAttrib, n
	}
	if isHeaderBlock(lines, i) || isOneLineHeader(s) {
		return lHeader, 1
	}
	if n := addressAttribution(lines, i); n > 0 {
		return lAttrib, n
	}
	if quoteFollows(lines, i+1) && strings.ContainsAny(s, "0123456789") && hasAttribVerb(s) && reAttribNoColon.MatchString(strings.TrimSpace(s)) {
		return lAttrib, 1
	}
	return lText, 1
}

// attributionTail reports whether a line ends an attribution begun on the
// line before ("wrote:", "a écrit :", "<ana@example.com>:").
func attributionTail(l string) bool {
	t := strings.TrimSpace(strings.TrimLeft(l, " >"))
	if t == "" || len(t) > 60 || !strings.HasSuffix(t, ":") && !strings.HasSuffix(t, "：") {
		return false
	}
	if _, _, ok := headerField(t); ok {
		return false
	}
	return len(strings.Fields(t)) <= 4
}

var (
	// reDateTime is a numeric date and a time: "24.11.2026 09:12".
	reDateTime = regexp.MustCompile(`\d{1,4}[./-]\s?\d{1,2}[./-]\s?\d{1,4}.{0,20}\d{1,2}[:.]\d\d`)
	// reAttribNoColon is "Op 24-11-2026 om 09:12 schreef Tidings", "Am …
	// schrieb Ana": an opener, a date, the verb and a short name, no colon.
	reAttribNoColon = regexp.MustCompile(`(?i)^(?:` + attribOpenersMore + `)\s.*\d.*\s(?:` + attribVerbs + `|` + attribVerbsMore + `)(?:\s+\S+){1,6}$`)
	// reEmailInAngles is "<ana@example.com>".
	reEmailInAngles = regexp.MustCompile(`<[^<>\s@]+@[^<>\s]+>`)
	// reOneLineHeader is an Outlook header block run together on one line:
	// "From: … Sent: … To: … Subject: …", in any language.
	reOneLineHeader = regexp.MustCompile(`(?i)^[\s>*]*(?:` + hdrFrom + `)\*{0,2}\s*[:：].{3,200}\s\*{0,2}(?:` + hdrDate + `)\*{0,2}\s*[:：].{3,120}\s\*{0,2}(?:` + hdrSubject + `|` + hdrTo + `)\*{0,2}\s*[:：]`)
)

// isOneLineHeader reports whether the line is a whole header block run
// together on one line.
func isOneLineHeader(s string) bool {
	return len(s) < maxLineBytes && strings.Contains(s, "@") && reOneLineHeader.MatchString(s)
}

// addressAttribution recognises an attribution in any language by its
// shape: one or two lines holding an address in angle brackets and a
// digit, ending with a colon, right before quoted lines. It returns how
// many lines it spans, or 0.
func addressAttribution(lines []string, i int) int {
	for n := 1; n <= 2 && i+n <= len(lines); n++ {
		joined := strings.TrimSpace(strings.Join(lines[i:i+n], " "))
		if len(joined) > 300 || strings.HasPrefix(joined, ">") {
			return 0
		}
		if n == 2 && (isAttribution(lines[i+1]) || strings.HasSuffix(strings.TrimSpace(lines[i]), ".")) {
			return 0 // text, then an attribution of its own
		}
		if !strings.HasSuffix(joined, ":") && !strings.HasSuffix(joined, "：") {
			continue
		}
		if !reEmailInAngles.MatchString(joined) && !reDateTime.MatchString(joined) || !strings.ContainsAny(joined, "0123456789") {
			continue
		}
		if quoteFollows(lines, i+n) {
			return n
		}
		return 0
	}
	return 0
}

// quoteFollows reports whether the first non-blank line from i is quoted,
// or there is none.
func quoteFollows(lines []string, i int) bool {
	for j := i; j < len(lines); j++ {
		if strings.TrimSpace(lines[j]) == "" {
			continue
		}
		return reQuote.MatchString(lines[j])
	}
	return true
}

// wrappedAttribution returns how many lines, from i, form one attribution
// wrapped over several lines, or 0. A continuation line that is itself an
// attribution stops the search, so text is never glued onto the real one.
func wrappedAttribution(lines []string, i int) int {
	joined := strings.TrimSpace(lines[i])
	if !strings.ContainsAny(joined, "0123456789<@") && !isWroteOn(joined) || !reAttribStart.MatchString(joined) {
		return 0
	}
	for j := i + 1; j < len(lines) && j <= i+4; j++ {
		next := strings.TrimSpace(strings.TrimLeft(lines[j], " \t>"))
		if next == "" {
			continue
		}
		if len(next) > 120 || isAttribution(next) && reAttribStart.MatchString(next) {
			return 0
		}
		if strings.HasSuffix(joined, "<") || strings.HasPrefix(next, ">") {
			joined += next
		} else {
			joined += " " + next
		}
		if isAttribution(joined) {
			return j - i + 1
		}
	}
	return 0
}

// isHeaderBlock reports whether line i starts an embedded header block: a
// From-like field followed closely by at least one more header field.
func isHeaderBlock(lines []string, i int) bool {
	name, _, ok := headerField(lines[i])
	if !ok {
		return false
	}
	if reHeaderFrom.MatchString(name) {
		for j := i + 1; j < len(lines) && j <= i+6; j++ {
			if n, _, ok := headerField(lines[j]); ok && !reHeaderFrom.MatchString(n) {
				return true
			}
		}
		return false
	}
	// GMX and others start with the date: "Gesendet: …", "Von: …",
	// "An: …": a run of at least three fields, one of them From-like.
	from, n := false, 1
	for j := i + 1; j < len(lines) && j <= i+4; j++ {
		f, _, ok := headerField(lines[j])
		if !ok {
			break
		}
		n++
		from = from || reHeaderFrom.MatchString(f)
	}
	return from && n >= 3 && reHeaderDate.MatchString(name)
}

// markSetextRules turns "====" or "----" right under a line of text (a
// markdown heading underline) back into text.
func markSetextRules(lines []string, kinds []lineKind) {
	for i := 1; i < len(lines); i++ {
		if kinds[i] != lDelim || kinds[i-1] != lText {
			continue
		}
		t := strings.TrimSpace(lines[i])
		if strings.Trim(t, "=") == "" || strings.Trim(t, "-") == "" {
			kinds[i] = lText
		}
	}
}
