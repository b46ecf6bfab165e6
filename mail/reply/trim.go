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
	// removed lists what was taken out of the new text that is not quoted
	// history: footers, banners, signatures, and (see trimWith) the
	// greeting and sign-off, which stay in text.
	removed []Removed
	// unsure says why a signature without a delimiter was removed, or "".
	unsure string
}

// spaceReplacer turns no-break and other Unicode spaces (French clients put
// one before ":") into plain spaces.
var spaceReplacer = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2007", " ", "\u2009", " ", "\u200b", "", "\ufeff", "",
	"\u200e", "", "\u200f", "", "\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "", "\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "")

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
// disclaimers. It examines at most maxTrimLines lines. It knows nothing of
// the sender; see trimWith.
func trimReply(body string) trimmed {
	return trimWith(body, nil, nil)
}

// trimWith is trimReply that also marks the greeting, sign-off and
// signature block of the new text, using who (the sender, may be nil) to
// recognise a closing name and qs to tell headings from names.
func trimWith(body string, who *sender, qs []Question) trimmed {
	lines, truncated := splitLines(body, maxTrimLines)
	kinds := classifyLines(lines)
	markBanner(lines, kinds)
	drop := make([]bool, len(lines))
	dropLeadingAttribution(kinds, drop)
	dropLeadingHeader(lines, kinds, drop, qs)
	cut := findCut(kinds, drop)
	for cut < len(lines) && kinds[cut] == lDelim && ruleInsideText(lines, kinds, cut, qs) {
		kinds[cut] = lText // a rule between answers, not a footer line
		cut = findCut(kinds, drop)
	}
	res := trimmed{truncated: truncated}
	if cut < len(lines) {
		res.rest = lines[cut:]
		res.removed = append(res.removed, cutRemoved(lines[cut:], kinds[cut:])...)
	}
	var removed []Removed
	lines, kinds, removed = keep(lines[:cut], kinds[:cut], drop[:cut])
	res.removed = append(removed, res.removed...)
	lines, kinds, removed = cutDisclaimer(lines, kinds)
	res.removed = append(res.removed, removed...)
	lines, kinds = dropTrailingQuote(lines, kinds)
	if who != nil {
		if g := markGreeting(lines, kinds); g != nil {
			res.removed = append([]Removed{*g}, res.removed...)
		}
		c := markTail(lines, kinds, who, qs)
		res.removed = append(res.removed, c.removed...)
		res.unsure = c.unsure
	}
	res.lines, res.kinds = lines, kinds
	res.text = joinText(lines, kinds)
	return res
}

// joinText joins the lines that belong to the text: all but signature
// blocks found without a delimiter.
func joinText(lines []string, kinds []lineKind) string {
	var out []string
	for i, l := range lines {
		if kinds[i] != lSignature {
			out = append(out, l)
		}
	}
	return joinTrimmed(out)
}

// cutRemoved returns what a cut at a "-- " signature line or a rule took
// that is not quoted history: the signature or footer lines up to the
// first quote, attribution, header block or forward marker.
func cutRemoved(lines []string, kinds []lineKind) []Removed {
	kind := ""
	switch kinds[0] {
	case lSig:
		kind = "signature"
	case lDelim:
		kind = "footer"
	default:
		return nil
	}
	var out []string
	for i := 1; i < len(lines); i++ {
		if k := kinds[i]; k == lQuote || k == lQuoteBlank || k == lAttrib || k == lHeader || k == lForward || k == lSig || k == lDelim && i+1 < len(lines) && kinds[i+1] == lHeader {
			break
		}
		if t := strings.TrimSpace(lines[i]); t != "" {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil
	}
	footers := 0
	for _, l := range out {
		if isFooter(l) {
			footers++
		}
	}
	if footers == len(out) {
		kind = "footer" // "-- " then only "Sent from my phone with K-9 Mail"
	}
	if kind == "footer" && footers < len(out) {
		for _, l := range out {
			if rePhone.MatchString(l) || reContactLabel.MatchString(l) {
				kind = "signature" // a rule, then name and phone numbers
				break
			}
		}
	}
	return []Removed{{Kind: kind, Text: strings.Join(out, "\n")}}
}

// dropLeadingHeader handles a message that starts with an embedded header
// block (From:/Sent:/Subject: … then the text): the block goes and the
// text below it stays, up to the next quote or cut.
func dropLeadingHeader(lines []string, kinds []lineKind, drop []bool, qs []Question) {
	i := 0
	for i < len(kinds) && (kinds[i] == lBlank || kinds[i] == lFooter || kinds[i] == lBanner || drop[i] || kinds[i] == lDelim || kinds[i] == lForward) {
		i++
	}
	if i == len(kinds) || kinds[i] != lHeader {
		return
	}
	j := i
	for j < len(lines) {
		if _, _, ok := headerField(lines[j]); ok || kinds[j] == lHeader {
			j++
			continue
		}
		break
	}
	if j >= len(lines) || !hasTextAfter(kinds, j-1) {
		return
	}
	j = afterPrompt(lines, kinds, j, qs)
	for k := 0; k < j; k++ {
		if kinds[k] != lBanner {
			drop[k] = true
		}
	}
}

// dropLeadingAttribution handles a message that starts with an attribution
// (bottom posting): the attribution goes, and when exactly one quote block
// follows it before the new text, that block goes too.
func dropLeadingAttribution(kinds []lineKind, drop []bool) {
	i := 0
	for i < len(kinds) && (kinds[i] == lBlank || kinds[i] == lFooter || kinds[i] == lBanner) {
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

// keep returns the lines not dropped, and the footers and banners left
// out.
func keep(lines []string, kinds []lineKind, drop []bool) ([]string, []lineKind, []Removed) {
	var outL []string
	var outK []lineKind
	var removed []Removed
	var banner []string
	for i := range lines {
		switch {
		case kinds[i] == lFooter:
			removed = append(removed, Removed{Kind: "footer", Text: strings.TrimSpace(lines[i])})
			continue
		case kinds[i] == lBanner:
			banner = append(banner, strings.TrimSpace(lines[i]))
			continue
		case drop[i]:
			continue
		}
		outL = append(outL, lines[i])
		outK = append(outK, kinds[i])
	}
	if banner != nil {
		removed = append([]Removed{{Kind: "banner", Text: strings.Join(banner, "\n")}}, removed...)
	}
	return outL, outK, removed
}

// cutDisclaimer removes a legal disclaimer paragraph and what follows it,
// when it comes after some text.
func cutDisclaimer(lines []string, kinds []lineKind) ([]string, []lineKind, []Removed) {
	seenText := false
	for i, l := range lines {
		if kinds[i] != lText {
			continue
		}
		paraStart := i == 0 || kinds[i-1] == lBlank
		if seenText && paraStart && reDisclaimer.MatchString(l) {
			var out []string
			for j := i; j < len(lines); j++ {
				if kinds[j] == lText {
					out = append(out, strings.TrimSpace(lines[j]))
				}
			}
			return lines[:i], kinds[:i], []Removed{{Kind: "footer", Text: strings.Join(out, "\n")}}
		}
		seenText = true
	}
	return lines, kinds, nil
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

// afterPrompt returns where the new text starts below a header block at
// the top that is followed, unquoted, by the prompt itself (its questions
// as lines of their own): at the first heading after the last question,
// or at the end when there is none. Otherwise it returns from.
func afterPrompt(lines []string, kinds []lineKind, from int, qs []Question) int {
	last := -1
	for i := from; i < len(lines); i++ {
		if kinds[i] == lText && quotedQuestion(lines[i], qs) >= 0 {
			last = i
		}
	}
	if last < 0 {
		return from
	}
	for i := last + 1; i < len(lines); i++ {
		if kinds[i] != lText {
			continue
		}
		if _, _, ok := heading(lines[i], qs, nil); ok {
			return i
		}
	}
	return len(lines)
}

// ruleInsideText reports whether the rule line at i sits inside the new
// text: a question heading follows it before any quote, attribution,
// header block or signature.
func ruleInsideText(lines []string, kinds []lineKind, i int, qs []Question) bool {
	if nextIsEmbedded(kinds, i) {
		return false
	}
	for j := i + 1; j < len(lines); j++ {
		switch kinds[j] {
		case lText:
			if _, _, ok := heading(lines[j], qs, nil); ok {
				return true
			}
		case lBlank, lDelim, lFooter:
		default:
			return false
		}
	}
	return false
}
