package reply

import (
	"regexp"
	"strings"
	"time"

	msgmail "github.com/emersion/go-message/mail"
)

var (
	// reFwdSubject matches subjects of forwarded messages.
	reFwdSubject = regexp.MustCompile(`(?i)^\s*(?:\[[^\]]*\]\s*)?(?:fwd?|fw|wg|tr|rv|enc|i|doorst|vs|vb|pd|trs|転送|转发|пересл|переслано)\s*[:：]`)
	// reSubjectPrefix matches reply, forward and notes prefixes.
	reSubjectPrefix = regexp.MustCompile(`(?i)^\s*(?:(?:re|aw|sv|antw|réf|rif|odp|ответ|回复|答复|fwd?|fw|wg|tr|rv|enc|i|doorst|vs|vb|pd|trs|転送|转发|notes?|meeting\s+notes|minutes|recap|acta|ata|resumen|notas|notizen|protokoll|compte[- ]rendu)\s*(?:\[\d+\])?\s*[:：]\s*|\[[^\]]*\]\s*)+`)
	reMailto        = regexp.MustCompile(`(?i)\s*[\[<(]?mailto:[^\]>)]*[\]>)]?`)
)

// findForward finds a forwarded message: an attached message/rfc822 part,
// an inline forward block, or (HTML-only bodies) a forward in the history
// cut out of the HTML. It returns the original and the forwarder's own
// note, or nil. A bare header block counts as a forward when the subject
// says so or the message went to an ingest address.
func (p *parser) findForward(body string, t trimmed) (*Forwarded, string) {
	if len(p.root.embedded) > 0 {
		e := p.root.embedded[0]
		f := envelopeOf(e, p.m.Date)
		f.Text = trimReply(p.bodyText(e)).text
		return f, t.text
	}
	// A forward prefix in the subject counts for a bare header block only
	// when the message is not a reply in a thread ("VS:" is a Finnish
	// reply but a Danish forward).
	fwd := reFwdSubject.MatchString(p.m.Subject) && p.m.InReplyTo == "" || p.isIngest()
	lines, _ := splitLines(body, maxTrimLines)
	if f, idx := p.inlineForward(lines, fwd); f != nil {
		return f, trimReply(strings.Join(lines[:idx], "\n")).text
	}
	if p.html == nil || p.html.quoted == nil {
		return nil, ""
	}
	lines, _ = splitLines(p.html.quotedText(), maxTrimLines)
	if f, _ := p.inlineForward(lines, fwd); f != nil {
		return f, t.text
	}
	return nil, ""
}

// inlineForward reads the forward that opens at a marker or header block
// in lines, and returns it with the index of its first line, or nil.
func (p *parser) inlineForward(lines []string, fwd bool) (*Forwarded, int) {
	idx, quoted := forwardStart(lines, fwd)
	if idx < 0 {
		return nil, -1
	}
	rest := lines[idx:]
	if quoted {
		rest = unquote(rest)
	}
	f, bodyAt := p.readForwardHeader(rest)
	f.Text = trimReply(strings.Join(rest[bodyAt:], "\n")).text
	return f, idx
}

// forwardStart returns the index of the line that opens an inline forward,
// and whether it sits inside a quote. A forward marker always counts; an
// original-message marker or a bare header block counts when the subject
// says it is a forward.
func forwardStart(lines []string, fwdSubject bool) (int, bool) {
	for i, l := range lines {
		un := strings.TrimLeft(l, " >")
		if un == "" {
			continue
		}
		if m, fwd := isForwardMarker(un); m && (fwd || fwdSubject) {
			return i, un != l && strings.HasPrefix(strings.TrimSpace(l), ">")
		}
		if fwdSubject && isHeaderBlock(lines, i) {
			return i, strings.HasPrefix(strings.TrimSpace(l), ">")
		}
	}
	return -1, false
}

// unquote strips one level of "> " quoting.
func unquote(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		l = strings.TrimLeft(l, " ")
		l = strings.TrimPrefix(l, ">")
		out[i] = strings.TrimPrefix(l, " ")
	}
	return out
}

// readForwardHeader reads the From/Date/Subject block after a forward
// marker and returns it with the index of the first body line.
func (p *parser) readForwardHeader(lines []string) (*Forwarded, int) {
	f := &Forwarded{}
	i, seen, last := 0, 0, ""
	for ; i < len(lines) && i < 40; i++ {
		l := strings.TrimSpace(lines[i])
		if m, _ := isForwardMarker(l); m || (l == "" && seen == 0) || (seen == 0 && reDelimiter.MatchString(l)) {
			continue
		}
		if l == "" {
			if headerNext(lines, i+1) {
				continue // Apple Mail's HTML puts each field in its own block
			}
			break
		}
		name, val, ok := headerField(l)
		if !ok {
			if seen == 0 {
				break
			}
			if last == "subject" {
				f.Subject += " " + l
			}
			continue
		}
		seen++
		last = p.setForwardField(f, name, val)
	}
	if f.Date == "" && seen > 0 {
		p.m.warn("forwarded message: date not understood")
	}
	return f, i
}

// headerNext reports whether lines[i] is a header field, or a blank line
// followed by one.
func headerNext(lines []string, i int) bool {
	for j := i; j < len(lines) && j <= i+1; j++ {
		if l := strings.TrimSpace(lines[j]); l != "" {
			_, _, ok := headerField(l)
			return ok
		}
	}
	return false
}

// setForwardField stores one forwarded header field and says which it was.
func (p *parser) setForwardField(f *Forwarded, name, val string) string {
	switch {
	case reHeaderFrom.MatchString(name) && f.From == "":
		f.FromName, f.From = splitAddress(val)
		return "from"
	case reHeaderSubj.MatchString(name):
		f.Subject = val
		return "subject"
	case reHeaderDate.MatchString(name) && f.Date == "":
		if d, ok := dateInText(val, p.m.Date); ok {
			f.Date = d.Format(time.RFC3339)
		}
		return "date"
	}
	return name
}

// splitAddress reads "Ana Lima <ana@example.com>", "Ana Lima
// [mailto:ana@example.com]", "ana@example.com" or a bare name.
func splitAddress(s string) (name, addr string) {
	s = strings.TrimSpace(s)
	if a := reAddress.FindString(s); a != "" {
		addr = strings.ToLower(a)
		s = reMailto.ReplaceAllString(s, "")
		s = strings.ReplaceAll(s, a, "")
	}
	name = strings.Trim(strings.TrimSpace(s), `"'<>()[]* `)
	return name, addr
}

// envelopeOf reads an attached message's header.
func envelopeOf(c *content, ref time.Time) *Forwarded {
	mh := msgmail.Header{Header: c.header}
	f := &Forwarded{}
	if list, err := mh.AddressList("From"); err == nil && len(list) > 0 {
		f.From, f.FromName = strings.ToLower(list[0].Address), list[0].Name
	}
	f.Subject, _ = mh.Subject()
	if d, err := mh.Date(); err == nil {
		f.Date = d.Format(time.RFC3339)
	} else if d, ok := dateInText(c.header.Get("Date"), ref); ok {
		f.Date = d.Format(time.RFC3339)
	}
	return f
}

// cleanTitle strips Re:/Fwd:/WG:/TR:/RV:/Notes: prefixes from a subject;
// without a subject it takes the first heading line of the text.
func cleanTitle(subject, text string) string {
	t := strings.TrimSpace(reSubjectPrefix.ReplaceAllString(subject, ""))
	if t != "" {
		return t
	}
	for _, l := range strings.Split(text, "\n") {
		if l = strings.Trim(strings.TrimSpace(l), "#*_ "); l != "" {
			return l
		}
	}
	return ""
}
