package reply

import "strings"

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
		return lAttrib, 1
	}
	if n := wrappedAttribution(lines, i); n > 0 {
		return lAttrib, n
	}
	if isHeaderBlock(lines, i) {
		return lHeader, 1
	}
	return lText, 1
}

// wrappedAttribution returns how many lines, from i, form one attribution
// wrapped over several lines, or 0. A continuation line that is itself an
// attribution stops the search, so text is never glued onto the real one.
func wrappedAttribution(lines []string, i int) int {
	joined := strings.TrimSpace(lines[i])
	if !strings.ContainsAny(joined, "0123456789<@") && !reAttribWroteOnStart.MatchString(joined) || !reAttribStart.MatchString(joined) {
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
	if !ok || !reHeaderFrom.MatchString(name) {
		return false
	}
	for j := i + 1; j < len(lines) && j <= i+6; j++ {
		if n, _, ok := headerField(lines[j]); ok && !reHeaderFrom.MatchString(n) {
			return true
		}
	}
	return false
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
