package reply

import "strings"

// trimmed is the trimmer's result.
type trimmed struct {
	// text is what the sender wrote, with surrounding blank lines removed.
	text string
	// lines are the kept lines with their kinds; quoted lines interleaved
	// with answers stay, so that answers can be found under them.
	lines []string
	kinds []lineKind
	// rest holds the lines from the cut on: quoted history or a forwarded
	// message, nil when nothing was cut.
	rest []string
	// truncated is set when the body had more than maxTrimLines lines.
	truncated bool
}

// spaceReplacer turns no-break and other Unicode spaces (French clients put
// one before ":") into plain spaces.
var spaceReplacer = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2007", " ", "\u2009", " ", "\u200b", "", "\ufeff", "")

// splitLines normalises line endings and splits, keeping at most max lines.
func splitLines(body string, max int) ([]string, bool) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	body = spaceReplacer.Replace(body)
	lines := strings.SplitN(body, "\n", max+1)
	truncated := len(lines) > max
	if truncated {
		lines = lines[:max]
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\u00a0")
	}
	return lines, truncated
}

// trimReply separates the new text of a plain-text body from quoted
// history, attributions, embedded header blocks, signatures, footers and
// disclaimers. It examines at most maxTrimLines lines.
func trimReply(body string) trimmed {
	lines, truncated := splitLines(body, maxTrimLines)
	kinds := classifyLines(lines)
	drop := make([]bool, len(lines))
	dropLeadingAttribution(kinds, drop)
	cut := findCut(kinds, drop)
	res := trimmed{truncated: truncated}
	if cut < len(lines) {
		res.rest = lines[cut:]
	}
	lines, kinds = keep(lines[:cut], kinds[:cut], drop[:cut])
	lines, kinds = cutDisclaimer(lines, kinds)
	lines, kinds = dropTrailingQuote(lines, kinds)
	res.lines, res.kinds = lines, kinds
	res.text = joinTrimmed(lines)
	return res
}

// dropLeadingAttribution handles a message that starts with an attribution
// (bottom posting): the attribution goes, and when exactly one quote block
// follows it before the new text, that block goes too.
func dropLeadingAttribution(kinds []lineKind, drop []bool) {
	i := 0
	for i < len(kinds) && (kinds[i] == lBlank || kinds[i] == lFooter) {
		i++
	}
	if i == len(kinds) || kinds[i] != lAttrib {
		return
	}
	for i < len(kinds) && kinds[i] == lAttrib {
		drop[i] = true
		i++
	}
	start, end := i, i
	for end < len(kinds) && isQuoteOrBlank(kinds[end]) {
		end++
	}
	if end == start || end == len(kinds) {
		return
	}
	for j := end; j < len(kinds); j++ {
		if kinds[j] == lQuote || kinds[j] == lQuoteBlank {
			return // interleaved: several quote blocks answered in turn
		}
		if kinds[j] != lText && kinds[j] != lBlank && kinds[j] != lFooter {
			break
		}
	}
	for j := start; j < end; j++ {
		drop[j] = true
	}
}

func isQuoteOrBlank(k lineKind) bool {
	return k == lQuote || k == lQuoteBlank || k == lBlank
}

// findCut returns the index of the first line that starts quoted history, a
// forwarded message or a signature. Attributions that introduce quoted
// lines answered inline are marked dropped instead.
func findCut(kinds []lineKind, drop []bool) int {
	seenText := false
	for i, k := range kinds {
		if drop[i] {
			continue
		}
		switch k {
		case lText:
			seenText = true
		case lAttrib:
			if followedByQuote(kinds, i) || !seenText {
				drop[i] = true
				continue
			}
			return i
		case lForward, lHeader, lSig:
			return i
		case lDelim:
			if seenText || nextIsEmbedded(kinds, i) {
				return i
			}
			drop[i] = true
		case lFooter:
			drop[i] = true
		}
	}
	return len(kinds)
}

// followedByQuote reports whether the attribution at i (possibly several
// lines) is followed, after blank lines, by quoted lines.
func followedByQuote(kinds []lineKind, i int) bool {
	for j := i + 1; j < len(kinds); j++ {
		switch kinds[j] {
		case lAttrib, lBlank:
			continue
		case lQuote, lQuoteBlank:
			return true
		}
		return false
	}
	return false
}

func nextIsEmbedded(kinds []lineKind, i int) bool {
	for j := i + 1; j < len(kinds); j++ {
		switch kinds[j] {
		case lBlank, lDelim:
			continue
		case lHeader, lForward, lAttrib:
			return true
		}
		return false
	}
	return false
}

// keep returns the lines not dropped.
func keep(lines []string, kinds []lineKind, drop []bool) ([]string, []lineKind) {
	var outL []string
	var outK []lineKind
	for i := range lines {
		if drop[i] || kinds[i] == lFooter {
			continue
		}
		outL = append(outL, lines[i])
		outK = append(outK, kinds[i])
	}
	return outL, outK
}

// cutDisclaimer removes a legal disclaimer paragraph and what follows it,
// when it comes after some text.
func cutDisclaimer(lines []string, kinds []lineKind) ([]string, []lineKind) {
	seenText := false
	for i, l := range lines {
		if kinds[i] != lText {
			continue
		}
		paraStart := i == 0 || kinds[i-1] == lBlank
		if seenText && paraStart && reDisclaimer.MatchString(l) {
			return lines[:i], kinds[:i]
		}
		seenText = true
	}
	return lines, kinds
}

// dropTrailingQuote removes quoted lines at the end when there is some new
// text; when there is none, quoted attributions alone count as nothing.
func dropTrailingQuote(lines []string, kinds []lineKind) ([]string, []lineKind) {
	hasText, hasQuote := false, false
	for i, k := range kinds {
		hasText = hasText || k == lText
		if k == lQuote && !isAttribution(strings.TrimLeft(lines[i], " \t>")) {
			hasQuote = true
		}
	}
	if !hasText && !hasQuote {
		return nil, nil
	}
	if !hasText {
		return lines, kinds
	}
	end := len(kinds)
	for end > 0 && (isQuoteOrBlank(kinds[end-1]) || kinds[end-1] == lDelim) {
		end--
	}
	return lines[:end], kinds[:end]
}

// joinTrimmed joins lines and strips leading and trailing blank lines.
func joinTrimmed(lines []string) string {
	start, end := 0, len(lines)
	for start < end && strings.TrimSpace(lines[start]) == "" {
		start++
	}
	for end > start && strings.TrimSpace(lines[end-1]) == "" {
		end--
	}
	return strings.Join(lines[start:end], "\n")
}
