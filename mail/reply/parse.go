package reply

import (
	"strings"
	"time"

	"github.com/emersion/go-message"
	msgmail "github.com/emersion/go-message/mail"
)

// Options tell Parse what the message is a reply to and where it was sent.
type Options struct {
	// Questions are the check-in's questions, in order; nil means Daily().
	// When the keys are those of Daily() or Weekly(), headings in other
	// languages ("Gestern:", "Aujourd'hui :", "Bloqueos:") count too.
	Questions []Question
	// Rcpt is the envelope recipient. When empty, the To header is used.
	Rcpt string
	// IsIngest reports whether an address is an ingest address (mail there
	// is a meeting summary or a forward). Nil means the default: local part
	// "meetings" or "meetings+<team>".
	IsIngest func(addr string) bool
	// Now stands in for the Date header when it is missing or unreadable.
	// Zero means the zero time.
	Now time.Time
}

// Parse reads one RFC 5322 message and says what it is and what its sender
// wrote. The error (wrapping errNotMessage, prefixed "reply: ") is non-nil
// only when raw is not a message at all: empty, or without a header. A
// malformed but readable message gives the best Message it can, with
// Warnings. Parse is safe for concurrent use and bounded in work by the
// limits in limits.go.
func Parse(raw []byte, opts Options) (*Message, error) {
	w := &walker{}
	e, err := readMessage(raw, w)
	if err != nil {
		return nil, err
	}
	root := &content{header: e.Header}
	w.walk(e, root, 0)
	m := &Message{
		Answers: []Answer{}, Commands: []Command{}, Decisions: []string{},
		ActionItems: []ActionItem{}, Attachments: []Attachment{}, Warnings: []string{},
		Removed: []Removed{}, Unsure: []string{},
	}
	readEnvelope(m, e.Header, opts)
	if len(raw) > 8*maxPartBytes {
		m.warn("message larger than the parsing limits; parts of it were skipped")
	}
	p := &parser{opts: opts, m: m, w: w, root: root}
	p.run()
	for _, s := range w.warnings {
		m.warn(s)
	}
	if root.attachments != nil {
		m.Attachments = root.attachments
	}
	return m, nil
}

// readEnvelope fills the header-derived fields.
func readEnvelope(m *Message, h message.Header, opts Options) {
	mh := msgmail.Header{Header: h}
	if from, err := mh.AddressList("From"); err == nil && len(from) > 0 {
		m.From, m.FromName = strings.ToLower(from[0].Address), from[0].Name
	} else if raw := h.Get("From"); raw != "" {
		m.From = strings.Trim(strings.TrimSpace(raw), "<>")
		m.warn("From header unreadable")
	} else {
		m.warn("no From header")
	}
	if s, err := mh.Subject(); err == nil {
		m.Subject = s
	} else {
		m.Subject = h.Get("Subject")
	}
	m.MessageID = strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	if ids, err := mh.MsgIDList("In-Reply-To"); err == nil && len(ids) > 0 {
		m.InReplyTo = ids[0]
	}
	switch d, err := mh.Date(); {
	case h.Get("Date") == "":
		m.Date = opts.Now
		m.warn("no Date header")
	case err != nil:
		if t, ok := dateInText(h.Get("Date"), opts.Now); ok {
			m.Date = t
		} else {
			m.Date = opts.Now
			m.warn("Date header unreadable")
		}
	default:
		m.Date = d
	}
}

// parser holds one Parse call's state.
type parser struct {
	opts Options
	m    *Message
	w    *walker
	root *content
	// html is the root's HTML body when it is the one read (no text/plain).
	html *htmlBody
	qs   []Question // see questions
}

// questions returns the check-in's questions, with localized headings
// added for the built-in daily and weekly sets.
func (p *parser) questions() []Question {
	if p.qs == nil {
		qs := p.opts.Questions
		if len(qs) == 0 {
			qs = Daily()
		}
		p.qs = withLocalizedAliases(qs)
	}
	return p.qs
}

// run classifies the message and fills the fields its kind calls for.
func (p *parser) run() {
	m := p.m
	if b := findBounce(p.root, m); b != nil {
		m.Kind, m.Bounce = KindBounce, b
		m.Text = trimReply(p.bodyText(p.root)).text
		return
	}
	body := p.bodyText(p.root)
	t := p.trim(body)
	if alt, ok := p.interleavedHTML(t); ok {
		body, t = p.html.interleaved, alt
	}
	if t.truncated {
		m.warn("body has more than 4000 lines; the rest was not examined")
	}
	m.Text = t.text
	m.Removed = append(m.Removed, t.removed...)
	if p.html != nil {
		for _, s := range p.html.signatures {
			kind := "signature"
			if isFooter(s) {
				kind = "footer" // Proton's "Sent with Proton Mail secure email."
			}
			m.Removed = append(m.Removed, Removed{Kind: kind, Text: s})
		}
	}
	if isAutoReply(p.root.header, m) {
		m.Kind = KindAutoReply
		if d, ok := returnDate(body, m.Date); ok {
			m.AutoReplyUntil = ymd(d)
		}
		return
	}
	if fwd, note := p.findForward(body, t); fwd != nil {
		m.Kind, m.Forwarded, m.Text = KindForward, fwd, note
		m.Title = cleanTitle(fwd.Subject, fwd.Text)
		p.meeting(fwd.Text, fwd.Date)
		return
	}
	if p.isIngest() {
		m.Kind = KindSummary
		m.Title = cleanTitle(m.Subject, m.Text)
		p.meeting(m.Text, "")
		return
	}
	p.reply(t)
}

// trim is trimWith for this message's sender and questions.
func (p *parser) trim(body string) trimmed {
	return trimWith(body, newSender(p.m.FromName, p.m.From), p.questions())
}

// bodyText returns the text to trim: text/plain when there is one, else
// the HTML with its quoted part cut out, rendered as text.
func (p *parser) bodyText(c *content) string {
	if c.hasPlain && strings.TrimSpace(c.plain) != "" {
		return c.plain
	}
	if c.hasHTML {
		h := htmlToText(c.html, p.w)
		if c == p.root {
			p.html = h
		}
		return h.text
	}
	if c == p.root && len(c.embedded) == 0 && c.dsn == "" {
		p.m.warn("no text body")
	}
	return ""
}

// isIngest reports whether the message went to an ingest address.
func (p *parser) isIngest() bool {
	addrs := []string{p.opts.Rcpt}
	if p.opts.Rcpt == "" {
		mh := msgmail.Header{Header: p.root.header}
		for _, f := range []string{"To", "Cc", "Delivered-To", "X-Original-To"} {
			list, _ := mh.AddressList(f)
			for _, a := range list {
				addrs = append(addrs, a.Address)
			}
		}
	}
	is := p.opts.IsIngest
	if is == nil {
		is = DefaultIngest
	}
	for _, a := range addrs {
		if a != "" && is(a) {
			return true
		}
	}
	return false
}

// DefaultIngest reports whether addr's local part is "meetings" or
// "meetings+<team>", case-insensitively.
func DefaultIngest(addr string) bool {
	local, _, ok := strings.Cut(strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>")), "@")
	if !ok {
		return false
	}
	return local == "meetings" || strings.HasPrefix(local, "meetings+")
}

// meeting extracts decisions and action items from notes dated date (RFC
// 3339; empty means the message's date).
func (p *parser) meeting(text, date string) {
	ref := p.m.Date
	if t, err := time.Parse(time.RFC3339, date); err == nil {
		ref = t
	}
	notes := extractMeeting(text, ref)
	p.m.Decisions, p.m.ActionItems = notes.decisions, notes.actions
	if p.m.Title == "" {
		p.m.Title = notes.title
	}
}
