package inbound

import (
	"context"
	"fmt"
	"github.com/tidings-app/tidings/templates"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// receiptWidth is the column plain-text receipts are wrapped at.
const receiptWidth = 78

// receiptData is what the receipt templates render.
type receiptData struct {
	Subject   string
	FirstName string
	Team      string
	CheckIn   string
	Why       []string // why the parser guessed; empty when it did not
	Answers   []receiptAnswer
	Headings  string   // "Yesterday: / Today: / Blockers:"
	Example   []string // the first and last headings, for "Yesterday: …"
}

// receiptAnswer is one question and what is filed under it.
type receiptAnswer struct {
	Heading  string   // "Yesterday"
	Question string   // "What did you get done yesterday?"
	Lines    []string // the answer's lines; empty: nothing filed
}

// wantsReceipt reports whether the team's setting asks for a receipt for
// this reply: never for commands, auto-replies or bounces (callers only
// reach here with a reply that has answers), always with "always", and
// with "unsure" (the default) only when the parser had to guess.
func (j *job) wantsReceipt() bool {
	if j.msg.Kind != reply.KindReply {
		return false
	}
	switch j.target.Team.ReceiptMode() {
	case store.ReceiptsAlways:
		return true
	case store.ReceiptsUnsure:
		return len(j.msg.Unsure) > 0
	}
	return false
}

// receipt queues the short reply that shows the member how the answers of
// update u were filed and how to correct them, in the member's thread and
// answering to the prompt's reply address. At most one is sent per prompt:
// its dedup key "receipt:PROMPT" is a unique claim in the store, so two
// instances (or two replies) cannot both send one. It returns a note for
// the message's reason, empty when no receipt was wanted.
func (j *job) receipt(ctx context.Context, u *store.Update) (string, error) {
	if !j.wantsReceipt() {
		return "", nil
	}
	c, tmpl := j.p.opts.Composer, j.p.opts.Templates
	if c == nil || tmpl == nil || !tmpl.Has("receipt") {
		return "receipt wanted (no composer or receipt template configured): not sent", nil
	}
	m, p := j.target.Member, j.target.Prompt
	d := receiptData{Subject: replySubject(j.msg.Subject, j.target.CheckIn.Name), FirstName: firstName(m.Name),
		Team: j.target.Team.Name, CheckIn: j.target.CheckIn.Name, Why: j.msg.Unsure}
	var heads []string
	for _, q := range j.target.CheckIn.Questions {
		a := receiptAnswer{Heading: headingOf(q), Question: q.Text}
		for _, ans := range u.Answers {
			if ans.Key == q.Key {
				a.Lines = strings.Split(strings.TrimSpace(ans.Text), "\n")
			}
		}
		d.Answers = append(d.Answers, a)
		heads = append(heads, a.Heading+":")
	}
	d.Headings = strings.Join(heads, " / ")
	switch len(heads) {
	case 0:
	case 1:
		d.Example = heads
	default:
		d.Example = []string{heads[0], heads[len(heads)-1]}
	}
	r, err := tmpl.Render("receipt", d)
	if err != nil {
		return "", fmt.Errorf("inbound: render receipt: %w", err)
	}
	var refs []string
	for _, id := range []string{p.MessageID, j.msg.InReplyTo, j.msg.MessageID} {
		if id = strings.Trim(id, "<> "); id != "" && !slices.Contains(refs, id) {
			refs = append(refs, id)
		}
	}
	raw, msgID, err := c.Compose(outbound.Message{
		To:      []outbound.Address{{Name: m.Name, Addr: m.Email}},
		ReplyTo: j.p.opts.Addresses.Reply(p.ID),
		Subject: r.Subject, Text: templates.Wrap(r.Text, receiptWidth), HTML: r.HTML,
		InReplyTo: strings.Trim(j.msg.MessageID, "<> "), References: refs,
		Headers: []outbound.Header{{Key: "Auto-Submitted", Value: "auto-replied"}, {Key: "X-Auto-Response-Suppress", Value: "All"}},
	})
	if err != nil {
		return "", fmt.Errorf("inbound: compose receipt: %w", err)
	}
	pid, mid, tid := p.ID, m.ID, j.target.Team.ID
	out := store.OutboundMessage{DedupKey: fmt.Sprintf("receipt:%d", p.ID), Kind: "receipt", PromptID: &pid,
		MemberID: &mid, TeamID: &tid, Recipient: m.Email, MessageID: msgID, Subject: r.Subject, Raw: raw}
	created, err := j.tx.QueueOutbound(ctx, &out)
	if err != nil {
		return "", err
	}
	if !created {
		return fmt.Sprintf("receipt not sent: outbound %d already answered this prompt", out.ID), nil
	}
	return fmt.Sprintf("receipt queued (outbound %d)", out.ID), nil
}

// headingOf is the heading a member writes for q: its first alias longer
// than one letter, else its key, capitalised ("Yesterday").
func headingOf(q store.Question) string {
	h := q.Key
	for _, a := range q.Aliases {
		if utf8.RuneCountInString(a) > 1 {
			h = a
			break
		}
	}
	r, n := utf8.DecodeRuneInString(h)
	return string(unicode.ToUpper(r)) + h[n:]
}

// replySubject is "Re: " and the member's subject, or the check-in's name.
func replySubject(s, checkIn string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "Re: " + checkIn
	case len(s) >= 3 && strings.EqualFold(s[:3], "re:"):
		return s
	}
	return "Re: " + s
}
